/**
 * Automatic scaling, live: the real HorizontalPodAutoscaler controller of kube-controller-manager reads
 * emulated CPU usage (kwok's resource-usage emulation, scraped by metrics-server: scripts/cluster.sh
 * --metrics) and scales Eureka's StatefulSet, the TiDB SQL layer (TiDBGroup through /scale) and the Kafka
 * broker pool (KafkaNodePool through /scale), all deployed by the Pulumi CLI in a project copy. The suite
 * checks that Pulumi stays out of the autoscaler's way (preview, up, refresh change nothing back), that
 * scale-in waits for the configured stabilization window and stops at minReplicas, and that editing
 * `autoscaling.maxReplicas` changes only the HPA (and, for Eureka, the peer list in its pod template); then
 * the negative: the policy pack refuses a StatefulSet whose replicas Pulumi still manages under an HPA, and
 * once the HPA has scaled it, `pulumi up` (after a refresh) wants the count back: with server-side apply the
 * update fails on a field conflict with the HPA's /scale writes, and with `pulumi.com/patchForce` it resets it.
 *
 * No operator runs here, so nothing creates TiDB or Kafka pods: the suite stands in for the operator
 * where the HPA needs it (the pods it measures, and the label selector the operator publishes in the
 * custom resource's status for /scale) and asserts spec.replicas of the custom resources. The stack config,
 * the load moves and the stand-ins are the lab's (autoscaling-lab.ts), which the benchmark shares.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    AutoscalingLab,
    HIGH_CPU as HIGH,
    IDLE_CPU as IDLE,
    LAB_MAX as MAX,
    LAB_MIN as MIN,
    LAB_NAMESPACE as NS,
    LAB_SYSTEMS as SYSTEMS,
    LAB_WINDOW as WINDOW,
    LabSystem,
    labStackConfig,
    lastChanges as changesOf,
    unchanged,
} from "./autoscaling-lab";
import { Project, clusterDown, clusterUp, initStack, toolchainBin, waitFor } from "./cli";

const STACK = "autoscale";

describe("automatic scaling with the real HPA controller, emulated load and the Pulumi CLI", function () {
    this.timeout(40 * 60 * 1000);
    let project: Project;
    const savedMetrics = process.env.STATEFUL_K8S_METRICS;

    let lab: AutoscalingLab;
    const kubectlJson = (...args: string[]): any => lab.json(...args);
    const replicasOf = (s: { resource: string; name: string }, ns = NS): number => lab.replicasOf(s, ns);
    const podSelector = (s: LabSystem): string => lab.podSelector(s);
    const setLoad = (selector: string, cpu: string, ns = NS): void => lab.setLoad(selector, cpu, ns);
    const hpaOf = (s: LabSystem): any => lab.hpaOf(s);
    const lastChanges = (stack: string): Record<string, number> => changesOf(project, stack);
    /** Polls until `check` holds; returns the seconds it took. */
    const timed = async (what: string, check: () => boolean, seconds: number): Promise<number> => {
        const start = Date.now();
        await waitFor(what, check, seconds);
        return Math.round((Date.now() - start) / 1000);
    };

    before(() => {
        toolchainBin();
        process.env.STATEFUL_K8S_METRICS = "1";
        clusterUp();
        project = Project.copy();
        lab = new AutoscalingLab(project);
        fs.writeFileSync(path.join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), labStackConfig());
        initStack(project, STACK);
    });

    after(() => {
        if (savedMetrics === undefined) delete process.env.STATEFUL_K8S_METRICS;
        else process.env.STATEFUL_K8S_METRICS = savedMetrics;
        clusterDown();
    });

    it("serves emulated pod usage through metrics.k8s.io (kubectl top)", async () => {
        project.kubectl(
            "run",
            "probe",
            "-n",
            "default",
            "--image=registry.k8s.io/pause:3.10",
            "--annotations=kwok.x-k8s.io/usage-cpu=250m",
        );
        let top = "";
        await waitFor(
            "kubectl top pod probe",
            () => {
                try {
                    top = project.kubectl("top", "pod", "probe", "-n", "default", "--no-headers");
                    return true;
                } catch {
                    return false;
                }
            },
            120,
        );
        const millicores = Number(/\s(\d+)m\s/.exec(top)?.[1]);
        assert.ok(millicores >= 200 && millicores <= 300, `kubectl top shows ${top.trim()}; expected about 250m`);
        project.kubectl("delete", "pod", "probe", "-n", "default", "--wait=false");
    });

    it("1. deploys the three systems with autoscaling at the minimum", async () => {
        project.pulumi(["up", "--yes", "--stack", STACK, "--policy-pack", "policies"]);
        for (const s of SYSTEMS) {
            assert.strictEqual(replicasOf(s), MIN, s.key);
            const hpa = hpaOf(s);
            assert.ok(hpa !== undefined, `no HPA targets ${s.resource} ${s.name}`);
            assert.deepStrictEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [MIN, MAX], s.key);
            assert.strictEqual(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, WINDOW, s.key);
        }
        await waitFor(`${MIN} Eureka pods`, () => lab.eurekaPods() === MIN, 120);
        // The operators' part: pods of the TiDB and Kafka groups, and the selector the HPA reads through /scale.
        for (const s of SYSTEMS) lab.standInForOperator(s);
        // Each HPA reads its metric before the load changes (ScalingActive), so the times below measure the reaction.
        for (const s of SYSTEMS) await lab.untilReading(s);
    });

    it("2. raises the emulated CPU above the target: the HPA raises each scaled object's replicas (Eureka: pods too)", async () => {
        for (const s of SYSTEMS) setLoad(podSelector(s), HIGH);
        const start = Date.now();
        const times: Record<string, number> = {};
        await waitFor(
            `every scaled object at ${MAX} replicas`,
            () => {
                for (const s of SYSTEMS) {
                    if (times[s.key] === undefined && replicasOf(s) === MAX) times[s.key] = Math.round((Date.now() - start) / 1000);
                }
                return Object.keys(times).length === SYSTEMS.length;
            },
            300,
        );
        const eureka = SYSTEMS[0];
        const podsAt = await timed(`${MAX} Eureka pods`, () => lab.eurekaPods() === MAX, 120);
        // The StatefulSet controller makes a claim per template per pod (Eureka keeps no data: none).
        const templates = (kubectlJson("get", "statefulset", "eureka", "-n", NS).spec.volumeClaimTemplates ?? []).length;
        const claims = project.names("persistentvolumeclaims", NS).filter((c) => /-eureka-\d+$/.test(c));
        assert.strictEqual(claims.length, templates * MAX);
        console.log(`      HPA reaction (load change -> replicas ${MAX}), seconds: ${JSON.stringify(times)}; Eureka pods +${podsAt} s`);
        assert.strictEqual(replicasOf(eureka), MAX);
        // What each HPA acted on: the CPU it read is above its 50 % target, and it stops at maxReplicas.
        for (const s of SYSTEMS) {
            const status = hpaOf(s).status;
            const cpu = status.currentMetrics?.[0]?.resource?.current?.averageUtilization as number;
            assert.ok(cpu > 50, `${s.key}: the HPA read ${cpu} % CPU`);
            assert.strictEqual(status.desiredReplicas, MAX, s.key);
            assert.strictEqual(replicasOf(s), MAX, s.key);
        }
    });

    it("3. preview, up, refresh and preview again change nothing back", () => {
        project.pulumi(["preview", "--expect-no-changes", "--stack", STACK]);
        project.pulumi(["up", "--yes", "--stack", STACK]);
        assert.deepStrictEqual(unchanged(lastChanges(STACK)), true, JSON.stringify(lastChanges(STACK)));
        for (const s of SYSTEMS) assert.strictEqual(replicasOf(s), MAX, `${s.key} after pulumi up`);
        project.pulumi(["refresh", "--yes", "--stack", STACK]);
        project.pulumi(["preview", "--expect-no-changes", "--stack", STACK]);
        project.pulumi(["up", "--yes", "--stack", STACK]);
        assert.deepStrictEqual(unchanged(lastChanges(STACK)), true, JSON.stringify(lastChanges(STACK)));
        for (const s of SYSTEMS) assert.strictEqual(replicasOf(s), MAX, `${s.key} after refresh and pulumi up`);
    });

    it(`4. lowers the load: the HPA scales in after the ${WINDOW} s window, one member at a time, never below minReplicas`, async () => {
        for (const s of SYSTEMS) setLoad(podSelector(s), IDLE);
        const start = Date.now();
        const times: Record<string, number> = {};
        const seen: Record<string, number[]> = { eureka: [], tidb: [], kafka: [] };
        const stabilized: Record<string, boolean> = {};
        await waitFor(
            `every scaled object back at ${MIN}`,
            () => {
                for (const s of SYSTEMS) {
                    const r = replicasOf(s);
                    if (seen[s.key][seen[s.key].length - 1] !== r) seen[s.key].push(r);
                    // The controller says when it holds a scale-in back for the window.
                    const able = (hpaOf(s).status?.conditions ?? []).find((c: any) => c.type === "AbleToScale");
                    if (r === MAX && able?.reason === "ScaleDownStabilized") stabilized[s.key] = true;
                    if (times[s.key] === undefined && r === MIN) times[s.key] = Math.round((Date.now() - start) / 1000);
                }
                return Object.keys(times).length === SYSTEMS.length;
            },
            300,
        );
        console.log(`      HPA scale-in (load drop -> replicas ${MIN}), seconds: ${JSON.stringify(times)}`);
        for (const s of SYSTEMS) {
            assert.deepStrictEqual(seen[s.key], [MAX, MIN], `${s.key}: replica counts seen`);
            assert.strictEqual(stabilized[s.key], true, `${s.key}: the HPA never reported ScaleDownStabilized before scaling in`);
            // The window counts from the last high recommendation, taken up to one sync period (15 s) before the drop.
            assert.ok(
                times[s.key] >= WINDOW - 15,
                `${s.key} scaled in after ${times[s.key]} s, inside its ${WINDOW} s stabilization window`,
            );
        }
        // Stays at the minimum (idle load would ask for fewer), and Eureka's budget holds with the pods left.
        await new Promise((r) => setTimeout(r, 30_000));
        for (const s of SYSTEMS) assert.strictEqual(replicasOf(s), MIN, `${s.key} below minReplicas`);
        await waitFor(`${MIN} Eureka pods`, () => lab.eurekaPods() === MIN, 120);
        const pdb = kubectlJson("get", "pdb", "-n", NS).items.find((p: any) => p.metadata.name.startsWith("eureka"));
        assert.ok(pdb.status.currentHealthy >= pdb.status.desiredHealthy, JSON.stringify(pdb.status));
        assert.ok(pdb.status.disruptionsAllowed >= 1, JSON.stringify(pdb.status));
    });

    it("5. autoscaling.maxReplicas edited in stack config: pulumi up updates the HPAs (and Eureka's peer list), never replicas", () => {
        for (const s of SYSTEMS) project.pulumi(["config", "set", "--path", `${s.key}.autoscaling.maxReplicas`, String(MAX + 1)]);
        const preview = JSON.parse(project.pulumi(["preview", "--stack", STACK, "--json"]).stdout);
        const changed = preview.steps.filter((st: any) => st.op !== "same" && st.op !== "read");
        const hpas = changed.filter((st: any) => st.urn.includes("$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::"));
        assert.strictEqual(hpas.length, SYSTEMS.length, JSON.stringify(changed.map((st: any) => st.urn)));
        // Eureka lists every possible peer (maxReplicas of them) in its pod template, so its StatefulSet is
        // updated too: the template only, never spec.replicas. TiDB and Kafka: the HPA only.
        const others = changed.filter((st: any) => !hpas.includes(st));
        assert.deepStrictEqual(
            others.map((st: any) => `${st.op} ${st.urn.split("::").pop()}`),
            ["update eureka-sts"],
        );
        const paths = Object.keys(others[0].detailedDiff ?? {});
        assert.ok(
            paths.length > 0 && paths.every((p) => p.startsWith("spec.template")),
            `Eureka's StatefulSet diff: ${JSON.stringify(others[0])}`,
        );
        for (const st of changed) assert.strictEqual(st.op, "update", st.urn);
        project.pulumi(["up", "--yes", "--stack", STACK]);
        const changes = lastChanges(STACK);
        assert.strictEqual(changes.update, SYSTEMS.length + 1, JSON.stringify(changes));
        assert.ok(
            Object.keys(changes).every((op) => ["same", "read", "update"].includes(op)),
            JSON.stringify(changes),
        );
        for (const s of SYSTEMS) {
            assert.strictEqual(hpaOf(s).spec.maxReplicas, MAX + 1, s.key);
            assert.strictEqual(replicasOf(s), MIN, s.key);
        }
    });

    it("negative: the policy pack refuses a StatefulSet whose replicas Pulumi manages; pulumi up fights the HPA for it", async () => {
        const stack = "unmanaged";
        project.useProgram("tests/e2e/fixtures/autoscaling-unmanaged/index.ts");
        // The runtime's tsconfig option is relative to the program's folder.
        const settings = path.join(project.dir, "Pulumi.yaml");
        fs.writeFileSync(settings, fs.readFileSync(settings, "utf8").replace(/tsconfig: .*/, "tsconfig: ../../../../tsconfig.json"));
        project.pulumi(["stack", "select", stack, "--create"]);
        const refused = project.pulumi(["preview", "--stack", stack, "--policy-pack", "policies"], { allowFailure: true });
        assert.notStrictEqual(refused.status, 0);
        assert.match(refused.stdout + refused.stderr, /autoscaler-owns-replicas/);
        assert.match(refused.stdout + refused.stderr, /Pulumi still manages its spec\.replicas \(2\)/);

        project.pulumi(["up", "--yes", "--stack", stack]);
        const web = { resource: "statefulset", name: "web" };
        await waitFor("2 web pods", () => project.names("pods", "as-unmanaged").length === 2, 120);
        await waitFor(
            "the web HPA reading CPU",
            () =>
                (kubectlJson("get", "hpa", "web", "-n", "as-unmanaged").status?.conditions ?? []).some(
                    (c: any) => c.type === "ScalingActive" && c.status === "True",
                ),
            180,
        );
        setLoad("app.kubernetes.io/name=web", HIGH, "as-unmanaged");
        const took = await timed("the HPA scaling web to 3", () => replicasOf(web, "as-unmanaged") === 3, 300);
        console.log(`      HPA reaction on the unmanaged StatefulSet: ${took} s`);
        // What the autoscaler chose is in the cluster; once a refresh reads it, the next up wants it back. With
        // server-side apply the API server refuses that (spec.replicas belongs to the HPA's /scale writes) and
        // the update fails...
        project.pulumi(["refresh", "--yes", "--stack", stack]);
        const fight = project.pulumi(["up", "--yes", "--stack", stack, "--diff"], { allowFailure: true });
        assert.notStrictEqual(fight.status, 0);
        assert.match(fight.stdout, /replicas\s*:\s*3 => 2/);
        assert.match(fight.stdout + fight.stderr, /conflict with "kube-controller-manager" with subresource "scale"[^\n]*\.spec\.replicas/);
        assert.strictEqual(replicasOf(web, "as-unmanaged"), 3);
        // ...and with the usual way out of a conflict (pulumi.com/patchForce), pulumi up resets what the HPA chose.
        // (Idle load first, so that the HPA does not raise it again before the check; its own scale-in waits 300 s.)
        setLoad("app.kubernetes.io/name=web", IDLE, "as-unmanaged");
        project.pulumi(["config", "set", "--stack", stack, "patchForce", "true"]);
        const forced = project.pulumi(["up", "--yes", "--stack", stack, "--diff"]);
        assert.match(forced.stdout, /replicas\s*:\s*3 => 2/);
        assert.deepStrictEqual(lastChanges(stack), { same: lastChanges(stack).same, update: 1 });
        assert.strictEqual(replicasOf(web, "as-unmanaged"), 2);
    });
});
