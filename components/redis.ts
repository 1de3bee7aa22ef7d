/**
 * Layer 4: Redis in sentinel mode, with the work an operator would do done by the component: a
 * StatefulSet of nodes (ordinal 0 is master on the first start; later every node asks the sentinels
 * for the current master and joins it, and a restarted master that the sentinels still name waits
 * until they have promoted a replica), a preStop hook that hands the master role over before a
 * planned stop, an odd number of sentinels that monitor the master by stable name, a redis_exporter
 * sidecar, PVCs, a topology ConfigMap that scale edits change instead of pod templates, and a
 * sentinel reset after every scale-in. Clients are sentinel-aware: no Service spreads them over nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { majority } from "./lib/contract";
import { Resolved, resolveArgs } from "./lib/resolve";
import { refuseAutoscaling } from "./lib/autoscaling";
import { createRedisBackup, createRedisRestore, RedisBackupArgs, RedisRestoreArgs, validateRedisBackupArgs } from "./lib/redis-backup";
import { REDIS_HANDOVER_SCRIPT, REDIS_NODE_SCRIPT, REDIS_PROBE_SCRIPT, SENTINEL_RESET_SCRIPT, SENTINEL_SCRIPT } from "./lib/redis-scripts";
import { createNetworkPolicy, namespacesPeer, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import { NetworkPolicyArgs, PersistentSystemArgs, ResourcesArgs } from "./lib/types";
import {
    ArgProblem,
    checkImage,
    checkResources,
    checkInteger,
    checkOneOf,
    checkPresent,
    checkReplicaCeiling,
    checkReplicas,
} from "./lib/validation";
import {
    checksum,
    childOptions,
    configurationOptions,
    dependingOn,
    createWorkload,
    podPlacement,
    recommendedLabels,
    resolveMonitoring,
    resolveResources,
    resolveScheduling,
    resolveStorage,
    resourceRequirements,
    validateSharedArgs,
    WORKLOAD_DEFAULTS,
    workloadNames,
} from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { redisAlerts } from "./alerts/redis";

/** Arguments of {@link Redis}. */
export interface RedisArgs extends PersistentSystemArgs {
    /**
     * Number of Redis nodes: one master and `replicas - 1` replicas. At least 2, so that there is a
     * replica to fail over to. Never autoscaled (`autoscaling` is refused): sentinel mode has one
     * writable master, so more nodes add only read replicas, each copying the whole dataset under load.
     * @default 3
     */
    replicas?: number;
    /**
     * Node count currently deployed, when known. A lower `replicas` is a scale-in, after which the
     * component runs a Job that resets the sentinels one at a time so that removed nodes stop counting.
     * @default - unknown: no reset Job
     */
    currentReplicas?: number;
    /**
     * Number of sentinels; odd and at least 3, so that a majority can authorise a failover.
     * @default 3
     */
    sentinels?: number;
    /**
     * Sentinel count currently deployed, when known; a lower `sentinels` also triggers the reset Job.
     * @default - unknown: no reset Job
     */
    currentSentinels?: number;
    /**
     * Sentinels that must agree that the master is down. At least a majority of `sentinels`.
     * @default - a majority: floor(sentinels / 2) + 1
     */
    quorum?: number;
    /**
     * Name of the monitored master set, the name clients ask the sentinels for.
     * @default "mymaster"
     */
    masterName?: string;
    /** Password of the nodes (`requirepass`/`masterauth`) and of the sentinels. Pass a Pulumi secret. */
    password: pulumi.Input<string>;
    /**
     * redis_exporter image of the metrics sidecar, pinned.
     * @default "oliver006/redis_exporter:v1.77.0"
     */
    exporterImage?: string;
    /**
     * Persistence: "aof" (append-only file, fsync every second) or "rdb" (periodic snapshots).
     * @default "aof"
     */
    persistence?: string;
    /**
     * Milliseconds without a reply after which a sentinel considers an instance down.
     * @default 5000
     */
    downAfterMilliseconds?: number;
    /**
     * Failover timeout of the sentinels, in milliseconds.
     * @default 60000
     */
    failoverTimeoutMilliseconds?: number;
    /**
     * Replicas that re-sync with a new master at the same time after a failover.
     * @default 1
     */
    parallelSyncs?: number;
    /**
     * `min-replicas-to-write` of the master: it refuses writes unless this many replicas acknowledged
     * its stream within the last 10 s (`min-replicas-max-lag`), so a master cut off from its replicas
     * stops accepting writes that a failover would discard. 0 turns the check off. At most `replicas - 1`.
     * Independently, a crash of the master loses no write that every replica acknowledged
     * (`WAIT <replicas - 1>`), and a planned restart none that one replica acknowledged (`WAIT 1`).
     * @default 1
     */
    minReplicasToWrite?: number;
    /**
     * Ingress NetworkPolicies for the nodes and the sentinels: 6379 and 26379 from this Redis's own pods
     * (replication, monitoring, handover, reset) and from the client namespaces (sentinel-aware clients
     * ask a sentinel, then connect to the master), 9121 from the monitoring namespace.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
    /**
     * CPU and memory of each sentinel.
     * @default { cpuRequest: "50m", memoryRequest: "64Mi" }
     */
    sentinelResources?: ResourcesArgs;
    /**
     * Scheduled RDB snapshots to an S3-compatible bucket: a CronJob `<name>-backup` takes each from a
     * replica the sentinels name (never from the master) with `redis-cli --rdb`, checks it with
     * `redis-check-rdb`, uploads it as `<prefix>/<name>-<UTC time>.rdb` and applies the retention.
     * @default - no backups
     */
    backup?: RedisBackupArgs;
    /**
     * Restore on first start: a node whose data directory is empty fetches this snapshot (the newest under
     * the prefix unless one is named), checks it and puts it in place before Redis starts; a missing or
     * corrupt snapshot, or an unreachable store, keeps the node from starting. Nodes holding data ignore it.
     * @default - no restore
     */
    restoreFrom?: RedisRestoreArgs;
}

/** Defaults of {@link RedisArgs}. */
export const REDIS_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    sentinels: 3,
    masterName: "mymaster",
    image: "redis:7.0.15",
    exporterImage: "oliver006/redis_exporter:v1.77.0",
    persistence: "aof",
    downAfterMilliseconds: 5000,
    failoverTimeoutMilliseconds: 60000,
    parallelSyncs: 1,
    minReplicasToWrite: 1,
    minReplicasMaxLagSeconds: 10,
    storageSize: "10Gi",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    runAsUser: 999,
    resources: { cpuRequest: "250m", memoryRequest: "512Mi" },
    sentinelResources: { cpuRequest: "50m", memoryRequest: "64Mi" },
    resetTimeoutSeconds: 120,
    /** How long a starting replica waits for its master's name to resolve to an address that answers. */
    masterWaitSeconds: 60,
    /** How long a sentinel waits for the master's name to resolve before it exits. */
    resolveTimeoutSeconds: 120,
    /** How long the master's preStop hook may take to hand the role over. */
    handoverTimeoutSeconds: 45,
    /** What Redis's own shutdown may take after the handover (AOF fsync, `shutdown-timeout` 10 s). */
    shutdownSeconds: 20,
} as const;

/** Redis's ports. */
export const REDIS_PORTS = { redis: 6379, sentinel: 26379, metrics: 9121 } as const;

/** Allowed values of {@link RedisArgs.persistence}. */
export const REDIS_PERSISTENCE = ["aof", "rdb"] as const;

/** The sentinel quorum used when none is given: a majority of the sentinels. */
export function defaultQuorum(sentinels: number): number {
    return majority(sentinels);
}

/** Returns every problem with the arguments of a Redis component named `name`. */
export function validateRedisArgs(name: string, args: RedisArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const replicas = args.replicas ?? REDIS_DEFAULTS.replicas;
    if (checkInteger(problems, "replicas", replicas, 1) && checkReplicaCeiling(problems, "replicas", replicas) && replicas < 2) {
        problems.push({ path: "replicas", value: replicas, allowed: "at least 2: a master and a replica the sentinels can promote" });
    }
    const sentinels = args.sentinels ?? REDIS_DEFAULTS.sentinels;
    checkReplicas(problems, "sentinels", sentinels, "odd");
    if (typeof sentinels === "number" && Number.isInteger(sentinels) && sentinels < 3) {
        problems.push({
            path: "sentinels",
            value: sentinels,
            allowed: "an odd whole number >= 3: a single sentinel is a single point of failure",
        });
    }
    if (args.quorum !== undefined && typeof sentinels === "number" && Number.isInteger(sentinels) && sentinels >= 1) {
        checkInteger(problems, "quorum", args.quorum, defaultQuorum(sentinels), sentinels);
    }
    if (args.currentReplicas !== undefined) checkInteger(problems, "currentReplicas", args.currentReplicas, 0);
    if (args.currentSentinels !== undefined) checkInteger(problems, "currentSentinels", args.currentSentinels, 0);
    const masterName = args.masterName ?? REDIS_DEFAULTS.masterName;
    if (typeof masterName !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(masterName)) {
        problems.push({ path: "masterName", value: masterName, allowed: "1 to 64 letters, digits, '.', '_' or '-'" });
    }
    checkPresent(problems, "password", args.password, "a non-empty secret");
    if (args.exporterImage !== undefined) checkImage(problems, "exporterImage", args.exporterImage);
    if (args.persistence !== undefined) checkOneOf(problems, "persistence", args.persistence, REDIS_PERSISTENCE);
    if (args.downAfterMilliseconds !== undefined) checkInteger(problems, "downAfterMilliseconds", args.downAfterMilliseconds, 100);
    if (args.failoverTimeoutMilliseconds !== undefined) {
        checkInteger(problems, "failoverTimeoutMilliseconds", args.failoverTimeoutMilliseconds, 1000);
    }
    if (args.parallelSyncs !== undefined) checkInteger(problems, "parallelSyncs", args.parallelSyncs, 1);
    if (args.minReplicasToWrite !== undefined && typeof replicas === "number" && Number.isInteger(replicas) && replicas >= 2) {
        checkInteger(problems, "minReplicasToWrite", args.minReplicasToWrite, 0, replicas - 1);
    }
    refuseAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        "Redis (sentinel mode)",
        "it has one writable master: more nodes only add read replicas, each copying the whole dataset from the master under load",
    );
    validateSharedArgs(problems, name, args, typeof replicas === "number" ? replicas : 2, false);
    checkResources(problems, "sentinelResources", args.sentinelResources);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateRedisBackupArgs(problems, args.backup, args.restoreFrom);
    return problems;
}

/** The static part of every node's `redis.conf`; the start-up script appends the per-node lines. */
export function renderRedisConf(persistence: string, minReplicasToWrite: number): string {
    const lines = [
        "# Generated by stateful-k8s. The start-up script appends port, bind, dir, announce, auth and replicaof.",
        "daemonize no",
        'logfile ""',
        "protected-mode no",
        "replica-read-only yes",
        "replica-serve-stale-data yes",
        "repl-diskless-sync yes",
        // A full resync starts after 1 s instead of 5: with min-replicas-to-write, a master whose only
        // replica resyncs refuses writes until the transfer is done.
        "repl-diskless-sync-delay 1",
        `min-replicas-to-write ${minReplicasToWrite}`,
        `min-replicas-max-lag ${REDIS_DEFAULTS.minReplicasMaxLagSeconds}`,
    ];
    if (persistence === "aof") {
        lines.push("appendonly yes", "appendfsync everysec", 'save ""');
    } else {
        lines.push("appendonly no", "save 3600 1 300 100 60 10000");
    }
    return lines.join("\n") + "\n";
}

/** The sentinel directives that must precede `sentinel monitor` (hostname support). */
export function renderSentinelGlobalConf(): string {
    return [
        "# Generated by stateful-k8s. Members are known by stable DNS names, not pod IPs.",
        "daemonize no",
        'logfile ""',
        "protected-mode no",
        "sentinel resolve-hostnames yes",
        "sentinel announce-hostnames yes",
        "",
    ].join("\n");
}

/** The per-master sentinel directives that follow `sentinel monitor`. */
export function renderSentinelMasterConf(
    masterName: string,
    downAfterMs: number,
    failoverTimeoutMs: number,
    parallelSyncs: number,
): string {
    return [
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
        `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
        `sentinel parallel-syncs ${masterName} ${parallelSyncs}`,
        "",
    ].join("\n");
}

/**
 * The topology files: every node's and every sentinel's stable name, and the quorum. They live in a
 * ConfigMap of their own, mounted as a directory and kept out of the pod templates and their
 * checksum, so a scale edit changes only this ConfigMap and `replicas` and restarts no pod.
 */
export function renderTopology(nodes: string[], sentinels: string[], quorum: number): Record<string, string> {
    return { "redis-hosts": nodes.join(" "), "sentinel-hosts": sentinels.join(" "), quorum: String(quorum) };
}

/** Mount paths inside the pods. */
const PATHS = {
    scripts: "/scripts",
    template: "/etc/redis-template",
    topology: "/etc/redis-topology",
    run: "/run/redis",
    data: "/data",
} as const;

/** {@link RedisArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveRedisArgs(name: string, args: RedisArgs): Resolved<typeof REDIS_DEFAULTS, RedisArgs> {
    return resolveArgs(`Redis "${name}" arguments`, validateRedisArgs(name, args), REDIS_DEFAULTS, args);
}

/**
 * Redis master/replicas with sentinels: a node StatefulSet with PVCs and an exporter sidecar, a
 * sentinel StatefulSet with a client Service on 26379, and a sentinel reset Job after a scale-in.
 */
export class Redis extends pulumi.ComponentResource {
    /** Number of Redis nodes the update deploys. */
    public readonly replicas: number;
    /** Number of sentinels the update deploys. */
    public readonly sentinels: number;
    /** Name of the nodes' StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the nodes' headless Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the sentinels' StatefulSet. */
    public readonly sentinelStatefulSetName: pulumi.Output<string>;
    /** Name of the Service clients ask for the master (`SENTINEL get-master-addr-by-name`). */
    public readonly sentinelServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every node. */
    public readonly memberDnsNames: pulumi.Output<string[]>;
    /** In-cluster DNS name of every sentinel. */
    public readonly sentinelDnsNames: pulumi.Output<string[]>;
    /** Name of the master set. */
    public readonly masterName: pulumi.Output<string>;
    /** `<sentinel service>:26379`, what a sentinel-aware client is configured with. */
    public readonly sentinelEndpoint: pulumi.Output<string>;
    /** Name of the Secret holding the password (key `password`). */
    public readonly secretName: pulumi.Output<string>;
    /** The nodes' StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    /**
     * @param name Component name; the nodes' StatefulSet is `<name>`, the sentinels' `<name>-sentinel`.
     * @param args See {@link RedisArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveRedisArgs(name, args);
        super("stateful-k8s:index:Redis", name, {}, opts);
        this.replicas = resolved.replicas;
        this.sentinels = resolved.sentinels;

        const d = REDIS_DEFAULTS;
        const namespace = args.namespace ?? d.namespace;
        const replicas = args.replicas ?? d.replicas;
        const sentinels = args.sentinels ?? d.sentinels;
        const quorum = args.quorum ?? defaultQuorum(sentinels);
        const masterName = args.masterName ?? d.masterName;
        const image = args.image ?? d.image;
        const clusterDomain = args.clusterDomain ?? d.clusterDomain;
        // The nodes' Service of the building block carries only the exporter's port, under `<name>-metrics`:
        // a Service spreading connections over the nodes would send writes to replicas. Clients are
        // sentinel-aware and ask `<name>-sentinel:26379` for the master.
        const nodes = { ...workloadNames(name, namespace, replicas, clusterDomain), clientService: `${name}-metrics` };
        const sentinelNames = workloadNames(`${name}-sentinel`, namespace, sentinels, clusterDomain);
        const child = childOptions(this, opts);

        const secret = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: { name: `${name}-auth`, namespace }, type: "Opaque", stringData: { password: pulumi.secret(args.password) } },
            configurationOptions(child),
        );
        const files = {
            "redis.conf": renderRedisConf(args.persistence ?? d.persistence, args.minReplicasToWrite ?? d.minReplicasToWrite),
            "sentinel-global.conf": renderSentinelGlobalConf(),
            "sentinel-master.conf": renderSentinelMasterConf(
                masterName,
                args.downAfterMilliseconds ?? d.downAfterMilliseconds,
                args.failoverTimeoutMilliseconds ?? d.failoverTimeoutMilliseconds,
                args.parallelSyncs ?? d.parallelSyncs,
            ),
        };
        const scripts = {
            "redis-node.sh": REDIS_NODE_SCRIPT,
            "redis-handover.sh": REDIS_HANDOVER_SCRIPT,
            "redis-probe.sh": REDIS_PROBE_SCRIPT,
            "sentinel.sh": SENTINEL_SCRIPT,
            "sentinel-reset.sh": SENTINEL_RESET_SCRIPT,
        };
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: `${name}-config`, namespace }, data: { ...files, ...scripts } },
            configurationOptions(child),
        );
        const configChecksum = checksum(Object.values({ ...files, ...scripts }).join("\n"));
        // Not in the checksum, not in any pod template: a scale edit changes only this ConfigMap.
        const topologyMap = new k8s.core.v1.ConfigMap(
            `${name}-topology`,
            {
                metadata: { name: `${name}-topology`, namespace },
                data: renderTopology(nodes.members, sentinelNames.members, quorum),
            },
            configurationOptions(child),
        );

        // The environment contract of the scripts (see lib/redis-scripts.ts).
        // Referenced by name, ordered by dependsOn (see configurationOptions): replacing one replaces no pod owner.
        const configured = dependingOn(opts ?? {}, [secret, config, topologyMap]);
        const password = { secretKeyRef: { name: `${name}-auth`, key: "password" } };
        const topology = {
            REDIS_PASSWORD: password,
            MASTER_NAME: masterName,
            REDIS_PORT: String(REDIS_PORTS.redis),
            SENTINEL_PORT: String(REDIS_PORTS.sentinel),
            TOPOLOGY_DIR: PATHS.topology,
            SEED_HOST: nodes.members[0],
        };
        const member = (suffix: string) => ({
            POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
            POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
            SELF_HOST: `$(POD_NAME)${suffix}`,
            CONFIG_DIR: PATHS.run,
            CONFIG_TEMPLATE_DIR: PATHS.template,
        });
        const configVolumes = [
            { name: "scripts", configMap: { name: `${name}-config`, defaultMode: 0o555 } },
            { name: "template", configMap: { name: `${name}-config` } },
            // A directory mount (never subPath), so the kubelet refreshes it in running pods.
            { name: "topology", configMap: { name: `${name}-topology` } },
            { name: "run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ];
        const configMounts = [
            { name: "scripts", mountPath: PATHS.scripts },
            { name: "template", mountPath: PATHS.template },
            { name: "topology", mountPath: PATHS.topology },
            { name: "run", mountPath: PATHS.run },
        ];
        const script = (file: string, ...argv: string[]) => ({ exec: { command: ["sh", `${PATHS.scripts}/${file}`, ...argv] } });
        const sentinelPing = {
            exec: {
                command: [
                    "sh",
                    "-c",
                    `REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning -h "$POD_IP" -p ${REDIS_PORTS.sentinel} ping | grep -qx PONG`,
                ],
            },
        };
        const monitoring = resolveMonitoring(args.monitoring);
        const exporterImage = args.exporterImage ?? d.exporterImage;
        const resources = resolveResources(args.resources, d.resources);
        const restore =
            args.restoreFrom === undefined
                ? undefined
                : createRedisRestore(
                      name,
                      namespace,
                      args.restoreFrom,
                      {
                          image,
                          persistence: args.persistence ?? d.persistence,
                          dataVolume: "data",
                          dataPath: PATHS.data,
                          resources: resourceRequirements(resources),
                      },
                      child,
                  );

        const workload = createWorkload(
            this,
            name,
            {
                system: "redis",
                names: nodes,
                replicas,
                image,
                podManagementPolicy: "Parallel",
                ports: [
                    { name: "redis", port: REDIS_PORTS.redis, peer: true, client: false },
                    { name: "metrics", port: REDIS_PORTS.metrics, peer: false, client: true, sidecar: true },
                ],
                metrics: { portName: "metrics", port: REDIS_PORTS.metrics, path: "/metrics" },
                env: {
                    ...member(nodes.memberSuffix),
                    ...topology,
                    DATA_DIR: PATHS.data,
                    MASTER_WAIT_SECONDS: String(d.masterWaitSeconds),
                    HANDOVER_TIMEOUT_SECONDS: String(d.handoverTimeoutSeconds),
                },
                command: ["sh", `${PATHS.scripts}/redis-node.sh`],
                // Ready: PONG, and master or a replica with its master link up. Alive: PONG or -LOADING, so a
                // node loading a large dataset is never killed; the startup budget covers the wait for the master.
                readinessProbe: { ...script("redis-probe.sh", "ready"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 2 },
                livenessProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                startupProbe: { ...script("redis-probe.sh", "alive"), periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
                preStop: ["sh", `${PATHS.scripts}/redis-handover.sh`],
                dataVolume: { name: "data", mountPath: PATHS.data, storage: resolveStorage(args.storage, d.storageSize) },
                volumes: [...configVolumes, ...(restore?.volumes ?? [])],
                volumeMounts: configMounts,
                initContainers: restore === undefined ? undefined : [restore.initContainer],
                sidecars: [
                    {
                        name: "exporter",
                        image: exporterImage,
                        imagePullPolicy: "IfNotPresent",
                        env: {
                            POD_IP: { fieldRef: { fieldPath: "status.podIP" } },
                            REDIS_ADDR: `redis://$(POD_IP):${REDIS_PORTS.redis}`,
                            REDIS_PASSWORD: password,
                        },
                        ports: { metrics: REDIS_PORTS.metrics },
                        resources: { requests: { cpu: "25m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                        readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 10 },
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                ],
                runAsUser: d.runAsUser,
                terminationGracePeriodSeconds: d.handoverTimeoutSeconds + d.shutdownSeconds,
                podAnnotations: { "stateful-k8s.io/config-checksum": configChecksum },
                resources,
                monitoring,
                scheduling: resolveScheduling(args.scheduling),
            },
            restore === undefined ? configured : dependingOn(configured, restore.dependencies),
        );

        const sentinel = createWorkload(
            this,
            `${name}-sentinel`,
            {
                system: "redis",
                component: "sentinel",
                names: sentinelNames,
                replicas: sentinels,
                image,
                podManagementPolicy: "Parallel",
                ports: [{ name: "sentinel", port: REDIS_PORTS.sentinel, peer: true, client: true }],
                metrics: { portName: "sentinel", port: REDIS_PORTS.sentinel, path: "/metrics" },
                env: { ...member(sentinelNames.memberSuffix), ...topology, RESOLVE_TIMEOUT_SECONDS: String(d.resolveTimeoutSeconds) },
                command: ["sh", `${PATHS.scripts}/sentinel.sh`],
                readinessProbe: { ...sentinelPing, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
                livenessProbe: { ...sentinelPing, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                // Covers the wait for the master's name to resolve (RESOLVE_TIMEOUT_SECONDS) and more.
                startupProbe: { ...sentinelPing, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 30 },
                volumes: configVolumes,
                volumeMounts: configMounts,
                runAsUser: d.runAsUser,
                terminationGracePeriodSeconds: 10,
                podAnnotations: { "stateful-k8s.io/config-checksum": configChecksum },
                resources: resolveResources(args.sentinelResources, d.sentinelResources),
                // The sentinels have no metrics endpoint of their own: the exporter on the nodes reports replication.
                monitoring: { ...monitoring, scrapeAnnotations: false, serviceMonitor: false },
                scheduling: { ...resolveScheduling(args.scheduling), maxUnavailable: 1 },
                quorum: true,
            },
            configured,
        );

        const scaledIn =
            (args.currentReplicas !== undefined && args.currentReplicas > replicas) ||
            (args.currentSentinels !== undefined && args.currentSentinels > sentinels);
        if (scaledIn) {
            // Sentinels never forget members they have seen; after the StatefulSets shrank, reset them one at a time.
            const topologyHash = checksum(`${replicas}/${sentinels}`).slice(0, 8);
            new k8s.batch.v1.Job(
                `${name}-sentinel-reset`,
                {
                    metadata: {
                        name: `${name}-sentinel-reset-${topologyHash}`,
                        namespace,
                        labels: recommendedLabels("redis", name, image, "sentinel-reset").all,
                    },
                    spec: {
                        backoffLimit: 3,
                        activeDeadlineSeconds: d.resetTimeoutSeconds * (sentinels + 1),
                        template: {
                            // Its own instance label: the nodes' selector must not count the Job's pod.
                            metadata: {
                                labels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": `${name}-sentinel-reset` },
                            },
                            spec: {
                                restartPolicy: "OnFailure",
                                automountServiceAccountToken: false,
                                ...podPlacement(resolveScheduling(args.scheduling)),
                                securityContext: { runAsNonRoot: true, runAsUser: d.runAsUser, seccompProfile: { type: "RuntimeDefault" } },
                                containers: [
                                    {
                                        name: "sentinel-reset",
                                        image,
                                        command: ["sh", `${PATHS.scripts}/sentinel-reset.sh`],
                                        env: Object.entries({
                                            ...topology,
                                            EXPECTED_REPLICAS: String(replicas),
                                            EXPECTED_SENTINELS: String(sentinels),
                                            RESET_TIMEOUT_SECONDS: String(d.resetTimeoutSeconds),
                                        }).map(([n, v]) => (typeof v === "string" ? { name: n, value: v } : { name: n, valueFrom: v })),
                                        volumeMounts: [
                                            { name: "scripts", mountPath: PATHS.scripts },
                                            { name: "topology", mountPath: PATHS.topology },
                                        ],
                                        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                                    },
                                ],
                                volumes: [configVolumes[0], configVolumes[2]],
                            },
                        },
                    },
                },
                dependingOn(child, [workload.statefulSet, sentinel.statefulSet, secret, config, topologyMap]),
            );
        }

        if (args.backup !== undefined) {
            createRedisBackup(
                name,
                namespace,
                args.backup,
                {
                    image,
                    runAsUser: d.runAsUser,
                    topologyEnv: topology,
                    topologyVolume: configVolumes[2],
                    topologyMount: configMounts[2],
                    placement: podPlacement(resolveScheduling(args.scheduling)),
                },
                dependingOn(child, [secret, topologyMap]),
            );
        }

        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        if (np.enabled) {
            // Every pod of this Redis (nodes, sentinels, the reset and backup Jobs) talks to every other on both ports.
            const own = {
                podSelector: {
                    matchExpressions: [
                        { key: "app.kubernetes.io/name", operator: "In", values: ["redis"] },
                        {
                            key: "app.kubernetes.io/instance",
                            operator: "In",
                            values: [
                                name,
                                `${name}-sentinel`,
                                `${name}-sentinel-reset`,
                                ...(args.backup === undefined ? [] : [`${name}-backup`]),
                            ],
                        },
                    ],
                },
            };
            const clients = namespacesPeer(np.clientNamespaces, np.clientPodLabels);
            const rule = (port: number, from: object[]) => ({ from, ports: [{ protocol: "TCP", port }] });
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace },
                workload.selectorLabels,
                [rule(REDIS_PORTS.redis, [own, clients]), rule(REDIS_PORTS.metrics, [namespacesPeer([np.monitoringNamespace])])],
                child,
            );
            createNetworkPolicy(
                `${name}-sentinel-netpol`,
                { name: `${name}-sentinel`, namespace },
                sentinel.selectorLabels,
                [rule(REDIS_PORTS.sentinel, [own, clients])],
                child,
            );
        }

        const scope = { namespace, statefulSet: name, sentinelStatefulSet: sentinelNames.statefulSet, metricsService: nodes.clientService };
        createAlertsAndDashboard(
            name,
            { name, namespace, labels: workload.selectorLabels },
            "Redis",
            redisAlerts(scope),
            monitoring,
            child,
        );

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.sentinelStatefulSetName = sentinel.statefulSet.metadata.name;
        this.sentinelServiceName = sentinel.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(nodes.members);
        this.sentinelDnsNames = pulumi.output(sentinelNames.members);
        this.masterName = pulumi.output(masterName);
        this.sentinelEndpoint = pulumi.output(`${sentinelNames.clientHost}:${REDIS_PORTS.sentinel}`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            sentinels: this.sentinels,
            statefulSetName: this.statefulSetName,
            headlessServiceName: this.headlessServiceName,
            sentinelStatefulSetName: this.sentinelStatefulSetName,
            sentinelServiceName: this.sentinelServiceName,
            memberDnsNames: this.memberDnsNames,
            sentinelDnsNames: this.sentinelDnsNames,
            masterName: this.masterName,
            sentinelEndpoint: this.sentinelEndpoint,
            secretName: this.secretName,
            statefulSet: this.statefulSet,
        });
    }
}
