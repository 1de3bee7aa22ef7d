/**
 * The arguments every system shares (`StatefulSystemArgs` and its families in components/lib/types/):
 * the same names and meaning in all six components, the count each component reports, and the
 * arguments Kafka and TiDB gained to match the others (scheduling, clusterDomain, a SQL endpoint).
 */
import * as assert from "assert";
import { Eureka } from "../../components/eureka";
import { Kafka, KafkaArgs, resolveKafkaArgs, validateKafkaArgs } from "../../components/kafka";
import { Redis } from "../../components/redis";
import { TiDB } from "../../components/tidb";
import { valueOf } from "../../render/mock-runtime";
import { register } from "../helpers/component";

const base: KafkaArgs = { namespace: "streaming" };
const pod = (run: Awaited<ReturnType<typeof register>>, pool: string): any =>
    (run.named(`kafka-${pool}-pool`).inputs as any).spec.template.pod;
const kafkaSpec = (run: Awaited<ReturnType<typeof register>>): any => (run.named("kafka-kafka").inputs as any).spec.kafka;

/** Runs `build` and returns the run and the warnings it logged (the SDK prints them with console.warn without an engine). */
async function warningsOf(build: () => void): Promise<{ run: Awaited<ReturnType<typeof register>>; warnings: string[] }> {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (msg: string) => warnings.push(msg);
    try {
        return { run: await register(build), warnings };
    } finally {
        console.warn = warn;
    }
}

describe("shared arguments", () => {
    it("resolves a component's args once: validated, with every default applied", () => {
        const resolved = resolveKafkaArgs("kafka", { replicas: 5 });
        assert.deepStrictEqual(
            [resolved.replicas, resolved.controllers, resolved.namespace, resolved.clusterDomain],
            [5, 3, "default", "cluster.local"],
        );
        assert.throws(() => resolveKafkaArgs("kafka", { controllers: 2 }), /Kafka "kafka" arguments[\s\S]*controllers: got 2/);
    });

    it("reports the counts each component deploys, defaults included", async () => {
        let eureka: Eureka | undefined;
        let redis: Redis | undefined;
        let kafka: Kafka | undefined;
        let tidb: TiDB | undefined;
        await register(() => {
            eureka = new Eureka("eureka", {});
            redis = new Redis("redis", { password: "p", sentinels: 5 });
            kafka = new Kafka("kafka", { replicas: 4 });
            tidb = new TiDB("tidb", {});
        });
        assert.deepStrictEqual(
            [eureka!.replicas, redis!.replicas, redis!.sentinels, kafka!.replicas, kafka!.controllers, tidb!.replicas],
            [3, 3, 5, 4, 3, 2],
        );
    });

    describe("Kafka's scheduling, as the StatefulSet systems have it", () => {
        it("prefers spreading by default and requires it with scheduling.requireAntiAffinity", async () => {
            const preferred = await register(() => new Kafka("kafka", base));
            assert.ok(pod(preferred, "broker").affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
            assert.strictEqual(kafkaSpec(preferred).template, undefined, "Strimzi's own budget (one disruption) is left alone");
            const required = await register(() => new Kafka("kafka", { ...base, scheduling: { requireAntiAffinity: true } }));
            for (const pool of ["broker", "controller"]) {
                assert.deepStrictEqual(pod(required, pool).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution, [
                    {
                        labelSelector: { matchLabels: { "strimzi.io/cluster": "kafka", "strimzi.io/pool-name": `kafka-${pool}` } },
                        topologyKey: "kubernetes.io/hostname",
                    },
                ]);
            }
        });

        it("still accepts the flat requireAntiAffinity, warning that it is deprecated for scheduling.requireAntiAffinity", async () => {
            const flat = await warningsOf(() => new Kafka("kafka", { ...base, requireAntiAffinity: true }));
            assert.deepStrictEqual(flat.warnings, [
                'warning: [runtime] Kafka "kafka": requireAntiAffinity is deprecated; set scheduling.requireAntiAffinity instead',
            ]);
            assert.ok(pod(flat.run, "broker").affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
            const both = await warningsOf(
                () => new Kafka("kafka", { ...base, requireAntiAffinity: true, scheduling: { requireAntiAffinity: false } }),
            );
            assert.ok(pod(both.run, "broker").affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution, "scheduling wins");
        });

        it("places the pools with nodeSelector (a required node affinity: Strimzi's pod template has no nodeSelector) and tolerations", async () => {
            const tolerations = [{ key: "dedicated", operator: "Equal", value: "kafka", effect: "NoSchedule" }];
            const run = await register(
                () => new Kafka("kafka", { ...base, scheduling: { nodeSelector: { "node.kubernetes.io/pool": "kafka" }, tolerations } }),
            );
            for (const pool of ["broker", "controller"]) {
                assert.deepStrictEqual(pod(run, pool).affinity.nodeAffinity, {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: "node.kubernetes.io/pool", operator: "In", values: ["kafka"] }] }],
                    },
                });
                assert.deepStrictEqual(pod(run, pool).tolerations, tolerations);
            }
        });

        it("sets the cluster's disruption budget from scheduling.maxUnavailable, leaving a controller majority", async () => {
            const run = await register(() => new Kafka("kafka", { ...base, controllers: 5, scheduling: { maxUnavailable: 2 } }));
            assert.deepStrictEqual(kafkaSpec(run).template, { podDisruptionBudget: { maxUnavailable: 2 } });
            assert.deepStrictEqual(validateKafkaArgs("kafka", { scheduling: { maxUnavailable: 2 } }), [
                { path: "scheduling.maxUnavailable", value: 2, allowed: "at most 1 with 3 replicas (a majority must stay up)" },
            ]);
        });
    });

    describe("clusterDomain in the operator-run systems", () => {
        it("names Kafka's bootstrap addresses in the cluster domain, and tells an installed Strimzi operator a custom one", async () => {
            let kafka: Kafka | undefined;
            await register(() => (kafka = new Kafka("kafka", base)));
            assert.strictEqual(await valueOf(kafka!.bootstrapServers), "kafka-kafka-bootstrap.streaming.svc.cluster.local:9092");
            const run = await register(
                () => (kafka = new Kafka("kafka", { ...base, clusterDomain: "corp.example", installOperator: true })),
            );
            assert.strictEqual(await valueOf(kafka!.tlsBootstrapServers), "kafka-kafka-bootstrap.streaming.svc.corp.example:9093");
            assert.deepStrictEqual((run.named("kafka-strimzi").inputs as any).values, {
                watchNamespaces: ["streaming"],
                kubernetesServiceDnsDomain: "corp.example",
            });
            assert.deepStrictEqual(
                validateKafkaArgs("kafka", { clusterDomain: "Not_A_Domain" }).map((p) => p.path),
                ["clusterDomain"],
            );
        });

        it("outputs TiDB's SQL endpoint: the TiDB group's Service on 4000, in the cluster domain", async () => {
            let tidb: TiDB | undefined;
            await register(() => (tidb = new TiDB("tidb", { namespace: "sql" })));
            assert.strictEqual(await valueOf(tidb!.sqlEndpoint), "tidb-tidb-tidb.sql.svc.cluster.local:4000");
            await register(() => (tidb = new TiDB("orders", { namespace: "sql", clusterDomain: "corp.example" })));
            assert.strictEqual(await valueOf(tidb!.sqlEndpoint), "orders-tidb-tidb.sql.svc.corp.example:4000");
        });
    });
});
