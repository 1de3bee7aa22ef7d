/**
 * Layer 3: RabbitMQ. The StatefulSet + headless Service + PVCs of the layers below, plus the
 * Kubernetes peer-discovery plugin and the Prometheus plugin. Since RabbitMQ 4.1 the plugin derives the
 * seed node (ordinal 0) from the node's own name and never calls the Kubernetes API, so the pods run
 * without a service account token.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Resolved, resolveArgs } from "./lib/resolve";
import { refuseAutoscaling } from "./lib/autoscaling";
import { backupLabels, createBackupCredentialsSecret } from "./lib/backup";
import { createNetworkPolicy, networkPolicyIngress, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import {
    createRabbitMQBackup,
    RabbitMQBackupArgs,
    rabbitmqRestoreConf,
    rabbitmqRestorePod,
    RabbitMQRestoreArgs,
    validateRabbitMQBackupArgs,
} from "./lib/rabbitmq-backup";
import { PersistentSystemArgs } from "./lib/types";
import { ArgProblem, checkBoolean, checkInteger, checkPresent, checkReplicas } from "./lib/validation";
import {
    checksum,
    childOptions,
    configurationOptions,
    dependingOn,
    createWorkload,
    resolveMonitoring,
    resolveResources,
    resolveScheduling,
    resolveStorage,
    validateSharedArgs,
    WORKLOAD_DEFAULTS,
    workloadNames,
} from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { rabbitmqAlerts } from "./alerts/rabbitmq";

/** Arguments of {@link RabbitMQ}. */
export interface RabbitMQArgs extends PersistentSystemArgs {
    /**
     * Number of RabbitMQ nodes; odd, so that quorum queues keep a majority. Never autoscaled
     * (`autoscaling` is refused): a scale-in does not remove nodes from the cluster or their quorum-queue
     * replicas, and adding brokers does not speed up existing queues. Scale consumers instead (KEDA).
     * @default 3
     */
    replicas?: number;
    /**
     * Replica count currently deployed, when known. Any scale-in below it is refused unless
     * `allowUnsafeScaleIn` is set: shrinking the StatefulSet does not remove members from the cluster,
     * nor their quorum-queue replicas.
     * @default - unknown: no scale-in check
     */
    currentReplicas?: number;
    /**
     * Allows a scale-in. Before lowering `replicas`, drain the highest-ordinal nodes, shrink quorum
     * queues off them (`rabbitmq-queues shrink`) and `rabbitmqctl forget_cluster_node` them.
     * @default false
     */
    allowUnsafeScaleIn?: boolean;
    /** Erlang distribution cookie shared by all nodes. Pass a Pulumi secret. */
    erlangCookie: pulumi.Input<string>;
    /**
     * Name of the administrator created on first boot.
     * @default "admin"
     */
    defaultUser?: string;
    /** Password of that administrator. Pass a Pulumi secret. */
    defaultPassword: pulumi.Input<string>;
    /**
     * Target replica count of quorum queues; continuous membership reconciliation grows queues to it
     * as nodes join. Pinning it (for example to 3) avoids a rolling restart on every scale.
     * @default - equal to `replicas`
     */
    quorumQueueTargetGroupSize?: number;
    /**
     * Seconds a node has to shut down cleanly; the preStop hook waits for quorum queues to keep a
     * majority without it (`rabbitmq-upgrade await_online_quorum_plus_one`) and drains it.
     * @default 600
     */
    terminationGracePeriodSeconds?: number;
    /**
     * Scheduled exports of the definitions (users, vhosts, queues, exchanges, bindings, policies) to an
     * S3-compatible bucket. Messages are not backed up. See docs/backup.md.
     * @default - no backups
     */
    backup?: RabbitMQBackupArgs;
    /**
     * Imports an export's definitions when the nodes boot (a new cluster's restore).
     * @default - no import
     */
    restore?: RabbitMQRestoreArgs;
}

/** Defaults of {@link RabbitMQArgs}. */
export const RABBITMQ_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    allowUnsafeScaleIn: false,
    image: "rabbitmq:4.1.4-management",
    defaultUser: "admin",
    terminationGracePeriodSeconds: 600,
    storageSize: "10Gi",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    runAsUser: 999,
    resources: { cpuRequest: "500m", memoryRequest: "1Gi" },
} as const;

/** RabbitMQ's ports. */
export const RABBITMQ_PORTS = { amqp: 5672, management: 15672, prometheus: 15692, epmd: 4369, clusterRpc: 25672 } as const;

/** Plugins every node runs. */
export const RABBITMQ_PLUGINS = ["rabbitmq_peer_discovery_k8s", "rabbitmq_prometheus", "rabbitmq_management"] as const;

/** Returns every problem with the arguments of a RabbitMQ component named `name`. */
export function validateRabbitMQArgs(name: string, args: RabbitMQArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const replicas = args.replicas ?? RABBITMQ_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", replicas, "odd");
    checkBoolean(problems, "allowUnsafeScaleIn", args.allowUnsafeScaleIn);
    if (args.currentReplicas !== undefined && checkInteger(problems, "currentReplicas", args.currentReplicas, 0)) {
        const allow = args.allowUnsafeScaleIn ?? RABBITMQ_DEFAULTS.allowUnsafeScaleIn;
        if (typeof replicas === "number" && replicas < args.currentReplicas && !allow) {
            problems.push({
                path: "replicas",
                value: replicas,
                allowed: `at least ${args.currentReplicas} (the deployed count): RabbitMQ cannot remove members by shrinking the StatefulSet. Drain the nodes, shrink quorum queues off them and forget_cluster_node them, then set allowUnsafeScaleIn: true`,
            });
        }
    }
    checkPresent(problems, "erlangCookie", args.erlangCookie, "a non-empty secret");
    checkPresent(problems, "defaultPassword", args.defaultPassword, "a non-empty secret");
    if (args.defaultUser !== undefined && (typeof args.defaultUser !== "string" || !/^[A-Za-z0-9_.-]+$/.test(args.defaultUser))) {
        problems.push({ path: "defaultUser", value: args.defaultUser, allowed: "letters, digits, '_', '.' and '-'" });
    }
    if (args.quorumQueueTargetGroupSize !== undefined)
        checkInteger(problems, "quorumQueueTargetGroupSize", args.quorumQueueTargetGroupSize, 1);
    if (args.terminationGracePeriodSeconds !== undefined)
        checkInteger(problems, "terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, 120);
    refuseAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        "RabbitMQ",
        "a scale-in leaves the removed nodes in the cluster with their quorum-queue replicas, and more brokers do not speed up existing queues (autoscale consumers instead)",
    );
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateRabbitMQBackupArgs(problems, args.backup, args.restore);
    validateSharedArgs(problems, name, args, typeof replicas === "number" ? replicas : 1, true);
    return problems;
}

/** The RabbitMQ node name of every member (`rabbit@<member DNS name>`), in ordinal order. */
export function rabbitmqNodeNames(memberNames: string[]): string[] {
    return memberNames.map((host) => `rabbit@${host}`);
}

/**
 * The seed node RabbitMQ 4.1's `rabbit_peer_discovery_k8s:list_nodes/0` derives from a node's own name:
 * the same name with the ordinal after the StatefulSet name replaced by `ordinalStart` (upstream's
 * regular expression `^([^@]+@)([^.]*-)([0-9]+)`); undefined where upstream fails to parse the name.
 */
export function rabbitmqSeedNode(nodeName: string, ordinalStart = 0): string | undefined {
    const m = /^([^@]+@)([^.]*-)([0-9]+)(.*)$/.exec(nodeName);
    return m === null ? undefined : `${m[1]}${m[2]}${ordinalStart}${m[4]}`;
}

/**
 * Renders `rabbitmq.conf`. The replica-dependent value is interpolated from an environment variable
 * (`$(VAR)`), so the file itself never changes on a scale edit. It holds no secret: the default user
 * comes from `RABBITMQ_DEFAULT_USER`/`RABBITMQ_DEFAULT_PASS`, which RabbitMQ reads byte for byte
 * (`rabbit_env.erl`), whereas a `$(VAR)` value is pasted into the file before it is parsed, where a `#`
 * starts a comment. The file replaces the image's `conf.d`, so it repeats the image's `log.console = true`.
 */
export function renderRabbitmqConf(name: string, restore = false): string {
    return [
        `cluster_name = ${name}`,
        // 4.1's plugin takes the seed from the node name; the k8s.host/address_type/service_name/
        // hostname_suffix keys are "completely ignored" (rabbitmq_peer_discovery_k8s.schema) and not written.
        "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s",
        "cluster_formation.node_cleanup.only_log_warning = true",
        "cluster_partition_handling = pause_minority",
        "queue_leader_locator = balanced",
        "quorum_queue.continuous_membership_reconciliation.enabled = true",
        "quorum_queue.continuous_membership_reconciliation.target_group_size = $(RABBITMQ_QQ_TARGET_GROUP_SIZE)",
        "quorum_queue.continuous_membership_reconciliation.auto_remove = false",
        // Logs to stdout, as the image's own conf.d/10-defaults.conf does.
        "log.console = true",
        "auth_mechanisms.1 = PLAIN",
        "auth_mechanisms.2 = AMQPLAIN",
        `listeners.tcp.default = ${RABBITMQ_PORTS.amqp}`,
        `management.tcp.port = ${RABBITMQ_PORTS.management}`,
        `prometheus.tcp.port = ${RABBITMQ_PORTS.prometheus}`,
        ...(restore ? rabbitmqRestoreConf() : []),
        "",
    ].join("\n");
}

/** {@link RabbitMQArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveRabbitMQArgs(name: string, args: RabbitMQArgs): Resolved<typeof RABBITMQ_DEFAULTS, RabbitMQArgs> {
    return resolveArgs(`RabbitMQ "${name}" arguments`, validateRabbitMQArgs(name, args), RABBITMQ_DEFAULTS, args);
}

/**
 * A RabbitMQ cluster that forms itself through `rabbitmq_peer_discovery_k8s`, exports metrics through
 * `rabbitmq_prometheus`, keeps data on PVCs and refuses unsafe scale-in.
 */
export class RabbitMQ extends pulumi.ComponentResource {
    /** Number of RabbitMQ nodes the update deploys. */
    public readonly replicas: number;
    /** Name of the StatefulSet. */
    public readonly statefulSetName: pulumi.Output<string>;
    /** Name of the headless (peer-discovery) Service. */
    public readonly headlessServiceName: pulumi.Output<string>;
    /** Name of the client Service. */
    public readonly clientServiceName: pulumi.Output<string>;
    /** In-cluster DNS name of every node. */
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

        const namespace = args.namespace ?? RABBITMQ_DEFAULTS.namespace;
        const replicas = args.replicas ?? RABBITMQ_DEFAULTS.replicas;
        const clusterDomain = args.clusterDomain ?? RABBITMQ_DEFAULTS.clusterDomain;
        const names = workloadNames(name, namespace, replicas, clusterDomain);
        const child = childOptions(this, opts);
        const monitoring = resolveMonitoring(args.monitoring);
        const grace = args.terminationGracePeriodSeconds ?? RABBITMQ_DEFAULTS.terminationGracePeriodSeconds;

        const secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: `${name}-credentials`, namespace },
                type: "Opaque",
                stringData: {
                    ".erlang.cookie": pulumi.secret(args.erlangCookie),
                    username: args.defaultUser ?? RABBITMQ_DEFAULTS.defaultUser,
                    password: pulumi.secret(args.defaultPassword),
                },
            },
            configurationOptions(child),
        );

        const conf = renderRabbitmqConf(name, args.restore !== undefined);
        const restore = args.restore === undefined ? undefined : rabbitmqRestorePod(name, args.restore);
        const restoreSecrets =
            args.restore === undefined
                ? []
                : [createBackupCredentialsSecret(`${name}-restore`, namespace, args.restore.storage, configurationOptions(child))];
        const plugins = `[${RABBITMQ_PLUGINS.join(",")}].\n`;
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: `${name}-config`, namespace }, data: { "10-stateful-k8s.conf": conf, enabled_plugins: plugins } },
            configurationOptions(child),
        );

        const image = args.image ?? RABBITMQ_DEFAULTS.image;
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
                system: "rabbitmq",
                names,
                replicas,
                image,
                // Every node joins the seed (ordinal 0) on first boot, so they may start together.
                podManagementPolicy: "Parallel",
                ports,
                metrics: { portName: "prometheus", port: RABBITMQ_PORTS.prometheus, path: "/metrics" },
                env: {
                    MY_POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
                    RABBITMQ_USE_LONGNAME: "true",
                    RABBITMQ_NODENAME: `rabbit@$(MY_POD_NAME)${names.memberSuffix}`,
                    RABBITMQ_CONFIG_FILES: "/etc/rabbitmq/conf.d",
                    RABBITMQ_ENABLED_PLUGINS_FILE: "/etc/rabbitmq/plugins/enabled_plugins",
                    RABBITMQ_QQ_TARGET_GROUP_SIZE: String(args.quorumQueueTargetGroupSize ?? replicas),
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
                    storage: resolveStorage(args.storage, RABBITMQ_DEFAULTS.storageSize),
                },
                volumes: [
                    // Holds only the Erlang cookie (the data is on the claim mounted below it).
                    { name: "rabbitmq-home", emptyDir: { sizeLimit: "64Mi" } },
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
                    { name: "config", mountPath: "/etc/rabbitmq/conf.d" },
                    { name: "plugins", mountPath: "/etc/rabbitmq/plugins" },
                    ...(restore === undefined ? [] : [restore.mount]),
                ],
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
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } },
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                    ...(restore === undefined ? [] : [restore.initContainer]),
                ],
                runAsUser: RABBITMQ_DEFAULTS.runAsUser,
                terminationGracePeriodSeconds: grace,
                podAnnotations: { "stateful-k8s.io/config-checksum": checksum(conf + plugins) },
                resources: resolveResources(args.resources, RABBITMQ_DEFAULTS.resources),
                monitoring,
                scheduling: resolveScheduling(args.scheduling),
                quorum: true,
            },
            // The Secret and ConfigMap are referenced by name and ordered by dependsOn (see configurationOptions).
            dependingOn(opts ?? {}, [secret, config, ...restoreSecrets]),
        );
        if (args.backup !== undefined) {
            const managementUrl = `http://${names.clientHost}:${RABBITMQ_PORTS.management}`;
            createRabbitMQBackup(
                name,
                namespace,
                managementUrl,
                `${name}-credentials`,
                args.backup,
                dependingOn(child, [secret]),
                configurationOptions(child),
            );
        }

        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        if (np.enabled) {
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace },
                workload.selectorLabels,
                networkPolicyIngress(
                    workload.selectorLabels,
                    ports,
                    RABBITMQ_PORTS.prometheus,
                    np,
                    // The definitions export reaches the management API from this namespace.
                    args.backup === undefined
                        ? []
                        : [
                              {
                                  from: [{ podSelector: { matchLabels: backupLabels(name) } }],
                                  ports: [{ protocol: "TCP", port: RABBITMQ_PORTS.management }],
                              },
                          ],
                ),
                child,
            );
        }

        const alerts = rabbitmqAlerts({ namespace, statefulSet: name });
        createAlertsAndDashboard(name, { name, namespace, labels: workload.selectorLabels }, "RabbitMQ", alerts, monitoring, child);

        this.statefulSet = workload.statefulSet;
        this.statefulSetName = workload.statefulSet.metadata.name;
        this.headlessServiceName = workload.headlessService.metadata.name;
        this.clientServiceName = workload.clientService.metadata.name;
        this.memberDnsNames = pulumi.output(names.members);
        this.nodeNames = pulumi.output(rabbitmqNodeNames(names.members));
        this.amqpEndpoint = pulumi.output(`amqp://${names.clientHost}:${RABBITMQ_PORTS.amqp}`);
        this.managementEndpoint = pulumi.output(`http://${names.clientHost}:${RABBITMQ_PORTS.management}`);
        this.secretName = secret.metadata.name;
        this.registerOutputs({
            replicas: this.replicas,
            statefulSetName: this.statefulSetName,
            headlessServiceName: this.headlessServiceName,
            clientServiceName: this.clientServiceName,
            memberDnsNames: this.memberDnsNames,
            nodeNames: this.nodeNames,
            amqpEndpoint: this.amqpEndpoint,
            managementEndpoint: this.managementEndpoint,
            secretName: this.secretName,
            statefulSet: this.statefulSet,
        });
    }
}
