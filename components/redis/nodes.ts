/**
 * Redis's nodes: the StatefulSet of redis-server with its claims, the probes and preStop handover of
 * the node scripts, the redis_exporter sidecar, and (with `restoreFrom`) the restore init container.
 */
import { childOptions, dependingOn } from "../lib/options";
import { containerSecurityContext } from "../lib/pod";
import { createRedisRestore } from "./restore";
import { CONTAINER_EPHEMERAL_STORAGE, helperResources, resourceRequirements } from "../lib/resources";
import { sharedWorkloadSpec } from "../lib/statefulset/component";
import { PodManagementPolicy, Workload } from "../lib/statefulset/spec";
import { createWorkload } from "../lib/statefulset/workload";
import { REDIS_PORTS } from "./args";
import { REDIS_PATHS } from "./config";
import { RedisPodsContext } from "./configuration";

/** A probe or hook that runs one of the mounted scripts. */
function script(file: string, ...argv: string[]) {
    return { exec: { command: ["sh", `${REDIS_PATHS.scripts}/${file}`, ...argv] } };
}

/**
 * Creates the nodes' workload `<name>` (and the restore's Secret and ConfigMap first, when restoring),
 * ordered after the configuration. `memberSuffix` ends every node's stable name.
 */
export function createRedisNodes(context: RedisPodsContext, memberSuffix: string): Workload {
    const { parent, name, args: r, cfg, opts } = context;
    const configured = dependingOn(opts ?? {}, cfg.objects);
    const restore =
        r.restoreFrom === undefined
            ? undefined
            : createRedisRestore(
                  name,
                  r.namespace,
                  r.restoreFrom,
                  {
                      persistence: r.persistence,
                      dataVolume: "data",
                      dataPath: REDIS_PATHS.data,
                      // The node's own, local storage included (converting to AOF loads the whole dataset).
                      resources: resourceRequirements({
                          ...r.resources,
                          ephemeralStorageRequest: r.resources.ephemeralStorageRequest ?? CONTAINER_EPHEMERAL_STORAGE,
                      }),
                  },
                  childOptions(parent, opts),
              );
    return createWorkload(
        parent,
        name,
        {
            ...sharedWorkloadSpec("redis", r),
            // The nodes' Service of the building block carries only the exporter's port, under `<name>-metrics`:
            // a Service spreading connections over the nodes would send writes to replicas. Clients are
            // sentinel-aware and ask `<name>-sentinel:26379` for the master.
            clientServiceName: `${name}-metrics`,
            // redis-server writes only to its data directory and /run/redis (the generated redis.conf).
            readOnlyRootFilesystem: true,
            podManagementPolicy: PodManagementPolicy.Parallel,
            ports: [
                { name: "redis", port: REDIS_PORTS.redis, peer: true, client: false },
                { name: "metrics", port: REDIS_PORTS.metrics, peer: false, client: true, sidecar: true },
            ],
            metrics: { portName: "metrics", port: REDIS_PORTS.metrics, path: "/metrics", monitoring: r.monitoring },
            env: {
                ...cfg.memberEnv(memberSuffix),
                ...cfg.topologyEnv,
                DATA_DIR: REDIS_PATHS.data,
                MASTER_WAIT_SECONDS: String(r.masterWaitSeconds),
                HANDOVER_TIMEOUT_SECONDS: String(r.handoverTimeoutSeconds),
            },
            command: ["sh", `${REDIS_PATHS.scripts}/redis-node.sh`],
            // Ready: PONG, and master or a replica with its master link up. Alive: PONG or -LOADING, so a
            // node loading a large dataset is never killed; the startup budget covers the wait for the master.
            readinessProbe: { ...script("redis-probe.sh", "ready"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 2 },
            livenessProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
            startupProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
            preStop: ["sh", `${REDIS_PATHS.scripts}/redis-handover.sh`],
            dataVolume: { name: "data", mountPath: REDIS_PATHS.data, storage: r.storage },
            volumes: [...Object.values(cfg.volumes), ...(restore?.volumes ?? [])],
            volumeMounts: Object.values(cfg.mounts),
            initContainers: restore === undefined ? undefined : [restore.initContainer],
            sidecars: [
                {
                    name: "exporter",
                    image: r.exporterImage,
                    imagePullPolicy: "IfNotPresent",
                    env: {
                        POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
                        REDIS_ADDR: `redis://$(POD_IP):${REDIS_PORTS.redis}`,
                        REDIS_PASSWORD: cfg.password,
                    },
                    ports: { metrics: REDIS_PORTS.metrics },
                    resources: helperResources("25m", "32Mi", "64Mi"),
                    readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 10 },
                    // A static binary in a scratch image that writes no file.
                    securityContext: containerSecurityContext(true),
                },
            ],
            runAsUser: r.runAsUser,
            terminationGracePeriodSeconds: r.handoverTimeoutSeconds + r.shutdownSeconds,
            podAnnotations: { "stateful-k8s.io/config-checksum": cfg.checksum },
        },
        restore === undefined ? configured : dependingOn(configured, restore.dependencies),
    );
}
