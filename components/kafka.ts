/**
 * Layer 5: Kafka on Strimzi (`kafka.strimzi.io/v1`, KRaft only). A `Kafka` with a fixed controller
 * node pool and a broker node pool sized by stack config; from two brokers on, Cruise Control
 * rebalances partitions automatically when brokers are added or removed, so a scale is one config edit.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Resolved, resolveArgs } from "./lib/resolve";
import { createAutoscaler, validateAutoscaling } from "./lib/autoscaling";
import { createKafkaMirror, KafkaMirrorArgs, validateKafkaMirrorArgs } from "./lib/kafka-mirror";
import { ConsumerLagAutoscalingArgs, createConsumerLagScaler, validateConsumerLagAutoscaling } from "./lib/keda";
import { createPodMonitor, installOperatorChart, resolveOperatorMonitoring, validateOperatorArgs } from "./lib/operator";
import { namespacesPeer, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import { validateScheduling } from "./lib/scheduling";
import { NetworkPolicyArgs, OperatorSystemArgs, PlacedSystemArgs, ResourcesArgs } from "./lib/types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkInteger,
    checkReplicas,
    checkResources,
    checkSizedStorage,
    isObject,
} from "./lib/validation";
import {
    childOptions,
    configurationOptions,
    dependingOn,
    PACKAGE_LABELS,
    podPlacement,
    resolveResources,
    resolveScheduling,
    WORKLOAD_DEFAULTS,
} from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { kafkaAlerts } from "./alerts/kafka";

/** The volume of each node in a pool (always a persistent claim that outlives the cluster). */
export interface KafkaStorageArgs {
    /**
     * Size of each node's volume.
     * @default "100Gi" for brokers, "10Gi" for controllers
     */
    size?: string;
    /**
     * StorageClass of the volumes.
     * @default - the cluster's default StorageClass
     */
    storageClassName?: string;
}

/** Arguments of {@link Kafka}. */
export interface KafkaArgs extends OperatorSystemArgs, PlacedSystemArgs {
    /**
     * Number of brokers (the broker node pool's replicas). With two or more brokers, partitions move
     * onto new brokers and off removed ones automatically (Cruise Control auto-rebalance); a single
     * broker runs without Cruise Control, which Strimzi refuses below two brokers. With `autoscaling`,
     * the pool scales through its `/scale` subresource, and `autoscaling.minReplicas` must be at least
     * the replication factor.
     * @default 3
     */
    replicas?: number;
    /**
     * Number of KRaft controllers; odd. Strimzi runs a static controller quorum, so this cannot
     * change once the cluster exists.
     * @default 3
     */
    controllers?: number;
    /**
     * Controller count currently deployed, when known; any change from it is refused.
     * @default - unknown: no check
     */
    currentControllers?: number;
    /**
     * Kafka version, pinned.
     * @default "4.3.0"
     */
    version?: string;
    /**
     * Replication factor of new topics and internal topics.
     * @default - min(3, the fewest brokers the cluster may have)
     */
    replicationFactor?: number;
    /**
     * Brokers storage.
     * @default { size: "100Gi" }
     */
    brokerStorage?: KafkaStorageArgs;
    /**
     * Controllers storage.
     * @default { size: "10Gi" }
     */
    controllerStorage?: KafkaStorageArgs;
    /**
     * CPU and memory of each broker.
     * @default { cpuRequest: "500m", memoryRequest: "2Gi" }
     */
    brokerResources?: ResourcesArgs;
    /**
     * CPU and memory of each controller.
     * @default { cpuRequest: "250m", memoryRequest: "1Gi" }
     */
    controllerResources?: ResourcesArgs;
    /**
     * Deploys Kafka Exporter (consumer lag and topic metrics).
     * @default true
     */
    kafkaExporter?: boolean;
    /**
     * Deprecated: use `scheduling.requireAntiAffinity`, which wins when both are set.
     * @default false
     */
    requireAntiAffinity?: boolean;
    /**
     * Scales the broker pool on a consumer group's lag instead (a KEDA ScaledObject through the pool's
     * `/scale` subresource; needs KEDA). Not with `autoscaling`. More brokers cure lag only when the brokers
     * are what the consumers wait on, and the count never exceeds the group's partitions: see docs/autoscaling.md.
     * @default - not autoscaled on lag
     */
    lagAutoscaling?: ConsumerLagAutoscalingArgs;
    /**
     * Restricts the `plain` and `tls` listeners to pods of `clientNamespaces` (default: this namespace),
     * optionally only those with `clientPodLabels`, through the listeners' `networkPolicyPeers`: Strimzi
     * writes the NetworkPolicy itself (its replication, control-plane and agent ports admit only Strimzi's
     * own pods; the metrics port stays open), so `monitoringNamespace` does not apply. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
    /**
     * Disaster recovery: a KafkaMirrorMaker2 that copies the topics (and consumer-group offsets) to a
     * second cluster. This cluster's logs are not otherwise backed up. See docs/backup.md.
     * @default - no mirror
     */
    mirror?: KafkaMirrorArgs;
}

/** Defaults of {@link KafkaArgs}. */
export const KAFKA_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    controllers: 3,
    version: "4.3.0",
    brokerStorageSize: "100Gi",
    controllerStorageSize: "10Gi",
    brokerResources: { cpuRequest: "500m", memoryRequest: "2Gi" },
    controllerResources: { cpuRequest: "250m", memoryRequest: "1Gi" },
    kafkaExporter: true,
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    installOperator: false,
    operatorNamespace: "strimzi",
    operatorVersion: "1.2.0",
} as const;

/** Strimzi's official Helm chart repository. */
export const STRIMZI_CHART = { chart: "strimzi-kafka-operator", repo: "https://strimzi.io/charts/" } as const;

/** Ports of the listeners and of the metrics endpoint Strimzi exposes. */
export const KAFKA_PORTS = { plain: 9092, tls: 9093, metrics: 9404 } as const;

/**
 * The fewest brokers Strimzi deploys Cruise Control with: `CruiseControlMetricsReporter.validateCruiseControl`
 * (Strimzi 1.2.0) rejects the whole Kafka resource below it.
 */
export const CRUISE_CONTROL_MIN_BROKERS = 2;

/**
 * Whether the cluster runs Cruise Control (and its auto-rebalance templates): only when the fewest
 * brokers it may have (the autoscaler's minimum, or `replicas`) is at least {@link CRUISE_CONTROL_MIN_BROKERS}.
 */
export function kafkaRunsCruiseControl(minBrokers: number): boolean {
    return minBrokers >= CRUISE_CONTROL_MIN_BROKERS;
}

/** Replication settings derived from the fewest brokers the cluster may run with. */
export function kafkaReplication(minBrokers: number, replicationFactor?: number): { replicationFactor: number; minInSync: number } {
    const rf = replicationFactor ?? Math.min(3, minBrokers);
    return { replicationFactor: rf, minInSync: Math.max(1, rf - 1) };
}

/** The fewest brokers the cluster may run with: the minimum of its autoscaler (CPU or lag), or `replicas`. */
function fewestBrokers(args: KafkaArgs, brokers: number): number {
    return (args.autoscaling ?? args.lagAutoscaling)?.minReplicas ?? brokers;
}

/** Returns every problem with the arguments of a Kafka component named `name`. */
export function validateKafkaArgs(name: string, args: KafkaArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    // Strimzi names pods `<cluster>-<pool>-<id>` with pool `<cluster>-broker`; keep them DNS labels.
    checkDnsLabel(problems, "name", name, 24);
    if (args.namespace !== undefined) checkDnsLabel(problems, "namespace", args.namespace);
    const brokers = args.replicas ?? KAFKA_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", brokers, "any");
    const controllers = args.controllers ?? KAFKA_DEFAULTS.controllers;
    checkReplicas(problems, "controllers", controllers, "odd");
    if (args.currentControllers !== undefined && checkInteger(problems, "currentControllers", args.currentControllers, 0)) {
        if (args.currentControllers > 0 && controllers !== args.currentControllers) {
            problems.push({
                path: "controllers",
                value: controllers,
                allowed: `${args.currentControllers} (the deployed count): Strimzi runs a static KRaft controller quorum, which cannot be scaled; scale brokers instead`,
            });
        }
    }
    if (args.version !== undefined && (typeof args.version !== "string" || !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(args.version))) {
        problems.push({
            path: "version",
            value: args.version,
            allowed: 'a Kafka version such as "4.3.0" that the Strimzi operator supports',
        });
    }
    const minBrokers = fewestBrokers(args, brokers);
    if (args.replicationFactor !== undefined && checkInteger(problems, "replicationFactor", args.replicationFactor, 1)) {
        if (typeof minBrokers === "number" && args.replicationFactor > minBrokers) {
            problems.push({
                path: "replicationFactor",
                value: args.replicationFactor,
                allowed: `at most ${minBrokers}, the fewest brokers the cluster may run with`,
            });
        }
    }
    const rf = typeof minBrokers === "number" ? kafkaReplication(Math.max(1, minBrokers), args.replicationFactor).replicationFactor : 1;
    validateAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        brokers,
        rf,
        `the replication factor is ${rf}: fewer brokers leave partitions under-replicated`,
    );
    const np = isObject(args.networkPolicy)
        ? resolveNetworkPolicy(args.networkPolicy, args.namespace ?? KAFKA_DEFAULTS.namespace)
        : undefined;
    validateConsumerLagAutoscaling(
        problems,
        "lagAutoscaling",
        args.lagAutoscaling,
        "autoscaling",
        args.autoscaling,
        brokers,
        rf,
        `the replication factor is ${rf}: fewer brokers leave partitions under-replicated`,
        np?.enabled === true ? np.clientNamespaces : undefined,
    );
    for (const [key, storage] of [
        ["brokerStorage", args.brokerStorage],
        ["controllerStorage", args.controllerStorage],
    ] as const) {
        checkSizedStorage(problems, key, storage);
    }
    for (const key of ["brokerResources", "controllerResources"] as const) {
        checkResources(problems, key, args[key]);
    }
    checkBoolean(problems, "kafkaExporter", args.kafkaExporter);
    checkBoolean(problems, "requireAntiAffinity", args.requireAntiAffinity);
    // One disruption budget covers every node of the cluster: the controllers' majority must survive it.
    validateScheduling(problems, args.scheduling, typeof controllers === "number" ? controllers : 1, true);
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateKafkaMirrorArgs(problems, args.mirror);
    if (args.networkPolicy?.monitoringNamespace !== undefined) {
        problems.push({
            path: "networkPolicy.monitoringNamespace",
            value: args.networkPolicy.monitoringNamespace,
            allowed: "nothing: Strimzi writes Kafka's NetworkPolicy and opens the metrics port (9404) to every pod",
        });
    }
    validateOperatorArgs(problems, args);
    return problems;
}

/** The JMX Prometheus exporter rules the brokers and controllers load (a ConfigMap the Kafka CR references). */
export function renderKafkaMetricsConfig(): string {
    return [
        "# Generated by stateful-k8s: JMX MBeans exported as Prometheus metrics on port 9404.",
        "lowercaseOutputName: true",
        "lowercaseOutputLabelNames: true",
        "rules:",
        "  # Per-topic and per-partition broker metrics, such as under-replicated partitions.",
        '  - pattern: "kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value"',
        '    name: "kafka_server_$1_$2"',
        "    type: GAUGE",
        '    labels: { clientId: "$3", topic: "$4", partition: "$5" }',
        '  - pattern: "kafka.server<type=(.+), name=(.+)><>Value"',
        '    name: "kafka_server_$1_$2"',
        "    type: GAUGE",
        '  - pattern: "kafka.server<type=(.+), name=(.+)><>Count"',
        '    name: "kafka_server_$1_$2_total"',
        "    type: COUNTER",
        "  # Controller (KRaft quorum) health: active controller count, offline partitions.",
        '  - pattern: "kafka.controller<type=(.+), name=(.+)><>Value"',
        '    name: "kafka_controller_$1_$2"',
        "    type: GAUGE",
        '  - pattern: "kafka.server<type=raft-metrics><>(.+): (.*)"',
        '    name: "kafka_server_raftmetrics_$1"',
        "    type: GAUGE",
        "  # Request rates and latencies.",
        '  - pattern: "kafka.network<type=(.+), name=(.+), request=(.+)><>Count"',
        '    name: "kafka_network_$1_$2_total"',
        "    type: COUNTER",
        '    labels: { request: "$3" }',
        '  - pattern: "kafka.network<type=(.+), name=(.+), request=(.+)><>(\\\\d+)thPercentile"',
        '    name: "kafka_network_$1_$2"',
        "    type: GAUGE",
        '    labels: { request: "$3", quantile: "0.$4" }',
        "  # Log size per partition.",
        '  - pattern: "kafka.log<type=Log, name=(.+), topic=(.+), partition=(.+)><>Value"',
        '    name: "kafka_log_log_$1"',
        "    type: GAUGE",
        '    labels: { topic: "$2", partition: "$3" }',
        "",
    ].join("\n");
}

/** {@link KafkaArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveKafkaArgs(name: string, args: KafkaArgs): Resolved<typeof KAFKA_DEFAULTS, KafkaArgs> {
    return resolveArgs(`Kafka "${name}" arguments`, validateKafkaArgs(name, args), KAFKA_DEFAULTS, args);
}

/**
 * A Strimzi-managed Kafka cluster in KRaft mode: controller and broker node pools with retained
 * persistent claims, Cruise Control auto-rebalancing on scale, JMX metrics and Kafka Exporter.
 */
export class Kafka extends pulumi.ComponentResource {
    /** Number of brokers the update deploys (with an autoscaler: at creation). */
    public readonly replicas: number;
    /** Number of KRaft controllers. */
    public readonly controllers: number;
    /** Name of the `Kafka` resource (the Strimzi cluster name). */
    public readonly clusterName: pulumi.Output<string>;
    /** Name of the broker node pool. */
    public readonly brokerPoolName: pulumi.Output<string>;
    /** Name of the controller node pool. */
    public readonly controllerPoolName: pulumi.Output<string>;
    /** Plain-text bootstrap address (`<cluster>-kafka-bootstrap.<ns>.svc.<clusterDomain>:9092`). */
    public readonly bootstrapServers: pulumi.Output<string>;
    /** TLS bootstrap address (port 9093). */
    public readonly tlsBootstrapServers: pulumi.Output<string>;
    /** Replication factor new topics get. */
    public readonly replicationFactor: pulumi.Output<number>;

    /**
     * @param name Component name; also the Strimzi cluster name.
     * @param args See {@link KafkaArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveKafkaArgs(name, args);
        super("stateful-k8s:index:Kafka", name, {}, opts);
        this.replicas = resolved.replicas;
        this.controllers = resolved.controllers;

        const d = KAFKA_DEFAULTS;
        const namespace = args.namespace ?? d.namespace;
        const brokers = args.replicas ?? d.replicas;
        const { replicationFactor, minInSync } = kafkaReplication(fewestBrokers(args, brokers), args.replicationFactor);
        const monitoring = resolveOperatorMonitoring(args.monitoring);
        const cluster = { "strimzi.io/cluster": name };
        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        // Strimzi adds these peers to the NetworkPolicy it generates for the cluster (listener ports only).
        const listenerPeers = np.enabled ? { networkPolicyPeers: [namespacesPeer(np.clientNamespaces, np.clientPodLabels)] } : {};
        const labels = { ...PACKAGE_LABELS, ...cluster };
        const clusterDomain = args.clusterDomain ?? d.clusterDomain;
        if (args.requireAntiAffinity !== undefined) {
            pulumi.log.warn(`Kafka "${name}": requireAntiAffinity is deprecated; set scheduling.requireAntiAffinity instead`, this);
        }
        const scheduling = resolveScheduling({ requireAntiAffinity: args.requireAntiAffinity, ...args.scheduling });
        let child = childOptions(this, opts);

        if (args.installOperator ?? d.installOperator) {
            const operator = installOperatorChart(
                `${name}-strimzi`,
                "strimzi-cluster-operator",
                {
                    ...STRIMZI_CHART,
                    version: args.operatorVersion ?? d.operatorVersion,
                    namespace: args.operatorNamespace ?? d.operatorNamespace,
                    // The operator reconciles the cluster's namespace (the chart's CRDs come with the release).
                    values: {
                        watchNamespaces: [namespace],
                        // The operator's KUBERNETES_SERVICE_DNS_DOMAIN (chart 1.2.0; set only when not the chart's default).
                        ...(clusterDomain === d.clusterDomain ? {} : { kubernetesServiceDnsDomain: clusterDomain }),
                    },
                },
                child,
            );
            child = dependingOn(child, [operator]);
        }

        const metrics = new k8s.core.v1.ConfigMap(
            `${name}-metrics`,
            {
                metadata: { name: `${name}-kafka-metrics`, namespace, labels },
                data: { "kafka-metrics-config.yml": renderKafkaMetricsConfig() },
            },
            configurationOptions(child),
        );

        const antiAffinity = (pool: string) => {
            const term = {
                labelSelector: { matchLabels: { ...cluster, "strimzi.io/pool-name": pool } },
                topologyKey: "kubernetes.io/hostname",
            };
            return scheduling.requireAntiAffinity
                ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
                : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
        };
        // Strimzi's pod template has tolerations but no nodeSelector: the selector becomes a required node affinity.
        const { nodeSelector, tolerations } = podPlacement(scheduling);
        const nodeAffinity =
            nodeSelector === undefined
                ? {}
                : {
                      nodeAffinity: {
                          requiredDuringSchedulingIgnoredDuringExecution: {
                              nodeSelectorTerms: [
                                  {
                                      matchExpressions: Object.entries(nodeSelector).map(([key, value]) => ({
                                          key,
                                          operator: "In",
                                          values: [value],
                                      })),
                                  },
                              ],
                          },
                      },
                  };
        const podTemplate = (pool: string) => ({
            affinity: { ...antiAffinity(pool), ...nodeAffinity },
            ...(tolerations === undefined ? {} : { tolerations }),
        });
        const pool = (
            role: "broker" | "controller",
            replicas: number,
            storage: KafkaStorageArgs | undefined,
            size: string,
            resources: ResourcesArgs,
            autoscaled: boolean,
        ) => {
            const poolName = `${name}-${role}`;
            const r = resolveResources(resources, resources);
            return new k8s.apiextensions.CustomResource(
                `${name}-${role}-pool`,
                {
                    apiVersion: "kafka.strimzi.io/v1",
                    kind: "KafkaNodePool",
                    metadata: { name: poolName, namespace, labels },
                    spec: {
                        replicas,
                        roles: [role],
                        storage: {
                            type: "jbod",
                            volumes: [
                                {
                                    id: 0,
                                    type: "persistent-claim",
                                    size: storage?.size ?? size,
                                    class: storage?.storageClassName,
                                    // The claims outlive the pool and the cluster: data is never deleted with them.
                                    deleteClaim: false,
                                    kraftMetadata: "shared",
                                },
                            ],
                        },
                        resources: {
                            requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
                            limits: r.cpuLimit === undefined ? { memory: r.memoryLimit } : { cpu: r.cpuLimit, memory: r.memoryLimit },
                        },
                        template: { pod: podTemplate(poolName) },
                    },
                },
                autoscaled ? { ...child, ignoreChanges: ["spec.replicas"] } : child,
            );
        };
        const controllerPool = pool(
            "controller",
            args.controllers ?? d.controllers,
            args.controllerStorage,
            d.controllerStorageSize,
            resolveResources(args.controllerResources, d.controllerResources),
            false,
        );
        const brokerPool = pool(
            "broker",
            brokers,
            args.brokerStorage,
            d.brokerStorageSize,
            resolveResources(args.brokerResources, d.brokerResources),
            args.autoscaling !== undefined || args.lagAutoscaling !== undefined,
        );

        // Strimzi refuses a Kafka with Cruise Control and a single broker (it never becomes Ready), so a
        // one-broker cluster runs without it. Templates for the rebalances Strimzi runs itself when the
        // broker pool grows or shrinks exist only with Cruise Control.
        const cruiseControl = kafkaRunsCruiseControl(fewestBrokers(args, brokers));
        const rebalanceTemplates = (cruiseControl ? (["add-brokers", "remove-brokers"] as const) : []).map(
            (mode) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-rebalance-${mode}`,
                    {
                        apiVersion: "kafka.strimzi.io/v1",
                        kind: "KafkaRebalance",
                        metadata: { name: `${name}-${mode}`, namespace, labels, annotations: { "strimzi.io/rebalance-template": "true" } },
                        spec: { skipHardGoalCheck: false },
                    },
                    child,
                ),
        );

        const kafka = new k8s.apiextensions.CustomResource(
            `${name}-kafka`,
            {
                apiVersion: "kafka.strimzi.io/v1",
                kind: "Kafka",
                metadata: { name, namespace, labels },
                spec: {
                    kafka: {
                        version: args.version ?? d.version,
                        // Strimzi's own budget allows one disruption; it is written only when another is asked for.
                        ...(scheduling.maxUnavailable === 1
                            ? {}
                            : { template: { podDisruptionBudget: { maxUnavailable: scheduling.maxUnavailable } } }),
                        listeners: [
                            { name: "plain", port: KAFKA_PORTS.plain, type: "internal", tls: false, ...listenerPeers },
                            { name: "tls", port: KAFKA_PORTS.tls, type: "internal", tls: true, ...listenerPeers },
                        ],
                        config: {
                            "default.replication.factor": replicationFactor,
                            "min.insync.replicas": minInSync,
                            "offsets.topic.replication.factor": replicationFactor,
                            "transaction.state.log.replication.factor": replicationFactor,
                            "transaction.state.log.min.isr": minInSync,
                        },
                        metricsConfig: {
                            type: "jmxPrometheusExporter",
                            // By name, ordered by dependsOn (see configurationOptions): replacing it must not replace the Kafka.
                            valueFrom: { configMapKeyRef: { name: `${name}-kafka-metrics`, key: "kafka-metrics-config.yml" } },
                        },
                    },
                    entityOperator: { topicOperator: {}, userOperator: {} },
                    cruiseControl: cruiseControl
                        ? {
                              autoRebalance: rebalanceTemplates.map((t, i) => ({
                                  mode: i === 0 ? "add-brokers" : "remove-brokers",
                                  template: { name: t.metadata.name },
                              })),
                          }
                        : undefined,
                    kafkaExporter: (args.kafkaExporter ?? d.kafkaExporter) ? { topicRegex: ".*", groupRegex: ".*" } : undefined,
                },
            },
            dependingOn(child, [controllerPool, brokerPool, metrics]),
        );

        if (args.autoscaling !== undefined) {
            createAutoscaler(
                `${name}-broker-hpa`,
                { name: `${name}-broker`, namespace, labels },
                { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: brokerPool.metadata.name },
                args.autoscaling,
                dependingOn(child, [brokerPool]),
            );
        }
        const plainBootstrap = `${name}-kafka-bootstrap.${namespace}.svc:${KAFKA_PORTS.plain}`;
        if (args.lagAutoscaling !== undefined) {
            createConsumerLagScaler(
                `${name}-broker-lag-scaler`,
                { name: `${name}-broker`, namespace, labels },
                { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: brokerPool.metadata.name },
                plainBootstrap,
                args.lagAutoscaling,
                dependingOn(child, [brokerPool]),
            );
        }
        if (args.mirror !== undefined) {
            createKafkaMirror(name, namespace, args.version ?? d.version, plainBootstrap, args.mirror, dependingOn(child, [kafka]));
        }
        if (monitoring.podMonitor) {
            createPodMonitor(
                `${name}-podmonitor`,
                { name: `${name}-kafka-resources`, namespace, labels },
                cluster,
                [{ port: "tcp-prometheus", path: "/metrics" }],
                monitoring,
                { jobLabel: "strimzi.io/cluster" },
                child,
            );
        }

        const alerts = kafkaAlerts({ namespace, cluster: name, brokerPool: `${name}-broker`, controllerPool: `${name}-controller` });
        createAlertsAndDashboard(name, { name, namespace, labels }, "Kafka", alerts, monitoring, child);

        this.clusterName = kafka.metadata.name;
        this.brokerPoolName = brokerPool.metadata.name;
        this.controllerPoolName = controllerPool.metadata.name;
        const bootstrapHost = `${name}-kafka-bootstrap.${namespace}.svc.${clusterDomain}`;
        this.bootstrapServers = pulumi.output(`${bootstrapHost}:${KAFKA_PORTS.plain}`);
        this.tlsBootstrapServers = pulumi.output(`${bootstrapHost}:${KAFKA_PORTS.tls}`);
        this.replicationFactor = pulumi.output(replicationFactor);
        this.registerOutputs({
            replicas: this.replicas,
            controllers: this.controllers,
            clusterName: this.clusterName,
            brokerPoolName: this.brokerPoolName,
            controllerPoolName: this.controllerPoolName,
            bootstrapServers: this.bootstrapServers,
            tlsBootstrapServers: this.tlsBootstrapServers,
            replicationFactor: this.replicationFactor,
        });
    }
}
