/** The arguments of the Redis component: their documentation, defaults and validation. */
import * as pulumi from "@pulumi/pulumi";
import { refuseAutoscaling } from "../lib/autoscaling";
import { majority } from "../lib/contract";
import {
    RedisBackupArgs,
    RedisRestoreArgs,
    ResolvedRedisBackupArgs,
    ResolvedRedisRestoreArgs,
    resolveRedisBackupArgs,
    resolveRedisRestoreArgs,
    validateRedisBackupArgs,
} from "./backup";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { validateNetworkPolicyArgs } from "../lib/network";
import { ResolvedPersistentArgs, resolvePersistentArgs, validateSharedArgs } from "../lib/statefulset/args";
import { WithResolvedGroups } from "../lib/resolve";
import { NetworkPolicyArgs, PersistentSystemArgs, ResourcesArgs } from "../lib/types";
import { ArgProblem, checkImage, checkInteger, checkOneOf, checkPresent, checkReplicaCeiling, checkReplicas } from "../lib/validation";
import { checkResources, resolveResources } from "../lib/resources";

/** How a Redis node persists its dataset. */
export const RedisPersistence = {
    /** Append-only file, fsync every second: at most a second of writes lost on a crash. */
    Aof: "aof",
    /** Periodic snapshots: faster restarts, minutes of writes lost on a crash. */
    Rdb: "rdb",
} as const;
/** One of {@link RedisPersistence}'s values. */
export type RedisPersistence = (typeof RedisPersistence)[keyof typeof RedisPersistence];

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
    persistence?: RedisPersistence;
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
    persistence: RedisPersistence.Aof,
    downAfterMilliseconds: 5000,
    failoverTimeoutMilliseconds: 60000,
    parallelSyncs: 1,
    minReplicasToWrite: 1,
    storageSize: "10Gi",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    resources: { cpuRequest: "250m", memoryRequest: "512Mi" },
    sentinelResources: { cpuRequest: "50m", memoryRequest: "64Mi" },
} as const;

/**
 * Settings of the pods and Jobs that are not arguments. The resolver adds them after the args, so an
 * argument object cannot override them.
 */
export const REDIS_FIXED = {
    /** How long a replica may lag and still count towards `min-replicas-to-write`. */
    minReplicasMaxLagSeconds: 10,
    /** The redis image's user. */
    runAsUser: 999,
    /** How long the sentinel reset Job may take. */
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
    if (args.persistence !== undefined) checkOneOf(problems, "persistence", args.persistence, Object.values(RedisPersistence));
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

/** {@link RedisArgs} with every default applied, its argument groups included. */
export type ResolvedRedisArgs = WithResolvedGroups<
    ResolvedPersistentArgs<typeof REDIS_DEFAULTS, RedisArgs>,
    {
        quorum: number;
        sentinelResources: ResourcesArgs;
    } & typeof REDIS_FIXED & {
            backup?: ResolvedRedisBackupArgs;
            restoreFrom?: ResolvedRedisRestoreArgs;
        }
>;

/** {@link RedisArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveRedisArgs(name: string, args: RedisArgs): ResolvedRedisArgs {
    const d = REDIS_DEFAULTS;
    const shared = resolvePersistentArgs(`Redis "${name}" arguments`, validateRedisArgs(name, args), d, args);
    return {
        ...shared,
        ...REDIS_FIXED,
        quorum: args.quorum ?? defaultQuorum(shared.sentinels),
        sentinelResources: resolveResources(args.sentinelResources, d.sentinelResources),
        backup: args.backup === undefined ? undefined : resolveRedisBackupArgs(name, args.backup, shared.image),
        restoreFrom: args.restoreFrom === undefined ? undefined : resolveRedisRestoreArgs(name, args.restoreFrom, shared.image),
    };
}
