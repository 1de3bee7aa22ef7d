/** Creating a TiDB cluster's backups and restore through tidb-operator v2's BR (see `backup-script.ts`). */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { backupCronJobSpec, backupLabels, backupSecretName } from "../lib/backup";
import { helperResources } from "../lib/resources";
import { nobodyPodSecurityContext } from "../lib/pod";
import { ResolvedTiDBBackup, ResolvedTiDBRestore } from "./backup";
import { brS3, renderTiDBBackupScript, tidbBackupServiceAccount } from "./backup-script";

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
 * `opts` order them after the credentials Secret, the account and the TiKV group.
 */
export function createTiDBBackup(
    name: string,
    namespace: string,
    version: string,
    labels: Record<string, string>,
    backup: ResolvedTiDBBackup,
    opts: pulumi.CustomResourceOptions,
): TiDBBackupResources {
    const { storage } = backup;
    const cronJob = new k8s.batch.v1.CronJob(
        `${name}-backup`,
        {
            metadata: { name: `${name}-backup`, namespace, labels: backupLabels(name) },
            spec: backupCronJobSpec(backup.schedule, {
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
                                command: ["sh", "-c", renderTiDBBackupScript(name, namespace, storage, backup.retentionDays)],
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
    if (!backup.logBackup) return { cronJob };
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
    restore: ResolvedTiDBRestore,
    secretName: string,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    const { storage } = restore;
    const full = brS3(storage, secretName, `${storage.prefix}/full/${restore.fullBackup}`);
    const pitr = restore.pointInTime !== undefined;
    const spec = pitr
        ? {
              restoreMode: "pitr",
              s3: brS3(storage, secretName, `${storage.prefix}/log`),
              pitrFullBackupStorageProvider: { s3: full },
              pitrRestoredTs: restore.pointInTime,
          }
        : { restoreMode: "snapshot", backupType: "full", s3: full };
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
        { ...opts, customTimeouts: { create: `${restore.timeoutMinutes}m`, update: `${restore.timeoutMinutes}m` } },
    );
}
