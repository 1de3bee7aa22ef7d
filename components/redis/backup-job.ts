/**
 * Redis's backup CronJob `<name>-backup`: it takes an RDB from a replica the sentinels name (never from
 * the master), checks it, uploads it and applies the retention (the script is in redis/backup-scripts.ts;
 * the arguments in redis/backup.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_OF_LABEL, backupCronJobSpec, backupSecretName, createBackupCredentialsSecret } from "../lib/backup";
import { recommendedLabels } from "../lib/labels";
import { configurationOptions, dependingOn } from "../lib/options";
import { containerSecurityContext } from "../lib/pod";
import { REDIS_BACKUP_DEFAULTS, redisBackupCronJobName, ResolvedRedisBackupArgs } from "./backup";
import { EnvSource, envList, REDIS_BACKUP_SCRIPT, s3Env } from "./backup-scripts";

/** Mount paths of the backup Job. */
const PATHS = { scripts: "/backup-scripts", scratch: "/backup" } as const;

/** What the backup CronJob shares with the Redis pods. */
export interface RedisBackupContext {
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
    backup: ResolvedRedisBackupArgs,
    context: RedisBackupContext,
    opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.CronJob {
    const secret = createBackupCredentialsSecret(name, namespace, backup.storage, configurationOptions(opts));
    const scripts = new k8s.core.v1.ConfigMap(
        `${name}-backup-scripts`,
        { metadata: { name: `${name}-backup-scripts`, namespace }, data: { "redis-backup.sh": REDIS_BACKUP_SCRIPT } },
        configurationOptions(opts),
    );
    const d = REDIS_BACKUP_DEFAULTS;
    const jobName = redisBackupCronJobName(name);
    const env = {
        ...context.topologyEnv,
        BACKUP_NAME: name,
        BACKUP_DIR: PATHS.scratch,
        KEEP_LAST: String(backup.keepLast),
        KEEP_DAYS: String(backup.retentionDays),
        RDB_TIMEOUT_SECONDS: String(d.rdbTimeoutSeconds),
        ...s3Env(backupSecretName(name), backup.storage),
    };
    return new k8s.batch.v1.CronJob(
        jobName,
        {
            // Labelled with the StatefulSet it backs up, which the policy pack's backup-schedule looks for.
            metadata: {
                name: jobName,
                namespace,
                labels: { ...recommendedLabels("redis", name, backup.image, "backup").all, [BACKUP_OF_LABEL]: name },
            },
            spec: backupCronJobSpec(backup.schedule, {
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
                                image: backup.image,
                                imagePullPolicy: "IfNotPresent",
                                command: ["sh", `${PATHS.scripts}/redis-backup.sh`],
                                env: envList(env),
                                volumeMounts: [
                                    { name: "backup-scripts", mountPath: PATHS.scripts },
                                    context.topologyMount,
                                    { name: "scratch", mountPath: PATHS.scratch },
                                ],
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                                securityContext: containerSecurityContext(false),
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
