/**
 * Redis's restore on first start: an init container on every node that, when `restoreFrom` is set and
 * the node's data directory is empty, fetches a snapshot, checks it and puts it in place before Redis
 * starts (the script is in redis/backup-scripts.ts; the arguments in redis/backup.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { backupSecretName, createBackupCredentialsSecret } from "../lib/backup";
import { configurationOptions } from "../lib/options";
import { containerSecurityContext } from "../lib/pod";
import { ResolvedRedisRestoreArgs } from "./backup";
import { envList, REDIS_RESTORE_SCRIPT, s3Env } from "./backup-scripts";

/** Mount paths of the restore init container. */
const PATHS = { scripts: "/restore-scripts", scratch: "/restore" } as const;

/** The restore init container of the nodes, its volumes, and the objects it reads (to order the StatefulSet after). */
export interface RedisRestore {
    /** The init container. */
    initContainer: kx.types.Container;
    /** The pod volumes it needs besides the data volume. */
    volumes: k8s.types.input.core.v1.Volume[];
    /** The credentials Secret and the script ConfigMap. */
    dependencies: pulumi.Resource[];
}

/** What the restore init container shares with the node it runs in. */
export interface RedisRestoreContext {
    /** The node's persistence, "aof" or "rdb": the restored snapshot is converted to it. */
    persistence: string;
    /** Name of the node's data volume and where it is mounted. */
    dataVolume: string;
    dataPath: string;
    /** The node's own resources: converting to AOF loads the whole dataset. */
    resources: k8s.types.input.core.v1.ResourceRequirements;
}

/**
 * Creates the restore's credentials Secret (`<name>-restore-backup-s3`) and script ConfigMap, and returns
 * the init container that restores into an empty data directory before Redis starts.
 */
export function createRedisRestore(
    name: string,
    namespace: string,
    restore: ResolvedRedisRestoreArgs,
    context: RedisRestoreContext,
    opts: pulumi.CustomResourceOptions,
): RedisRestore {
    const secret = createBackupCredentialsSecret(`${name}-restore`, namespace, restore.storage, configurationOptions(opts));
    const scripts = new k8s.core.v1.ConfigMap(
        `${name}-restore-scripts`,
        { metadata: { name: `${name}-restore-scripts`, namespace }, data: { "redis-restore.sh": REDIS_RESTORE_SCRIPT } },
        configurationOptions(opts),
    );
    return {
        initContainer: {
            name: "restore",
            image: restore.image,
            imagePullPolicy: "IfNotPresent",
            command: ["sh", `${PATHS.scripts}/redis-restore.sh`],
            env: envList({
                DATA_DIR: context.dataPath,
                RESTORE_DIR: PATHS.scratch,
                RESTORE_SNAPSHOT: restore.snapshot,
                PERSISTENCE: context.persistence,
                ...s3Env(backupSecretName(`${name}-restore`), restore.storage),
            }),
            volumeMounts: [
                { name: context.dataVolume, mountPath: context.dataPath },
                { name: "restore-scripts", mountPath: PATHS.scripts },
                { name: "restore-scratch", mountPath: PATHS.scratch },
            ],
            resources: context.resources,
            securityContext: containerSecurityContext(false),
        },
        volumes: [
            { name: "restore-scripts", configMap: { name: `${name}-restore-scripts`, defaultMode: 0o555 } },
            { name: "restore-scratch", emptyDir: {} },
        ],
        dependencies: [secret, scripts],
    };
}
