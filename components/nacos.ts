/**
 * Layer 2: Nacos. Eureka's StatefulSet + headless Service, plus automatic peer discovery
 * (`cluster.conf` derived from `replicas` and the headless Service) and a PVC per member.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Resolved, resolveArgs } from "./lib/resolve";
import { refuseAutoscaling } from "./lib/autoscaling";
import { createNacosBackup, NacosBackupArgs, nacosBackupPodLabels, validateNacosBackupArgs } from "./lib/nacos-backup";
import { createNetworkPolicy, networkPolicyIngress, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import { PersistentSystemArgs } from "./lib/types";
import { ArgProblem, checkGroup, checkInteger, checkPresent, checkReplicas, checkText } from "./lib/validation";
import {
    childOptions,
    configurationOptions,
    createWorkload,
    dependingOn,
    recommendedLabels,
    resolveMonitoring,
    resolveResources,
    resolveScheduling,
    resolveStorage,
    validateSharedArgs,
    WORKLOAD_DEFAULTS,
    workloadNames,
} from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { nacosAlerts } from "./alerts/nacos";

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

/** The Nacos 3.0 API that creates the `nacos` administrator while none exists (`UserControllerV3.createAdminUser`). */
export const NACOS_ADMIN_API = { method: "POST", path: "/nacos/v3/auth/user/admin", param: "password" } as const;

/** Where the admin-init Job mounts the admin password (a file, so that it never appears on a command line). */
const ADMIN_PASSWORD_FILE = "/etc/nacos-admin/password";

/**
 * The admin-init Job's script: wait until the client Service answers the readiness probe, then call
 * {@link NACOS_ADMIN_API} with the password read from a file. Nacos answers `"code":0` when it created the
 * admin and `"code":409` when an admin exists already (a re-run, or an admin made by hand): both succeed.
 * The answer is never printed as is: on success it carries the password.
 * @param baseUrl For example `http://nacos.cfg.svc.cluster.local:8848`.
 */
export function renderNacosAdminInitScript(baseUrl: string, passwordFile = ADMIN_PASSWORD_FILE, attempts = 120, sleepSeconds = 5): string {
    return [
        "set -eu",
        `base='${baseUrl}'`,
        "i=0",
        `until curl -fsS -o /dev/null --max-time 5 "$base/nacos/v3/admin/core/state/readiness"; do`,
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${attempts} ]; then echo "Nacos at $base did not become ready" >&2; exit 1; fi`,
        `  sleep ${sleepSeconds}`,
        "done",
        // --data-urlencode name@file sends name=<the file, URL-encoded> as an x-www-form-urlencoded POST body.
        `answer=$(curl -sS --max-time 30 --data-urlencode '${NACOS_ADMIN_API.param}@${passwordFile}' "$base${NACOS_ADMIN_API.path}")`,
        'case "$answer" in',
        `  *'"code":0'[,}]*) echo "created the nacos administrator" ;;`,
        `  *'"code":409'[,}]*) echo "an administrator exists already: left unchanged" ;;`,
        `  *) echo "unexpected answer from ${NACOS_ADMIN_API.method} ${NACOS_ADMIN_API.path}: $(printf '%s' "$answer" | sed 's/"password":"[^"]*"/"password":"(redacted)"/g')" >&2; exit 1 ;;`,
        "esac",
        "",
    ].join("\n");
}

/** Parses a Kubernetes memory quantity into MiB (rounded down). */
export function memoryMiB(quantity: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
    if (m === null) throw new Error(`not a memory quantity: ${quantity}`);
    const factor: Record<string, number> = {
        "": 1 / 2 ** 20,
        Ki: 1 / 1024,
        Mi: 1,
        Gi: 1024,
        Ti: 1024 ** 2,
        k: 1e3 / 2 ** 20,
        M: 1e6 / 2 ** 20,
        G: 1e9 / 2 ** 20,
        T: 1e12 / 2 ** 20,
    };
    return Math.floor(Number.parseFloat(m[1]) * factor[m[2] ?? ""]);
}

/**
 * JVM sizes for the image's start script (`JVM_XMS`, `JVM_XMX`, `JVM_XMN`): a fixed heap of half the
 * memory request (the rest is metaspace, up to `JVM_MMS` 320m, thread stacks and direct buffers), and a
 * young generation of half the heap, the proportions of the image's own 1g/1g/512m.
 */
export function nacosJvmSizes(memoryRequest: string): { JVM_XMS: string; JVM_XMX: string; JVM_XMN: string } {
    const heap = Math.floor(memoryMiB(memoryRequest) / 2);
    return { JVM_XMS: `${heap}m`, JVM_XMX: `${heap}m`, JVM_XMN: `${Math.floor(heap / 2)}m` };
}

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

/** The `cluster.conf` entries (`<member>:8848`) of a cluster, one per replica. */
export function nacosClusterMembers(memberNames: string[]): string[] {
    return memberNames.map((host) => `${host}:${NACOS_PORTS.http}`);
}

/** {@link NacosArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveNacosArgs(name: string, args: NacosArgs): Resolved<typeof NACOS_DEFAULTS, NacosArgs> {
    return resolveArgs(`Nacos "${name}" arguments`, validateNacosArgs(name, args), NACOS_DEFAULTS, args);
}

/**
 * A Nacos cluster (or standalone server) with its member list derived from `replicas`, data on PVCs,
 * and auth secrets in a Kubernetes Secret.
 */
export class Nacos extends pulumi.ComponentResource {
    /** Number of Nacos servers the update deploys. */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every member. */
    public readonly memberDnsNames: pulumi.Output<string[]>;
    /** The entries of every member's `cluster.conf`. */
    public readonly clusterMembers: pulumi.Output<string[]>;
    /** The HTTP endpoint clients use (`http://<client service>:8848/nacos`). */
    public readonly clientEndpoint: pulumi.Output<string>;
    /** Name of the Secret holding the auth token, identity and MySQL password. */
    public readonly secretName: pulumi.Output<string>;
    /** The StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    /**
     * @param name Component name; also the name of the StatefulSet and client Service.
     * @param args See {@link NacosArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: NacosArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveNacosArgs(name, args);
        super("stateful-k8s:index:Nacos", name, {}, opts);
        this.replicas = resolved.replicas;

        const namespace = args.namespace ?? NACOS_DEFAULTS.namespace;
        const replicas = args.replicas ?? NACOS_DEFAULTS.replicas;
        const names = workloadNames(name, namespace, replicas, args.clusterDomain ?? NACOS_DEFAULTS.clusterDomain);
        const members = nacosClusterMembers(names.members);
        const secretName = `${name}-auth`;
        const resources = resolveResources(args.resources, NACOS_DEFAULTS.resources);
        const image = args.image ?? NACOS_DEFAULTS.image;
        const ports = [
            { name: "http", port: NACOS_PORTS.http, peer: true, client: true },
            { name: "client-rpc", port: NACOS_PORTS.clientRpc, peer: true, client: true },
            { name: "server-rpc", port: NACOS_PORTS.serverRpc, peer: true, client: false },
            { name: "raft", port: NACOS_PORTS.raft, peer: true, client: false },
            { name: "console", port: NACOS_PORTS.console, peer: false, client: true },
        ];
        const monitoring = resolveMonitoring(args.monitoring);
        const adminJobLabels = { "stateful-k8s.io/job": `${name}-admin-init` };

        const secretData: Record<string, pulumi.Input<string>> = {
            "auth-token": pulumi.secret(args.authToken),
            "identity-value": pulumi.secret(args.identityValue),
            "admin-password": pulumi.secret(args.adminPassword),
        };
        if (args.mysql !== undefined) {
            secretData["mysql-password"] = pulumi.secret(args.mysql.password);
        }
        const secret = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: { name: secretName, namespace }, type: "Opaque", stringData: secretData },
            configurationOptions(childOptions(this, opts)),
        );
        // Referenced by name, ordered by dependsOn (see configurationOptions): replacing it replaces no pod owner.
        const fromSecret = (key: string) => ({ secretKeyRef: { name: secretName, key } });

        const storageEnv: Record<string, string | ReturnType<typeof fromSecret>> =
            args.mysql === undefined
                ? { EMBEDDED_STORAGE: "embedded" }
                : {
                      SPRING_DATASOURCE_PLATFORM: "mysql",
                      MYSQL_SERVICE_HOST: args.mysql.host,
                      MYSQL_SERVICE_PORT: String(args.mysql.port ?? NACOS_DEFAULTS.mysqlPort),
                      MYSQL_SERVICE_DB_NAME: args.mysql.database ?? NACOS_DEFAULTS.mysqlDatabase,
                      MYSQL_SERVICE_USER: args.mysql.user,
                      MYSQL_SERVICE_PASSWORD: fromSecret("mysql-password"),
                      MYSQL_SERVICE_DB_PARAM: args.mysql.params ?? NACOS_DEFAULTS.mysqlParams,
                  };

        const workload = createWorkload(
            this,
            name,
            {
                system: "nacos",
                names,
                replicas,
                image,
                podManagementPolicy: "Parallel",
                // With MySQL the data is the database's, backed up with its own tooling (the backup-schedule policy reads this).
                annotations: args.mysql === undefined ? undefined : { "stateful-k8s.io/backup": "external" },
                ports,
                metrics: { portName: "http", port: NACOS_PORTS.http, path: "/nacos/actuator/prometheus" },
                env: {
                    MODE: replicas === 1 ? "standalone" : "cluster",
                    PREFER_HOST_MODE: "hostname",
                    // docker-startup.sh writes these, space-separated, into conf/cluster.conf at start.
                    NACOS_SERVERS: members.join(" "),
                    // application.properties: nacos.server.main.port=${NACOS_APPLICATION_PORT:8848}.
                    NACOS_APPLICATION_PORT: String(NACOS_PORTS.http),
                    // docker-startup.sh passes these as -Xms/-Xmx/-Xmn; the image's own are a fixed 1g/1g/512m.
                    ...nacosJvmSizes(resources.memoryRequest ?? NACOS_DEFAULTS.resources.memoryRequest),
                    ...storageEnv,
                    NACOS_AUTH_ENABLE: "true",
                    NACOS_AUTH_TOKEN: fromSecret("auth-token"),
                    NACOS_AUTH_IDENTITY_KEY: args.identityKey ?? NACOS_DEFAULTS.identityKey,
                    NACOS_AUTH_IDENTITY_VALUE: fromSecret("identity-value"),
                    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: "prometheus,health",
                },
                readinessProbe: {
                    httpGet: { path: "/nacos/v3/admin/core/state/readiness", port: "http" },
                    periodSeconds: 10,
                    failureThreshold: 3,
                },
                livenessProbe: {
                    httpGet: { path: "/nacos/v3/admin/core/state/liveness", port: "http" },
                    periodSeconds: 20,
                    failureThreshold: 3,
                },
                startupProbe: {
                    httpGet: { path: "/nacos/v3/admin/core/state/liveness", port: "http" },
                    periodSeconds: 5,
                    failureThreshold: 60,
                },
                dataVolume: {
                    name: "data",
                    mountPath: "/home/nacos/data",
                    storage: resolveStorage(args.storage, NACOS_DEFAULTS.storageSize),
                },
                volumes: [{ name: "logs", emptyDir: { sizeLimit: "2Gi" } }],
                volumeMounts: [{ name: "logs", mountPath: "/home/nacos/logs" }],
                // The official image runs as root and writes conf/cluster.conf inside the image at start.
                runAsUser: undefined,
                terminationGracePeriodSeconds: 60,
                resources,
                monitoring,
                scheduling: resolveScheduling(args.scheduling),
                quorum: true,
            },
            dependingOn(opts ?? {}, [secret]),
        );

        // Nacos 3.0 gives the administrator to the first caller while none exists: claim it now, with our password.
        new k8s.batch.v1.Job(
            `${name}-admin-init`,
            {
                metadata: { name: `${name}-admin-init`, namespace, labels: recommendedLabels("nacos", name, image, "admin-init").all },
                spec: {
                    backoffLimit: 3,
                    activeDeadlineSeconds: 900,
                    template: {
                        // Not the members' labels: the Services and the budget must never select this pod.
                        metadata: { labels: adminJobLabels },
                        spec: {
                            restartPolicy: "OnFailure",
                            automountServiceAccountToken: false,
                            // The image (Alpine) carries curl; the Job needs nothing of root's.
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 65534,
                                runAsGroup: 65534,
                                fsGroup: 65534,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "admin-init",
                                    image,
                                    command: ["sh", "-c", renderNacosAdminInitScript(`http://${names.clientHost}:${NACOS_PORTS.http}`)],
                                    volumeMounts: [{ name: "admin-password", mountPath: "/etc/nacos-admin", readOnly: true }],
                                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                },
                            ],
                            volumes: [
                                {
                                    name: "admin-password",
                                    secret: {
                                        secretName,
                                        items: [{ key: "admin-password", path: "password" }],
                                        defaultMode: 0o440,
                                    },
                                },
                            ],
                        },
                    },
                },
            },
            // It holds no data: a protected (production) stack must still be able to replace it on an upgrade.
            { ...dependingOn(childOptions(this, opts), [workload.statefulSet, secret]), protect: false },
        );

        if (args.backup !== undefined) {
            const child = childOptions(this, opts);
            const baseUrl = `http://${names.clientHost}:${NACOS_PORTS.http}`;
            createNacosBackup(name, namespace, baseUrl, secretName, args.backup, dependingOn(child, [secret]), configurationOptions(child));
        }

        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        if (np.enabled) {
            // The metrics port is the HTTP port, a client port too; the admin Job reaches it from this namespace.
            const ingress = networkPolicyIngress(workload.selectorLabels, ports, undefined, np, [
                { from: [{ podSelector: { matchLabels: adminJobLabels } }], ports: [{ protocol: "TCP", port: NACOS_PORTS.http }] },
                ...(args.backup === undefined
                    ? []
                    : [
                          {
                              from: [{ podSelector: { matchLabels: nacosBackupPodLabels(name) } }],
                              ports: [{ protocol: "TCP", port: NACOS_PORTS.http }],
                          },
                      ]),
            ]);
            if (monitoring.scrapeAnnotations || monitoring.serviceMonitor) {
                ingress.push(...networkPolicyIngress(workload.selectorLabels, [], NACOS_PORTS.http, np));
            }
            createNetworkPolicy(`${name}-netpol`, { name, namespace }, workload.selectorLabels, ingress, childOptions(this, opts));
        }

        const alerts = nacosAlerts({ namespace, statefulSet: name });
        createAlertsAndDashboard(
            name,
            { name, namespace, labels: workload.selectorLabels },
            "Nacos",
            alerts,
            monitoring,
            childOptions(this, opts),
        );

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.clientServiceName = workload.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(names.members);
        this.clusterMembers = pulumi.output(members);
        this.clientEndpoint = pulumi.output(`http://${names.clientHost}:${NACOS_PORTS.http}/nacos`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            statefulSetName: this.statefulSetName,
            headlessServiceName: this.headlessServiceName,
            clientServiceName: this.clientServiceName,
            memberDnsNames: this.memberDnsNames,
            clusterMembers: this.clusterMembers,
            clientEndpoint: this.clientEndpoint,
            secretName: this.secretName,
            statefulSet: this.statefulSet,
        });
    }
}
