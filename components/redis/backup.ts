/**
 * Redis's scheduled snapshots and restore: a CronJob that takes an RDB from a replica (the sentinels say
 * which nodes are replicas; the master is never loaded) and uploads it to an S3-compatible bucket with
 * rclone, keeping the newest `keepLast` and none older than `retentionDays`; and an init container on
 * every node that, when `restoreFrom` is set and the node's data directory is empty, fetches a snapshot,
 * checks it and puts it in place before Redis starts. The storage, credentials and schedule arguments
 * are the shared ones of lib/backup.ts. This file holds the arguments, their checks and their defaults;
 * the CronJob is built in redis/backup-job.ts, the init container in redis/restore.ts, and the
 * scripts are in redis/backup-scripts.ts.
 */
import {
    BACKUP_SCHEDULE_KEYS,
    BackupScheduleArgs,
    BackupStorageArgs,
    resolveBackupSchedule,
    resolveBackupStorage,
    validateBackupSchedule,
    validateBackupStorage,
} from "../lib/backup";
import { WithResolvedGroups } from "../lib/resolve";
import { ArgProblem, checkGroup, checkImage, checkInteger } from "../lib/validation";

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

/** Defaults of Redis's backups and restore. */
export const REDIS_BACKUP_DEFAULTS = {
    /** `keepLast` when unset: 0, no count limit. */
    keepLast: 0,
    /** `restoreFrom.snapshot` when unset: empty, the newest snapshot under the prefix. */
    snapshot: "",
    /** How long `redis-cli --rdb` may take to receive the snapshot. */
    rdbTimeoutSeconds: 3600,
    /** How long one backup Job may run in all (snapshot, check, upload, retention). */
    jobDeadlineSeconds: 7200,
    /** Retries of a failed backup Job. */
    backoffLimit: 2,
} as const;

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

/** {@link RedisBackupArgs} with every default applied. */
export type ResolvedRedisBackupArgs = WithResolvedGroups<Required<RedisBackupArgs>, { storage: Required<BackupStorageArgs> }>;

/** {@link RedisRestoreArgs} with every default applied. */
export type ResolvedRedisRestoreArgs = WithResolvedGroups<Required<RedisRestoreArgs>, { storage: Required<BackupStorageArgs> }>;

/** Applies the defaults of (validated) `backup` of Redis `name`; the Job's image defaults to the component's `image`. */
export function resolveRedisBackupArgs(name: string, backup: RedisBackupArgs, image: string): ResolvedRedisBackupArgs {
    return {
        ...resolveBackupSchedule(backup),
        storage: resolveBackupStorage(name, backup.storage),
        keepLast: backup.keepLast ?? REDIS_BACKUP_DEFAULTS.keepLast,
        image: backup.image ?? image,
    };
}

/**
 * Applies the defaults of (validated) `restoreFrom` of Redis `name`: the source's prefix defaults to this
 * component's name, as the backup's does; the init container's image to the component's `image`.
 */
export function resolveRedisRestoreArgs(name: string, restore: RedisRestoreArgs, image: string): ResolvedRedisRestoreArgs {
    return {
        storage: resolveBackupStorage(name, restore.storage),
        snapshot: restore.snapshot ?? REDIS_BACKUP_DEFAULTS.snapshot,
        image: restore.image ?? image,
    };
}
