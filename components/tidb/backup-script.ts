/**
 * What tidb-operator v2's BR objects (`br.pingcap.com/v1alpha1`) look like for a cluster's backups: the
 * `s3` storage provider, the account BR's Jobs run as, the snapshot `Backup` one scheduled run creates and
 * the schedule's script. tidb-operator v2.0.1 runs the Backup, Restore and TiBR controllers but none for
 * BackupSchedule (its CRD ships; no controller reconciles it: cmd/tidb-operator/main.go at v2.0.1, and the
 * upstream RFC docs/rfcs/260819-backup-schedule.md on main). So the schedule is a CronJob that creates one
 * snapshot `Backup` per run and deletes those past the retention (their `cleanPolicy: Delete` removes the
 * data), and one long-running log `Backup` streams changes for point-in-time recovery.
 */
import { BackupStorageArgs, backupSecretName } from "../lib/backup";
import { PART_OF_LABEL } from "../lib/contract";

/** Label that marks the snapshot Backups of one cluster, for the retention. */
export const TIDB_FULL_BACKUP_LABEL = "stateful-k8s.io/full-backup-of";

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
