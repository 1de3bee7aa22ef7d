/**
 * Redis's sentinels: an odd-sized StatefulSet of redis-sentinel that monitors the master by its stable
 * name, with a client Service on 26379 that sentinel-aware clients ask for the master.
 */
import { dependingOn } from "../lib/options";
import { PodManagementPolicy, Workload } from "../lib/statefulset/spec";
import { createWorkload } from "../lib/statefulset/workload";
import { REDIS_PORTS } from "./args";
import { REDIS_PATHS } from "./config";
import { RedisPodsContext } from "./configuration";

/** Ready and alive: the sentinel answers PING with PONG. */
const SENTINEL_PING = {
    exec: {
        command: [
            "sh",
            "-c",
            `REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning -h "$POD_IP" -p ${REDIS_PORTS.sentinel} ping | grep -qx PONG`,
        ],
    },
};

/**
 * Creates the sentinels' workload `<name>-sentinel`, ordered after the configuration.
 * `memberSuffix` ends every sentinel's stable name.
 */
export function createRedisSentinels(context: RedisPodsContext, memberSuffix: string): Workload {
    const { parent, name, args: r, cfg, opts } = context;
    return createWorkload(
        parent,
        `${name}-sentinel`,
        {
            system: "redis",
            component: "sentinel",
            namespace: r.namespace,
            clusterDomain: r.clusterDomain,
            replicas: r.sentinels,
            image: r.image,
            podManagementPolicy: PodManagementPolicy.Parallel,
            ports: [{ name: "sentinel", port: REDIS_PORTS.sentinel, peer: true, client: true }],
            // The sentinels have no metrics endpoint of their own: the exporter on the nodes reports replication.
            env: { ...cfg.memberEnv(memberSuffix), ...cfg.topologyEnv, RESOLVE_TIMEOUT_SECONDS: String(r.resolveTimeoutSeconds) },
            command: ["sh", `${REDIS_PATHS.scripts}/sentinel.sh`],
            // The sentinel writes only sentinel.conf (its CONFIG REWRITE included), in /run/redis.
            readOnlyRootFilesystem: true,
            readinessProbe: { ...SENTINEL_PING, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
            livenessProbe: { ...SENTINEL_PING, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
            // Covers the wait for the master's name to resolve (RESOLVE_TIMEOUT_SECONDS) and more.
            startupProbe: { ...SENTINEL_PING, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 30 },
            volumes: Object.values(cfg.volumes),
            volumeMounts: Object.values(cfg.mounts),
            runAsUser: r.runAsUser,
            terminationGracePeriodSeconds: 10,
            podAnnotations: { "stateful-k8s.io/config-checksum": cfg.checksum },
            resources: r.sentinelResources,
            scheduling: { ...r.scheduling, maxUnavailable: 1 },
            quorum: true,
        },
        dependingOn(opts ?? {}, cfg.objects),
    );
}
