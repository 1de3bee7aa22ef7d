/**
 * RabbitMQ backups: definitions only (users, vhosts, permissions, queues, exchanges, bindings, policies,
 * parameters), exported on a schedule through the management API (`GET /api/definitions`, administrators
 * only: rabbit_mgmt_wm_definitions.erl at v4.1.4) and imported at boot on restore through the
 * `definitions.*` keys of rabbitmq.conf (rabbit.schema at v4.1.4). Messages are never backed up.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    BACKUP_SCHEDULE_KEYS,
    BackupScheduleArgs,
    BackupStorageArgs,
    backupSecretName,
    resolveBackupStorage,
    s3ClientEnv,
    validateBackupSchedule,
    validateBackupStorage,
} from "../lib/backup";
import { BACKUP_IMAGES, BACKUP_WORKDIR, createBackupCronJob } from "../lib/backup-cronjob";
import { ArgProblem, checkGroup } from "../lib/validation";
import { helperResources } from "../lib/resources";

/** Scheduled exports of a RabbitMQ cluster's definitions. */
export interface RabbitMQBackupArgs extends BackupScheduleArgs {
    /** Where the exports go, as `<prefix>/<UTC timestamp>-definitions.json`. */
    storage: BackupStorageArgs;
}

/** Imports definitions into a new RabbitMQ cluster when its nodes boot. */
export interface RabbitMQRestoreArgs {
    /** Where the export is: the storage (and prefix) the backed-up cluster wrote to. */
    storage: BackupStorageArgs;
    /** Name of the export under the prefix, such as "20261127-020000-definitions.json". */
    object: string;
}

/** File name of an export, and where a restoring node reads it. */
export const RABBITMQ_DEFINITIONS = { file: "definitions.json", dir: "/etc/rabbitmq/definitions" } as const;

const OBJECT = /^[0-9]{8}-[0-9]{6}-definitions\.json$/;

/** Adds every problem with the `backup` and `restore` arguments of a RabbitMQ component. */
export function validateRabbitMQBackupArgs(problems: ArgProblem[], backup: unknown, restore: unknown): void {
    if (checkGroup(problems, "backup", backup, ["storage", ...BACKUP_SCHEDULE_KEYS])) {
        validateBackupStorage(problems, "backup.storage", backup.storage);
        validateBackupSchedule(problems, "backup", backup);
    }
    if (checkGroup(problems, "restore", restore, ["storage", "object"])) {
        validateBackupStorage(problems, "restore.storage", restore.storage);
        if (typeof restore.object !== "string" || !OBJECT.test(restore.object)) {
            problems.push({
                path: "restore.object",
                value: restore.object,
                allowed: 'the name of an export under the prefix, such as "20261127-020000-definitions.json"',
            });
        }
    }
}

/** The lines rabbitmq.conf gains on restore: import the fetched file once (skipped on later boots while unchanged). */
export function rabbitmqRestoreConf(): string[] {
    return [
        "definitions.import_backend = local_filesystem",
        `definitions.local.path = ${RABBITMQ_DEFINITIONS.dir}/${RABBITMQ_DEFINITIONS.file}`,
        "definitions.skip_if_unchanged = true",
    ];
}

/** The export script (curl image): the management API's definitions, as the default administrator. */
export function renderDefinitionsExportScript(managementUrl: string, dir: string = BACKUP_WORKDIR): string {
    const file = `${dir}/${RABBITMQ_DEFINITIONS.file}`;
    return [
        "set -eu",
        `curl -fsS --max-time 120 -u "$RABBITMQ_USER:$RABBITMQ_PASS" '${managementUrl}/api/definitions' -o ${file}`,
        `test -s ${file}`,
        `echo "exported $(wc -c < ${file}) bytes of definitions"`,
    ].join("\n");
}

/** Creates the credentials Secret and the CronJob `<name>-backup` that exports the definitions. */
export function createRabbitMQBackup(
    name: string,
    namespace: string,
    managementUrl: string,
    credentialsSecret: string,
    args: RabbitMQBackupArgs,
    opts: pulumi.CustomResourceOptions,
    secretOpts: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
    const fromCredentials = (key: string) => ({ secretKeyRef: { name: credentialsSecret, key } });
    return createBackupCronJob(
        name,
        namespace,
        args,
        {
            image: BACKUP_IMAGES.http,
            script: renderDefinitionsExportScript(managementUrl),
            env: [
                { name: "RABBITMQ_USER", valueFrom: fromCredentials("username") },
                { name: "RABBITMQ_PASS", valueFrom: fromCredentials("password") },
            ],
            file: RABBITMQ_DEFINITIONS.file,
        },
        opts,
        secretOpts,
    );
}

/**
 * The pod additions of a restoring node: an init container that fetches the export from the bucket
 * (failing, and so holding the node back, when it is missing), and the volume it lands on, mounted
 * read-only where rabbitmq.conf points.
 */
export function rabbitmqRestorePod(
    name: string,
    args: RabbitMQRestoreArgs,
): {
    initContainer: Record<string, unknown>;
    volume: k8s.types.input.core.v1.Volume;
    mount: { name: string; mountPath: string; readOnly: boolean };
} {
    const storage = resolveBackupStorage(name, args.storage);
    const target = `${RABBITMQ_DEFINITIONS.dir}/${RABBITMQ_DEFINITIONS.file}`;
    return {
        initContainer: {
            name: "fetch-definitions",
            image: BACKUP_IMAGES.s3,
            command: [
                "sh",
                "-c",
                [
                    "set -eu",
                    `aws configure set default.s3.addressing_style ${storage.forcePathStyle ? "path" : "virtual"}`,
                    `aws s3 cp "s3://$BACKUP_BUCKET/$BACKUP_PREFIX/${args.object}" ${target}`,
                    `test -s ${target}`,
                ].join("\n"),
            ],
            env: [...s3ClientEnv(backupSecretName(`${name}-restore`), storage), { name: "HOME", value: RABBITMQ_DEFINITIONS.dir }],
            volumeMounts: [{ name: "definitions", mountPath: RABBITMQ_DEFINITIONS.dir }],
            resources: helperResources("50m", "128Mi", "512Mi"),
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
        volume: { name: "definitions", emptyDir: { sizeLimit: "64Mi" } },
        mount: { name: "definitions", mountPath: RABBITMQ_DEFINITIONS.dir, readOnly: true },
    };
}
