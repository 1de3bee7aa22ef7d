/**
 * `npm run bench`: how fast a scale edit reaches the cluster and what it costs, against the
 * raw-manifest way. Prints tables and writes bench/results/<date>.json. See BENCHMARKS.md.
 *   1. program evaluation under mocks (each case in its own process, for its peak RSS);
 *   2. the real engine on the local control plane (scripts/cluster.sh): preview, first up, no-change up,
 *      scale-outs per system, and the kubectl baseline, each repeated where it can be;
 *   3. where a scale-out `pulumi up` spends its time, from the engine's event stream.
 * BENCH_REPEAT (default 3) sets the repetitions; BENCH_ENGINE=0 skips parts 2 and 3.
 */
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deployStack } from "../stacks/program";
import { inlineStack, pulumiEnv, PulumiEnv, REPO } from "../scripts/pulumi-local";
import { PLACEHOLDER_SECRETS } from "../scripts/stack-runner";

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
const secs = (ms: number): number => ms / 1000;
function table(title: string, header: string[], rows: (string | number)[][]): void {
    const cells = [
        header,
        ...rows.map((r) => r.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c))),
    ];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
    console.log(`\n${title}`);
    for (const [i, r] of cells.entries()) {
        console.log(r.map((c, j) => String(c).padEnd(widths[j])).join("  "));
        if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
    }
}

/** Part 1: program evaluation. */
function evaluation(): void {
    const cases: [string, string][] = [
        ["stack", "dev"],
        ["stack", "staging"],
        ["stack", "prod"],
        ["copies", "1"],
        ["copies", "5"],
        ["copies", "20"],
        ["replicas", "1"],
        ["replicas", "5"],
        ["replicas", "50"],
    ];
    const rows: (string | number)[][] = [];
    const out: Record<string, unknown> = {};
    for (const [kind, arg] of cases) {
        const samples = Array.from({ length: REPEAT }, () => {
            const t = Date.now();
            const line = execFileSync(
                process.execPath,
                ["-r", "ts-node/register/transpile-only", path.join(__dirname, "eval.ts"), kind, arg],
                {
                    cwd: REPO,
                    encoding: "utf8",
                },
            );
            return {
                ...(JSON.parse(line.trim().split("\n").pop() as string) as { ms: number; maxRssMB: number; resources: number }),
                processMs: Date.now() - t,
            };
        });
        const ms = samples.map((s) => s.ms);
        rows.push([
            `${kind} ${arg}`,
            samples[0].resources,
            secs(median(ms)),
            spread(ms.map(secs)),
            median(samples.map((s) => s.maxRssMB)),
            secs(median(samples.map((s) => s.processMs))),
        ]);
        out[`${kind}-${arg}`] = samples;
    }
    table(
        "1. Program evaluation (mock runtime)",
        ["case", "resources", "eval s (median)", "eval s (range)", "peak RSS MB", "process s"],
        rows,
    );
    results.evaluation = out;
}

const kubectlOf =
    (env: PulumiEnv) =>
    (...args: string[]): string =>
        execFileSync(path.join(path.dirname(env.command.command), "kubectl"), args, {
            encoding: "utf8",
            env: { ...process.env, KUBECONFIG: env.envVars.KUBECONFIG },
        });

/** Waits until `check` holds; returns the seconds it took. */
async function until(what: string, check: () => boolean, limitS = 300): Promise<number> {
    const t = Date.now();
    while (!check()) {
        if (Date.now() - t > limitS * 1000) throw new Error(`timed out after ${limitS} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
    }
    return secs(Date.now() - t);
}

function cluster(command: "up" | "down"): string {
    return execFileSync("bash", [path.join(REPO, "scripts", "cluster.sh"), command], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
    })
        .trim()
        .split("\n")
        .pop() as string;
}

/** An `up` with its wall time, summary and a timeline of the engine's events. */
async function timedUp(stack: Stack): Promise<{ s: number; changes: Record<string, number>; timeline: Record<string, number> }> {
    const t0 = Date.now();
    const timeline: Record<string, number> = {};
    const onEvent = (e: EngineEvent): void => {
        const at = secs(Date.now() - t0);
        if (e.preludeEvent) timeline.prelude ??= at;
        if (e.resourcePreEvent) {
            timeline.firstStep ??= at;
            if (e.resourcePreEvent.metadata.op === "update") timeline.updateStart ??= at;
        }
        if (e.resOutputsEvent?.metadata.op === "update") timeline.updateDone = at;
        if (e.summaryEvent) timeline.summary = at;
    };
    const r = await stack.up({ onEvent });
    return { s: secs(Date.now() - t0), changes: r.summary.resourceChanges ?? {}, timeline };
}

const SCALED: Record<string, { config: string; steps: number[]; pods?: string; claims?: string }> = {
    eureka: { config: "eureka", steps: [5, 7, 9], pods: "eureka-" },
    nacos: { config: "nacos", steps: [5, 7, 9], pods: "nacos-", claims: "data-nacos-" },
    rabbitmq: { config: "rabbitmq", steps: [5, 7, 9], pods: "rabbitmq-", claims: "data-rabbitmq-" },
    redis: { config: "redis", steps: [5, 7, 9], pods: "redis-", claims: "data-redis-" },
    kafka: { config: "kafka", steps: [5, 7, 9] },
    tidb: { config: "tidb", steps: [5, 7] },
};

/** Parts 2 and 3: the real engine, and the kubectl baseline, on fresh local control planes. */
async function engine(): Promise<void> {
    const secrets = Object.fromEntries(Object.entries(PLACEHOLDER_SECRETS).map(([k, v]) => [k.split(":")[1], v]));
    // Baseline first, on its own cluster: the rendered prod manifests, applied and edited the way the source did.
    const manifests = fs.mkdtempSync(path.join(os.tmpdir(), "bench-manifests-"));
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "scripts", "render.ts"), "prod", manifests], {
        cwd: REPO,
    });
    let kubeconfig = cluster("up");
    const env = await pulumiEnv({ kubeconfig });
    const kubectl = kubectlOf(env);
    const podsOf = (prefix: string): number =>
        kubectl("get", "pods", "-n", "stateful-prod", "-o", "name")
            .split("\n")
            .filter((l) => new RegExp(`^pod/${prefix}[0-9]+$`).test(l)).length;
    const claimsOf = (prefix: string): number =>
        kubectl("get", "pvc", "-n", "stateful-prod", "-o", "name")
            .split("\n")
            .filter((l) => l.startsWith(`persistentvolumeclaim/${prefix}`)).length;
    let t = Date.now();
    kubectl("apply", "--server-side", "-f", manifests);
    const baselineApply = secs(Date.now() - t);
    const sts = path.join(manifests, "stateful-prod.statefulset.eureka.yaml");
    const baselineScale: number[] = [];
    const baselinePods: number[] = [];
    for (const n of SCALED.eureka.steps) {
        fs.writeFileSync(sts, fs.readFileSync(sts, "utf8").replace(/^ {2}replicas: [0-9]+$/m, `  replicas: ${n}`));
        t = Date.now();
        kubectl("apply", "--server-side", "-f", sts);
        baselineScale.push(secs(Date.now() - t));
        baselinePods.push(secs(Date.now() - t) + (await until(`${n} eureka pods (baseline)`, () => podsOf("eureka-") === n)));
    }
    cluster("down");

    kubeconfig = cluster("up");
    env.envVars.KUBECONFIG = kubeconfig;
    const stack = await inlineStack(env, "prod", () => deployStack(), secrets);
    const previews: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
        t = Date.now();
        await stack.preview();
        previews.push(secs(Date.now() - t));
    }
    const first = await timedUp(stack);
    const noChange: number[] = [];
    for (let i = 0; i < REPEAT; i++) noChange.push((await timedUp(stack)).s);
    const rows: (string | number)[][] = [];
    const scale: Record<string, unknown> = {};
    let breakdown: Awaited<ReturnType<typeof timedUp>> | undefined;
    for (const [system, spec] of Object.entries(SCALED)) {
        const samples: { up: number; ready?: number; changes: Record<string, number> }[] = [];
        for (const n of spec.steps.slice(0, REPEAT)) {
            await stack.setConfig(`${spec.config}.replicas`, { value: String(n) }, true);
            const up = await timedUp(stack);
            if (system === "eureka" && breakdown === undefined) breakdown = up;
            const ready =
                spec.pods === undefined
                    ? undefined
                    : await until(
                          `${n} ${system} pods and claims`,
                          () => podsOf(spec.pods as string) === n && (spec.claims === undefined || claimsOf(spec.claims) === n),
                      );
            samples.push({ up: up.s, ready: ready === undefined ? undefined : up.s + ready, changes: up.changes });
        }
        scale[system] = samples;
        const ups = samples.map((s) => s.up);
        const c = samples[0].changes;
        rows.push([
            `${system} 3->${spec.steps.slice(0, REPEAT).join("->")}`,
            median(ups),
            spread(ups),
            samples[0].ready === undefined ? "no pods (operator not installed)" : median(samples.map((s) => s.ready as number)),
            c.update ?? 0,
            c.create ?? 0,
            c.replace ?? 0,
        ]);
    }
    cluster("down");
    table(
        "2. Real engine on the local control plane (prod stack)",
        ["operation", "median s", "range s"],
        [
            ["pulumi preview", median(previews), spread(previews)],
            ["first pulumi up", first.s, "-"],
            ["pulumi up, no change", median(noChange), spread(noChange)],
            ["kubectl apply --server-side (all rendered manifests)", baselineApply, "-"],
            ["kubectl apply of an edited StatefulSet (eureka)", median(baselineScale), spread(baselineScale)],
            ["  ... until the new pods exist", median(baselinePods), spread(baselinePods)],
        ],
    );
    table(
        "   Scale-out by one config edit, then pulumi up",
        ["system", "up s (median)", "range s", "until pods+claims s", "updated", "created", "replaced"],
        rows,
    );
    const b = breakdown as NonNullable<typeof breakdown>;
    const tl = b.timeline;
    table(
        "3. Where a scale-out pulumi up spends its time (eureka, first step)",
        ["phase", "s"],
        [
            ["CLI start to engine prelude (CLI, backend, plugins)", tl.prelude ?? 0],
            ["prelude to first step (program evaluation, provider start)", (tl.firstStep ?? 0) - (tl.prelude ?? 0)],
            ["first step to the update (diff of unchanged objects)", (tl.updateStart ?? 0) - (tl.firstStep ?? 0)],
            ["the update: API call and await of the StatefulSet", (tl.updateDone ?? 0) - (tl.updateStart ?? 0)],
            ["update done to summary (remaining steps, outputs)", (tl.summary ?? 0) - (tl.updateDone ?? 0)],
            ["summary to command exit (state write, shutdown)", b.s - (tl.summary ?? 0)],
            ["total", b.s],
        ],
    );
    const ratio = median((scale.eureka as { up: number }[]).map((s) => s.up)) / median(noChange);
    console.log(`\nscale-out up / no-change up (eureka): ${ratio.toFixed(2)} (floor: <= 1.5)`);
    results.engine = {
        previews,
        firstUp: first,
        noChange,
        scale,
        baseline: { apply: baselineApply, scale: baselineScale, untilPods: baselinePods },
        breakdown,
        ratio,
    };
}

async function main(): Promise<void> {
    evaluation();
    if (process.env.BENCH_ENGINE !== "0") await engine();
    const dir = path.join(REPO, "bench", "results");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    console.log(`\nwrote ${path.relative(REPO, file)}`);
}

main().catch((err) => {
    try {
        cluster("down");
    } catch {
        // already down
    }
    console.error(err);
    process.exit(1);
});
