/**
 * Runs the main container of a registered StatefulSet or Job as a local process, the way a kubelet
 * would start it: the command and env come from the registered pod spec, `$(VAR)` references are
 * expanded, `fieldRef`/`secretKeyRef` are resolved, ConfigMap volumes are written to disk, and each
 * pod gets its own loopback address. The only translation is the one DNS does in a cluster: a
 * member's stable name becomes its loopback address (in env values and in ConfigMap files). Like a
 * kubelet, it also runs the container's probes and, on a graceful stop, its preStop hook, then
 * SIGTERM, then SIGKILL when the grace period is over.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MockRun, Registration, isSecretValue } from "../../render/mock-runtime";

/** One container as the kubelet would start it. */
export interface LocalPod {
    /** Pod name, for example `redis-0`. */
    name: string;
    /** Loopback address standing in for the pod IP. */
    ip: string;
    /** argv of the container. */
    command: string[];
    /** Fully resolved environment. */
    env: Record<string, string>;
    /** Log file of the process. */
    log: string;
    /** argv of the preStop exec hook, when the container has one. */
    preStop?: string[];
    /** argv of the exec probes the container declares. */
    probes: Partial<Record<ProbeKind, string[]>>;
    /** `terminationGracePeriodSeconds` of the pod (Kubernetes' default 30 when unset). */
    terminationGracePeriodSeconds: number;
    /** The running process, once started. */
    process?: ChildProcess;
}

/** The probes a container may declare. */
export type ProbeKind = "startupProbe" | "readinessProbe" | "livenessProbe";

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
type ExecProbe = { exec?: { command: string[] } } | undefined;
interface PodSpecLike {
    terminationGracePeriodSeconds?: number;
    containers: ({
        command?: string[];
        env?: EnvVar[];
        volumeMounts?: { name: string; mountPath: string }[];
        lifecycle?: { preStop?: { exec?: { command: string[] } } };
    } & Partial<Record<ProbeKind, ExecProbe>>)[];
    volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string }; emptyDir?: object }[];
}

function unwrap(value: unknown): unknown {
    return isSecretValue(value) ? value.value : value;
}

function objectNamed(run: MockRun, kind: string, name: string): Record<string, unknown> {
    const found = run.registrations.find(
        (r) => r.type === `kubernetes:core/v1:${kind}` && (r.inputs.metadata as { name?: string } | undefined)?.name === name,
    );
    if (found === undefined) throw new Error(`no ${kind} named ${name}`);
    return found.inputs;
}

/**
 * Builds the local equivalent of pod `podName` of a registered workload.
 * @param workload The StatefulSet or Job registration.
 * @param dns Stable DNS name -> loopback address, for every member that a value may name.
 * @param root Directory for this pod's volumes; `data` volumes (claims) live in `root/<claim>` and survive restarts.
 */
export function localPod(
    run: MockRun,
    workload: Registration,
    podName: string,
    ip: string,
    dns: Map<string, string>,
    root: string,
): LocalPod {
    const spec = (workload.inputs.spec as { template: { spec: PodSpecLike } }).template.spec;
    const container = spec.containers[0];
    // What cluster DNS does: every stable name in a file becomes its address (longest names first).
    const names = [...dns.keys()].sort((a, b) => b.length - a.length);
    const translate = (text: string): string => names.reduce((t, n) => t.split(n).join(dns.get(n) ?? n), text);
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
        const dir = path.join(root, mount.name);
        fs.mkdirSync(dir, { recursive: true });
        const volume = spec.volumes?.find((v) => v.name === mount.name);
        if (volume?.configMap !== undefined) {
            const data = objectNamed(run, "ConfigMap", volume.configMap.name).data as Record<string, string>;
            for (const [file, text] of Object.entries(data)) fs.writeFileSync(path.join(dir, file), translate(text), { mode: 0o755 });
        }
        mounts.set(mount.mountPath, dir);
    }
    const localPath = (value: string): string => {
        for (const [mountPath, dir] of mounts) {
            if (value === mountPath || value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
        }
        return value;
    };
    const resolveNames = (value: string): string =>
        value
            .split(" ")
            .map((token) => dns.get(token) ?? token)
            .join(" ");

    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
        let value: string;
        if (e.value !== undefined) {
            value = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, ref: string) => env[ref] ?? whole);
        } else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") {
            value = podName;
        } else if (e.valueFrom?.fieldRef?.fieldPath === "status.podIP") {
            value = ip;
        } else if (e.valueFrom?.secretKeyRef !== undefined) {
            const secret = objectNamed(run, "Secret", e.valueFrom.secretKeyRef.name);
            value = String(unwrap((unwrap(secret.stringData) as Record<string, unknown>)[e.valueFrom.secretKeyRef.key]));
        } else {
            throw new Error(`env ${e.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
        }
        env[e.name] = localPath(resolveNames(value));
    }
    const probes: LocalPod["probes"] = {};
    for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"] as const) {
        const command = container[kind]?.exec?.command;
        if (command !== undefined) probes[kind] = command.map(localPath);
    }
    return {
        name: podName,
        ip,
        command: (container.command ?? []).map(localPath),
        env,
        log: path.join(root, `${podName}.log`),
        preStop: container.lifecycle?.preStop?.exec?.command.map(localPath),
        probes,
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    };
}

function podEnv(pod: LocalPod): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? "/usr/bin:/bin", ...pod.env };
}

/** Runs one of the pod's exec probes the way the kubelet does; true when it exits 0. */
export function probe(pod: LocalPod, kind: ProbeKind): boolean {
    const command = pod.probes[kind];
    if (command === undefined) throw new Error(`${pod.name} declares no exec ${kind}`);
    return spawnSync(command[0], command.slice(1), { env: podEnv(pod), timeout: 10_000, stdio: "ignore" }).status === 0;
}

function running(child: ChildProcess | undefined): child is ChildProcess {
    return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Stops a pod the way the kubelet does on a deletion: runs the preStop hook (its output goes to the
 * pod's log), then SIGTERM, then SIGKILL when the grace period is over. Resolves with the seconds the
 * preStop hook took and its exit code.
 */
export async function stopPod(pod: LocalPod): Promise<{ preStopSeconds: number; preStopStatus: number | null }> {
    const child = pod.process;
    const deadline = Date.now() + pod.terminationGracePeriodSeconds * 1000;
    let preStopSeconds = 0;
    let preStopStatus: number | null = null;
    if (pod.preStop !== undefined && running(child)) {
        const started = Date.now();
        const out = fs.openSync(pod.log, "a");
        const hook = spawn(pod.preStop[0], pod.preStop.slice(1), { env: podEnv(pod), stdio: ["ignore", out, out] });
        fs.closeSync(out);
        preStopStatus = await new Promise<number | null>((resolve) => {
            const timer = setTimeout(() => hook.kill("SIGKILL"), Math.max(0, deadline - Date.now()));
            hook.once("exit", (code) => {
                clearTimeout(timer);
                resolve(code);
            });
        });
        preStopSeconds = (Date.now() - started) / 1000;
    }
    if (running(child)) {
        await new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(0, deadline - Date.now()));
            child.once("exit", () => {
                clearTimeout(timer);
                resolve();
            });
            child.kill("SIGTERM");
        });
    }
    return { preStopSeconds, preStopStatus };
}

/** Starts (or restarts) a local pod; its output goes to its log file. */
export function startPod(pod: LocalPod): void {
    const out = fs.openSync(pod.log, "a");
    pod.process = spawn(pod.command[0], pod.command.slice(1), { env: podEnv(pod), stdio: ["ignore", out, out] });
    fs.closeSync(out);
}

/** Kills a local pod (SIGKILL: a node crash, no clean shutdown) and waits for it to exit. */
export async function killPod(pod: LocalPod): Promise<void> {
    const child = pod.process;
    if (!running(child)) return;
    await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
    });
}

/** Polls `probe` every 250 ms until it returns a value other than undefined, or fails after `seconds`. */
export async function eventually<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const value = probe();
            if (value !== undefined) return value;
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}
