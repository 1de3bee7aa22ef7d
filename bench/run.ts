/**
 * `npm run bench`: how fast a scale edit reaches the cluster and what it costs, against the
 * raw-manifest way. Prints tables and writes bench/results/<date>.json. See BENCHMARKS.md.
 *   1. program evaluation under mocks (each case in its own process, for its peak RSS);
 *   2. the real engine through the Pulumi CLI, as a user runs it (`pulumi` in a copy of the project
 *      folder, the Node.js language host running the stack program), on a fresh local control plane
 *      (scripts/cluster.sh) per case: the prod stack, and N = 5 and N = 20 copies of all six systems
 *      (bench/copies.ts): preview, first up, no-change up, scale edits; next to it, on its own fresh
 *      control plane, `kubectl apply --server-side` of the same rendered manifests and the same edit;
 *   3. where a scale-edit `pulumi up` spends its time, from the engine's event log;
 *   4. automatic scaling by the real HPA controller on emulated CPU, next to the same step by hand (bench/autoscaling.ts).
 * BENCH_REPEAT (default 3) sets the repetitions; BENCH_EVAL=0 skips part 1, BENCH_ENGINE=0 parts 2 and 3,
 * BENCH_AUTOSCALING=0 part 4; BENCH_CASES (default "prod,5,20") picks the real-engine cases (`prod` and copy counts).
 * A run of every part writes bench/results/<date>.json; a run of some parts, <date>-<parts>.json (for example
 * 2026-11-27-autoscaling.json), so that it never overwrites a whole run of the same day.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLACEHOLDER_SECRETS } from "../render/stack-runner";
import { Project, REPO, initStack } from "../tests/e2e/cli";
import { autoscaling } from "./autoscaling";
import { Timed, addVolumes, benchClusterDown, benchClusterUp, kubectl, secs, timedPulumi, until } from "./cli";
import { cell, median, spread, table } from "./report";

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    commit: execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim(),
    // Uncommitted edits of the measured code (others work in the same tree): listed, so a figure can be traced.
    uncommitted: execFileSync("git", ["status", "--porcelain", "--", "components", "stacks", "scripts"], { cwd: REPO, encoding: "utf8" })
        .split("\n")
        .filter((l) => l !== ""),
};

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

/** Steps of the prod stack's scale-outs per system (as in the first benchmark); copies scale `eureka-0` by 5, 7, 9. */
const PROD_SCALED: Record<string, { steps: number[]; pods?: string; claims?: string }> = {
    eureka: { steps: [5, 7, 9], pods: "eureka-" },
    nacos: { steps: [5, 7, 9], pods: "nacos-", claims: "data-nacos-" },
    rabbitmq: { steps: [5, 7, 9], pods: "rabbitmq-", claims: "data-rabbitmq-" },
    kafka: { steps: [5, 7, 9] },
    tidb: { steps: [5, 7] },
    // Last: a failed scale edit leaves its config edit pending for every later `pulumi up` of the stack.
    redis: { steps: [5, 7, 9], pods: "redis-", claims: "data-redis-" },
};

/** One real-engine case: the prod stack, or N copies of all six. */
interface EngineCase {
    /** Key in the results and column of the tables. */
    key: string;
    /** Stack name. */
    stack: string;
    /** Copies of all six (undefined: the prod stack). */
    copies?: number;
    /** Namespace of the scaled Eureka. */
    namespace: string;
    /** Its StatefulSet's rendered file, and the config path of its replicas. */
    eurekaFile: string;
    eurekaPath: string;
    /** Its pods' name prefix (`<statefulset>-`). */
    eurekaPods: string;
}

function engineCase(spec: string): EngineCase {
    if (spec === "prod") {
        return {
            key: "prod",
            stack: "prod",
            namespace: "stateful-prod",
            eurekaFile: "stateful-prod.statefulset.eureka.yaml",
            eurekaPath: "eureka.replicas",
            eurekaPods: "eureka-",
        };
    }
    const n = Number(spec);
    if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CASES: "${spec}" is neither prod nor a copy count`);
    return {
        key: `copies-${n}`,
        stack: `copies${n}`,
        copies: n,
        namespace: "bench-0",
        eurekaFile: "bench-0.statefulset.eureka-0.yaml",
        eurekaPath: "replicas.eureka-0",
        eurekaPods: "eureka-0-",
    };
}

/** Renders the case's manifests (one file per object) under mocks, as `npm run render` does; returns the folder. */
function render(c: EngineCase): { dir: string; objects: number } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-manifests-${c.key}-`));
    const [script, args] =
        c.copies === undefined
            ? [path.join(REPO, "scripts", "render.ts"), [c.stack, dir]]
            : [path.join(__dirname, "render-copies.ts"), [String(c.copies), dir]];
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args], { cwd: REPO, stdio: "ignore" });
    return { dir, objects: fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).length };
}

/** Claims of a case (nine per copy of the six; the prod stack's scale-outs reach 27) and the volumes to add. */
const extraVolumes = (c: EngineCase): number => (c.copies === undefined ? 0 : Math.max(0, 9 * c.copies + 16 - 64));

const podCount = (kubeconfig: string, namespace: string, prefix: string): number =>
    kubectl(kubeconfig, "get", "pods", "-n", namespace, "-o", "name")
        .split("\n")
        .filter((l) => new RegExp(`^pod/${prefix}[0-9]+$`).test(l)).length;
const claimCount = (kubeconfig: string, namespace: string, prefix: string): number =>
    kubectl(kubeconfig, "get", "pvc", "-n", namespace, "-o", "name")
        .split("\n")
        .filter((l) => l.startsWith(`persistentvolumeclaim/${prefix}`)).length;
/** Whether every StatefulSet of the cluster has all its replicas ready. */
function allReady(kubeconfig: string): boolean {
    const list = JSON.parse(kubectl(kubeconfig, "get", "statefulsets", "-A", "-o", "json")) as {
        items: { spec: { replicas?: number }; status?: { readyReplicas?: number } }[];
    };
    return list.items.length > 0 && list.items.every((s) => (s.status?.readyReplicas ?? 0) === (s.spec.replicas ?? 1));
}

const timeIt = <T>(f: () => T): number => {
    const t = Date.now();
    f();
    return secs(Date.now() - t);
};
const repeat = <T>(f: () => T): T[] => Array.from({ length: REPEAT }, f);
async function repeatAsync<T>(f: () => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < REPEAT; i++) out.push(await f());
    return out;
}

/** The raw-manifest way on its own fresh control plane: apply everything, re-apply, diff, and the Eureka edit. */
async function baseline(c: EngineCase, manifests: string): Promise<Record<string, unknown>> {
    const kc = benchClusterUp();
    try {
        addVolumes(kc, extraVolumes(c));
        const apply = timeIt(() => kubectl(kc, "apply", "--server-side", "-f", manifests));
        const ready = apply + (await until("every StatefulSet ready (baseline)", () => allReady(kc)));
        const reapply = repeat(() => timeIt(() => kubectl(kc, "apply", "--server-side", "-f", manifests)));
        // `kubectl diff` exits 1 when it finds differences; none are expected here.
        const diff = repeat(() => timeIt(() => kubectl(kc, "diff", "--server-side", "-f", manifests)));
        const file = path.join(manifests, c.eurekaFile);
        const scale: { apply: number; pods: number }[] = [];
        for (const n of [5, 7, 9].slice(0, REPEAT)) {
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^ {2}replicas: [0-9]+$/m, `  replicas: ${n}`));
            const t = Date.now();
            kubectl(kc, "apply", "--server-side", "-f", file);
            const applied = secs(Date.now() - t);
            await until(`${n} eureka pods (baseline)`, () => podCount(kc, c.namespace, c.eurekaPods) === n);
            scale.push({ apply: applied, pods: secs(Date.now() - t) });
        }
        return { apply, ready, reapply, diff, scale };
    } finally {
        benchClusterDown();
    }
}

/** A scale edit as a user types it: `pulumi config set --path <path> <n>`, then `pulumi up`. */
async function scaleEdit(
    project: Project,
    kc: string,
    namespace: string,
    configPath: string,
    n: number,
    pods?: string,
    claims?: string,
): Promise<{ configSet: number; up: Timed; ready?: number }> {
    const configSet = timeIt(() => project.pulumi(["config", "set", "--path", configPath, String(n)]));
    const up = await timedPulumi(project, ["up", "--yes", "--skip-preview"]);
    const waited =
        pods === undefined
            ? undefined
            : await until(
                  `${n} ${pods} pods and claims`,
                  () => podCount(kc, namespace, pods) === n && (claims === undefined || claimCount(kc, namespace, claims) === n),
              );
    return { configSet, up, ready: waited === undefined ? undefined : up.s + waited };
}

/** The engine's error lines of a failed CLI run (the "error:" lines of its output). */
function errorLines(err: Error): string {
    const lines = err.message.split("\n").filter((l) => /error:/.test(l));
    return [...new Set(lines.map((l) => l.trim()))].join(" ") || err.message.split("\n")[0];
}

/** The CLI in a copy of the project on its own fresh control plane. */
async function cli(c: EngineCase): Promise<Record<string, unknown>> {
    const kc = benchClusterUp();
    try {
        addVolumes(kc, extraVolumes(c));
        const project = Project.copy(kc);
        if (c.copies !== undefined) fs.copyFileSync(path.join(__dirname, "copies-index.ts"), path.join(project.dir, "stacks", "index.ts"));
        const secrets = Object.fromEntries(Object.entries(PLACEHOLDER_SECRETS).map(([k, v]) => [k.split(":")[1], v]));
        initStack(project, c.stack, secrets);
        if (c.copies !== undefined) project.pulumi(["config", "set", "copies", String(c.copies)]);
        // Before the first up (as the first benchmark measured it); repeated for the prod stack only.
        const previewNew =
            c.copies === undefined ? await repeatAsync(() => timedPulumi(project, ["preview"])) : [await timedPulumi(project, ["preview"])];
        const first = await timedPulumi(project, ["up", "--yes", "--skip-preview"]);
        const preview = await repeatAsync(() => timedPulumi(project, ["preview"]));
        const noChange = await repeatAsync(() => timedPulumi(project, ["up", "--yes", "--skip-preview"]));
        const withPreview = await timedPulumi(project, ["up", "--yes"]);
        // The language host type-checks the program unless told not to: what that costs.
        const transpileOnly = await repeatAsync(() =>
            timedPulumi(project, ["up", "--yes", "--skip-preview"], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
        );
        const scale: Record<string, Awaited<ReturnType<typeof scaleEdit>>[]> = {};
        const failed: Record<string, string> = {};
        if (c.copies === undefined) {
            for (const [system, spec] of Object.entries(PROD_SCALED)) {
                scale[system] = [];
                try {
                    for (const n of spec.steps.slice(0, REPEAT)) {
                        scale[system].push(await scaleEdit(project, kc, c.namespace, `${system}.replicas`, n, spec.pods, spec.claims));
                    }
                } catch (err) {
                    // A scale edit the engine refuses is a result too; the stack is not used after it (see PROD_SCALED).
                    failed[system] = errorLines(err as Error);
                    console.error(`bench: ${c.key}: ${system} scale edit failed: ${failed[system]}`);
                    break;
                }
            }
        } else {
            scale.eureka = [];
            for (const n of [5, 7, 9].slice(0, REPEAT)) {
                scale.eureka.push(await scaleEdit(project, kc, c.namespace, c.eurekaPath, n, c.eurekaPods));
            }
        }
        return { previewNew, first, preview, noChange, withPreview, transpileOnly, scale, failed };
    } finally {
        benchClusterDown();
    }
}

/** Parts 2 and 3. */
async function engine(): Promise<void> {
    const cases = (process.env.BENCH_CASES ?? "prod,5,20").split(",").map((s) => engineCase(s.trim()));
    const out: Record<string, Record<string, unknown>> = {};
    results.engine = out;
    const done: EngineCase[] = [];
    for (const c of cases) {
        const rendered = render(c);
        try {
            console.error(`bench: ${c.key}: ${rendered.objects} rendered objects; kubectl baseline`);
            const base = await baseline(c, rendered.dir);
            console.error(`bench: ${c.key}: pulumi CLI`);
            const engineRun = await cli(c);
            out[c.key] = { objects: rendered.objects, baseline: base, cli: engineRun };
            done.push(c);
        } catch (err) {
            out[c.key] = { objects: rendered.objects, error: (err as Error).message.slice(-4000) };
            console.error(`bench: ${c.key} failed: ${(err as Error).message.slice(-2000)}`);
        } finally {
            fs.rmSync(rendered.dir, { recursive: true, force: true });
            save();
        }
    }
    cases.splice(0, cases.length, ...done);
    if (cases.length === 0) return;

    type Cli = {
        previewNew: Timed[];
        first: Timed;
        preview: Timed[];
        noChange: Timed[];
        withPreview: Timed;
        transpileOnly: Timed[];
        scale: Record<string, { configSet: number; up: Timed; ready?: number }[]>;
    };
    type Base = { apply: number; ready: number; reapply: number[]; diff: number[]; scale: { apply: number; pods: number }[] };
    const col = (f: (cli: Cli, base: Base, objects: number) => string): string[] =>
        cases.map((c) => f(out[c.key].cli as Cli, out[c.key].baseline as Base, out[c.key].objects as number));
    const s = (ts: Timed[]): number[] => ts.map((t) => t.s);
    const resources = (t: Timed): number => Object.values(t.changes).reduce((a, b) => a + b, 0);
    table(
        "2. Real engine through the Pulumi CLI on the local control plane: median s (range); scale edit = Eureka " +
            "3 -> 5 -> 7 -> 9 (prod: eureka.replicas; copies: replicas.eureka-0)",
        ["operation", ...cases.map((c) => c.key)],
        [
            ["Kubernetes objects (rendered)", ...col((_c, _b, o) => String(o))],
            ["Pulumi resources (first up's summary)", ...col((cl) => String(resources(cl.first)))],
            ["pulumi preview, new stack", ...col((cl) => cell(s(cl.previewNew)))],
            ["first pulumi up --skip-preview", ...col((cl) => cell([cl.first.s]))],
            ["pulumi preview, no change", ...col((cl) => cell(s(cl.preview)))],
            ["pulumi up --skip-preview, no change", ...col((cl) => cell(s(cl.noChange)))],
            ["pulumi up --yes (preview + update), no change", ...col((cl) => cell([cl.withPreview.s]))],
            ["pulumi up --skip-preview, no change, transpile only", ...col((cl) => cell(s(cl.transpileOnly)))],
            ["scale edit: pulumi config set --path", ...col((cl) => cell(cl.scale.eureka.map((x) => x.configSet)))],
            ["scale edit: pulumi up --skip-preview", ...col((cl) => cell(cl.scale.eureka.map((x) => x.up.s)))],
            ["  ... until the new pods exist", ...col((cl) => cell(cl.scale.eureka.map((x) => x.ready as number)))],
            [
                "  updated / created / replaced",
                ...col((cl) => ["update", "create", "replace"].map((k) => cl.scale.eureka[0].up.changes[k] ?? 0).join(" / ")),
            ],
            ["kubectl apply --server-side, all manifests", ...col((_c, b) => cell([b.apply]))],
            ["  ... until every StatefulSet is ready", ...col((_c, b) => cell([b.ready]))],
            ["kubectl apply --server-side, all, no change", ...col((_c, b) => cell(b.reapply))],
            ["kubectl diff --server-side, no change", ...col((_c, b) => cell(b.diff))],
            ["kubectl apply of the edited StatefulSet", ...col((_c, b) => cell(b.scale.map((x) => x.apply)))],
            ["  ... until the new pods exist", ...col((_c, b) => cell(b.scale.map((x) => x.pods)))],
        ],
    );
    const prod = out.prod?.cli as Cli | undefined;
    if (prod !== undefined) {
        table(
            "   prod: scale-out by one config edit per system, then pulumi up",
            ["system", "steps", "up s (median)", "range s", "until pods+claims s", "updated", "created", "replaced"],
            Object.entries(prod.scale).map(([system, samples]) =>
                samples.length === 0
                    ? [system, "-", "failed", "-", "-", "-", "-", "-"]
                    : [
                          system,
                          `3->${PROD_SCALED[system].steps.slice(0, REPEAT).join("->")}`,
                          median(samples.map((x) => x.up.s)),
                          spread(samples.map((x) => x.up.s)),
                          samples[0].ready === undefined ? "no pods: no operator" : median(samples.map((x) => x.ready as number)),
                          samples[0].up.changes.update ?? 0,
                          samples[0].up.changes.create ?? 0,
                          samples[0].up.changes.replace ?? 0,
                      ],
            ),
        );
        for (const [system, error] of Object.entries((out.prod.cli as { failed: Record<string, string> }).failed)) {
            console.log(`   prod: ${system} scale edit failed: ${error}`);
        }
    }
    const phase = (f: (tl: Record<string, number>, total: number) => number): string[] =>
        col((cl) => {
            const up = cl.scale.eureka[0].up;
            return f(up.timeline, up.s).toFixed(2);
        });
    table(
        "3. Where a scale-edit pulumi up spends its time (Eureka 3 -> 5), s",
        ["phase", ...cases.map((c) => c.key)],
        [
            ["CLI start to engine prelude (CLI, backend, plugins)", ...phase((tl) => tl.prelude ?? 0)],
            ["prelude to the stack's step (language host, Node start)", ...phase((tl) => (tl.firstStep ?? 0) - (tl.prelude ?? 0))],
            ["stack to first resource (TypeScript check, module loading)", ...phase((tl) => (tl.firstResource ?? 0) - (tl.firstStep ?? 0))],
            ["first resource to the update (program, provider, diffs)", ...phase((tl) => (tl.updateStart ?? 0) - (tl.firstResource ?? 0))],
            ["the update: API call and await of the StatefulSet", ...phase((tl) => (tl.updateDone ?? 0) - (tl.updateStart ?? 0))],
            ["update done to summary (remaining steps, outputs)", ...phase((tl) => (tl.summary ?? 0) - (tl.updateDone ?? 0))],
            ["summary to command exit (state write, shutdown)", ...phase((tl, total) => total - (tl.summary ?? 0))],
            ["total", ...phase((_tl, total) => total)],
        ],
    );
    for (const c of cases) {
        const cl = out[c.key].cli as Cli;
        const ratio = median(cl.scale.eureka.map((x) => x.up.s)) / median(s(cl.noChange));
        console.log(`${c.key}: scale-edit up / no-change up (eureka): ${ratio.toFixed(2)} (floor: <= 1.5)`);
    }
}

/** The parts this run makes, by the name its results file gets when not all of them run. */
const PARTS = {
    evaluation: process.env.BENCH_EVAL !== "0",
    engine: process.env.BENCH_ENGINE !== "0",
    autoscaling: process.env.BENCH_AUTOSCALING !== "0",
};

/** Writes the results so far to bench/results/<date of the run>[-<parts>].json; returns its path. */
function save(): string {
    const dir = path.join(REPO, "bench", "results");
    fs.mkdirSync(dir, { recursive: true });
    const parts = Object.entries(PARTS).filter(([, on]) => on);
    const suffix = parts.length === Object.keys(PARTS).length ? "" : `-${parts.map(([name]) => name).join("-")}`;
    const file = path.join(dir, `${(results.date as string).slice(0, 10)}${suffix}.json`);
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    return file;
}

async function main(): Promise<void> {
    if (PARTS.evaluation) evaluation();
    save();
    if (PARTS.engine) await engine();
    if (PARTS.autoscaling) {
        results.autoscaling = await autoscaling(REPEAT);
        save();
    }
    console.log(`\nwrote ${path.relative(REPO, save())}`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
