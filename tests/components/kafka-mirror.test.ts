import * as assert from "assert";
import { Kafka, KafkaArgs, validateKafkaArgs } from "../../components/kafka";
import { toManifest } from "../../render/stack-runner";
import { optionsRecorder, register } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const base: KafkaArgs = { namespace: "stream" };
const mirror = { targetBootstrapServers: "kafka-dr-kafka-bootstrap.dr.svc:9092", topicsPattern: "orders\\..*|payments" };

describe("Kafka mirror to a second cluster", () => {
    it("creates a KafkaMirrorMaker2 from this cluster's bootstrap to the target, syncing group offsets", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new Kafka("kafka", { ...base, mirror }, rec.opts));
        const mm2 = run.named("kafka-mirror").inputs as any;
        assert.deepStrictEqual(
            [
                mm2.apiVersion,
                mm2.kind,
                mm2.metadata.name,
                mm2.metadata.labels["stateful-k8s.io/backup-of"],
                mm2.spec.version,
                mm2.spec.replicas,
            ],
            ["kafka.strimzi.io/v1", "KafkaMirrorMaker2", "kafka-mirror", "kafka", "4.3.0", 1],
        );
        assert.deepStrictEqual(
            [mm2.spec.target.alias, mm2.spec.target.bootstrapServers, mm2.spec.target.groupId],
            ["target", "kafka-dr-kafka-bootstrap.dr.svc:9092", "kafka-mirror"],
        );
        const m = mm2.spec.mirrors[0];
        assert.deepStrictEqual(
            [m.source, m.topicsPattern, m.groupsPattern],
            [{ alias: "kafka", bootstrapServers: "kafka-kafka-bootstrap.stream.svc:9092" }, "orders\\..*|payments", ".*"],
        );
        assert.deepStrictEqual(
            [
                m.checkpointConnector.config["sync.group.offsets.enabled"],
                m.checkpointConnector.config["emit.checkpoints.interval.seconds"],
                m.sourceConnector.config["offset-syncs.topic.location"],
            ],
            ["true", 60, "target"],
        );
        assert.ok(rec.dependsOnNames("kafka-mirror").includes("kafka-kafka"), "the mirror follows the Kafka it reads");
    });

    it("leaves group offsets unsynced on request", async () => {
        const run = await register(() => new Kafka("kafka", { ...base, mirror: { ...mirror, syncGroupOffsets: false } }));
        const config = (run.named("kafka-mirror").inputs as any).spec.mirrors[0].checkpointConnector.config;
        assert.deepStrictEqual([config["sync.group.offsets.enabled"], config["emit.checkpoints.interval.seconds"]], ["false", undefined]);
    });

    it("is valid against Strimzi's KafkaMirrorMaker2 CRD (kafka.strimzi.io/v1)", async () => {
        const run = await register(() => new Kafka("kafka", { ...base, mirror }));
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("kafka-mirror")) as any), []);
    });

    it("names bad mirror arguments before registering anything", async () => {
        const bad = {
            ...base,
            mirror: { targetBootstrapServers: "dr cluster", sourceAlias: "target", topicsPattern: "(", replicas: 0 },
        } as unknown as KafkaArgs;
        assert.deepStrictEqual(
            validateKafkaArgs("kafka", bad).map((p) => p.path),
            ["mirror.targetBootstrapServers", "mirror.sourceAlias", "mirror.topicsPattern", "mirror.replicas"],
        );
        const run = await register(() =>
            assert.throws(() => new Kafka("kafka", bad), /mirror\.targetBootstrapServers: got "dr cluster"; allowed: host:port pairs/),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});
