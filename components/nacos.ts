/**
 * Layer 2: Nacos. Eureka's StatefulSet + headless Service, plus automatic peer discovery
 * (`cluster.conf` derived from `replicas` and the headless Service) and a PVC per member.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nacosAlerts } from "./alerts/nacos";
import { EXTERNAL_BACKUP_ANNOTATION, JOB_LABEL } from "./lib/contract";
import { recommendedLabels } from "./lib/labels";
import { createNacosBackup, nacosBackupPodLabels } from "./nacos/backup";
import { workloadNames } from "./lib/naming";
import { networkPolicyIngress } from "./lib/network";
import { childOptions, configurationOptions, dependingOn } from "./lib/options";
import { containerSecurityContext, nobodyPodSecurityContext } from "./lib/pod";
import { helperResources } from "./lib/resources";
import { createWorkloadExtras, sharedWorkloadSpec, StatefulSetOutputs, statefulSetOutputs } from "./lib/statefulset/component";
import { PodManagementPolicy } from "./lib/statefulset/spec";
import { createWorkload } from "./lib/statefulset/workload";
import { renderNacosAdminInitScript } from "./nacos/admin-init";
import { NACOS_HOME, NACOS_PORTS, NacosArgs, resolveNacosArgs } from "./nacos/args";
import { nacosClusterMembers, nacosJvmSizes } from "./nacos/config";

export * from "./nacos/admin-init";
export * from "./nacos/args";
export * from "./nacos/config";

/**
 * A Nacos cluster (or standalone server) with its member list derived from `replicas`, data on PVCs,
 * and auth secrets in a Kubernetes Secret.
 */
export class Nacos extends pulumi.ComponentResource implements StatefulSetOutputs {
    /** Number of Nacos servers the update deploys. */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every member the StatefulSet may run, in ordinal order. */
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

        const { namespace, replicas, image, mysql, monitoring } = resolved;
        const names = workloadNames(name, namespace, replicas, resolved.clusterDomain);
        const members = nacosClusterMembers(names.members);
        const secretName = `${name}-auth`;
        const child = childOptions(this, opts);
        const ports = [
            { name: "http", port: NACOS_PORTS.http, peer: true, client: true },
            { name: "client-rpc", port: NACOS_PORTS.clientRpc, peer: true, client: true },
            { name: "server-rpc", port: NACOS_PORTS.serverRpc, peer: true, client: false },
            { name: "raft", port: NACOS_PORTS.raft, peer: true, client: false },
            { name: "console", port: NACOS_PORTS.console, peer: false, client: true },
        ];
        const adminJobLabels = { [JOB_LABEL]: `${name}-admin-init` };

        const secretData: Record<string, pulumi.Input<string>> = {
            "auth-token": pulumi.secret(resolved.authToken),
            "identity-value": pulumi.secret(resolved.identityValue),
            "admin-password": pulumi.secret(resolved.adminPassword),
        };
        if (mysql !== undefined) {
            secretData["mysql-password"] = pulumi.secret(mysql.password);
        }
        const secret = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: { name: secretName, namespace }, type: "Opaque", stringData: secretData },
            configurationOptions(child),
        );
        // Referenced by name, ordered by dependsOn (see configurationOptions): replacing it replaces no pod owner.
        const fromSecret = (key: string) => ({ secretKeyRef: { name: secretName, key } });

        const storageEnv: Record<string, string | ReturnType<typeof fromSecret>> =
            mysql === undefined
                ? { EMBEDDED_STORAGE: "embedded" }
                : {
                      SPRING_DATASOURCE_PLATFORM: "mysql",
                      MYSQL_SERVICE_HOST: mysql.host,
                      MYSQL_SERVICE_PORT: String(mysql.port),
                      MYSQL_SERVICE_DB_NAME: mysql.database,
                      MYSQL_SERVICE_USER: mysql.user,
                      MYSQL_SERVICE_PASSWORD: fromSecret("mysql-password"),
                      MYSQL_SERVICE_DB_PARAM: mysql.params,
                  };

        const workload = createWorkload(
            this,
            name,
            {
                ...sharedWorkloadSpec("nacos", resolved),
                podManagementPolicy: PodManagementPolicy.Parallel,
                // With MySQL the data is the database's, backed up with its own tooling (the backup-schedule policy reads this).
                annotations: mysql === undefined ? undefined : { [EXTERNAL_BACKUP_ANNOTATION.key]: EXTERNAL_BACKUP_ANNOTATION.value },
                ports,
                metrics: { portName: "http", port: NACOS_PORTS.http, path: "/nacos/actuator/prometheus", monitoring },
                env: {
                    MODE: replicas === 1 ? "standalone" : "cluster",
                    PREFER_HOST_MODE: "hostname",
                    // docker-startup.sh writes these, space-separated, into conf/cluster.conf at start.
                    NACOS_SERVERS: members.join(" "),
                    // application.properties: nacos.server.main.port=${NACOS_APPLICATION_PORT:8848}.
                    NACOS_APPLICATION_PORT: String(NACOS_PORTS.http),
                    // docker-startup.sh passes these as -Xms/-Xmx/-Xmn; the image's own are a fixed 1g/1g/512m.
                    ...nacosJvmSizes(resolved.resources.memoryRequest),
                    ...storageEnv,
                    NACOS_AUTH_ENABLE: "true",
                    NACOS_AUTH_TOKEN: fromSecret("auth-token"),
                    NACOS_AUTH_IDENTITY_KEY: resolved.identityKey,
                    NACOS_AUTH_IDENTITY_VALUE: fromSecret("identity-value"),
                    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: "prometheus,health",
                    // Embedded Derby writes derby.log to the working directory (the read-only image) unless told otherwise.
                    JAVA_TOOL_OPTIONS: `-Dderby.stream.error.file=${NACOS_HOME}/logs/derby.log`,
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
                    mountPath: `${NACOS_HOME}/data`,
                    storage: resolved.storage,
                },
                volumes: [
                    { name: "logs", emptyDir: { sizeLimit: "2Gi" } },
                    // conf/ is written at start (cluster.conf, by docker-startup.sh and MemberUtil.syncToFile):
                    // a copy of the image's, made by the init container.
                    { name: "conf", emptyDir: { sizeLimit: "16Mi" } },
                    { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                ],
                volumeMounts: [
                    { name: "logs", mountPath: `${NACOS_HOME}/logs` },
                    { name: "conf", mountPath: `${NACOS_HOME}/conf` },
                    // The JVM's and Tomcat's scratch space (java.io.tmpdir).
                    { name: "tmp", mountPath: "/tmp" },
                ],
                initContainers: [
                    {
                        name: "conf",
                        image,
                        command: ["sh", "-c", `cp -R ${NACOS_HOME}/conf/. /seed/`],
                        volumeMounts: [{ name: "conf", mountPath: "/seed" }],
                        resources: helperResources("50m", "32Mi", "64Mi"),
                        securityContext: containerSecurityContext(true),
                    },
                ],
                // Nacos writes only data/ (the claim), logs/, conf/ and /tmp, so the rest is read-only.
                readOnlyRootFilesystem: true,
                // The official image runs as root (its files are root's).
                runAsUser: undefined,
                terminationGracePeriodSeconds: 60,
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
                            securityContext: nobodyPodSecurityContext(true),
                            containers: [
                                {
                                    name: "admin-init",
                                    image,
                                    command: ["sh", "-c", renderNacosAdminInitScript(`http://${names.clientHost}:${NACOS_PORTS.http}`)],
                                    volumeMounts: [{ name: "admin-password", mountPath: "/etc/nacos-admin", readOnly: true }],
                                    resources: helperResources("10m", "16Mi", "64Mi"),
                                    securityContext: containerSecurityContext(true),
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
            { ...dependingOn(child, [workload.statefulSet, secret]), protect: false },
        );

        if (resolved.backup !== undefined) {
            const baseUrl = `http://${names.clientHost}:${NACOS_PORTS.http}`;
            createNacosBackup(
                name,
                namespace,
                baseUrl,
                secretName,
                resolved.backup,
                dependingOn(child, [secret]),
                configurationOptions(child),
            );
        }

        const toHttp = (labels: Record<string, string>) => ({
            from: [{ podSelector: { matchLabels: labels } }],
            ports: [{ protocol: "TCP", port: NACOS_PORTS.http }],
        });
        createWorkloadExtras(
            name,
            workload,
            resolved,
            {
                title: "Nacos",
                alerts: nacosAlerts({ namespace, statefulSet: name }),
                // The metrics port is the HTTP port, a client port too; the admin Job (and the backup) reach it from this namespace.
                ingress: (np) => [
                    ...networkPolicyIngress(workload.selectorLabels, ports, undefined, np, [
                        toHttp(adminJobLabels),
                        ...(resolved.backup === undefined ? [] : [toHttp(nacosBackupPodLabels(name))]),
                    ]),
                    ...(monitoring.scrapeAnnotations || monitoring.serviceMonitor
                        ? networkPolicyIngress(workload.selectorLabels, [], NACOS_PORTS.http, np)
                        : []),
                ],
            },
            child,
        );

        const outputs = statefulSetOutputs(workload);
        this.statefulSet = outputs.statefulSet;
        this.statefulSetName = outputs.statefulSetName;
        this.headlessServiceName = outputs.headlessServiceName;
        this.clientServiceName = outputs.clientServiceName;
        this.memberDnsNames = outputs.memberDnsNames;
        this.clusterMembers = pulumi.output(members);
        this.clientEndpoint = pulumi.output(`http://${names.clientHost}:${NACOS_PORTS.http}/nacos`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            ...outputs,
            clusterMembers: this.clusterMembers,
            clientEndpoint: this.clientEndpoint,
            secretName: this.secretName,
        });
    }
}
