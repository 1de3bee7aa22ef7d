import * as assert from "assert";
import { Kafka, KafkaArgs, validateKafkaArgs } from "../../components/kafka";
import { ConsumerLagAutoscalingArgs } from "../../components/kafka/lag-autoscaling";
import { ArgsError } from "../../components/lib/validation";
import { toManifest } from "../../render/stack-runner";
import { parseStackConfig } from "../../stacks/config";
import { optionsRecorder, register } from "../helpers/component";
import { programResources, runPolicy } from "../helpers/policy";
import { schemaErrors } from "../helpers/schemas";
import { autoscalerOwnsReplicas } from "../../policies/autoscaling";

const base: KafkaArgs = { namespace: "streaming" };
const lag: ConsumerLagAutoscalingArgs = {
    minReplicas: 3,
    maxReplicas: 6,
    consumerGroup: "orders-app",
    topic: "orders",
    lagThreshold: 5000,
};
const problems = (a: Partial<KafkaArgs>): string[] =>
    validateKafkaArgs("kafka", { ...base, ...a }).map((p) => `${p.path}: got ${JSON.stringify(p.value)}; ${p.allowed}`);

describe("Kafka broker pool scaled on consumer lag (KEDA)", () => {
    it("creates a KEDA ScaledObject on the pool's /scale subresource with the kafka trigger, and no CPU HPA", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new Kafka("kafka", { ...base, lagAutoscaling: lag }, rec.opts));
        const scaler = run.named("kafka-broker-lag-scaler").inputs as any;
        assert.deepStrictEqual(
            [scaler.apiVersion, scaler.kind, scaler.metadata.name],
            ["keda.sh/v1alpha1", "ScaledObject", "kafka-broker"],
        );
        assert.deepStrictEqual(scaler.spec.scaleTargetRef, {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaNodePool",
            name: "kafka-broker",
        });
        assert.deepStrictEqual([scaler.spec.minReplicaCount, scaler.spec.maxReplicaCount, scaler.spec.pollingInterval], [3, 6, 30]);
        assert.deepStrictEqual(scaler.spec.triggers, [
            {
                type: "kafka",
                metadata: {
                    bootstrapServers: "kafka-kafka-bootstrap.streaming.svc:9092",
                    consumerGroup: "orders-app",
                    topic: "orders",
                    lagThreshold: "5000",
                },
            },
        ]);
        // The same moves as the CPU autoscaler: one broker a minute up, one per five minutes down after 15 minutes.
        const behavior = scaler.spec.advanced.horizontalPodAutoscalerConfig.behavior;
        assert.strictEqual(behavior.scaleDown.stabilizationWindowSeconds, 900);
        assert.deepStrictEqual(behavior.scaleUp.policies, [{ type: "Pods", value: 1, periodSeconds: 60 }]);
        assert.deepStrictEqual(behavior.scaleDown.policies, [{ type: "Pods", value: 1, periodSeconds: 300 }]);
        assert.deepStrictEqual(rec.of("kafka-broker-pool").ignoreChanges, ["spec.replicas"]);
        assert.strictEqual(
            run.registrations.some((r) => r.type.includes("HorizontalPodAutoscaler")),
            false,
        );
        // Replication and Cruise Control follow the scaler's minimum, as with the CPU autoscaler.
        assert.strictEqual((run.named("kafka-kafka").inputs as any).spec.kafka.config["default.replication.factor"], 3);
    });

    it("emits a ScaledObject the upstream KEDA CRD accepts (and the schema check refuses a numeric trigger value)", async () => {
        const run = await register(() => new Kafka("kafka", { ...base, lagAutoscaling: { ...lag, topic: undefined } }));
        const manifest = toManifest(run.named("kafka-broker-lag-scaler")) as any;
        assert.deepStrictEqual(await schemaErrors(manifest), []);
        assert.strictEqual("topic" in manifest.spec.triggers[0].metadata, false);
        const numeric = { ...manifest, spec: { ...manifest.spec, triggers: [{ type: "kafka", metadata: { lagThreshold: 5000 } }] } };
        assert.notDeepStrictEqual(await schemaErrors(numeric), []);
    });

    it("passes the policy pack's autoscaler-owns-replicas: the pool's replicas are left to KEDA", async () => {
        const program = (opts: object) => new Kafka("kafka", { ...base, replicas: 3, lagAutoscaling: lag }, opts);
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, await programResources(program)), []);
    });

    it("refuses lag scaling together with the CPU autoscaler, naming both arguments", () => {
        const found = problems({ autoscaling: { minReplicas: 3, maxReplicas: 6 }, lagAutoscaling: lag });
        assert.strictEqual(found.length, 1);
        assert.match(found[0], /^lagAutoscaling: got \{.*\}; nothing while autoscaling is set: one autoscaler per object/);
        assert.match(found[0], /choose autoscaling \(CPU\) or lagAutoscaling \(consumer lag\)$/);
    });

    it("refuses a bad consumer group, topic, threshold, range, and a network policy that shuts KEDA out", () => {
        assert.deepStrictEqual(
            problems({ lagAutoscaling: { ...lag, consumerGroup: "", topic: "a topic", lagThreshold: 0, pollingIntervalSeconds: 0 } }),
            [
                'lagAutoscaling.consumerGroup: got ""; the consumer group whose lag drives the broker count: a non-empty string on one line',
                "lagAutoscaling.topic: got \"a topic\"; a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'",
                "lagAutoscaling.lagThreshold: got 0; a whole number >= 1",
                "lagAutoscaling.pollingIntervalSeconds: got 0; a whole number from 1 to 3600",
            ],
        );
        assert.deepStrictEqual(problems({ replicas: 3, replicationFactor: 3, lagAutoscaling: { ...lag, minReplicas: 2 } }), [
            "replicationFactor: got 3; at most 2, the fewest brokers the cluster may run with",
            "lagAutoscaling.minReplicas: got 2; at least 3 (the replication factor is 3: fewer brokers leave partitions under-replicated)",
        ]);
        assert.deepStrictEqual(problems({ networkPolicy: { enabled: true }, lagAutoscaling: lag }), [
            'networkPolicy.clientNamespaces: got ["streaming"]; a list that includes "keda" (lagAutoscaling.kedaNamespace): KEDA\'s operator reads the consumer group\'s offsets through the plain listener',
        ]);
        assert.deepStrictEqual(
            problems({
                networkPolicy: { enabled: true, clientNamespaces: ["streaming", "autoscalers"] },
                lagAutoscaling: { ...lag, kedaNamespace: "autoscalers" },
            }),
            [],
        );
    });

    it("is accepted in stack config as kafka.lagAutoscaling, whose unknown keys are refused", () => {
        const withLag = (value: object): Record<string, string> => ({
            "stateful-k8s:environment": "dev",
            "stateful-k8s:kafka": JSON.stringify({ enabled: true, replicas: 3, lagAutoscaling: value }),
        });
        const settings = parseStackConfig(withLag(lag));
        assert.deepStrictEqual(settings.systems.kafka?.lagAutoscaling, lag);
        assert.throws(
            () => parseStackConfig(withLag({ ...lag, targetLag: 10 })),
            (err: unknown) =>
                err instanceof ArgsError &&
                /stateful-k8s:kafka\.lagAutoscaling\.targetLag: got 10; allowed: one of the keys minReplicas/.test(err.message),
        );
    });
});
