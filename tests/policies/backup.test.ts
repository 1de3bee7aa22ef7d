/** The backup-schedule policy, called directly: what counts as a backup of each kind of data store, and the fix it names. */
import * as assert from "assert";
import { backupSchedule } from "../../policies/backup";
import { TYPES } from "../../policies/lib/k8s";
import { resource, runPolicy } from "../helpers/policy";

const claims = [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } }];
const sts = (name: string, annotations: Record<string, string> = {}) =>
    resource(TYPES.statefulSet, name, { metadata: { name, namespace: "ns", annotations }, spec: { volumeClaimTemplates: claims } });
const cron = (name: string, of: string | undefined, namespace = "ns") =>
    resource(TYPES.cronJob, name, {
        metadata: { name, namespace, labels: of === undefined ? {} : { "stateful-k8s.io/backup-of": of } },
        spec: { schedule: "0 2 * * *" },
    });
const kafka = resource(TYPES.kafka, "kafka", { metadata: { name: "kafka", namespace: "ns" }, spec: {} });
const tikv = resource(TYPES.tikvGroup, "tidb-tikv", {
    metadata: { name: "tidb-tikv", namespace: "ns" },
    spec: { cluster: { name: "tidb" } },
});
const mirror = (bootstrapServers: string) =>
    resource(TYPES.kafkaMirrorMaker2, "kafka-mirror", {
        metadata: { name: "kafka-mirror", namespace: "ns" },
        spec: { mirrors: [{ source: { alias: "source", bootstrapServers } }] },
    });

describe("backup-schedule policy", () => {
    it("passes a StatefulSet with a labelled CronJob in its namespace, and one backed up outside the stack", async () => {
        assert.deepStrictEqual(await runPolicy(backupSchedule, [sts("rabbitmq"), cron("rabbitmq-backup", "rabbitmq")]), []);
        assert.deepStrictEqual(await runPolicy(backupSchedule, [sts("nacos", { "stateful-k8s.io/backup": "external" })]), []);
    });

    it("names a StatefulSet whose only CronJob backs up something else or lives in another namespace, with the fix", async () => {
        const found = await runPolicy(backupSchedule, [sts("rabbitmq"), cron("other", "nacos"), cron("elsewhere", "rabbitmq", "other-ns")]);
        assert.deepStrictEqual(found, [
            "StatefulSet ns/rabbitmq keeps data and nothing in the stack backs it up on a schedule: set the component's backup (stack config rabbitmq.backup; see docs/backup.md), or add a CronJob labelled stateful-k8s.io/backup-of: rabbitmq that backs it up; if it is backed up outside the stack, annotate it stateful-k8s.io/backup: external.",
        ]);
    });

    it("ignores StatefulSets that keep no data", async () => {
        const registry = resource(TYPES.statefulSet, "eureka", {
            metadata: { name: "eureka", namespace: "ns", annotations: { "stateful-k8s.io/data": "none" } },
            spec: {},
        });
        assert.deepStrictEqual(await runPolicy(backupSchedule, [registry]), []);
    });

    it("counts a KafkaMirrorMaker2 reading a Kafka's bootstrap Service as its disaster recovery, and names a Kafka without one", async () => {
        assert.deepStrictEqual(await runPolicy(backupSchedule, [kafka, mirror("kafka-kafka-bootstrap.ns.svc:9092")]), []);
        assert.deepStrictEqual(await runPolicy(backupSchedule, [kafka, mirror("other-kafka-bootstrap:9092")]), [
            "Kafka ns/kafka keeps data and nothing in the stack backs it up on a schedule: set the component's mirror to a second cluster (stack config kafka.mirror; see docs/backup.md), or add a CronJob labelled stateful-k8s.io/backup-of: kafka that backs it up.",
        ]);
    });

    it("counts a labelled CronJob or a BackupSchedule for a TiDB cluster, and names one without either", async () => {
        assert.deepStrictEqual(await runPolicy(backupSchedule, [tikv, cron("tidb-backup", "tidb")]), []);
        const schedule = resource(TYPES.backupSchedule, "bs", {
            metadata: { name: "bs", namespace: "ns" },
            spec: { schedule: "0 2 * * *", backupTemplate: { br: { cluster: "tidb" } } },
        });
        assert.deepStrictEqual(await runPolicy(backupSchedule, [tikv, schedule]), []);
        assert.deepStrictEqual(await runPolicy(backupSchedule, [tikv]), [
            "TiKVGroup ns/tidb-tikv keeps data and nothing in the stack backs it up on a schedule: set the component's backup (stack config tidb.backup; see docs/backup.md), or add a CronJob labelled stateful-k8s.io/backup-of: tidb that backs it up, or add a BackupSchedule for cluster tidb.",
        ]);
    });

    it("skips the stores its exempt config lists", async () => {
        assert.deepStrictEqual(await runPolicy(backupSchedule, [sts("redis")], { "backup-schedule": { exempt: ["ns/redis"] } }), []);
    });
});
