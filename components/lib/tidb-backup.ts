/**
 * TiDB backup and restore through tidb-operator v2's BR (`br.pingcap.com/v1alpha1`). tidb-operator v2.0.1
 * runs the Backup, Restore and TiBR controllers but none for BackupSchedule (its CRD ships; no controller
 * reconciles it: cmd/tidb-operator/main.go at v2.0.1, and the upstream RFC docs/rfcs/260819-backup-schedule.md
 * on main). So the schedule is a CronJob that creates one snapshot `Backup` per run and deletes those past
 * the retention (their `cleanPolicy: Delete` removes the data), and one long-running log `Backup` streams
 * changes for point-in-time recovery.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    BACKUP_SCHEDULE_KEYS,
    BackupScheduleArgs,
    BackupStorageArgs,
    backupCronJobSpec,
    backupLabels,
    backupSecretName,
    resolveBackupSchedule,
    resolveBackupStorage,
    validateBackupSchedule,
    validateBackupStorage,
} from "./backup";
import { PART_OF_LABEL } from "./contract";
import { ArgProblem, checkBoolean, checkGroup, checkInteger } from "./validation";
import { helperResources } from "./resources";
import { nobodyPodSecurityContext } from "./pod";

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

/** Label that marks the snapshot Backups of one cluster, for the retention. */
export const TIDB_FULL_BACKUP_LABEL = "stateful-k8s.io/full-backup-of";

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

/** The `s3` storage provider of a BR object (S3StorageProvider at v2.0.1) for a folder of the bucket. */
export function brS3(storage: Required<BackupStorageArgs>, secretName: string, prefix: string): Record<string, string> {
    const aws = /\.amazonaws\.com(\/|$)/.test(storage.endpoint) && !storage.forcePathStyle;
    return {
        provider: aws ? "aws" : "ceph",
        endpoint: storage.endpoint,
        region: storage.region,
        bucket: storage.bucket,
        prefix,
        secretName,
    };
}

/** Name of the ServiceAccount that BR's Jobs and the scheduling CronJob run as. */
export function tidbBackupServiceAccount(name: string): string {
    return `${name}-br`;
}

/**
 * The snapshot `Backup` one scheduled run creates, with `__STAMP__` where the run's UTC timestamp goes
 * (`YYYYMMDD-hhmmss`): named `<name>-full-<stamp>`, written under `<prefix>/full/<stamp>`.
 */
export function tidbFullBackupManifest(name: string, namespace: string, storage: Required<BackupStorageArgs>): object {
    return {
        apiVersion: "br.pingcap.com/v1alpha1",
        kind: "Backup",
        metadata: {
            name: `${name}-full-__STAMP__`,
            namespace,
            labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value, [TIDB_FULL_BACKUP_LABEL]: name },
        },
        spec: {
            backupType: "full",
            cleanPolicy: "Delete",
            serviceAccount: tidbBackupServiceAccount(name),
            br: { cluster: name, clusterNamespace: namespace },
            s3: brS3(storage, backupSecretName(name), `${storage.prefix}/full/__STAMP__`),
        },
    };
}

/**
 * The CronJob's script (for the PD image, which carries curl and jq): create this run's Backup through
 * the Kubernetes API, then, if a snapshot newer than the cutoff has completed, delete the snapshot
 * Backups older than `retentionDays` (so failed runs never leave the cluster without a snapshot).
 */
export function renderTiDBBackupScript(
    name: string,
    namespace: string,
    storage: Required<BackupStorageArgs>,
    retentionDays: number,
    api = "https://kubernetes.default.svc",
    serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount",
): string {
    const backups = `${api}/apis/br.pingcap.com/v1alpha1/namespaces/${namespace}/backups`;
    return [
        "set -eu",
        `sa=${serviceAccountDir}`,
        'k() { curl -fsS --max-time 60 --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }',
        "stamp=$(date -u +%Y%m%d-%H%M%S)",
        `body='${JSON.stringify(tidbFullBackupManifest(name, namespace, storage))}'`,
        `k -X POST -H 'Content-Type: application/json' --data "$(echo "$body" | sed "s/__STAMP__/$stamp/g")" '${backups}' >/dev/null`,
        `echo "created Backup ${name}-full-$stamp"`,
        `cutoff=$(date -u -d "@$(( $(date +%s) - ${retentionDays} * 86400 ))" +%Y-%m-%dT%H:%M:%SZ)`,
        `list=$(k '${backups}?labelSelector=${encodeURIComponent(`${TIDB_FULL_BACKUP_LABEL}=${name}`)}')`,
        'recent=$(echo "$list" | jq --arg c "$cutoff" \'[.items[] | select(.metadata.creationTimestamp >= $c and .status.phase == "Complete")] | length\')',
        'if [ "$recent" -eq 0 ]; then echo "no completed snapshot since $cutoff: keeping the older ones"; exit 0; fi',
        'echo "$list" | jq -r --arg c "$cutoff" \'.items[] | select(.metadata.creationTimestamp < $c) | .metadata.name\' | while read -r old; do',
        `  k -X DELETE '${backups}/'"$old" >/dev/null && echo "deleted Backup $old (older than ${retentionDays} days)"`,
        "done",
        "",
    ].join("\n");
}

/** What {@link createTiDBBackup} created. */
export interface TiDBBackupResources {
    /** The scheduling CronJob `<name>-backup`. */
    cronJob: k8s.batch.v1.CronJob;
    /** The log Backup `<name>-log`, when `logBackup` is on. */
    logBackup?: k8s.apiextensions.CustomResource;
}

/** The ServiceAccount, Role and RoleBinding BR's Jobs (status updates) and the CronJob (Backups) need. */
export function createTiDBBackupAccount(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
    const account = tidbBackupServiceAccount(name);
    const metadata = { name: account, namespace, labels };
    const sa = new k8s.core.v1.ServiceAccount(`${name}-br`, { metadata }, opts);
    const role = new k8s.rbac.v1.Role(
        `${name}-br`,
        {
            metadata,
            rules: [
                { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
                {
                    apiGroups: ["br.pingcap.com"],
                    resources: ["backups", "restores"],
                    verbs: ["get", "list", "watch", "update", "create", "delete"],
                },
                { apiGroups: ["br.pingcap.com"], resources: ["backups/status", "restores/status"], verbs: ["get", "update"] },
            ],
        },
        opts,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
        `${name}-br`,
        {
            metadata,
            subjects: [{ kind: "ServiceAccount", name: account, namespace }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: account },
        },
        opts,
    );
    return [sa, role, binding];
}

/**
 * Creates the scheduled snapshots (CronJob `<name>-backup`) and the log backup (`Backup` `<name>-log`).
 * `ready` are the resources they must follow (the credentials Secret, the account, the TiKV group).
 */
export function createTiDBBackup(
    name: string,
    namespace: string,
    version: string,
    labels: Record<string, string>,
    args: TiDBBackupArgs,
    opts: pulumi.CustomResourceOptions,
): TiDBBackupResources {
    const storage = resolveBackupStorage(name, args.storage);
    const schedule = resolveBackupSchedule(args);
    const cronJob = new k8s.batch.v1.CronJob(
        `${name}-backup`,
        {
            metadata: { name: `${name}-backup`, namespace, labels: backupLabels(name) },
            spec: backupCronJobSpec(schedule.schedule, {
                backoffLimit: 2,
                activeDeadlineSeconds: 600,
                template: {
                    metadata: { labels: backupLabels(name) },
                    spec: {
                        restartPolicy: "Never",
                        serviceAccountName: tidbBackupServiceAccount(name),
                        securityContext: nobodyPodSecurityContext(),
                        containers: [
                            {
                                name: "schedule-backup",
                                image: `pingcap/pd:${version}`,
                                command: ["sh", "-c", renderTiDBBackupScript(name, namespace, storage, schedule.retentionDays)],
                                resources: helperResources("10m", "16Mi", "64Mi"),
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                            },
                        ],
                    },
                },
            }),
        },
        opts,
    );
    if (!(args.logBackup ?? TIDB_BACKUP_DEFAULTS.logBackup)) return { cronJob };
    const logBackup = new k8s.apiextensions.CustomResource(
        `${name}-log-backup`,
        {
            apiVersion: "br.pingcap.com/v1alpha1",
            kind: "Backup",
            metadata: { name: `${name}-log`, namespace, labels },
            spec: {
                backupMode: "log",
                logSubcommand: "log-start",
                cleanPolicy: "Retain",
                serviceAccount: tidbBackupServiceAccount(name),
                br: { cluster: name, clusterNamespace: namespace },
                s3: brS3(storage, backupSecretName(name), `${storage.prefix}/log`),
            },
        },
        opts,
    );
    return { cronJob, logBackup };
}

/**
 * Creates the `Restore` `<name>-restore` into this (new) cluster. Pulumi waits until its phase is
 * `Complete` (`pulumi.com/waitFor`), so that whatever depends on it (the SQL layer) starts only then.
 */
export function createTiDBRestore(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    args: TiDBRestoreArgs,
    secretName: string,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    const storage = resolveBackupStorage(name, args.storage);
    const full = brS3(storage, secretName, `${storage.prefix}/full/${args.fullBackup}`);
    const pitr = args.pointInTime !== undefined;
    const spec = pitr
        ? {
              restoreMode: "pitr",
              s3: brS3(storage, secretName, `${storage.prefix}/log`),
              pitrFullBackupStorageProvider: { s3: full },
              pitrRestoredTs: args.pointInTime,
          }
        : { restoreMode: "snapshot", backupType: "full", s3: full };
    const minutes = args.timeoutMinutes ?? TIDB_BACKUP_DEFAULTS.timeoutMinutes;
    return new k8s.apiextensions.CustomResource(
        `${name}-restore`,
        {
            apiVersion: "br.pingcap.com/v1alpha1",
            kind: "Restore",
            metadata: {
                name: `${name}-restore`,
                namespace,
                labels,
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.phase}=Complete" },
            },
            spec: { ...spec, serviceAccount: tidbBackupServiceAccount(name), br: { cluster: name, clusterNamespace: namespace } },
        },
        { ...opts, customTimeouts: { create: `${minutes}m`, update: `${minutes}m` } },
    );
}
