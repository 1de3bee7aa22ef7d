import * as assert from "assert";
import { Kafka, KafkaArgs, validateKafkaArgs } from "../../components/kafka";
import { valueOf } from "../../render/mock-runtime";
import { toManifest } from "../../render/stack-runner";
import { childrenOf, optionsRecorder, register } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const base: KafkaArgs = { namespace: "streaming" };
const spec = (run: Awaited<ReturnType<typeof register>>, name: string): any => run.named(name).inputs.spec;

describe("Kafka", () => {
    it("runs KRaft with a controller pool and a broker pool sized by replicas, on retained persistent claims", async () => {
        const run = await register(
            () => new Kafka("kafka", { ...base, replicas: 4, brokerStorage: { size: "200Gi", storageClassName: "fast" } }),
        );
        const broker = run.named("kafka-broker-pool").inputs as any;
        const controller = run.named("kafka-controller-pool").inputs as any;
        assert.deepStrictEqual(broker.metadata.labels["strimzi.io/cluster"], "kafka");
        assert.deepStrictEqual([broker.metadata.name, broker.spec.roles, broker.spec.replicas], ["kafka-broker", ["broker"], 4]);
        assert.deepStrictEqual(
            [controller.metadata.name, controller.spec.roles, controller.spec.replicas],
            ["kafka-controller", ["controller"], 3],
        );
        assert.deepStrictEqual(broker.spec.storage, {
            type: "jbod",
            volumes: [{ id: 0, type: "persistent-claim", size: "200Gi", class: "fast", deleteClaim: false, kraftMetadata: "shared" }],
        });
        assert.strictEqual(controller.spec.storage.volumes[0].size, "10Gi");
        assert.strictEqual(controller.spec.storage.volumes[0].deleteClaim, false);
        const kafka = spec(run, "kafka-kafka");
        assert.strictEqual(kafka.kafka.version, "4.3.0");
        assert.deepStrictEqual(kafka.kafka.listeners, [
            { name: "plain", port: 9092, type: "internal", tls: false },
            { name: "tls", port: 9093, type: "internal", tls: true },
        ]);
    });

    for (const [brokers, rf, isr] of [
        [1, 1, 1],
        [2, 2, 1],
        [3, 3, 2],
        [6, 3, 2],
    ]) {
        it(`derives replication factor ${rf} and min ISR ${isr} from ${brokers} brokers`, async () => {
            let kafka: Kafka | undefined;
            const run = await register(() => (kafka = new Kafka("kafka", { ...base, replicas: brokers })));
            assert.deepStrictEqual(spec(run, "kafka-kafka").kafka.config, {
                "default.replication.factor": rf,
                "min.insync.replicas": isr,
                "offsets.topic.replication.factor": rf,
                "transaction.state.log.replication.factor": rf,
                "transaction.state.log.min.isr": isr,
            });
            assert.strictEqual(await valueOf(kafka!.replicationFactor), rf);
        });
    }

    it("rebalances partitions automatically when brokers are added or removed", async () => {
        const run = await register(() => new Kafka("kafka", base));
        assert.deepStrictEqual(spec(run, "kafka-kafka").cruiseControl.autoRebalance, [
            { mode: "add-brokers", template: { name: "kafka-add-brokers" } },
            { mode: "remove-brokers", template: { name: "kafka-remove-brokers" } },
        ]);
        for (const mode of ["add-brokers", "remove-brokers"]) {
            const template = run.named(`kafka-rebalance-${mode}`).inputs as any;
            assert.strictEqual(template.kind, "KafkaRebalance");
            assert.strictEqual(template.metadata.name, `kafka-${mode}`);
            assert.deepStrictEqual(template.metadata.annotations, { "strimzi.io/rebalance-template": "true" });
            assert.strictEqual(template.metadata.labels["strimzi.io/cluster"], "kafka");
        }
    });

    it("runs no Cruise Control and no rebalance templates with one broker, which Strimzi 1.2.0 refuses, and runs them from two", async () => {
        const one = await register(() => new Kafka("kafka", { ...base, replicas: 1, controllers: 1 }));
        assert.strictEqual(spec(one, "kafka-kafka").cruiseControl, undefined);
        assert.deepStrictEqual(one.ofType("kubernetes:kafka.strimzi.io/v1:KafkaRebalance"), []);
        // The metrics reporter topic's replication factor (default.replication.factor) never exceeds the brokers either.
        assert.strictEqual(spec(one, "kafka-kafka").kafka.config["default.replication.factor"], 1);
        const two = await register(() => new Kafka("kafka", { ...base, replicas: 2 }));
        assert.deepStrictEqual(
            spec(two, "kafka-kafka").cruiseControl.autoRebalance.map((r: { mode: string }) => r.mode),
            ["add-brokers", "remove-brokers"],
        );
        assert.strictEqual(two.ofType("kubernetes:kafka.strimzi.io/v1:KafkaRebalance").length, 2);
        assert.strictEqual(spec(two, "kafka-kafka").kafka.config["default.replication.factor"], 2);
        // An autoscaled pool has at least two brokers (the autoscaler's floor), so it always rebalances.
        const scaled = await register(() => new Kafka("kafka", { ...base, replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4 } }));
        assert.notStrictEqual(spec(scaled, "kafka-kafka").cruiseControl, undefined);
    });

    it("exports JMX metrics from a ConfigMap the Kafka references, runs Kafka Exporter, and scrapes tcp-prometheus on request", async () => {
        const run = await register(
            () => new Kafka("kafka", { ...base, monitoring: { podMonitor: true, podMonitorLabels: { release: "prom" } } }),
        );
        assert.deepStrictEqual(spec(run, "kafka-kafka").kafka.metricsConfig, {
            type: "jmxPrometheusExporter",
            valueFrom: { configMapKeyRef: { name: "kafka-kafka-metrics", key: "kafka-metrics-config.yml" } },
        });
        assert.match((run.named("kafka-metrics").inputs as any).data["kafka-metrics-config.yml"], /^lowercaseOutputName: true$/m);
        assert.deepStrictEqual(spec(run, "kafka-kafka").kafkaExporter, { topicRegex: ".*", groupRegex: ".*" });
        const monitor = run.named("kafka-podmonitor").inputs as any;
        assert.deepStrictEqual(monitor.spec.selector, { matchLabels: { "strimzi.io/cluster": "kafka" } });
        assert.deepStrictEqual(monitor.spec.podMetricsEndpoints, [{ port: "tcp-prometheus", path: "/metrics", interval: "30s" }]);
        assert.strictEqual(monitor.metadata.labels.release, "prom");
    });

    it("restricts both listeners to the client namespaces through Strimzi's networkPolicyPeers, on request", async () => {
        const run = await register(
            () => new Kafka("kafka", { ...base, networkPolicy: { enabled: true, clientNamespaces: ["streaming", "apps"] } }),
        );
        const peers = [
            {
                namespaceSelector: {
                    matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["streaming", "apps"] }],
                },
            },
        ];
        assert.deepStrictEqual(spec(run, "kafka-kafka").kafka.listeners, [
            { name: "plain", port: 9092, type: "internal", tls: false, networkPolicyPeers: peers },
            { name: "tls", port: 9093, type: "internal", tls: true, networkPolicyPeers: peers },
        ]);
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("kafka-kafka")) as any), []);
        assert.deepStrictEqual(
            validateKafkaArgs("kafka", { ...base, networkPolicy: { enabled: true, monitoringNamespace: "monitoring" } }).map(
                (p) => p.allowed,
            ),
            ["nothing: Strimzi writes Kafka's NetworkPolicy and opens the metrics port (9404) to every pod"],
        );
    });

    it("hands the broker pool to a HorizontalPodAutoscaler through its scale subresource", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new Kafka("kafka", { ...base, autoscaling: { minReplicas: 3, maxReplicas: 9 } }, rec.opts));
        const hpa = run.named("kafka-broker-hpa").inputs as any;
        assert.deepStrictEqual(hpa.spec.scaleTargetRef, { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: "kafka-broker" });
        assert.deepStrictEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 9]);
        assert.deepStrictEqual(rec.of("kafka-broker-pool").ignoreChanges, ["spec.replicas"]);
        assert.strictEqual(rec.of("kafka-controller-pool").ignoreChanges, undefined);
    });

    it("installs the Strimzi operator from its chart on request, before every custom resource", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new Kafka("kafka", { ...base, installOperator: true }, rec.opts));
        const release = run.named("kafka-strimzi").inputs as any;
        assert.deepStrictEqual(
            [release.chart, release.version, release.repositoryOpts.repo, release.namespace],
            ["strimzi-kafka-operator", "1.2.0", "https://strimzi.io/charts/", "strimzi"],
        );
        assert.deepStrictEqual(release.values, { watchNamespaces: ["streaming"] });
        for (const cr of [
            "kafka-broker-pool",
            "kafka-controller-pool",
            "kafka-rebalance-add-brokers",
            "kafka-rebalance-remove-brokers",
            "kafka-kafka",
        ]) {
            assert.ok(rec.dependsOnNames(cr).includes("kafka-strimzi"), cr);
        }
        const without = await register(() => new Kafka("kafka", base));
        assert.deepStrictEqual(without.ofType("kubernetes:helm.sh/v3:Release"), []);
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new Kafka("kafka", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:Kafka"), [
            "kubernetes:core/v1:ConfigMap::kafka-metrics",
            "kubernetes:kafka.strimzi.io/v1:Kafka::kafka-kafka",
            "kubernetes:kafka.strimzi.io/v1:KafkaNodePool::kafka-broker-pool",
            "kubernetes:kafka.strimzi.io/v1:KafkaNodePool::kafka-controller-pool",
            "kubernetes:kafka.strimzi.io/v1:KafkaRebalance::kafka-rebalance-add-brokers",
            "kubernetes:kafka.strimzi.io/v1:KafkaRebalance::kafka-rebalance-remove-brokers",
        ]);
    });

    it("emits only custom resources the upstream Strimzi, prometheus-operator and HPA schemas accept", async () => {
        const run = await register(
            () => new Kafka("kafka", { ...base, monitoring: { podMonitor: true }, autoscaling: { minReplicas: 3, maxReplicas: 6 } }),
        );
        const objects = run.kubernetesObjects();
        assert.strictEqual(objects.length, 9); // with the PrometheusRule the PodMonitor brings
        for (const r of objects) assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], r.name);
    });

    it("refuses a change of controllers, an even controller count, a replication factor above the brokers and a too small autoscaler", () => {
        const problems = (a: Partial<KafkaArgs>) =>
            validateKafkaArgs("kafka", { ...base, ...a }).map((p) => `${p.path}: got ${JSON.stringify(p.value)}; ${p.allowed}`);
        assert.deepStrictEqual(problems({ controllers: 5, currentControllers: 3 }), [
            "controllers: got 5; 3 (the deployed count): Strimzi runs a static KRaft controller quorum, which cannot be scaled; scale brokers instead",
        ]);
        assert.deepStrictEqual(problems({ controllers: 3, currentControllers: 3 }), []);
        assert.match(problems({ controllers: 4 })[0], /^controllers: got 4; an odd whole number/);
        assert.deepStrictEqual(problems({ replicas: 2, replicationFactor: 3 }), [
            "replicationFactor: got 3; at most 2, the fewest brokers the cluster may run with",
        ]);
        assert.deepStrictEqual(problems({ replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 5 } }), [
            "autoscaling.minReplicas: got 1; at least 2 (the replication factor is 1: fewer brokers leave partitions under-replicated)",
        ]);
        assert.deepStrictEqual(problems({ replicas: 3, replicationFactor: 3, autoscaling: { minReplicas: 3, maxReplicas: 2 } }), [
            "autoscaling.maxReplicas: got 2; at least minReplicas (3)",
        ]);
        assert.deepStrictEqual(problems({ brokerStorage: { size: "lots" } }).length, 1);
    });
});
