/**
 * What resolveRedisArgs hands the Redis component: every argument with its default applied, the
 * argument groups included, so that the component and its builders apply no default of their own.
 */
import * as assert from "assert";
import { RabbitMQArgs, resolveRabbitMQArgs } from "../../components/rabbitmq";
import { REDIS_DEFAULTS, REDIS_FIXED, RedisArgs, resolveRedisArgs } from "../../components/redis";
import { ArgsError } from "../../components/lib/validation";

const storage = {
    endpoint: "http://minio.backup:9000",
    bucket: "redis-backups",
    accessKeyId: "AKIA-key-id",
    secretAccessKey: "secret-access-key",
};

describe("Redis arguments, resolved", () => {
    it("gives every flat argument its default when unset, and keeps every set one", () => {
        const unset = resolveRedisArgs("cache", { password: "pw" });
        assert.deepStrictEqual(
            [unset.namespace, unset.replicas, unset.sentinels, unset.masterName, unset.image, unset.exporterImage, unset.persistence],
            ["default", 3, 3, "mymaster", "redis:7.0.15", "oliver006/redis_exporter:v1.77.0", "aof"],
        );
        assert.deepStrictEqual(
            [
                unset.downAfterMilliseconds,
                unset.failoverTimeoutMilliseconds,
                unset.parallelSyncs,
                unset.minReplicasToWrite,
                unset.clusterDomain,
            ],
            [5000, 60000, 1, 1, "cluster.local"],
        );
        const set = resolveRedisArgs("cache", { password: "pw", namespace: "apps", replicas: 4, masterName: "m1", persistence: "rdb" });
        assert.deepStrictEqual([set.namespace, set.replicas, set.masterName, set.persistence], ["apps", 4, "m1", "rdb"]);
    });

    it("keeps the settings that are not arguments out of reach of an argument object", () => {
        const sneaky = { password: "pw", runAsUser: 0, handoverTimeoutSeconds: "1", minReplicasMaxLagSeconds: "10\nsave 1 1" };
        const r = resolveRedisArgs("cache", sneaky as unknown as RedisArgs);
        assert.deepStrictEqual(
            [r.runAsUser, r.handoverTimeoutSeconds, r.minReplicasMaxLagSeconds],
            [REDIS_FIXED.runAsUser, REDIS_FIXED.handoverTimeoutSeconds, REDIS_FIXED.minReplicasMaxLagSeconds],
        );
        const mq = resolveRabbitMQArgs("mq", { erlangCookie: "c", defaultPassword: "p", runAsUser: 0 } as unknown as RabbitMQArgs);
        assert.strictEqual(mq.runAsUser, 999);
    });

    it("takes a majority of the sentinels as quorum unless one is given", () => {
        assert.strictEqual(resolveRedisArgs("cache", { password: "pw", sentinels: 5 }).quorum, 3);
        assert.strictEqual(resolveRedisArgs("cache", { password: "pw", sentinels: 5, quorum: 4 }).quorum, 4);
    });

    it("merges resources, storage, monitoring, scheduling and networkPolicy over their defaults, one key at a time", () => {
        const r = resolveRedisArgs("cache", {
            password: "pw",
            namespace: "apps",
            resources: { cpuRequest: "1" },
            sentinelResources: { memoryRequest: "128Mi" },
            storage: { storageClassName: "fast" },
            monitoring: { serviceMonitor: true },
            scheduling: { requireAntiAffinity: true },
            networkPolicy: { enabled: true },
        });
        assert.deepStrictEqual(
            [r.resources.cpuRequest, r.resources.memoryRequest, r.resources.memoryLimit],
            ["1", REDIS_DEFAULTS.resources.memoryRequest, REDIS_DEFAULTS.resources.memoryRequest],
        );
        assert.deepStrictEqual(
            [r.sentinelResources.cpuRequest, r.sentinelResources.memoryRequest],
            [REDIS_DEFAULTS.sentinelResources.cpuRequest, "128Mi"],
        );
        assert.deepStrictEqual(r.storage, { size: "10Gi", storageClassName: "fast", whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual([r.monitoring.serviceMonitor, r.monitoring.interval, r.monitoring.scrapeAnnotations], [true, "30s", true]);
        assert.deepStrictEqual([r.scheduling.requireAntiAffinity, r.scheduling.maxUnavailable, r.scheduling.nodeSelector], [true, 1, {}]);
        assert.deepStrictEqual(r.networkPolicy, {
            enabled: true,
            clientNamespaces: ["apps"],
            clientPodLabels: undefined,
            monitoringNamespace: "monitoring",
        });
    });

    it("resolves backup and restoreFrom: prefix from the name, the component's image, no count limit, the newest snapshot", () => {
        const r = resolveRedisArgs("cache", {
            password: "pw",
            image: "acme/redis:7.0.15-1",
            backup: { storage },
            restoreFrom: { storage },
        });
        assert.deepStrictEqual(r.backup, {
            schedule: "0 2 * * *",
            retentionDays: 7,
            storage: { ...storage, prefix: "cache", region: "us-east-1", forcePathStyle: true },
            keepLast: 0,
            image: "acme/redis:7.0.15-1",
        });
        assert.deepStrictEqual(r.restoreFrom, {
            storage: { ...storage, prefix: "cache", region: "us-east-1", forcePathStyle: true },
            snapshot: "",
            image: "acme/redis:7.0.15-1",
        });
        assert.strictEqual(resolveRedisArgs("cache", { password: "pw" }).backup, undefined);
    });

    it("validates before resolving: bad input throws the ArgsError naming the argument, not a resolver's error", () => {
        const bad = { password: "pw", sentinels: 4, backup: { storage: { ...storage, bucket: "B" } } } as RedisArgs;
        assert.throws(
            () => resolveRedisArgs("cache", bad),
            (e: unknown) =>
                e instanceof ArgsError && /sentinels: got 4/.test(e.message) && /backup\.storage\.bucket: got "B"/.test(e.message),
        );
    });
});
