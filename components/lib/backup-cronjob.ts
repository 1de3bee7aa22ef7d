/**
 * The backup CronJob of the systems that export over their own HTTP API (RabbitMQ definitions, Nacos
 * configurations): an export container writes one file, then the AWS CLI uploads it to the bucket and
 * prunes what is past the retention. The bucket, credentials and schedule are lib/backup.ts's.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    BackupScheduleArgs,
    BackupStorageArgs,
    backupCronJobSpec,
    backupLabels,
    backupSecretName,
    createBackupCredentialsSecret,
    resolveBackupSchedule,
    resolveBackupStorage,
    s3ClientEnv,
} from "./backup";
import { dependingOn } from "./options";
import { containerSecurityContext, nobodyPodSecurityContext } from "./pod";
import { helperResources } from "./resources";

/**
 * Images of the backup CronJobs, pinned: a curl image fetches from a system's HTTP API, the AWS CLI
 * uploads to and prunes the bucket (it reads `AWS_ENDPOINT_URL` since 2.13).
 */
export const BACKUP_IMAGES = {
    http: "curlimages/curl:8.11.1",
    s3: "amazon/aws-cli:2.22.0",
} as const;

/**
 * Shell (for the AWS CLI image) that uploads `file` as `s3://$BACKUP_BUCKET/$BACKUP_PREFIX/<key>`, then
 * deletes the objects under the prefix older than `retentionDays`. It stops at the first failure, so a
 * failed upload never prunes.
 */
export function s3UploadAndPruneScript(file: string, key: string, storage: Required<BackupStorageArgs>, retentionDays: number): string {
    const style = storage.forcePathStyle ? "path" : "virtual";
    return [
        "set -eu",
        `aws configure set default.s3.addressing_style ${style}`,
        `aws s3 cp "${file}" "s3://$BACKUP_BUCKET/$BACKUP_PREFIX/${key}"`,
        `cutoff=$(date -u -d "-${retentionDays} days" +%Y-%m-%dT%H:%M:%S)`,
        'aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/" \\',
        '  --query "Contents[?LastModified<\'$cutoff\'].Key" --output text | tr "\\t" "\\n" | while read -r old; do',
        '  if [ -n "$old" ] && [ "$old" != "None" ]; then aws s3 rm "s3://$BACKUP_BUCKET/$old"; fi',
        "done",
    ].join("\n");
}

/** What a backup CronJob exports before uploading: a container that writes `/backup/<file>`. */
export interface BackupExportSpec {
    /** Image of the export container. */
    image: string;
    /** Shell script (run by `sh -c`) that writes the export to `/backup/<file>`. */
    script: string;
    /** Extra environment of the export container (for example credentials by reference). */
    env: k8s.types.input.core.v1.EnvVar[];
    /** File name of the export inside `/backup`, also the object's name suffix (for example `definitions.json`). */
    file: string;
}

/** Folder both containers of a backup CronJob share (an emptyDir). */
export const BACKUP_WORKDIR = "/backup";

/**
 * Creates the bucket's credentials Secret (with `secretOpts`) and the CronJob `<name>-backup`: the export
 * container (an init container) writes one file to a shared emptyDir, then the AWS CLI uploads it as `<prefix>/<UTC timestamp>-<file>` and prunes objects
 * older than the retention. A run never overlaps the previous one (`concurrencyPolicy: Forbid`).
 */
export function createBackupCronJob(
    name: string,
    namespace: string,
    backup: BackupScheduleArgs & { storage: BackupStorageArgs },
    exporter: BackupExportSpec,
    opts: pulumi.CustomResourceOptions,
    secretOpts: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
    const credentials = createBackupCredentialsSecret(name, namespace, backup.storage, secretOpts);
    const storage = resolveBackupStorage(name, backup.storage);
    const schedule = resolveBackupSchedule(backup);
    const labels = backupLabels(name);
    const restricted = containerSecurityContext(false);
    const upload = s3UploadAndPruneScript(
        `${BACKUP_WORKDIR}/${exporter.file}`,
        `$(date -u +%Y%m%d-%H%M%S)-${exporter.file}`,
        storage,
        schedule.retentionDays,
    );
    return new k8s.batch.v1.CronJob(
        `${name}-backup`,
        {
            metadata: { name: `${name}-backup`, namespace, labels: backupLabels(name) },
            spec: backupCronJobSpec(schedule.schedule, {
                backoffLimit: 2,
                activeDeadlineSeconds: 3600,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        securityContext: nobodyPodSecurityContext(),
                        // An export of definitions or configurations: megabytes, not gigabytes.
                        volumes: [{ name: "backup", emptyDir: { sizeLimit: "256Mi" } }],
                        initContainers: [
                            {
                                name: "export",
                                image: exporter.image,
                                command: ["sh", "-c", exporter.script],
                                env: exporter.env,
                                volumeMounts: [{ name: "backup", mountPath: BACKUP_WORKDIR }],
                                resources: helperResources("10m", "32Mi", "128Mi"),
                                securityContext: restricted,
                            },
                        ],
                        containers: [
                            {
                                name: "upload",
                                image: BACKUP_IMAGES.s3,
                                command: ["sh", "-c", upload],
                                // The CLI writes its configuration under $HOME: the shared emptyDir.
                                env: [...s3ClientEnv(backupSecretName(name), storage), { name: "HOME", value: BACKUP_WORKDIR }],
                                volumeMounts: [{ name: "backup", mountPath: BACKUP_WORKDIR }],
                                resources: helperResources("50m", "128Mi", "512Mi"),
                                securityContext: restricted,
                            },
                        ],
                    },
                },
            }),
        },
        dependingOn(opts, [credentials]),
    );
}
