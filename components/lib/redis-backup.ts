/**
 * Redis's scheduled snapshots and restore: a CronJob that takes an RDB from a replica (the sentinels say
 * which nodes are replicas; the master is never loaded) and uploads it to an S3-compatible bucket with
 * rclone, keeping the newest `keepLast` and none older than `retentionDays`; and an init container on
 * every node that, when `restoreFrom` is set and the node's data directory is empty, fetches a snapshot,
 * checks it and puts it in place before Redis starts. The storage, credentials and schedule arguments
 * are the shared ones of lib/backup.ts; the scripts are in lib/redis-backup-scripts.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import {
    BACKUP_OF_LABEL,
    BACKUP_SECRET_KEYS,
    BACKUP_SCHEDULE_KEYS,
    BackupScheduleArgs,
    BackupStorageArgs,
    backupCronJobSpec,
    backupSecretName,
    createBackupCredentialsSecret,
    resolveBackupSchedule,
    resolveBackupStorage,
    validateBackupSchedule,
    validateBackupStorage,
} from "./backup";
import { REDIS_BACKUP_SCRIPT, REDIS_RESTORE_SCRIPT } from "./redis-backup-scripts";
import { ArgProblem, checkGroup, checkImage, checkInteger } from "./validation";
import { recommendedLabels } from "./labels";
import { configurationOptions, dependingOn } from "./options";

/**
 * Scheduled RDB snapshots of a Redis: where they go (the shared {@link BackupStorageArgs}), when they are
 * taken and how long they are kept (the shared {@link BackupScheduleArgs}), plus a count limit.
 */
export interface RedisBackupArgs extends BackupScheduleArgs {
    /** Where the snapshots go, as `<prefix>/<name>-<UTC yyyymmddTHHMMSSZ>.rdb`. */
    storage: BackupStorageArgs;
    /**
     * Snapshots kept, newest first; older ones are deleted after each successful backup (together with
     * those older than `retentionDays`). The snapshot just taken is never deleted.
     * @default - no count limit: only `retentionDays` applies
     */
    keepLast?: number;
    /**
     * Image of the backup Job: it needs `redis-cli`, `redis-check-rdb` and `rclone`, as the image built by
     * images/redis.sh has.
     * @default - the component's `image`
     */
    image?: string;
}

/**
 * Where a restore fetches its snapshot: a bucket and prefix written by {@link RedisBackupArgs} (of this
 * Redis or another one), and which snapshot.
 */
export interface RedisRestoreArgs {
    /** Where the snapshots are: the storage (and prefix) the backed-up Redis wrote to. */
    storage: BackupStorageArgs;
    /**
     * Object name of the snapshot under the prefix, for example "redis-20261127T020000Z.rdb".
     * @default - the newest snapshot under the prefix
     */
    snapshot?: string;
    /**
     * Image of the restore init container: it needs `redis-server`, `redis-check-rdb` and `rclone`.
     * @default - the component's `image`
     */
    image?: string;
}

/** Defaults of Redis's backups. */
export const REDIS_BACKUP_DEFAULTS = {
    /** How long `redis-cli --rdb` may take to receive the snapshot. */
    rdbTimeoutSeconds: 3600,
    /** How long one backup Job may run in all (snapshot, check, upload, retention). */
    jobDeadlineSeconds: 7200,
    /** Retries of a failed backup Job. */
    backoffLimit: 2,
} as const;

/** Mount paths of the backup Job and the restore init container. */
const PATHS = { scripts: "/backup-scripts", scratch: "/backup", restoreScripts: "/restore-scripts", restoreScratch: "/restore" } as const;

/** Name of the backup CronJob of Redis `name`. */
export function redisBackupCronJobName(name: string): string {
    return `${name}-backup`;
}

const SNAPSHOT = /^[A-Za-z0-9!_.*'()-]+\.rdb$/;

/** Checks `backup` and `restoreFrom` of Redis args. */
export function validateRedisBackupArgs(problems: ArgProblem[], backup: unknown, restoreFrom: unknown): void {
    const backupKeys = ["storage", ...BACKUP_SCHEDULE_KEYS, "keepLast", "image"];
    if (checkGroup(problems, "backup", backup, backupKeys)) {
        checkKnown(problems, "backup", backup, backupKeys);
        validateBackupStorage(problems, "backup.storage", backup.storage);
        validateBackupSchedule(problems, "backup", backup);
        if (backup.keepLast !== undefined) checkInteger(problems, "backup.keepLast", backup.keepLast, 1, 10000);
        if (backup.image !== undefined) checkImage(problems, "backup.image", backup.image);
    }
    const restoreKeys = ["storage", "snapshot", "image"];
    if (checkGroup(problems, "restoreFrom", restoreFrom, restoreKeys)) {
        checkKnown(problems, "restoreFrom", restoreFrom, restoreKeys);
        validateBackupStorage(problems, "restoreFrom.storage", restoreFrom.storage);
        const snapshot = restoreFrom.snapshot;
        if (snapshot !== undefined && (typeof snapshot !== "string" || !SNAPSHOT.test(snapshot))) {
            problems.push({
                path: "restoreFrom.snapshot",
                value: snapshot,
                allowed: 'an object name under the prefix ending in ".rdb", such as "redis-20261127T020000Z.rdb"',
            });
        }
        if (restoreFrom.image !== undefined) checkImage(problems, "restoreFrom.image", restoreFrom.image);
    }
}

function checkKnown(problems: ArgProblem[], path: string, value: Record<string, unknown>, keys: readonly string[]): void {
    for (const key of Object.keys(value)) {
        if (!keys.includes(key))
            problems.push({ path: `${path}.${key}`, value: value[key], allowed: `one of the keys ${keys.join(", ")}` });
    }
}

type EnvSource = string | k8s.types.input.core.v1.EnvVarSource;

/** rclone's `:s3:` backend configured from the environment, with the credentials by reference to `secretName`. */
function s3Env(secretName: string, storage: Required<BackupStorageArgs>): Record<string, EnvSource> {
    const key = (k: string) => ({ secretKeyRef: { name: secretName, key: k } });
    return {
        RCLONE_S3_PROVIDER: "Other",
        RCLONE_S3_ENDPOINT: storage.endpoint,
        RCLONE_S3_REGION: storage.region,
        RCLONE_S3_FORCE_PATH_STYLE: String(storage.forcePathStyle),
        RCLONE_S3_ACCESS_KEY_ID: key(BACKUP_SECRET_KEYS.accessKeyId),
        RCLONE_S3_SECRET_ACCESS_KEY: key(BACKUP_SECRET_KEYS.secretAccessKey),
        S3_BUCKET: storage.bucket,
        S3_PREFIX: storage.prefix,
    };
}

function envList(env: Record<string, EnvSource>): k8s.types.input.core.v1.EnvVar[] {
    return Object.entries(env).map(([name, v]) => (typeof v === "string" ? { name, value: v } : { name, valueFrom: v }));
}

/** What the backup CronJob shares with the Redis pods. */
export interface RedisBackupContext {
    /** The component's image (the default of the Job's). */
    image: string;
    /** The user the pods run as. */
    runAsUser: number;
    /** The scripts' topology environment (password, master name, ports, `TOPOLOGY_DIR`). */
    topologyEnv: Record<string, EnvSource>;
    /** The topology ConfigMap volume and its mount. */
    topologyVolume: k8s.types.input.core.v1.Volume;
    topologyMount: k8s.types.input.core.v1.VolumeMount;
    /** Node selector and tolerations of the pods. */
    placement: object;
}

/**
 * Creates the credentials Secret, the script ConfigMap and the CronJob `<name>-backup` (concurrency
 * Forbid: a slow snapshot is never joined by a second one).
 */
export function createRedisBackup(
    name: string,
    namespace: string,
    backup: RedisBackupArgs,
    context: RedisBackupContext,
    opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
    const storage = resolveBackupStorage(name, backup.storage);
    const schedule = resolveBackupSchedule(backup);
    const secret = createBackupCredentialsSecret(name, namespace, backup.storage, configurationOptions(opts));
    const scripts = new k8s.core.v1.ConfigMap(
        `${name}-backup-scripts`,
        { metadata: { name: `${name}-backup-scripts`, namespace }, data: { "redis-backup.sh": REDIS_BACKUP_SCRIPT } },
        configurationOptions(opts),
    );
    const image = backup.image ?? context.image;
    const d = REDIS_BACKUP_DEFAULTS;
    const jobName = redisBackupCronJobName(name);
    const env = {
        ...context.topologyEnv,
        BACKUP_NAME: name,
        BACKUP_DIR: PATHS.scratch,
        KEEP_LAST: String(backup.keepLast ?? 0),
        KEEP_DAYS: String(schedule.retentionDays),
        RDB_TIMEOUT_SECONDS: String(d.rdbTimeoutSeconds),
        ...s3Env(backupSecretName(name), storage),
    };
    return new k8s.batch.v1.CronJob(
        jobName,
        {
            // Labelled with the StatefulSet it backs up, which the policy pack's backup-schedule looks for.
            metadata: {
                name: jobName,
                namespace,
                labels: { ...recommendedLabels("redis", name, image, "backup").all, [BACKUP_OF_LABEL]: name },
            },
            spec: backupCronJobSpec(schedule.schedule, {
                backoffLimit: d.backoffLimit,
                activeDeadlineSeconds: d.jobDeadlineSeconds,
                template: {
                    // Its own instance label: the nodes' selector must not count the Job's pod.
                    metadata: { labels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": jobName } },
                    spec: {
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        ...context.placement,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: context.runAsUser,
                            runAsGroup: context.runAsUser,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "backup",
                                image,
                                imagePullPolicy: "IfNotPresent",
                                command: ["sh", `${PATHS.scripts}/redis-backup.sh`],
                                env: envList(env),
                                volumeMounts: [
                                    { name: "backup-scripts", mountPath: PATHS.scripts },
                                    context.topologyMount,
                                    { name: "scratch", mountPath: PATHS.scratch },
                                ],
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                            },
                        ],
                        volumes: [
                            { name: "backup-scripts", configMap: { name: `${name}-backup-scripts`, defaultMode: 0o555 } },
                            context.topologyVolume,
                            { name: "scratch", emptyDir: {} },
                        ],
                    },
                },
            }),
        },
        dependingOn(opts, [secret, scripts]),
    );
}

/** The restore init container of the nodes, its volumes, and the objects it reads (to order the StatefulSet after). */
export interface RedisRestore {
    /** The init container. */
    initContainer: kx.types.Container;
    /** The pod volumes it needs besides the data volume. */
    volumes: k8s.types.input.core.v1.Volume[];
    /** The credentials Secret and the script ConfigMap. */
    dependencies: pulumi.Resource[];
}

/**
 * Creates the restore's credentials Secret (`<name>-restore-backup-s3`) and script ConfigMap, and returns
 * the init container that restores into an empty data directory before Redis starts.
 */
export function createRedisRestore(
    name: string,
    namespace: string,
    restore: RedisRestoreArgs,
    context: {
        image: string;
        persistence: string;
        dataVolume: string;
        dataPath: string;
        resources: k8s.types.input.core.v1.ResourceRequirements;
    },
    opts: pulumi.CustomResourceOptions,
): RedisRestore {
    // The source's prefix is the source's: it defaults to this component's name, as the backup's does.
    const storage = resolveBackupStorage(name, restore.storage);
    const secret = createBackupCredentialsSecret(`${name}-restore`, namespace, restore.storage, configurationOptions(opts));
    const scripts = new k8s.core.v1.ConfigMap(
        `${name}-restore-scripts`,
        { metadata: { name: `${name}-restore-scripts`, namespace }, data: { "redis-restore.sh": REDIS_RESTORE_SCRIPT } },
        configurationOptions(opts),
    );
    return {
        initContainer: {
            name: "restore",
            image: restore.image ?? context.image,
            imagePullPolicy: "IfNotPresent",
            command: ["sh", `${PATHS.restoreScripts}/redis-restore.sh`],
            env: envList({
                DATA_DIR: context.dataPath,
                RESTORE_DIR: PATHS.restoreScratch,
                RESTORE_SNAPSHOT: restore.snapshot ?? "",
                PERSISTENCE: context.persistence,
                ...s3Env(backupSecretName(`${name}-restore`), storage),
            }),
            volumeMounts: [
                { name: context.dataVolume, mountPath: context.dataPath },
                { name: "restore-scripts", mountPath: PATHS.restoreScripts },
                { name: "restore-scratch", mountPath: PATHS.restoreScratch },
            ],
            // Converting to AOF loads the whole dataset: the node's own resources.
            resources: context.resources,
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
        volumes: [
            { name: "restore-scripts", configMap: { name: `${name}-restore-scripts`, defaultMode: 0o555 } },
            { name: "restore-scratch", emptyDir: {} },
        ],
        dependencies: [secret, scripts],
    };
}
