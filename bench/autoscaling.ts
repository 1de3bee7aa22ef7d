/**
 * Part 4 of `npm run bench`: how long automatic scaling takes, next to the same step by hand. On a fresh
 * local control plane with resource metrics (scripts/cluster.sh --metrics: kwok emulates pod CPU,
 * metrics-server serves it, the real kube-controller-manager's HPA controller reads it), the lab of the
 * live autoscaling suite (tests/e2e/autoscaling-lab.ts) deploys Eureka, the TiDB SQL layer and the Kafka
 * broker pool through the Pulumi CLI, twice, and then runs both ways in turn, `repeat` times:
 *   - stack `autoscale`, with `autoscaling { 2..3 }`: the emulated CPU of every system's pods goes above
 *     the target at once; timed from that annotation to each scaled object's spec.replicas of 3 and
 *     (Eureka) to its third pod; then the load drops, timed to the scale-in back to 2;
 *   - stack `manual`, the same without autoscaling (namespace stateful-as-manual): per system,
 *     `pulumi config set --path <system>.replicas 3` and `pulumi up --yes --skip-preview`, timed from the
 *     config edit to the object's new count (polled during the update), to the pods (Eureka) and to the
 *     command's exit; then the same back to 2.
 * Times are polled through kubectl, one call at a time: about half a second of resolution on a loaded machine.
 * No operator runs, so nothing creates TiDB or Kafka pods (the lab stands in for the operators' pods that
 * the HPA measures): for them the pods column is empty in both ways alike.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    AutoscalingLab,
    HIGH_CPU,
    IDLE_CPU,
    LAB_MAX,
    LAB_MIN,
    LAB_SYSTEMS,
    LAB_WINDOW,
    LabSystem,
    labStackConfig,
} from "../tests/e2e/autoscaling-lab";
import { Project, initStack } from "../tests/e2e/cli";
import { benchClusterDown, benchClusterUp, secs, timedPulumi, until } from "./cli";
import { cell, table } from "./report";

const AUTOSCALED = "autoscale";
const MANUAL = "manual";
const MANUAL_NAMESPACE = "stateful-as-manual";

/** One run of the HPA way: seconds from the load change to each system's new count (and Eureka's pods). */
interface HpaRun {
    /** Load up: seconds to spec.replicas = max, by system. */
    up: Record<string, number>;
    /** Load up: seconds to Eureka's max-th pod. */
    upPods: number;
    /** Load down: seconds to spec.replicas = min, by system (the stabilization window included). */
    down: Record<string, number>;
    /** 1-minute load average of the machine when the run began. */
    loadAverage: number;
}

/** One manual step of one system: seconds from the start of `pulumi config set` on. */
interface ManualStep {
    system: string;
    /** Target count. */
    replicas: number;
    /** `pulumi config set --path` alone. */
    configSet: number;
    /** To the object's spec.replicas = target (polled while `pulumi up` runs). */
    object: number;
    /** To the target number of Eureka pods (Eureka only). */
    pods?: number;
    /** To the exit of `pulumi up`. */
    up: number;
    /** The update's summary: objects per operation. */
    changes: Record<string, number>;
    loadAverage: number;
}

const since = (t: number): number => secs(Date.now() - t);
const load1 = (): number => Math.round(os.loadavg()[0] * 100) / 100;

/** Polls the lab until every system has `replicas` (and Eureka as many pods); returns the seconds per system and Eureka's pods. */
async function timeCounts(lab: AutoscalingLab, replicas: number, limitS: number): Promise<{ at: Record<string, number>; pods: number }> {
    const t = Date.now();
    const at: Record<string, number> = {};
    let pods = -1;
    await until(
        `every scaled object at ${replicas} replicas and ${replicas} Eureka pods`,
        () => {
            for (const s of LAB_SYSTEMS) if (at[s.key] === undefined && lab.replicasOf(s) === replicas) at[s.key] = since(t);
            if (pods < 0 && lab.eurekaPods() === replicas) pods = since(t);
            return Object.keys(at).length === LAB_SYSTEMS.length && pods >= 0;
        },
        limitS,
    );
    return { at, pods };
}

/** Deploys the autoscaled stack and readies the lab: Eureka's pods, the operators' stand-ins, HPAs reading CPU. */
async function deployAutoscaled(project: Project, lab: AutoscalingLab): Promise<void> {
    await timedPulumi(project, ["up", "--yes", "--skip-preview", "--stack", AUTOSCALED]);
    await until(`${LAB_MIN} Eureka pods`, () => lab.eurekaPods() === LAB_MIN, 180);
    for (const s of LAB_SYSTEMS) lab.standInForOperator(s);
    for (const s of LAB_SYSTEMS) await lab.untilReading(s);
}

/** One run of the HPA way: load up on every system at once, timed to the maximum; load down, timed to the minimum. */
async function hpaRun(lab: AutoscalingLab): Promise<HpaRun> {
    // Each run starts from the minimum, with every HPA reading idle pods.
    await until("idle HPAs at the minimum", () => LAB_SYSTEMS.every((s) => lab.hpaOf(s).status?.desiredReplicas === LAB_MIN), 300);
    const loadAverage = load1();
    for (const s of LAB_SYSTEMS) lab.setLoad(lab.podSelector(s), HIGH_CPU);
    const up = await timeCounts(lab, LAB_MAX, 600);
    for (const s of LAB_SYSTEMS) lab.setLoad(lab.podSelector(s), IDLE_CPU);
    const down = await timeCounts(lab, LAB_MIN, 900);
    return { up: up.at, upPods: up.pods, down: down.at, loadAverage };
}

/** One manual step: `pulumi config set --path <system>.replicas <n>`, then `pulumi up`, timed as {@link ManualStep} says. */
async function manualStep(project: Project, lab: AutoscalingLab, s: LabSystem, n: number): Promise<ManualStep> {
    const loadAverage = load1();
    const t = Date.now();
    project.pulumi(["config", "set", "--stack", MANUAL, "--path", `${s.key}.replicas`, String(n)]);
    const configSet = since(t);
    let object = -1;
    // Polled while the update runs (the CLI is a child process; this loop only reads the API).
    const watching = until(`${s.key} at ${n} replicas`, () => lab.replicasOf(s) === n, 600).then(() => (object = since(t)));
    const run = await timedPulumi(project, ["up", "--yes", "--skip-preview", "--stack", MANUAL]);
    const up = since(t);
    await watching;
    const pods = s.key === "eureka" ? (await until(`${n} Eureka pods`, () => lab.eurekaPods() === n, 300), since(t)) : undefined;
    return { system: s.key, replicas: n, configSet, object, pods, up, changes: run.changes, loadAverage };
}

/** Deploys the stack without autoscaling (a second stack of the same project). */
async function deployManual(project: Project, lab: AutoscalingLab): Promise<void> {
    initStack(project, MANUAL);
    await timedPulumi(project, ["up", "--yes", "--skip-preview", "--stack", MANUAL]);
    await until(`${LAB_MIN} Eureka pods`, () => lab.eurekaPods() === LAB_MIN, 180);
}

/**
 * The HPA removes at most one member per 300 s (its scale-down policy), counting the members it removed in
 * the last 300 s: a run must start that long after the previous scale-in, or its scale-in waits for the
 * policy rather than for the window.
 */
const SCALE_DOWN_POLICY_S = 300;

/**
 * `repeat` runs, each an HPA run then the manual steps (min -> max -> min per system), so that both ways
 * are measured under the same machine load; the next run waits out the HPA's scale-down policy period.
 */
async function runs(project: Project, repeat: number): Promise<{ hpa: HpaRun[]; manual: ManualStep[] }> {
    const auto = new AutoscalingLab(project);
    const byHand = new AutoscalingLab(project, MANUAL_NAMESPACE);
    await deployAutoscaled(project, auto);
    await deployManual(project, byHand);
    const hpa: HpaRun[] = [];
    const manual: ManualStep[] = [];
    for (let i = 0; i < repeat; i++) {
        const run = await hpaRun(auto);
        const scaledIn = Date.now();
        hpa.push(run);
        console.error(
            `bench: autoscaling: HPA run ${i + 1}: load up -> ${LAB_MAX} replicas ${JSON.stringify(run.up)} s, Eureka pods ${run.upPods} s; ` +
                `load down -> ${LAB_MIN} ${JSON.stringify(run.down)} s (load average ${run.loadAverage})`,
        );
        for (const s of LAB_SYSTEMS) {
            for (const n of [LAB_MAX, LAB_MIN]) {
                const step = await manualStep(project, byHand, s, n);
                manual.push(step);
                console.error(
                    `bench: autoscaling: manual run ${i + 1}: ${s.key} -> ${n}: config set ${step.configSet} s, object ${step.object} s, ` +
                        `${step.pods === undefined ? "" : `pods ${step.pods} s, `}pulumi up exits ${step.up} s (load average ${step.loadAverage})`,
                );
            }
        }
        const wait = SCALE_DOWN_POLICY_S + 15 - since(scaledIn);
        if (i < repeat - 1 && wait > 0) await new Promise((r) => setTimeout(r, wait * 1000));
    }
    return { hpa, manual };
}

/** Runs part 4 and prints its table; returns every sample for the results file. */
export async function autoscaling(repeat: number): Promise<Record<string, unknown>> {
    const savedMetrics = process.env.STATEFUL_K8S_METRICS;
    process.env.STATEFUL_K8S_METRICS = "1";
    const kc = benchClusterUp();
    let hpa: HpaRun[] = [];
    let manual: ManualStep[] = [];
    try {
        const project = Project.copy(kc);
        fs.writeFileSync(path.join(project.dir, "stacks", `Pulumi.${AUTOSCALED}.yaml`), labStackConfig());
        fs.writeFileSync(path.join(project.dir, "stacks", `Pulumi.${MANUAL}.yaml`), labStackConfig(MANUAL_NAMESPACE, false));
        initStack(project, AUTOSCALED);
        console.error(`bench: autoscaling: ${repeat} runs, each by the HPA and by hand`);
        ({ hpa, manual } = await runs(project, repeat));
    } finally {
        benchClusterDown();
        if (savedMetrics === undefined) delete process.env.STATEFUL_K8S_METRICS;
        else process.env.STATEFUL_K8S_METRICS = savedMetrics;
    }
    const by = (system: string, n: number): ManualStep[] => manual.filter((m) => m.system === system && m.replicas === n);
    table(
        `4. Scaling ${LAB_MIN} -> ${LAB_MAX} -> ${LAB_MIN} by the HPA (emulated CPU ${IDLE_CPU} -> ${HIGH_CPU} per pod, target 50 % of 100m; ` +
            `scale-down window ${LAB_WINDOW} s) and by hand (pulumi config set --path <system>.replicas + pulumi up --yes --skip-preview): ` +
            `median s (range) of ${repeat} runs`,
        [
            "system",
            "HPA: to replicas",
            "HPA: to pods",
            "by hand: to replicas",
            "by hand: to pods",
            "by hand: up exits",
            "HPA: scale-in",
            "by hand: scale-in",
        ],
        LAB_SYSTEMS.map((s) => [
            s.key,
            cell(hpa.map((r) => r.up[s.key])),
            s.key === "eureka" ? cell(hpa.map((r) => r.upPods)) : "no operator",
            cell(by(s.key, LAB_MAX).map((m) => m.object)),
            s.key === "eureka" ? cell(by(s.key, LAB_MAX).map((m) => m.pods as number)) : "no operator",
            cell(by(s.key, LAB_MAX).map((m) => m.up)),
            cell(hpa.map((r) => r.down[s.key])),
            cell(by(s.key, LAB_MIN).map((m) => m.up)),
        ]),
    );
    return {
        settings: { min: LAB_MIN, max: LAB_MAX, window: LAB_WINDOW, high: HIGH_CPU, idle: IDLE_CPU, targetCPU: 50 },
        hpa,
        manual,
    };
}
