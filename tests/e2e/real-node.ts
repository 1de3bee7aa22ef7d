/**
 * The real node the end-to-end suites share (docs/real-node.md): one per machine (bridge sk8s0, pod subnet
 * 10.244.0.0/24, kubelet port 10250), beside its own control plane (state folder and ports), so that other
 * suites' `cluster.sh up/down` never touch it. Each suite that needs it brings it up in its `before` hook
 * and takes it down in its `after` hook; lane b of scripts/test-e2e.sh runs those suites one after another.
 * Also the stack configuration that places Redis on it.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO } from "./cli";

/** The node's name, as scripts/real-node.sh registers it. */
export const NODE = "real-node";

/** The environment of the real node's control plane. */
export const CLUSTER_ENV = {
    ...process.env,
    STATEFUL_K8S_CLUSTER: path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "stateful-k8s", "cluster-real-node"),
    STATEFUL_K8S_API_PORT: "16543",
    STATEFUL_K8S_ETCD_PORT: "12479",
};

/** containerd's socket on the node (for `ctr`). */
export const CONTAINERD_SOCKET = path.join(CLUSTER_ENV.STATEFUL_K8S_CLUSTER, "real-node", "containerd", "containerd.sock");

/** Runs one of the project's scripts against the real node's control plane; returns its stdout. */
export const script = (name: string, ...args: string[]): string =>
    execFileSync("bash", [path.join(REPO, "scripts", name), ...args], {
        encoding: "utf8",
        env: CLUSTER_ENV,
        stdio: ["ignore", "pipe", "inherit"],
    });

/** Starts the control plane with the real node; returns its kubeconfig and how long it took. */
export function realNodeUp(): { kubeconfig: string; seconds: number } {
    const t0 = Date.now();
    const kubeconfig = script("cluster.sh", "up", "--real-node").trim().split("\n").pop() as string;
    return { kubeconfig, seconds: (Date.now() - t0) / 1000 };
}

/**
 * Stops the control plane and the node (`cluster.sh down`) and asserts that nothing of the node is left:
 * processes (its own and every process in the kubelet's cgroup tree, listed before), mounts, the bridge,
 * iptables chains, the cgroup root. Returns how long it took and how many processes there were.
 */
export function realNodeDown(): { seconds: number; processes: number } {
    const nodeDir = path.join(CLUSTER_ENV.STATEFUL_K8S_CLUSTER, "real-node");
    const pids = fs.existsSync(nodeDir)
        ? fs
              .readdirSync(nodeDir)
              .filter((f) => f.endsWith(".pid"))
              .map((f) => Number(fs.readFileSync(path.join(nodeDir, f), "utf8")))
        : [];
    const cgroupTree = "/sys/fs/cgroup/pids/stateful-k8s-node";
    if (fs.existsSync(cgroupTree)) {
        const walk = (dir: string): void => {
            pids.push(...fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number));
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
        };
        walk(cgroupTree);
    }
    const t0 = Date.now();
    script("cluster.sh", "down");
    const seconds = (Date.now() - t0) / 1000;
    const alive = pids.filter((pid) => fs.existsSync(`/proc/${pid}`));
    assert.deepStrictEqual(alive, [], "processes of the node or its containers left after cluster.sh down");
    assert.ok(!fs.readdirSync("/sys/fs/cgroup/memory").includes("stateful-k8s-node"), "the kubelet's cgroup root is left");
    const mounts = fs
        .readFileSync("/proc/self/mounts", "utf8")
        .split("\n")
        .filter((l) => l.includes(CLUSTER_ENV.STATEFUL_K8S_CLUSTER));
    assert.deepStrictEqual(mounts, [], "mounts left after cluster.sh down");
    assert.ok(!fs.existsSync("/sys/class/net/sk8s0"), "the bridge is left after cluster.sh down");
    const chains = execFileSync("iptables-save", { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.startsWith(":KUBE-") || l.startsWith(":STATEFUL-K8S-"));
    assert.deepStrictEqual(chains, [], "iptables chains left after cluster.sh down");
    return { seconds, processes: pids.length };
}

/** Redis's scheduling, images, storage and requests on the real node, as the `stateful-k8s:redis` config's lines (4-space indent). */
export const REDIS_ON_REAL_NODE = `        enabled: true
        replicas: 3
        sentinels: 3
        image: localhost/stateful-k8s/redis:7.0.15-debian12
        exporterImage: localhost/stateful-k8s/redis-exporter:1.45.0-debian12
        storage:
            size: 100Mi
            storageClassName: real-node-local
        resources:
            cpuRequest: 50m
            memoryRequest: 64Mi
        sentinelResources:
            cpuRequest: 20m
            memoryRequest: 32Mi
        scheduling:
            nodeSelector:
                stateful-k8s.io/node: real
            tolerations:
                - key: stateful-k8s.io/real-node
                  operator: Exists
                  effect: NoSchedule
`;

/** A stack's config: only Redis, on the real node, in `namespace`, with `extra` lines under `stateful-k8s:redis`. */
export function redisStackConfig(namespace: string, extra = ""): string {
    return `config:
    stateful-k8s:environment: dev
    stateful-k8s:namespace: ${namespace}
    stateful-k8s:redis:
${REDIS_ON_REAL_NODE}${extra}`;
}
