/**
 * Layer 3: RabbitMQ. The StatefulSet + headless Service + PVCs of the layers below, plus the
 * Kubernetes peer-discovery plugin and the Prometheus plugin. Since RabbitMQ 4.1 the plugin derives the
 * seed node (ordinal 0) from the node's own name and never calls the Kubernetes API, so the pods run
 * without a service account token.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { rabbitmqAlerts } from "./alerts/rabbitmq";
import { backupLabels, createBackupCredentialsSecret } from "./lib/backup";
import { workloadNames } from "./lib/naming";
import { networkPolicyIngress } from "./lib/network";
import { createRabbitMQBackup, rabbitmqRestorePod } from "./rabbitmq/backup";
import { childOptions, configurationOptions, dependingOn } from "./lib/options";
import { checksum, containerSecurityContext } from "./lib/pod";
import { helperResources } from "./lib/resources";
import { createWorkloadExtras, sharedWorkloadSpec, StatefulSetOutputs, statefulSetOutputs } from "./lib/statefulset/component";
import { PodManagementPolicy } from "./lib/statefulset/spec";
import { createWorkload } from "./lib/statefulset/workload";
import { RABBITMQ_PLUGINS, RABBITMQ_PORTS, RabbitMQArgs, resolveRabbitMQArgs } from "./rabbitmq/args";
import { rabbitmqNodeNames, renderRabbitmqConf } from "./rabbitmq/config";

export * from "./rabbitmq/args";
export * from "./rabbitmq/config";

/**
 * A RabbitMQ cluster that forms itself through `rabbitmq_peer_discovery_k8s`, exports metrics through
 * `rabbitmq_prometheus`, keeps data on PVCs and refuses unsafe scale-in.
 */
export class RabbitMQ extends pulumi.ComponentResource implements StatefulSetOutputs {
    /** Number of RabbitMQ nodes the update deploys. */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every member the StatefulSet may run, in ordinal order. */
    public readonly memberDnsNames: pulumi.Output<string[]>;
    /** Erlang node name of every node. */
    public readonly nodeNames: pulumi.Output<string[]>;
    /** AMQP endpoint (`amqp://<client service>:5672`). */
    public readonly amqpEndpoint: pulumi.Output<string>;
    /** Management UI/API endpoint. */
    public readonly managementEndpoint: pulumi.Output<string>;
    /** Name of the Secret with the Erlang cookie and the default user's credentials. */
    public readonly secretName: pulumi.Output<string>;
    /** The StatefulSet. */
    public readonly statefulSet: k8s.apps.v1.StatefulSet;

    /**
     * @param name Component name; also the name of the StatefulSet and client Service.
     * @param args See {@link RabbitMQArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: RabbitMQArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveRabbitMQArgs(name, args);
        super("stateful-k8s:index:RabbitMQ", name, {}, opts);
        this.replicas = resolved.replicas;

        const { namespace, image, restore: restoreArgs } = resolved;
        const names = workloadNames(name, namespace, resolved.replicas, resolved.clusterDomain);
        const child = childOptions(this, opts);
        const grace = resolved.terminationGracePeriodSeconds;

        const secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: `${name}-credentials`, namespace },
                type: "Opaque",
                stringData: {
                    ".erlang.cookie": pulumi.secret(resolved.erlangCookie),
                    username: resolved.defaultUser,
                    password: pulumi.secret(resolved.defaultPassword),
                },
            },
            configurationOptions(child),
        );

        const conf = renderRabbitmqConf(name, restoreArgs !== undefined);
        const restore = restoreArgs === undefined ? undefined : rabbitmqRestorePod(name, restoreArgs);
        const restoreSecrets =
            restoreArgs === undefined
                ? []
                : [createBackupCredentialsSecret(`${name}-restore`, namespace, restoreArgs.storage, configurationOptions(child))];
        const plugins = `[${RABBITMQ_PLUGINS.join(",")}].\n`;
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: `${name}-config`, namespace }, data: { "10-stateful-k8s.conf": conf, enabled_plugins: plugins } },
            configurationOptions(child),
        );

        const ports = [
            { name: "amqp", port: RABBITMQ_PORTS.amqp, peer: true, client: true },
            { name: "management", port: RABBITMQ_PORTS.management, peer: false, client: true },
            { name: "prometheus", port: RABBITMQ_PORTS.prometheus, peer: false, client: true },
            { name: "epmd", port: RABBITMQ_PORTS.epmd, peer: true, client: false },
            { name: "cluster-rpc", port: RABBITMQ_PORTS.clusterRpc, peer: true, client: false },
        ];
        const workload = createWorkload(
            this,
            name,
            {
                ...sharedWorkloadSpec("rabbitmq", resolved),
                // Every node joins the seed (ordinal 0) on first boot, so they may start together.
                podManagementPolicy: PodManagementPolicy.Parallel,
                ports,
                metrics: {
                    portName: "prometheus",
                    port: RABBITMQ_PORTS.prometheus,
                    path: "/metrics",
                    monitoring: resolved.monitoring,
                },
                env: {
                    MY_POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
                    RABBITMQ_USE_LONGNAME: "true",
                    RABBITMQ_NODENAME: `rabbit@$(MY_POD_NAME)${names.memberSuffix}`,
                    RABBITMQ_CONFIG_FILES: "/etc/rabbitmq/conf.d",
                    RABBITMQ_ENABLED_PLUGINS_FILE: "/etc/rabbitmq/plugins/enabled_plugins",
                    RABBITMQ_QQ_TARGET_GROUP_SIZE: String(resolved.quorumQueueTargetGroupSize),
                    // Read verbatim by rabbit_env.erl (any byte string; never parsed as configuration).
                    RABBITMQ_DEFAULT_USER: { secretKeyRef: { name: `${name}-credentials`, key: "username" } },
                    RABBITMQ_DEFAULT_PASS: { secretKeyRef: { name: `${name}-credentials`, key: "password" } },
                },
                readinessProbe: { tcpSocket: { port: "amqp" }, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: {
                    exec: { command: ["rabbitmq-diagnostics", "-q", "ping"] },
                    periodSeconds: 30,
                    timeoutSeconds: 20,
                    failureThreshold: 6,
                },
                startupProbe: {
                    exec: { command: ["rabbitmq-diagnostics", "-q", "ping"] },
                    periodSeconds: 10,
                    timeoutSeconds: 20,
                    failureThreshold: 30,
                },
                preStop: ["sh", "-c", `rabbitmq-upgrade await_online_quorum_plus_one -t ${grace - 60} && rabbitmq-upgrade drain -t 30`],
                dataVolume: {
                    name: "data",
                    mountPath: "/var/lib/rabbitmq/mnesia",
                    storage: resolved.storage,
                },
                volumes: [
                    // Holds only the Erlang cookie (the data is on the claim mounted below it).
                    { name: "rabbitmq-home", emptyDir: { sizeLimit: "64Mi" } },
                    // The image keeps /tmp writable (1777, with /tmp/rabbitmq-ssl for certificates): so does the pod.
                    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                    {
                        name: "config",
                        configMap: { name: `${name}-config`, items: [{ key: "10-stateful-k8s.conf", path: "10-stateful-k8s.conf" }] },
                    },
                    {
                        name: "plugins",
                        configMap: { name: `${name}-config`, items: [{ key: "enabled_plugins", path: "enabled_plugins" }] },
                    },
                    {
                        name: "erlang-cookie",
                        secret: { secretName: `${name}-credentials`, items: [{ key: ".erlang.cookie", path: ".erlang.cookie" }] },
                    },
                    ...(restore === undefined ? [] : [restore.volume]),
                ],
                volumeMounts: [
                    { name: "rabbitmq-home", mountPath: "/var/lib/rabbitmq" },
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "config", mountPath: "/etc/rabbitmq/conf.d" },
                    { name: "plugins", mountPath: "/etc/rabbitmq/plugins" },
                    ...(restore === undefined ? [] : [restore.mount]),
                ],
                // RabbitMQ writes its home and data (volumes) and logs to stdout only: with log.console on, file
                // logging is off unless configured (rabbit_prelaunch_logging), so /var/log/rabbitmq stays empty.
                readOnlyRootFilesystem: true,
                initContainers: [
                    {
                        name: "setup",
                        image,
                        command: [
                            "sh",
                            "-c",
                            "cp /tmp/erlang-cookie-secret/.erlang.cookie /var/lib/rabbitmq/.erlang.cookie && chmod 600 /var/lib/rabbitmq/.erlang.cookie",
                        ],
                        volumeMounts: [
                            { name: "rabbitmq-home", mountPath: "/var/lib/rabbitmq" },
                            { name: "erlang-cookie", mountPath: "/tmp/erlang-cookie-secret" },
                        ],
                        resources: helperResources("50m", "64Mi", "64Mi"),
                        securityContext: containerSecurityContext(true),
                    },
                    ...(restore === undefined ? [] : [restore.initContainer]),
                ],
                runAsUser: resolved.runAsUser,
                terminationGracePeriodSeconds: grace,
                podAnnotations: { "stateful-k8s.io/config-checksum": checksum(conf + plugins) },
                quorum: true,
            },
            // The Secret and ConfigMap are referenced by name and ordered by dependsOn (see configurationOptions).
            dependingOn(opts ?? {}, [secret, config, ...restoreSecrets]),
        );
        if (resolved.backup !== undefined) {
            const managementUrl = `http://${names.clientHost}:${RABBITMQ_PORTS.management}`;
            createRabbitMQBackup(
                name,
                namespace,
                managementUrl,
                `${name}-credentials`,
                resolved.backup,
                dependingOn(child, [secret]),
                configurationOptions(child),
            );
        }

        createWorkloadExtras(
            name,
            workload,
            resolved,
            {
                title: "RabbitMQ",
                alerts: rabbitmqAlerts({ namespace, statefulSet: name }),
                ingress: (np) =>
                    networkPolicyIngress(
                        workload.selectorLabels,
                        ports,
                        RABBITMQ_PORTS.prometheus,
                        np,
                        // The definitions export reaches the management API from this namespace.
                        resolved.backup === undefined
                            ? []
                            : [
                                  {
                                      from: [{ podSelector: { matchLabels: backupLabels(name) } }],
                                      ports: [{ protocol: "TCP", port: RABBITMQ_PORTS.management }],
                                  },
                              ],
                    ),
            },
            child,
        );

        const outputs = statefulSetOutputs(workload);
        this.statefulSet = outputs.statefulSet;
        this.statefulSetName = outputs.statefulSetName;
        this.headlessServiceName = outputs.headlessServiceName;
        this.clientServiceName = outputs.clientServiceName;
        this.memberDnsNames = outputs.memberDnsNames;
        this.nodeNames = pulumi.output(rabbitmqNodeNames(names.members));
        this.amqpEndpoint = pulumi.output(`amqp://${names.clientHost}:${RABBITMQ_PORTS.amqp}`);
        this.managementEndpoint = pulumi.output(`http://${names.clientHost}:${RABBITMQ_PORTS.management}`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            ...outputs,
            nodeNames: this.nodeNames,
            amqpEndpoint: this.amqpEndpoint,
            managementEndpoint: this.managementEndpoint,
            secretName: this.secretName,
        });
    }
}
