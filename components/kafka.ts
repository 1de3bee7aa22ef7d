/**
 * Layer 5: Kafka on Strimzi (`kafka.strimzi.io/v1`, KRaft only). A `Kafka` with a fixed controller
 * node pool and a broker node pool sized by stack config; from two brokers on, Cruise Control
 * rebalances partitions automatically when brokers are added or removed, so a scale is one config edit.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kafkaAlerts } from "./alerts/kafka";
import { createAutoscaler } from "./lib/autoscaling";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { createKafkaMirror } from "./lib/kafka-mirror";
import { createConsumerLagScaler } from "./lib/keda";
import { PACKAGE_LABELS } from "./lib/labels";
import { namespacesPeer, resolveNetworkPolicy } from "./lib/network";
import { resolveOperatorMonitoring } from "./lib/operator/args";
import { installOperatorChart } from "./lib/operator/install";
import { createPodMonitor } from "./lib/operator/pod-monitor";
import { autoscaledOptions, childOptions, configurationOptions, dependingOn } from "./lib/options";
import { podAntiAffinity, podPlacement } from "./lib/pod";
import { resolveScheduling } from "./lib/scheduling";
import { resolveResources } from "./lib/resources";
import { ResourcesArgs } from "./lib/types";
import {
    fewestBrokers,
    KAFKA_DEFAULTS,
    KAFKA_PORTS,
    KafkaArgs,
    KafkaStorageArgs,
    kafkaReplication,
    kafkaRunsCruiseControl,
    STRIMZI_CHART,
    resolveKafkaArgs,
} from "./kafka/args";
import { renderKafkaMetricsConfig } from "./kafka/metrics-config";

export * from "./kafka/args";
export * from "./kafka/metrics-config";

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
        const pool = (p: {
            role: "broker" | "controller";
            replicas: number;
            storage: KafkaStorageArgs | undefined;
            defaultSize: string;
            resources: ResourcesArgs;
            autoscaled: boolean;
        }) => {
            const poolName = `${name}-${p.role}`;
            const r = p.resources;
            return new k8s.apiextensions.CustomResource(
                `${name}-${p.role}-pool`,
                {
                    apiVersion: "kafka.strimzi.io/v1",
                    kind: "KafkaNodePool",
                    metadata: { name: poolName, namespace, labels },
                    spec: {
                        replicas: p.replicas,
                        roles: [p.role],
                        storage: {
                            type: "jbod",
                            volumes: [
                                {
                                    id: 0,
                                    type: "persistent-claim",
                                    size: p.storage?.size ?? p.defaultSize,
                                    class: p.storage?.storageClassName,
                                    // The claims outlive the pool and the cluster: data is never deleted with them.
                                    deleteClaim: false,
                                    kraftMetadata: "shared",
                                },
                            ],
                        },
                        resources: {
                            requests: {
                                cpu: r.cpuRequest,
                                memory: r.memoryRequest,
                                ...(r.ephemeralStorageRequest === undefined ? {} : { "ephemeral-storage": r.ephemeralStorageRequest }),
                            },
                            limits: {
                                ...(r.cpuLimit === undefined ? {} : { cpu: r.cpuLimit }),
                                memory: r.memoryLimit,
                                ...(r.ephemeralStorageLimit === undefined ? {} : { "ephemeral-storage": r.ephemeralStorageLimit }),
                            },
                        },
                        // The pool label is the operator's: it spreads each pool's pods over nodes.
                        template: {
                            pod: {
                                affinity: {
                                    ...podAntiAffinity({ ...cluster, "strimzi.io/pool-name": poolName }, scheduling.requireAntiAffinity),
                                    ...nodeAffinity,
                                },
                                ...(tolerations === undefined ? {} : { tolerations }),
                            },
                        },
                    },
                },
                autoscaledOptions(child, p.autoscaled),
            );
        };
        const controllerPool = pool({
            role: "controller",
            replicas: args.controllers ?? d.controllers,
            storage: args.controllerStorage,
            defaultSize: d.controllerStorageSize,
            resources: resolveResources(args.controllerResources, d.controllerResources),
            autoscaled: false,
        });
        const brokerPool = pool({
            role: "broker",
            replicas: brokers,
            storage: args.brokerStorage,
            defaultSize: d.brokerStorageSize,
            resources: resolveResources(args.brokerResources, d.brokerResources),
            autoscaled: args.autoscaling !== undefined || args.lagAutoscaling !== undefined,
        });

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
                {
                    metadata: { name: `${name}-kafka-resources`, namespace, labels },
                    selector: cluster,
                    endpoints: [{ port: "tcp-prometheus", path: "/metrics" }],
                    monitoring,
                    jobLabel: "strimzi.io/cluster",
                },
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
