/**
 * What `bench/run.ts` needs around the end-to-end suite's CLI helpers (`tests/e2e/cli.ts`): its own
 * local control plane (state dir and ports apart from the e2e suite's), more volumes than
 * scripts/cluster.sh pre-creates, kubectl against a kubeconfig, and a `pulumi` run timed together with
 * the arrival of the engine's events.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Project, clusterDown, clusterUp, toolchainBin } from "../tests/e2e/cli";

/** The benchmark's cluster: a state dir and ports of its own, so that an e2e run on the default ones is not disturbed. */
const CLUSTER_ENV: Record<string, string> = {
    STATEFUL_K8S_CLUSTER: path.join(os.tmpdir(), "bench-cluster"),
    STATEFUL_K8S_API_PORT: "26443",
    STATEFUL_K8S_ETCD_PORT: "22379",
};
for (const [key, value] of Object.entries(CLUSTER_ENV)) process.env[key] ??= value;

export const secs = (ms: number): number => ms / 1000;

/** A fresh local control plane (scripts/cluster.sh) on the benchmark's state dir and ports; returns its kubeconfig. */
export function benchClusterUp(): string {
    return clusterUp();
}

/** Stops the benchmark's control plane and deletes its state. */
export function benchClusterDown(): void {
    clusterDown();
}

let bin: string | undefined;
/** The toolchain's bin directory (scripts/toolchain.sh, asked once: `npm run bench` has built it). */
export function binDir(): string {
    return (bin ??= toolchainBin());
}

/** `kubectl` of the toolchain against `kubeconfig`; returns stdout. */
export function kubectl(kubeconfig: string, ...args: string[]): string {
    return execFileSync(path.join(binDir(), "kubectl"), args, {
        encoding: "utf8",
        env: { ...process.env, KUBECONFIG: kubeconfig },
        maxBuffer: 256 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
    });
}

/**
 * Pre-creates `count` more PersistentVolumes of the class "standard" (scripts/cluster.sh makes 64; the
 * 20-copy stack claims 180), so that every claim binds and every pod is scheduled.
 */
export function addVolumes(kubeconfig: string, count: number): void {
    if (count <= 0) return;
    const docs = Array.from(
        { length: count },
        (_, i) =>
            `apiVersion: v1\nkind: PersistentVolume\nmetadata: { name: bench-pv-${i} }\nspec:\n  capacity: { storage: 1Ti }\n` +
            `  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: standard\n` +
            `  hostPath: { path: /tmp/stateful-k8s-pv/bench-${i} }\n`,
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-pv-")), "volumes.yaml");
    fs.writeFileSync(file, docs.join("---\n"));
    kubectl(kubeconfig, "apply", "--server-side", "-f", file);
}

/** Waits until `check` holds (polling every 100 ms); returns the seconds it took. */
export async function until(what: string, check: () => boolean, limitS = 600): Promise<number> {
    const t = Date.now();
    while (!check()) {
        if (Date.now() - t > limitS * 1000) throw new Error(`timed out after ${limitS} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
    }
    return secs(Date.now() - t);
}

/** One timed CLI run. */
export interface Timed {
    /** Wall time from spawning `pulumi` to its exit. */
    s: number;
    /** The engine's summary: objects per operation (`same`, `update`, `create`, ...). */
    changes: Record<string, number>;
    /** When events were read, in seconds after the spawn: prelude, firstStep (the stack), firstResource, updateStart, updateDone, summary. */
    timeline: Record<string, number>;
}

let runs = 0;

/**
 * Runs `pulumi <args>` in the project folder as a user would (its shell environment), and reads the
 * engine's event log (`--event-log`, which the CLI accepts with PULUMI_DEBUG_COMMANDS, as the Automation
 * API does) every 20 ms while it runs, so that each event is stamped when it was read.
 */
export async function timedPulumi(project: Project, args: string[], env: Record<string, string> = {}): Promise<Timed> {
    const log = path.join(os.tmpdir(), `bench-events-${process.pid}-${runs++}.jsonl`);
    const timeline: Record<string, number> = {};
    let changes: Record<string, number> = {};
    let offset = 0;
    let rest = "";
    const t0 = Date.now();
    const read = (): void => {
        if (!fs.existsSync(log)) return;
        const fd = fs.openSync(log, "r");
        try {
            const size = fs.fstatSync(fd).size;
            if (size <= offset) return;
            const buf = Buffer.alloc(size - offset);
            fs.readSync(fd, buf, 0, buf.length, offset);
            offset = size;
            const lines = (rest + buf.toString("utf8")).split("\n");
            rest = lines.pop() as string;
            const at = secs(Date.now() - t0);
            for (const line of lines.filter((l) => l.trim() !== "")) {
                const e = JSON.parse(line);
                if (e.preludeEvent) timeline.prelude ??= at;
                if (e.resourcePreEvent) {
                    timeline.firstStep ??= at;
                    if (e.resourcePreEvent.metadata?.type !== "pulumi:pulumi:Stack") timeline.firstResource ??= at;
                    if (e.resourcePreEvent.metadata?.op === "update") timeline.updateStart ??= at;
                }
                if (e.resOutputsEvent?.metadata?.op === "update") timeline.updateDone = at;
                if (e.summaryEvent) {
                    timeline.summary = at;
                    changes = e.summaryEvent.resourceChanges ?? {};
                }
            }
        } finally {
            fs.closeSync(fd);
        }
    };
    const child = spawn("pulumi", [...args, "--event-log", log], {
        cwd: project.dir,
        env: { ...project.env, ...env, PULUMI_DEBUG_COMMANDS: "true" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setInterval(read, 20);
    const status = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
    });
    const s = secs(Date.now() - t0);
    clearInterval(timer);
    read();
    fs.rmSync(log, { force: true });
    if (status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${status}:\n${output.slice(-8000)}`);
    return { s, changes, timeline };
}
