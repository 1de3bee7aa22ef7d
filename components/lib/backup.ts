/**
 * Backups shared by every component that has data to keep: where they go (an S3-compatible bucket,
 * with credentials from Pulumi secrets in a Kubernetes Secret), when they run (a cron schedule) and
 * how long they are kept: the arguments, their defaults and checks, the credentials Secret, the S3
 * client's environment, and the labels and schedule of every backup CronJob. TiDB hands the same location
 * to tidb-operator's BR; the export-then-upload CronJob of RabbitMQ and Nacos is lib/backup-cronjob.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_OF_LABEL } from "./contract";
import { PACKAGE_LABELS } from "./labels";
import { ArgProblem, checkBoolean, checkGroup, checkInteger, checkPresent, checkText } from "./validation";

/** An S3-compatible bucket that backups are written to and restored from. */
export interface BackupStorageArgs {
    /** URL of the S3 API, for example "https://s3.eu-west-1.amazonaws.com" or "http://minio.backup:9000". */
    endpoint: string;
    /** Bucket name; the bucket must already exist. */
    bucket: string;
    /**
     * Folder inside the bucket (no leading or trailing "/"). Give each system its own prefix.
     * @default - the component's name
     */
    prefix?: string;
    /**
     * Region of the bucket.
     * @default "us-east-1"
     */
    region?: string;
    /**
     * Addresses the bucket as `<endpoint>/<bucket>` rather than `<bucket>.<endpoint>`, as MinIO and most
     * self-hosted servers need.
     * @default true
     */
    forcePathStyle?: boolean;
    /** Access key id. Pass a Pulumi secret: it is stored only in the credentials Secret. */
    accessKeyId: pulumi.Input<string>;
    /** Secret access key. Pass a Pulumi secret: it is stored only in the credentials Secret. */
    secretAccessKey: pulumi.Input<string>;
}

/** When backups run and how long they are kept. */
export interface BackupScheduleArgs {
    /**
     * Cron schedule (five fields, in the cluster's time zone, usually UTC) of the backups.
     * @default "0 2 * * *"
     */
    schedule?: string;
    /**
     * Days a backup is kept; older ones are deleted after each successful backup.
     * @default 7
     */
    retentionDays?: number;
}

/** Defaults of {@link BackupStorageArgs} and {@link BackupScheduleArgs}. */
export const BACKUP_DEFAULTS = {
    region: "us-east-1",
    forcePathStyle: true,
    schedule: "0 2 * * *",
    retentionDays: 7,
} as const;

/**
 * Keys of the credentials Secret. tidb-operator's BR reads exactly these two
 * (pkg/controllers/br/manager/constants/constants.go at v2.0.1: S3AccessKey, S3SecretKey).
 */
export const BACKUP_SECRET_KEYS = { accessKeyId: "access_key", secretAccessKey: "secret_key" } as const;

/** Name of the credentials Secret of component `name`. */
export function backupSecretName(name: string): string {
    return `${name}-backup-s3`;
}

/** The storage settings with defaults applied (prefix defaults to the component's name). */
export function resolveBackupStorage(name: string, storage: BackupStorageArgs): Required<BackupStorageArgs> {
    return {
        ...storage,
        prefix: storage.prefix ?? name,
        region: storage.region ?? BACKUP_DEFAULTS.region,
        forcePathStyle: storage.forcePathStyle ?? BACKUP_DEFAULTS.forcePathStyle,
    };
}

/** The schedule with defaults applied. */
export function resolveBackupSchedule(schedule: BackupScheduleArgs | undefined): Required<BackupScheduleArgs> {
    return {
        schedule: schedule?.schedule ?? BACKUP_DEFAULTS.schedule,
        retentionDays: schedule?.retentionDays ?? BACKUP_DEFAULTS.retentionDays,
    };
}

/**
 * Creates the Secret `<name>-backup-s3` holding the bucket's credentials (keys {@link BACKUP_SECRET_KEYS}),
 * both wrapped as Pulumi secrets so that they stay encrypted in the state.
 */
export function createBackupCredentialsSecret(
    name: string,
    namespace: string,
    storage: BackupStorageArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    const secretName = backupSecretName(name);
    return new k8s.core.v1.Secret(
        secretName,
        {
            metadata: { name: secretName, namespace },
            type: "Opaque",
            stringData: {
                [BACKUP_SECRET_KEYS.accessKeyId]: pulumi.secret(storage.accessKeyId),
                [BACKUP_SECRET_KEYS.secretAccessKey]: pulumi.secret(storage.secretAccessKey),
            },
        },
        opts,
    );
}

/** Environment of an AWS CLI container: credentials by reference to the Secret, endpoint and region. */
export function s3ClientEnv(secretName: string, storage: Required<BackupStorageArgs>): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: secretName, key: BACKUP_SECRET_KEYS.accessKeyId } } },
        { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: secretName, key: BACKUP_SECRET_KEYS.secretAccessKey } } },
        { name: "AWS_ENDPOINT_URL", value: storage.endpoint },
        { name: "AWS_DEFAULT_REGION", value: storage.region },
        { name: "BACKUP_BUCKET", value: storage.bucket },
        { name: "BACKUP_PREFIX", value: storage.prefix },
    ];
}

/** Keys of {@link BackupStorageArgs}. */
export const BACKUP_STORAGE_KEYS = ["endpoint", "bucket", "prefix", "region", "forcePathStyle", "accessKeyId", "secretAccessKey"] as const;
/** Keys of {@link BackupScheduleArgs}. */
export const BACKUP_SCHEDULE_KEYS = ["schedule", "retentionDays"] as const;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** Checks a cron schedule: five numeric fields (`*`, lists, ranges, steps) or a macro such as "@daily". */
export function checkCron(problems: ArgProblem[], path: string, value: unknown): void {
    const fields = typeof value === "string" ? value.trim().split(/\s+/) : [];
    const ok =
        typeof value === "string" && (CRON_MACROS.includes(value) || (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f))));
    if (!ok) {
        problems.push({ path, value, allowed: 'a cron schedule of five fields such as "0 2 * * *" (daily at 02:00), or "@daily"' });
    }
}

/** Checks a {@link BackupStorageArgs} group at `path` (required when `required`). */
export function validateBackupStorage(problems: ArgProblem[], path: string, value: unknown, required = true): void {
    if (value === undefined) {
        if (required) problems.push({ path, value, allowed: `an object with the keys ${BACKUP_STORAGE_KEYS.join(", ")}` });
        return;
    }
    if (!checkGroup(problems, path, value, BACKUP_STORAGE_KEYS)) return;
    for (const key of Object.keys(value).filter((k) => !(BACKUP_STORAGE_KEYS as readonly string[]).includes(k))) {
        problems.push({ path: `${path}.${key}`, value: value[key], allowed: `one of the keys ${BACKUP_STORAGE_KEYS.join(", ")}` });
    }
    const endpoint = value.endpoint;
    if (typeof endpoint !== "string" || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(endpoint)) {
        problems.push({
            path: `${path}.endpoint`,
            value: endpoint,
            allowed: 'an http(s) URL of the S3 API, such as "https://s3.eu-west-1.amazonaws.com"',
        });
    }
    if (typeof value.bucket !== "string" || !BUCKET.test(value.bucket)) {
        problems.push({
            path: `${path}.bucket`,
            value: value.bucket,
            allowed: 'an S3 bucket name: 3 to 63 lower-case letters, digits, "." and "-"',
        });
    }
    if (value.prefix !== undefined && (typeof value.prefix !== "string" || !PREFIX.test(value.prefix))) {
        problems.push({
            path: `${path}.prefix`,
            value: value.prefix,
            allowed: 'a folder such as "prod/tidb": letters, digits and !_.*\'()- in parts joined by "/", no leading or trailing "/"',
        });
    }
    if (value.region !== undefined) checkText(problems, `${path}.region`, value.region, "a region name");
    checkBoolean(problems, `${path}.forcePathStyle`, value.forcePathStyle);
    checkPresent(problems, `${path}.accessKeyId`, value.accessKeyId, "an access key id (a secret)");
    checkPresent(problems, `${path}.secretAccessKey`, value.secretAccessKey, "a secret access key (a secret)");
}

/** Checks a {@link BackupScheduleArgs} group's fields on `value` (an object already checked) at `path`. */
export function validateBackupSchedule(problems: ArgProblem[], path: string, value: Record<string, unknown>): void {
    if (value.schedule !== undefined) checkCron(problems, `${path}.schedule`, value.schedule);
    if (value.retentionDays !== undefined) checkInteger(problems, `${path}.retentionDays`, value.retentionDays, 1, 3650);
}

/** The label the policy pack's backup-schedule policy looks for (lib/contract.ts), for the backup modules. */
export { BACKUP_OF_LABEL };

/** Labels of backup objects and their pods: never a workload's selector labels, so no Service or budget selects them. */
export function backupLabels(name: string): Record<string, string> {
    return {
        ...PACKAGE_LABELS,
        "app.kubernetes.io/component": "backup",
        [BACKUP_OF_LABEL]: name,
    };
}

/**
 * The schedule of a backup CronJob around its Job: never two runs at once (`concurrencyPolicy: Forbid`),
 * the last three successful and failed runs kept for `kubectl logs`.
 */
export function backupCronJobSpec(schedule: string, job: k8s.types.input.batch.v1.JobSpec): k8s.types.input.batch.v1.CronJobSpec {
    return { schedule, concurrencyPolicy: "Forbid", successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, jobTemplate: { spec: job } };
}
