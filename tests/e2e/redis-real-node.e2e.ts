/**
 * Redis in real pods, through the Pulumi CLI: `scripts/cluster.sh up --real-node` starts a kubelet node on
 * containerd beside the kwok nodes, and a stack that enables only Redis places it there (scheduling
 * nodeSelector and toleration, the locally built images of scripts/images.sh, the node's local volumes).
 * Asserted through the Kubernetes API and `redis-cli` in the pods: the topology forms, the sentinels agree,
 * the exporter reports `redis_up 1`, the probes run and pass, the data directory is writable by the pods'
 * user; then faults, checking known keys after each: the master's pod deleted (no write one replica
 * acknowledged lost, never two nodes whose `ROLE` says master), then its container killed (no write
 * both replicas acknowledged lost), during a sentinel-following writer; kubelet and containerd restarted; a node reboot; a StatefulSet
 * replacement forced by a storage-class edit; a scale-in by `pulumi config set --path` with its sentinel
 * reset Job. Measurements are printed (docs/real-node.md keeps the results).
 */
import * as assert from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { Project, REPO, initStack, toolchainBin, waitFor } from "./cli";
import { CLUSTER_ENV, CONTAINERD_SOCKET, NODE, realNodeDown, realNodeUp, redisStackConfig, script } from "./real-node";

const STACK = "realnode";
const NS = "stateful-realnode";
const MASTER_NAME = "mymaster";
const PASSWORD = "e2e-real-node-redis-pw";
const host = (pod: string): string => `${pod}.redis-headless.${NS}.svc.cluster.local`;

/** The stack's config: only Redis, on the real node, with the local images and volumes. */
const STACK_CONFIG = redisStackConfig(NS);

function log(message: string): void {
    console.log(`      [real-node] ${message}`);
}

describe("Redis on a real node (containerd + kubelet), through the Pulumi CLI", function () {
    let project: Project;
    let kubeconfig: string;

    const k = (...args: string[]): string => project.kubectl("-n", NS, ...args);
    const json = (...args: string[]): any => JSON.parse(k(...args, "-o", "json"));
    /** redis-cli in a pod against its own server (nodes: container redis, port 6379; sentinels: sentinel, 26379). */
    const cli = (pod: string, command: string): string => {
        const sentinel = pod.includes("sentinel");
        return k(
            "exec",
            pod,
            "-c",
            sentinel ? "sentinel" : "redis",
            "--",
            "sh",
            "-c",
            `REDISCLI_AUTH="$REDIS_PASSWORD" timeout 5 redis-cli --no-auth-warning --raw -h "$POD_IP" -p ${sentinel ? 26379 : 6379} ${command}`,
        ).trim();
    };
    const tryCli = (pod: string, command: string): string | undefined => {
        try {
            return cli(pod, command);
        } catch {
            return undefined;
        }
    };
    const nodePods = (): string[] =>
        json("get", "pods")
            .items.map((p: any) => p.metadata.name as string)
            .filter((n: string) => /^redis-\d+$/.test(n))
            .sort();
    const sentinelPods = (): string[] =>
        json("get", "pods")
            .items.map((p: any) => p.metadata.name as string)
            .filter((n: string) => /^redis-sentinel-\d+$/.test(n))
            .sort();
    const role = (pod: string): string | undefined => tryCli(pod, "ROLE")?.split("\n")[0];
    const sentinelMasters = (): (string | undefined)[] =>
        sentinelPods().map((s) => tryCli(s, `SENTINEL get-master-addr-by-name ${MASTER_NAME}`)?.split("\n")[0]);
    const info = (pod: string, section: string): Record<string, string> =>
        Object.fromEntries(
            (tryCli(pod, `INFO ${section}`) ?? "")
                .split("\n")
                .filter((l) => l.includes(":"))
                .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
        );
    const allReady = (pods: string[]): boolean =>
        pods.every((p) => {
            try {
                const pod = json("get", "pod", p);
                return pod.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True") === true;
            } catch {
                return false;
            }
        });
    const keys = (pod: string, pattern: string): Set<string> =>
        new Set((tryCli(pod, `--scan --pattern '${pattern}'`) ?? "").split("\n").filter((s) => s !== ""));
    const restarts = (): Record<string, number> =>
        Object.fromEntries(
            json("get", "pods").items.flatMap((p: any) =>
                (p.status.containerStatuses ?? []).map((c: any) => [`${p.metadata.name}/${c.name}`, c.restartCount as number]),
            ),
        );
    /** Waits until one master has every other node connected with its link up and every sentinel names it. */
    const converged = async (replicas: number, seconds = 120): Promise<string> => {
        let master = "";
        await waitFor(
            `one master with ${replicas - 1} connected replicas that every sentinel names`,
            () => {
                const pods = nodePods();
                if (pods.length !== replicas || !allReady([...pods, ...sentinelPods()])) return false;
                const ms = pods.filter((p) => role(p) === "master");
                if (ms.length !== 1) return false;
                master = ms[0];
                if (info(master, "replication").connected_slaves !== String(replicas - 1)) return false;
                if (!pods.filter((p) => p !== master).every((p) => info(p, "replication").master_link_status === "up")) return false;
                return sentinelMasters().every((m) => m === host(master));
            },
            seconds,
        );
        return master;
    };
    /** Writes `count` keys `prefix:i` on the master, each acknowledged by both replicas (`WAIT 2`); returns the acknowledged ones. */
    const writeKnown = (master: string, prefix: string, count: number): string[] => {
        const script = Array.from({ length: count }, (_, i) => `SET ${prefix}:${i} v${i}\nWAIT 2 2000`).join("\n");
        const out = k(
            "exec",
            master,
            "-c",
            "redis",
            "--",
            "sh",
            "-c",
            `printf '${script.replace(/\n/g, "\\n")}\\n' | REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --no-auth-warning --raw -h "$POD_IP"`,
        )
            .trim()
            .split("\n");
        const acked: string[] = [];
        for (let i = 0; i < count; i++) if (out[2 * i] === "OK" && Number(out[2 * i + 1]) >= 2) acked.push(`${prefix}:${i}`);
        return acked;
    };
    /** Keys acknowledged so far and not on `pod`. */
    const missing = (pod: string, acked: string[]): string[] => {
        const present = keys(pod, "*");
        return acked.filter((key) => !present.has(key));
    };
    const up = (): string => project.pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]).stdout;

    const known: string[] = [];

    before(function () {
        this.timeout(1800_000);
        toolchainBin();
        const node = realNodeUp();
        kubeconfig = node.kubeconfig;
        log(`cluster with the real node up in ${node.seconds.toFixed(1)} s`);
        project = Project.copy(kubeconfig);
        fs.writeFileSync(path.join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), STACK_CONFIG);
        initStack(project, STACK, { redisPassword: PASSWORD });
    });

    after(function () {
        this.timeout(600_000);
        const down = realNodeDown();
        log(`cluster and real node down in ${down.seconds.toFixed(1)} s (${down.processes} node and container processes before)`);
    });

    it("builds the node's images locally from Debian packages, reproducibly: a second build from nothing is byte for byte the one the node imported", () => {
        const build = (env: NodeJS.ProcessEnv): Map<string, string> =>
            new Map(
                execFileSync("bash", [path.join(REPO, "scripts", "images.sh"), "build"], {
                    encoding: "utf8",
                    env,
                    stdio: ["ignore", "pipe", "pipe"],
                })
                    .trim()
                    .split("\n")
                    .map((line) => line.split(" ") as [string, string]),
            );
        const sha = (file: string): string => execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0];
        const imported = build(CLUSTER_ENV);
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-images-"));
        try {
            const t0 = Date.now();
            const fresh = build({ ...CLUSTER_ENV, STATEFUL_K8S_IMAGES: scratch });
            log(`images built from nothing in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${[...fresh.keys()].join(", ")}`);
            assert.deepStrictEqual([...fresh.keys()].sort(), [...imported.keys()].sort());
            for (const [ref, tar] of fresh) assert.strictEqual(sha(tar), sha(imported.get(ref)!), `${ref}: the same bytes`);
            for (const ref of ["localhost/stateful-k8s/redis:7.0.15-debian12", "localhost/stateful-k8s/redis-exporter:1.45.0-debian12"])
                assert.ok(fresh.has(ref), `${ref} is built`);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("pulumi up places the nodes and sentinels on the real node: a master, replicas and agreeing sentinels form", async () => {
        const t0 = Date.now();
        const out = up();
        log(`pulumi up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        assert.match(out, /Resources:\n\s+\+ \d+ created/);
        const master = await converged(3);
        log(`converged ${((Date.now() - t0) / 1000).toFixed(1)} s after pulumi up started; master ${master}`);
        for (const pod of json("get", "pods").items) {
            assert.strictEqual(pod.spec.nodeName, NODE, `${pod.metadata.name} runs on the real node`);
            assert.strictEqual(pod.status.phase, "Running", pod.metadata.name);
        }
        assert.deepStrictEqual(nodePods(), ["redis-0", "redis-1", "redis-2"]);
        assert.deepStrictEqual(sentinelPods(), ["redis-sentinel-0", "redis-sentinel-1", "redis-sentinel-2"]);
        // Sentinels learn replicas from the master's INFO (every 10 s) and each other from hello messages (every
        // 2 s): wait for that discovery, then check every field.
        const sentinelView = (s: string): string[] => (tryCli(s, `SENTINEL MASTER ${MASTER_NAME}`) ?? "").split("\n");
        const seen = (s: string, name: string): string | undefined => {
            const fields = sentinelView(s);
            return fields.includes(name) ? fields[fields.indexOf(name) + 1] : undefined;
        };
        const discovery = Date.now();
        await waitFor(
            "every sentinel to discover two replicas and two other sentinels",
            () => sentinelPods().every((s) => seen(s, "num-slaves") === "2" && seen(s, "num-other-sentinels") === "2"),
            60,
        );
        log(`sentinels saw every replica and sentinel ${((Date.now() - discovery) / 1000).toFixed(1)} s after the topology formed`);
        for (const s of sentinelPods()) {
            const fields = sentinelView(s);
            const field = (name: string) => fields[fields.indexOf(name) + 1];
            assert.strictEqual(field("ip"), host(master), `${s} names the master`);
            assert.strictEqual(field("num-slaves"), "2", `${s} sees two replicas`);
            assert.strictEqual(field("num-other-sentinels"), "2", `${s} sees the other sentinels`);
            assert.strictEqual(field("flags"), "master", `${s}: master flags`);
        }
        // Claims are the real node's local volumes.
        const claims = json("get", "pvc").items;
        assert.deepStrictEqual(claims.map((c: any) => c.metadata.name).sort(), ["data-redis-0", "data-redis-1", "data-redis-2"]);
        for (const c of claims) {
            assert.strictEqual(c.status.phase, "Bound");
            assert.strictEqual(c.spec.storageClassName, "real-node-local");
        }
    });

    it("the exporter serves redis_up 1, the probes run and pass with no restart, /data is writable by the pods' user", async () => {
        for (const pod of nodePods()) {
            const metrics = project.kubectl("get", "--raw", `/api/v1/namespaces/${NS}/pods/${pod}:9121/proxy/metrics`);
            assert.match(metrics, /^redis_up 1$/m, `${pod}: redis_up`);
            assert.match(metrics, /^redis_connected_slaves \d+$/m);
            const ids = k(
                "exec",
                pod,
                "-c",
                "redis",
                "--",
                "sh",
                "-c",
                "id -u; id -G; stat -c '%g %a' /data; touch /data/.e2e && rm /data/.e2e && echo writable; ls /data",
            ).split("\n");
            assert.strictEqual(ids[0], "999", `${pod} runs as 999`);
            assert.ok(ids[1].split(" ").includes("999"), `${pod} has the fsGroup`);
            assert.strictEqual(ids[2].split(" ")[0], "999", `${pod}: /data belongs to the fsGroup`);
            assert.strictEqual(ids[3], "writable", `${pod}: /data is writable`);
            assert.ok(ids.includes("appendonlydir"), `${pod}: the AOF is on the volume (${ids.slice(4).join(" ")})`);
        }
        // The kubelet's own probe counters. A startup probe absorbs the failures of a starting server, and a
        // replica's readiness waits for its link to the master (it fails while the replica first syncs); once
        // the topology has formed, every probe keeps running and none fails, and liveness never failed at all.
        const scrape = (): string => project.kubectl("get", "--raw", `/api/v1/nodes/${NODE}/proxy/metrics/probes`);
        const count = (probes: string, pod: string, container: string, type: string, result: string): number =>
            probes
                .split("\n")
                .filter(
                    (l) =>
                        l.startsWith("prober_probe_total{") &&
                        l.includes(`container="${container}"`) &&
                        l.includes(`namespace="${NS}"`) &&
                        l.includes(`pod="${pod}"`) &&
                        l.includes(`probe_type="${type}"`) &&
                        l.includes(`result="${result}"`),
                )
                .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
        await converged(3);
        const first = scrape();
        await new Promise((r) => setTimeout(r, 21_000)); // two liveness periods
        const second = scrape();
        const summary: string[] = [];
        for (const pod of [...nodePods(), ...sentinelPods()]) {
            const container = pod.includes("sentinel") ? "sentinel" : "redis";
            for (const type of ["Startup", "Readiness", "Liveness"]) {
                const ok = count(second, pod, container, type, "successful");
                const failed = count(second, pod, container, type, "failed");
                summary.push(`${pod} ${type} ${ok} ok/${failed} failed`);
                assert.ok(ok > 0, `${pod}: the ${type} probe ran and passed`);
                if (type === "Startup") continue;
                assert.ok(ok > count(first, pod, container, type, "successful"), `${pod}: the ${type} probe keeps running`);
                assert.strictEqual(
                    failed,
                    count(first, pod, container, type, "failed"),
                    `${pod}: the ${type} probe failed after the topology formed`,
                );
                if (type === "Liveness") assert.strictEqual(failed, 0, `${pod}: the liveness probe never failed`);
            }
        }
        log(`probes: ${summary.join(", ")}`);
        const r = restarts();
        assert.ok(
            Object.values(r).every((n) => n === 0),
            `no container restarted: ${JSON.stringify(r)}`,
        );
    });

    it("scripts/real-node.sh up again while the node runs is a no-op: the same containers, no restart", () => {
        const containers = (): string[] =>
            json("get", "pods")
                .items.flatMap((p: any) => (p.status.containerStatuses ?? []).map((c: any) => `${c.containerID}/${c.restartCount}`))
                .sort();
        const before = containers();
        const t0 = Date.now();
        script("real-node.sh", "up");
        log(`real-node.sh up again took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        assert.deepStrictEqual(containers(), before);
        assert.strictEqual(json("get", "node", NODE).status.conditions.find((c: any) => c.type === "Ready").status, "True");
    });

    /** min-replicas-to-write as the nodes run it (0: a master always accepts writes). */
    const minReplicasToWrite = (pod: string): number => Number((tryCli(pod, "CONFIG GET min-replicas-to-write") ?? "").split("\n")[1] ?? 0);
    /** Whether `pod` says it is master, and whether it would accept a write (enough good replicas). */
    const masterView = (pod: string): { master: boolean; writable: boolean } => {
        const r = info(pod, "replication");
        if (r.role !== "master") return { master: false, writable: false };
        const need = minReplicasToWrite(pod);
        const good = r.min_slaves_good_slaves === undefined ? Number(r.connected_slaves ?? 0) : Number(r.min_slaves_good_slaves);
        return { master: true, writable: need === 0 || good >= need };
    };
    /**
     * Nodes that say they are master, and those of them that would accept a write. A sample is a sequence
     * of reads over a second or two, not a snapshot: a node that said master before a later node did counts
     * only if it still says so when read again after that node (its two reads bracket the other's), so a
     * handover between two reads is not taken for two masters at once.
     */
    const masterViews = (): { masters: string[]; writable: string[] } => {
        const first = nodePods().map((pod) => ({ pod, ...masterView(pod) }));
        const said = first.filter((v) => v.master);
        const confirmed =
            said.length < 2 ? said : [...said.slice(0, -1).map((v) => ({ pod: v.pod, ...masterView(v.pod) })), said[said.length - 1]];
        const now = confirmed.filter((v) => v.master);
        return { masters: now.map((v) => v.pod), writable: now.filter((v) => v.writable).map((v) => v.pod) };
    };

    /**
     * Runs a sentinel-following writer (it asks a sentinel for the master before every SET, then `WAIT 2 500`
     * and records how many replicas acknowledged) for
     * 50 s, injects `fault` into the master 5 s in, watches the nodes' roles and the sentinels' answer every
     * second, and returns what happened once the topology has converged again.
     */
    const underWrites = async (prefix: string, fault: (master: string) => void) => {
        const oldMaster = await converged(3);
        const writerScript = [
            "end=$(( $(date +%s) + 50 )); i=0",
            'while [ "$(date +%s)" -lt "$end" ]; do',
            "  i=$((i + 1))",
            `  m=$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 2 redis-cli --no-auth-warning --raw -h "$POD_IP" -p 26379 SENTINEL get-master-addr-by-name ${MASTER_NAME} | head -n 1)`,
            `  r=$(printf 'SET ${prefix}:%s %s\\nWAIT 2 500\\n' "$i" "$i" | REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning --raw -h "$m" 2>&1 | tr '\\n' ' ')`,
            '  echo "W $(date +%s.%N) $i $m $r"',
            "  sleep 0.1",
            "done",
        ].join("\n");
        const writer: ChildProcess = spawn(
            "kubectl",
            ["-n", NS, "exec", "redis-sentinel-0", "-c", "sentinel", "--", "sh", "-c", writerScript],
            {
                env: project.env,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let writes = "";
        writer.stdout!.on("data", (d) => (writes += d));
        const writerDone = new Promise<void>((resolve) => writer.on("exit", () => resolve()));
        // A faster look at the nodes' roles than the loop below: ROLE on every node as often as the pod manages (1-2 a second on a loaded host),
        // from inside the cluster (a deleted pod's name stops resolving: "down").
        const samplerScript = [
            "end=$(( $(date +%s) + 50 ))",
            'while [ "$(date +%s)" -lt "$end" ]; do',
            '  r=""',
            `  for h in ${[0, 1, 2].map((i) => host(`redis-${i}`)).join(" ")}; do`,
            '    x=$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 1 redis-cli --no-auth-warning --raw -h "$h" ROLE 2>/dev/null | head -n 1)',
            '    r="$r ${x:-down}"',
            "  done",
            '  echo "R $(date +%s.%N)$r"',
            "  sleep 0.05",
            "done",
        ].join("\n");
        const sampler: ChildProcess = spawn(
            "kubectl",
            ["-n", NS, "exec", "redis-sentinel-1", "-c", "sentinel", "--", "sh", "-c", samplerScript],
            { env: project.env, stdio: ["ignore", "pipe", "pipe"] },
        );
        let roles = "";
        sampler.stdout!.on("data", (d) => (roles += d));
        const samplerDone = new Promise<void>((resolve) => sampler.on("exit", () => resolve()));
        await new Promise((r) => setTimeout(r, 5000));

        const t0 = Date.now();
        fault(oldMaster);
        let movedAt: number | undefined;
        let twoMasters = 0;
        let twoWritable = 0;
        let samples = 0;
        const seen: string[] = [];
        while (writer.exitCode === null) {
            const v = masterViews();
            samples++;
            if (v.masters.length > 1) twoMasters++;
            if (v.writable.length > 1) twoWritable++;
            const view = sentinelMasters();
            if (movedAt === undefined && view.every((m) => m !== undefined && m !== host(oldMaster)) && new Set(view).size === 1)
                movedAt = Date.now();
            seen.push(
                `${((Date.now() - t0) / 1000).toFixed(1)}s masters=[${v.masters.join(",")}] writable=[${v.writable.join(",")}] sentinels=[${view.map((x) => x?.split(".")[0]).join(",")}]`,
            );
            await new Promise((r) => setTimeout(r, 1000));
        }
        await writerDone;
        await samplerDone;
        const roleSamples = roles.split("\n").filter((l) => l.startsWith("R "));
        const twoRoleMasters = roleSamples.filter((l) => l.split(" ").filter((w) => w === "master").length >= 2);
        log(
            `${prefix}: ${twoRoleMasters.length} of ${roleSamples.length} ROLE samples found two masters${twoRoleMasters.length ? `: ${twoRoleMasters.slice(0, 5).join("; ")}` : ""}`,
        );
        const newMaster = await converged(3, 180);
        const convergedAt = Date.now();
        log(seen.join("\n      [real-node]   "));
        const lines = writes.split("\n").filter((l) => l.startsWith("W "));
        const key = (l: string): string => `${prefix}:${l.split(" ")[2]}`;
        const acked = lines.filter((l) => / OK [1-9]\d* ?$/.test(l)).map(key);
        const ackedByAll = lines.filter((l) => / OK [2-9]\d* ?$/.test(l)).map(key);
        const ackedZero = lines.filter((l) => / OK 0 ?$/.test(l)).length;
        const refused = lines.length - acked.length - ackedZero;
        const lostKnown = missing(newMaster, known);
        const lost = missing(newMaster, acked);
        const lostByAll = missing(newMaster, ackedByAll);
        log(
            `${prefix}: old master ${oldMaster}, new master ${newMaster}; sentinels agreed on a new master ${movedAt === undefined ? "never" : `${((movedAt - t0) / 1000).toFixed(1)} s`} after the fault; ` +
                `converged ${((convergedAt - t0) / 1000).toFixed(1)} s after; samples with two masters ${twoMasters}/${samples}, with two writable masters ${twoWritable}/${samples}`,
        );
        log(
            `${prefix}: ${lines.length} writes attempted, ${ackedByAll.length} acknowledged by both replicas, ${acked.length - ackedByAll.length} by one only, ${ackedZero} written but not replicated (WAIT 0), ${refused} refused or failed; ` +
                `lost: ${lostByAll.length} acknowledged by both, ${lost.length - lostByAll.length} by one only${lost.length > 0 ? ` (${lost.slice(0, 20).join(" ")})` : ""}, ${lostKnown.length} of ${known.length} known keys`,
        );
        if (lost.length > 0 || twoMasters > 0) {
            log(`writes:\n${lines.slice(-80).join("\n")}`);
            log(`old master's log:\n${k("logs", oldMaster, "-c", "redis", "--tail", "60")}`);
            for (const sp of sentinelPods()) log(`${sp} log:\n${k("logs", sp, "-c", "sentinel", "--tail", "30")}`);
        }
        const oldRole = info(oldMaster, "replication");
        return {
            oldMaster,
            newMaster,
            oldRole,
            acked,
            ackedByAll,
            lost,
            lostByAll,
            lostKnown,
            twoMasters: twoMasters + twoRoleMasters.length,
            roleSamples: roleSamples.length,
            twoWritable,
        };
    };

    it("deleting the master's pod: a replica is promoted, the old master returns as a replica, no write one replica acknowledged (WAIT 1) is lost, never two nodes whose ROLE says master", async () => {
        known.push(...writeKnown(await converged(3), "known", 200));
        assert.strictEqual(known.length, 200, "200 known keys acknowledged by both replicas");
        const r = await underWrites("deleted", (master) => {
            k("delete", "pod", master, "--wait=false");
            log(`deleted the pod of the master ${master}`);
        });
        assert.strictEqual(r.oldRole.role, "slave", `${r.oldMaster} returned as a replica`);
        assert.strictEqual(r.oldRole.master_host, host(r.newMaster), `${r.oldMaster} replicates from the new master`);
        assert.notStrictEqual(r.newMaster, r.oldMaster, "a replica was promoted");
        assert.ok(r.acked.length > 0, "some writes were acknowledged during the fault");
        assert.deepStrictEqual(r.lostKnown, [], "known keys lost");
        assert.deepStrictEqual(r.lost, [], "writes acknowledged by WAIT 1 during the fault lost");
        // The preStop hook makes the old master a replica before it asks the sentinels to promote one.
        assert.ok(r.roleSamples >= 30, `the ROLE sampler ran (${r.roleSamples} samples)`);
        assert.strictEqual(r.twoMasters, 0, "samples in which two nodes said ROLE master (a planned restart)");
        assert.strictEqual(r.twoWritable, 0, "samples in which two masters accepted writes (a planned restart)");
        known.push(...r.acked);
    });

    it("killing the master's redis-server (SIGKILL, no preStop): no write both replicas acknowledged (WAIT 2) is lost, never two writable masters", async () => {
        const r = await underWrites("killed", (master) => {
            const id = (json("get", "pod", master).status.containerStatuses as any[])
                .find((c) => c.name === "redis")
                .containerID.replace("containerd://", "");
            execFileSync("ctr", ["--address", CONTAINERD_SOCKET, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id]);
            log(`SIGKILL to the redis container of the master ${master} (${id.slice(0, 12)})`);
        });
        assert.ok(r.ackedByAll.length > 0, "some writes were acknowledged by both replicas during the fault");
        assert.deepStrictEqual(r.lostKnown, [], "known keys lost");
        // A crash guarantees only what every replica acknowledged: the sentinels may promote the replica that
        // had not acknowledged a WAIT 1 write (their INFO of the offsets can be seconds old). Those are logged.
        assert.deepStrictEqual(r.lostByAll, [], "writes acknowledged by both replicas (WAIT 2) during the fault lost");
        assert.strictEqual(r.twoWritable, 0, "samples in which two masters accepted writes");
        assert.strictEqual(
            r.oldRole.role,
            r.oldMaster === r.newMaster ? "master" : "slave",
            `${r.oldMaster}'s role agrees with the sentinels`,
        );
        known.push(...r.ackedByAll);
    });

    it("restarting kubelet and containerd: the pods come back with their data", async () => {
        const before = json("get", "pods")
            .items.map((p: any) => `${p.metadata.name}/${p.metadata.uid}`)
            .sort();
        const restartsBefore = restarts();
        const t0 = Date.now();
        script("real-node.sh", "restart");
        const master = await converged(3, 180);
        log(`kubelet and containerd restarted; topology converged ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart began`);
        assert.deepStrictEqual(
            json("get", "pods")
                .items.map((p: any) => `${p.metadata.name}/${p.metadata.uid}`)
                .sort(),
            before,
            "the same pods",
        );
        for (const pod of nodePods()) assert.deepStrictEqual(missing(pod, known), [], `${pod} holds every known key`);
        log(`every node holds all ${known.length} known keys; master ${master}; restarts ${JSON.stringify(restarts())}`);
        assert.deepStrictEqual(restarts(), restartsBefore, "no container was restarted by the kubelet and containerd restart");
    });

    it("a node reboot (every container killed, pod mounts and network namespaces gone): the pods are recreated with their data, the seed redis-0 is master (a cold start)", async () => {
        const containerIds = (): string[] =>
            json("get", "pods").items.flatMap((p: any) => (p.status.containerStatuses ?? []).map((c: any) => c.containerID as string));
        const before = containerIds();
        const masterBefore = await converged(3);
        const t0 = Date.now();
        script("real-node.sh", "reboot");
        const master = await converged(3, 300);
        log(
            `node rebooted; topology converged ${((Date.now() - t0) / 1000).toFixed(1)} s after the reboot began; master ${master} (${masterBefore} before)`,
        );
        // The documented cold start (README, "Known limit, the cold start"): the sentinels' state was in memory,
        // so nobody remembers the master and the seed, ordinal 0, becomes master whoever was.
        assert.strictEqual(master, "redis-0", "after a cold start the seed is master");
        const after = containerIds();
        assert.ok(
            after.every((id) => !before.includes(id)),
            "every container is new",
        );
        for (const pod of nodePods()) assert.deepStrictEqual(missing(pod, known), [], `${pod} holds every known key`);
        log(`every node holds all ${known.length} known keys after the reboot`);
    });

    it("a storage-class edit replaces the StatefulSet; the new one adopts the running pods and their claims", async () => {
        const sts = json("get", "statefulset", "redis");
        const pods = json("get", "pods").items.filter((p: any) => /^redis-\d+$/.test(p.metadata.name));
        const claims = json("get", "pvc")
            .items.map((c: any) => `${c.metadata.name}/${c.metadata.uid}`)
            .sort();
        project.pulumi(["config", "set", "--path", "redis.storage.storageClassName", "real-node-local-alt", "--stack", STACK]);
        const out = up();
        const changes = JSON.parse(project.pulumi(["stack", "history", "--json", "--show-secrets=false", "--stack", STACK]).stdout)[0]
            .resourceChanges;
        log(`storage-class edit: ${JSON.stringify(changes)}`);
        assert.ok((changes.replace ?? 0) >= 1, "the StatefulSet is replaced");
        assert.match(out, /replaced/);
        const replaced = json("get", "statefulset", "redis");
        assert.notStrictEqual(replaced.metadata.uid, sts.metadata.uid, "a new StatefulSet object");
        assert.strictEqual(replaced.spec.volumeClaimTemplates[0].spec.storageClassName, "real-node-local-alt");
        await converged(3, 180);
        const after = json("get", "pods").items.filter((p: any) => /^redis-\d+$/.test(p.metadata.name));
        for (const p of pods) {
            const now = after.find((a: any) => a.metadata.name === p.metadata.name);
            assert.ok(now !== undefined, `${p.metadata.name} still exists`);
            assert.strictEqual(now.metadata.uid, p.metadata.uid, `${p.metadata.name} is the same pod (adopted, not recreated)`);
            assert.strictEqual(
                now.metadata.ownerReferences?.[0]?.uid,
                replaced.metadata.uid,
                `${p.metadata.name} is owned by the new StatefulSet`,
            );
        }
        assert.deepStrictEqual(
            json("get", "pvc")
                .items.map((c: any) => `${c.metadata.name}/${c.metadata.uid}`)
                .sort(),
            claims,
            "the same claims",
        );
        for (const pod of nodePods()) assert.deepStrictEqual(missing(pod, known), [], `${pod} holds every known key`);
    });

    it("scale-in by pulumi config set --path redis.replicas 2: the reset Job runs in a pod and the sentinels forget the removed node", async () => {
        await converged(3);
        project.pulumi(["config", "set", "--path", "redis.replicas", "2", "--stack", STACK]);
        const t0 = Date.now();
        up();
        log(`scale-in pulumi up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        const jobs = json("get", "jobs").items.filter((j: any) => j.metadata.name.startsWith("redis-sentinel-reset-"));
        assert.strictEqual(jobs.length, 1, "one reset Job");
        const job = jobs[0];
        await waitFor("the reset Job to succeed", () => (json("get", "job", job.metadata.name).status.succeeded ?? 0) >= 1, 300);
        const jobPods = json("get", "pods", "-l", `job-name=${job.metadata.name}`).items;
        assert.ok(jobPods.length >= 1, "the Job ran a pod");
        for (const p of jobPods) assert.strictEqual(p.spec.nodeName, NODE, "the Job's pod ran on the real node");
        log(`reset Job log:\n${k("logs", `job/${job.metadata.name}`)}`);
        const master = await converged(2, 120);
        for (const s of sentinelPods()) {
            const fields = tryCli(s, `SENTINEL MASTER ${MASTER_NAME}`)!.split("\n");
            assert.strictEqual(fields[fields.indexOf("num-slaves") + 1], "1", `${s} forgot the removed node`);
            const replicas = tryCli(s, `SENTINEL REPLICAS ${MASTER_NAME}`) ?? "";
            assert.ok(!replicas.includes(host("redis-2")), `${s} no longer lists redis-2`);
        }
        for (const pod of nodePods()) assert.deepStrictEqual(missing(pod, known), [], `${pod} holds every known key`);
        log(
            `after the scale-in: master ${master}, ${nodePods().length} nodes, every sentinel sees 1 replica, all ${known.length} known keys present`,
        );
    });
});
