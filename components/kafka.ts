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
import { createKafkaMirror } from "./kafka/mirror";
import { createConsumerLagScaler } from "./kafka/lag-autoscaling";
import { PACKAGE_LABELS } from "./lib/labels";
import { namespacesPeer } from "./lib/network";
import { installOperator } from "./lib/operator/install";
import { createPodMonitor } from "./lib/operator/pod-monitor";
import { childOptions, configurationOptions, dependingOn } from "./lib/options";
import { KAFKA_DEFAULTS, KafkaArgs } from "./kafka/args";
import { resolveKafkaArgs } from "./kafka/resolve";
import { renderKafkaMetricsConfig } from "./kafka/metrics-config";
import { createKafkaNodePool } from "./kafka/pools";
import { KAFKA_PORTS, STRIMZI_CHART } from "./kafka/strimzi";

export * from "./kafka/args";
export * from "./kafka/metrics-config";
export * from "./kafka/pools";
export * from "./kafka/replication";
export * from "./kafka/resolve";
export * from "./kafka/strimzi";
export * from "./kafka/validate";

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
        const r = resolveKafkaArgs(name, args);
        super("stateful-k8s:index:Kafka", name, {}, opts);
        this.replicas = r.replicas;
        this.controllers = r.controllers;

        const { namespace, clusterDomain, monitoring, scheduling } = r;
        const cluster = { "strimzi.io/cluster": name };
        // Strimzi adds these peers to the NetworkPolicy it generates for the cluster (listener ports only).
        const np = r.networkPolicy;
        const listenerPeers = np.enabled ? { networkPolicyPeers: [namespacesPeer(np.clientNamespaces, np.clientPodLabels)] } : {};
        const labels = { ...PACKAGE_LABELS, ...cluster };
        if (args.requireAntiAffinity !== undefined) {
            pulumi.log.warn(`Kafka "${name}": requireAntiAffinity is deprecated; set scheduling.requireAntiAffinity instead`, this);
        }
        let child = childOptions(this, opts);
        if (r.installOperator) {
            // The operator reconciles the cluster's namespace (the chart's CRDs come with the release), and
            // gets the cluster domain as KUBERNETES_SERVICE_DNS_DOMAIN (chart 1.2.0) when not the chart's default.
            const domain = clusterDomain === KAFKA_DEFAULTS.clusterDomain ? {} : { kubernetesServiceDnsDomain: clusterDomain };
            const chart = {
                ...STRIMZI_CHART,
                version: r.operatorVersion,
                namespace: r.operatorNamespace,
                values: { watchNamespaces: [namespace], ...domain },
            };
            child = installOperator(`${name}-strimzi`, "strimzi-cluster-operator", chart, undefined, child);
        }

        const metrics = new k8s.core.v1.ConfigMap(
            `${name}-metrics`,
            {
                metadata: { name: `${name}-kafka-metrics`, namespace, labels },
                data: { "kafka-metrics-config.yml": renderKafkaMetricsConfig() },
            },
            configurationOptions(child),
        );

        const ref = { name, namespace, labels, scheduling };
        const controllerPool = createKafkaNodePool(
            ref,
            {
                role: "controller",
                replicas: r.controllers,
                storage: r.controllerStorage,
                resources: r.controllerResources,
                autoscaled: false,
            },
            child,
        );
        const autoscaled = r.autoscaling !== undefined || r.lagAutoscaling !== undefined;
        const brokerPool = createKafkaNodePool(
            ref,
            { role: "broker", replicas: r.replicas, storage: r.brokerStorage, resources: r.brokerResources, autoscaled },
            child,
        );

        // Strimzi refuses a Kafka with Cruise Control and a single broker (it never becomes Ready), so a
        // one-broker cluster runs without it. Templates for the rebalances Strimzi runs itself when the
        // broker pool grows or shrinks exist only with Cruise Control.
        const rebalanceTemplates = (r.cruiseControl ? (["add-brokers", "remove-brokers"] as const) : []).map(
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
                        version: r.version,
                        // Strimzi's own budget allows one disruption; it is written only when another is asked for.
                        ...(scheduling.maxUnavailable === 1
                            ? {}
                            : { template: { podDisruptionBudget: { maxUnavailable: scheduling.maxUnavailable } } }),
                        listeners: [
                            { name: "plain", port: KAFKA_PORTS.plain, type: "internal", tls: false, ...listenerPeers },
                            { name: "tls", port: KAFKA_PORTS.tls, type: "internal", tls: true, ...listenerPeers },
                        ],
                        config: {
                            "default.replication.factor": r.replicationFactor,
                            "min.insync.replicas": r.minInSync,
                            "offsets.topic.replication.factor": r.replicationFactor,
                            "transaction.state.log.replication.factor": r.replicationFactor,
                            "transaction.state.log.min.isr": r.minInSync,
                        },
                        metricsConfig: {
                            type: "jmxPrometheusExporter",
                            // By name, ordered by dependsOn (see configurationOptions): replacing it must not replace the Kafka.
                            valueFrom: { configMapKeyRef: { name: `${name}-kafka-metrics`, key: "kafka-metrics-config.yml" } },
                        },
                    },
                    entityOperator: { topicOperator: {}, userOperator: {} },
                    cruiseControl: r.cruiseControl
                        ? {
                              autoRebalance: rebalanceTemplates.map((t, i) => ({
                                  mode: i === 0 ? "add-brokers" : "remove-brokers",
                                  template: { name: t.metadata.name },
                              })),
                          }
                        : undefined,
                    kafkaExporter: r.kafkaExporter ? { topicRegex: ".*", groupRegex: ".*" } : undefined,
                },
            },
            dependingOn(child, [controllerPool, brokerPool, metrics]),
        );

        const brokers = { name: `${name}-broker`, namespace, labels };
        const brokerTarget = { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: brokerPool.metadata.name };
        if (r.autoscaling !== undefined) {
            createAutoscaler(`${name}-broker-hpa`, brokers, brokerTarget, r.autoscaling, dependingOn(child, [brokerPool]));
        }
        const plainBootstrap = `${name}-kafka-bootstrap.${namespace}.svc:${KAFKA_PORTS.plain}`;
        if (r.lagAutoscaling !== undefined) {
            const lagOpts = dependingOn(child, [brokerPool]);
            createConsumerLagScaler(`${name}-broker-lag-scaler`, brokers, brokerTarget, plainBootstrap, r.lagAutoscaling, lagOpts);
        }
        if (r.mirror !== undefined) {
            createKafkaMirror(name, namespace, r.version, plainBootstrap, r.mirror, dependingOn(child, [kafka]));
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
        this.replicationFactor = pulumi.output(r.replicationFactor);
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
