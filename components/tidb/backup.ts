/**
 * The backup and restore arguments of a TiDB component: their meaning, defaults, validation and resolved
 * form. The objects they become are in `backup-script.ts` (what BR's objects and the schedule's
 * script look like) and `backup-resources.ts` (creating them).
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
import { ArgProblem, checkBoolean, checkGroup, checkInteger } from "../lib/validation";

/** Scheduled backups of a TiDB cluster. */
export interface TiDBBackupArgs extends BackupScheduleArgs {
    /** Where the backups go: snapshots under `<prefix>/full/<UTC timestamp>`, the log backup under `<prefix>/log`. */
    storage: BackupStorageArgs;
    /**
     * Runs a log backup (a `Backup` in `log` mode) beside the snapshots, for point-in-time recovery. The
     * component then sets TiKV's `log-backup.enable = true`.
     * @default true
     */
    logBackup?: boolean;
}

/** Restores a new TiDB cluster from backups, before its SQL layer starts. */
export interface TiDBRestoreArgs {
    /** Where the backups are: the storage (and prefix) the backed-up cluster wrote to. */
    storage: BackupStorageArgs;
    /** Folder of the snapshot under `<prefix>/full/`, its UTC timestamp such as "20261127-020000". */
    fullBackup: string;
    /**
     * Restores to this moment ("2026-11-27 09:30:00", UTC, or a TSO) by replaying `<prefix>/log` over the
     * snapshot (mode `pitr`). Must be after the snapshot and within the log backup.
     * @default - the snapshot itself (mode `snapshot`)
     */
    pointInTime?: string;
    /**
     * Minutes `pulumi up` waits for the Restore to complete before failing; the SQL layer waits for it.
     * @default 720
     */
    timeoutMinutes?: number;
}

/** Defaults of {@link TiDBBackupArgs} and {@link TiDBRestoreArgs}. */
export const TIDB_BACKUP_DEFAULTS = { logBackup: true, timeoutMinutes: 720 } as const;

const FULL_BACKUP = /^[0-9]{8}-[0-9]{6}$/;
const POINT_IN_TIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{18})$/;

/** Returns every problem with the `backup` and `restore` arguments of a TiDB component. */
export function validateTiDBBackupArgs(problems: ArgProblem[], backup: unknown, restore: unknown): void {
    if (checkGroup(problems, "backup", backup, ["storage", "logBackup", ...BACKUP_SCHEDULE_KEYS])) {
        validateBackupStorage(problems, "backup.storage", backup.storage);
        validateBackupSchedule(problems, "backup", backup);
        checkBoolean(problems, "backup.logBackup", backup.logBackup);
    }
    if (checkGroup(problems, "restore", restore, ["storage", "fullBackup", "pointInTime", "timeoutMinutes"])) {
        validateBackupStorage(problems, "restore.storage", restore.storage);
        if (typeof restore.fullBackup !== "string" || !FULL_BACKUP.test(restore.fullBackup)) {
            problems.push({
                path: "restore.fullBackup",
                value: restore.fullBackup,
                allowed: 'the snapshot\'s folder under <prefix>/full/, a UTC timestamp such as "20261127-020000"',
            });
        }
        if (restore.pointInTime !== undefined && (typeof restore.pointInTime !== "string" || !POINT_IN_TIME.test(restore.pointInTime))) {
            problems.push({
                path: "restore.pointInTime",
                value: restore.pointInTime,
                allowed: 'a UTC time "YYYY-MM-DD hh:mm:ss" or an 18-digit TSO',
            });
        }
        if (restore.timeoutMinutes !== undefined) checkInteger(problems, "restore.timeoutMinutes", restore.timeoutMinutes, 10, 10080);
    }
}

/** {@link TiDBBackupArgs} with every default applied. */
export interface ResolvedTiDBBackup extends Required<BackupScheduleArgs> {
    /** The bucket, its prefix defaulting to the cluster's name. */
    storage: Required<BackupStorageArgs>;
    /** Whether the log backup runs. */
    logBackup: boolean;
}

/** {@link TiDBRestoreArgs} with every default applied. */
export interface ResolvedTiDBRestore extends Omit<TiDBRestoreArgs, "storage" | "timeoutMinutes"> {
    /** The bucket, its prefix defaulting to the cluster's name. */
    storage: Required<BackupStorageArgs>;
    /** Minutes `pulumi up` waits for the Restore. */
    timeoutMinutes: number;
}

/** The (validated) `backup` of TiDB cluster `name` with its defaults, or undefined when not set. */
export function resolveTiDBBackup(name: string, backup: TiDBBackupArgs | undefined): ResolvedTiDBBackup | undefined {
    if (backup === undefined) return undefined;
    return {
        ...resolveBackupSchedule(backup),
        storage: resolveBackupStorage(name, backup.storage),
        logBackup: backup.logBackup ?? TIDB_BACKUP_DEFAULTS.logBackup,
    };
}

/** The (validated) `restore` of TiDB cluster `name` with its defaults, or undefined when not set. */
export function resolveTiDBRestore(name: string, restore: TiDBRestoreArgs | undefined): ResolvedTiDBRestore | undefined {
    if (restore === undefined) return undefined;
    return {
        ...restore,
        storage: resolveBackupStorage(name, restore.storage),
        timeoutMinutes: restore.timeoutMinutes ?? TIDB_BACKUP_DEFAULTS.timeoutMinutes,
    };
}
