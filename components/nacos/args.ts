/** The arguments of the Nacos component: their documentation, defaults, ports and validation. */
import * as pulumi from "@pulumi/pulumi";
import { refuseAutoscaling } from "../lib/autoscaling";
import { NacosBackupArgs, validateNacosBackupArgs } from "./backup";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { validateNetworkPolicyArgs } from "../lib/network";
import { memoryMiB } from "../lib/quantity";
import { ResolvedPersistentArgs, resolvePersistentArgs, validateSharedArgs } from "../lib/statefulset/args";
import { PersistentSystemArgs } from "../lib/types";
import { ArgProblem, checkGroup, checkInteger, checkPresent, checkReplicas, checkText } from "../lib/validation";

/** An external MySQL database for Nacos's configuration data. */
export interface NacosMysqlArgs {
    /** Host name of the MySQL server. */
    host: string;
    /**
     * Port of the MySQL server.
     * @default 3306
     */
    port?: number;
    /**
     * Database (schema) name; it must hold Nacos's tables (`mysql-schema.sql`).
     * @default "nacos"
     */
    database?: string;
    /** User name. */
    user: string;
    /** Password; pass a Pulumi secret. */
    password: pulumi.Input<string>;
    /**
     * JDBC URL parameters. `allowPublicKeyRetrieval=true` lets Connector/J authenticate with MySQL 8's
     * `caching_sha2_password` without SSL (upstream's own `env/nacos-hostname.env` sets it too).
     * @default "characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=false&allowPublicKeyRetrieval=true"
     */
    params?: string;
}

/** Arguments of {@link Nacos}. */
export interface NacosArgs extends PersistentSystemArgs {
    /**
     * Number of Nacos servers: 1 (standalone) or an odd number >= 3 (cluster mode, JRaft). Never
     * autoscaled (`autoscaling` is refused): cluster.conf, the JRaft membership, is derived from it, and
     * Nacos removes at most one member safely per change, which an autoscaler cannot honour.
     * @default 3
     */
    replicas?: number;
    /**
     * Replica count currently deployed, when known. A scale-in of more than one member per update is
     * refused: JRaft cannot change its configuration once a majority is gone.
     * @default - unknown: no scale-in check
     */
    currentReplicas?: number;
    /**
     * Secret key that signs auth tokens (`NACOS_AUTH_TOKEN`): base64 of at least 32 bytes. Pass a Pulumi secret.
     */
    authToken: pulumi.Input<string>;
    /**
     * Server identity header name (`NACOS_AUTH_IDENTITY_KEY`).
     * @default "nacos-server-identity"
     */
    identityKey?: string;
    /** Server identity value (`NACOS_AUTH_IDENTITY_VALUE`). Pass a Pulumi secret. */
    identityValue: pulumi.Input<string>;
    /**
     * Password of the `nacos` administrator. Nacos 3.0 gives the admin to whoever first calls
     * `POST /nacos/v3/auth/user/admin` while none exists, so a Job claims it with this password as soon as
     * the cluster answers. Pass a Pulumi secret. Changing it later does not change the admin's password
     * (the Job finds an admin and leaves it alone): change it in the console.
     */
    adminPassword: pulumi.Input<string>;
    /**
     * External MySQL for configuration data.
     * @default - embedded storage (Derby replicated by JRaft) on the members' volumes
     */
    mysql?: NacosMysqlArgs;
    /**
     * Scheduled exports of the configurations (embedded storage only; with `mysql`, back the database up
     * instead) to an S3-compatible bucket. See docs/backup.md.
     * @default - no backups
     */
    backup?: NacosBackupArgs;
}

/** Defaults of {@link NacosArgs}. */
export const NACOS_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    image: "nacos/nacos-server:v3.0.1",
    identityKey: "nacos-server-identity",
    storageSize: "10Gi",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    mysqlPort: 3306,
    mysqlDatabase: "nacos",
    mysqlParams:
        "characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=false&allowPublicKeyRetrieval=true",
    resources: { cpuRequest: "500m", memoryRequest: "2Gi" },
} as const;

/**
 * The Nacos ports: HTTP (main port), client gRPC (+1000), server-to-server gRPC (+1001, cluster
 * requests between members), JRaft (-1000, the Raft protocol of the embedded store), and the console.
 */
export const NACOS_PORTS = { http: 8848, clientRpc: 9848, serverRpc: 9849, raft: 7848, console: 8080 } as const;

/** The image's `BASE_DIR`, Nacos's home (`nacos.home`): `conf/`, `data/` and `logs/` below it. */
export const NACOS_HOME = "/home/nacos";

/** Returns every problem with the arguments of a Nacos component named `name`. */
export function validateNacosArgs(name: string, args: NacosArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const replicas = args.replicas ?? NACOS_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", replicas, "standaloneOrOddQuorum");
    if (args.currentReplicas !== undefined && checkInteger(problems, "currentReplicas", args.currentReplicas, 0)) {
        if (typeof replicas === "number" && args.currentReplicas - replicas > 1) {
            problems.push({
                path: "replicas",
                value: replicas,
                allowed: `at least ${args.currentReplicas - 1} while ${args.currentReplicas} members are deployed: scale in one member per update (JRaft loses its majority if more leave at once); step through ${args.currentReplicas - 1} first`,
            });
        }
    }
    checkPresent(problems, "authToken", args.authToken, "a secret of at least 32 bytes, base64-encoded");
    if (typeof args.authToken === "string" && args.authToken !== "" && Buffer.from(args.authToken, "base64").length < 32) {
        problems.push({ path: "authToken", value: "(secret)", allowed: "base64 of at least 32 bytes" });
    }
    checkPresent(problems, "identityValue", args.identityValue, "a non-empty secret");
    if (args.identityKey !== undefined)
        checkText(problems, "identityKey", args.identityKey, "the name of the header servers identify each other with");
    checkPresent(
        problems,
        "adminPassword",
        args.adminPassword,
        "a non-empty secret: without it, anyone who reaches the cluster first can claim the Nacos administrator",
    );
    if (checkGroup(problems, "mysql", args.mysql, ["host", "port", "database", "user", "password", "params"])) {
        checkText(problems, "mysql.host", args.mysql.host, "a MySQL host name");
        checkText(problems, "mysql.user", args.mysql.user, "a MySQL user name");
        checkPresent(problems, "mysql.password", args.mysql.password, "a MySQL password (a secret)");
        if (args.mysql.port !== undefined) checkInteger(problems, "mysql.port", args.mysql.port, 1, 65535);
        if (args.mysql.database !== undefined) checkText(problems, "mysql.database", args.mysql.database, "a MySQL database name");
        if (args.mysql.params !== undefined) checkText(problems, "mysql.params", args.mysql.params, "JDBC URL parameters (a string)");
    }
    refuseAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        "Nacos",
        "its JRaft membership (cluster.conf) is derived from replicas and loses quorum if an autoscaler removes several members at once",
    );
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateNacosBackupArgs(problems, args.backup, args.mysql !== undefined);
    const memoryRequest = args.resources?.memoryRequest;
    if (
        typeof memoryRequest === "string" &&
        /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(memoryRequest) &&
        memoryMiB(memoryRequest) < 1024
    ) {
        problems.push({
            path: "resources.memoryRequest",
            value: memoryRequest,
            allowed: 'at least "1Gi": the JVM heap is half the memory request, and Nacos needs 512m (the image\'s own default is 1g)',
        });
    }
    validateSharedArgs(problems, name, args, typeof replicas === "number" ? replicas : 1, true);
    return problems;
}

/** {@link NacosArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveNacosArgs(
    name: string,
    args: NacosArgs,
): ResolvedPersistentArgs<typeof NACOS_DEFAULTS, NacosArgs> & { mysql?: Required<NacosMysqlArgs> } {
    const resolved = resolvePersistentArgs(`Nacos "${name}" arguments`, validateNacosArgs(name, args), NACOS_DEFAULTS, args);
    const mysql = resolved.mysql;
    return {
        ...resolved,
        mysql:
            mysql === undefined
                ? undefined
                : {
                      ...mysql,
                      port: mysql.port ?? NACOS_DEFAULTS.mysqlPort,
                      database: mysql.database ?? NACOS_DEFAULTS.mysqlDatabase,
                      params: mysql.params ?? NACOS_DEFAULTS.mysqlParams,
                  },
    };
}
