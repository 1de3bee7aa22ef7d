/**
 * Runs the main container of a registered StatefulSet or Job as a local process, the way a kubelet
 * would start it: the command and env come from the registered pod spec, `$(VAR)` references are
 * expanded, `fieldRef`/`secretKeyRef` are resolved, ConfigMap volumes are written to disk, and each
 * pod gets its own loopback address. The only translation is the one DNS does in a cluster: a
 * member's stable name becomes its loopback address.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MockRun, Registration, isSecretValue } from "../../scripts/mock-runtime";

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
    /** The running process, once started. */
    process?: ChildProcess;
}

interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
interface PodSpecLike {
    containers: { command?: string[]; env?: EnvVar[]; volumeMounts?: { name: string; mountPath: string }[] }[];
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
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
        const dir = path.join(root, mount.name);
        fs.mkdirSync(dir, { recursive: true });
        const volume = spec.volumes?.find((v) => v.name === mount.name);
        if (volume?.configMap !== undefined) {
            const data = objectNamed(run, "ConfigMap", volume.configMap.name).data as Record<string, string>;
            for (const [file, text] of Object.entries(data)) fs.writeFileSync(path.join(dir, file), text, { mode: 0o755 });
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
    return {
        name: podName,
        ip,
        command: (container.command ?? []).map(localPath),
        env,
        log: path.join(root, `${podName}.log`),
    };
}

/** Starts (or restarts) a local pod; its output goes to its log file. */
export function startPod(pod: LocalPod): void {
    const out = fs.openSync(pod.log, "a");
    pod.process = spawn(pod.command[0], pod.command.slice(1), {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...pod.env },
        stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
}

/** Kills a local pod (SIGKILL: a node crash, no clean shutdown) and waits for it to exit. */
export async function killPod(pod: LocalPod): Promise<void> {
    const child = pod.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
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
