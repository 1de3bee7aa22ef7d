import * as assert from "assert";
import { Eureka } from "../../components/eureka";
import { Kafka } from "../../components/kafka";
import { Nacos } from "../../components/nacos";
import { RabbitMQ } from "../../components/rabbitmq";
import { Redis } from "../../components/redis";
import { TiDB, validateTiDBArgs } from "../../components/tidb";
import { defaultEphemeralStorageRequest } from "../../components/lib/resources";
import { MockRun } from "../../render/mock-runtime";
import { register } from "../helpers/component";

const nacosSecrets = { authToken: Buffer.alloc(32, 7).toString("base64"), identityValue: "id", adminPassword: "admin-pw" };
const rabbitSecrets = { erlangCookie: "cookie", defaultPassword: "pw" };

/** Every pod template the run registered (StatefulSets and Jobs), by resource name. */
function podTemplates(run: MockRun): Map<string, Record<string, any>> {
    const pods = new Map<string, Record<string, any>>();
    for (const r of [...run.ofType("kubernetes:apps/v1:StatefulSet"), ...run.ofType("kubernetes:batch/v1:Job")]) {
        pods.set(r.name, (r.inputs as any).spec.template.spec);
    }
    return pods;
}

/** `<resource>/<container>` -> its ephemeral-storage request, for every container and init container. */
function localStorageRequests(run: MockRun): Record<string, string | undefined> {
    const found: Record<string, string | undefined> = {};
    for (const [name, pod] of podTemplates(run)) {
        for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
            found[`${name}/${c.name}`] = c.resources?.requests?.["ephemeral-storage"];
        }
    }
    return found;
}

describe("Local (ephemeral) storage", () => {
    it("is requested by every container of every StatefulSet and Job the components render, with exact defaults", async () => {
        const run = await register(() => {
            new Eureka("eureka", {});
            new Nacos("nacos", nacosSecrets);
            new RabbitMQ("rabbitmq", rabbitSecrets);
            new Redis("redis", { password: "pw", replicas: 2, currentReplicas: 3 });
            new TiDB("tidb", {});
        });
        assert.deepStrictEqual(localStorageRequests(run), {
            // 64Mi of log, plus the emptyDirs: /tmp 256Mi
            "eureka-sts/eureka": "320Mi",
            // 64Mi, plus logs 2Gi, conf 16Mi and /tmp 256Mi
            "nacos-sts/conf": "64Mi",
            "nacos-sts/nacos": "2384Mi",
            "nacos-admin-init/admin-init": "64Mi",
            // 64Mi, plus home 64Mi and /tmp 64Mi
            "rabbitmq-sts/setup": "64Mi",
            "rabbitmq-sts/rabbitmq": "192Mi",
            // /run/redis is memory-backed: it counts as memory, not local storage
            "redis-sts/redis": "64Mi",
            "redis-sts/exporter": "64Mi",
            "redis-sentinel-sts/sentinel": "64Mi",
            "redis-sentinel-reset/sentinel-reset": "64Mi",
            "tidb-pd-max-replicas/pd-max-replicas": "64Mi",
        });
    });

    it("caps every emptyDir of every pod with a sizeLimit", async () => {
        const run = await register(() => {
            new Eureka("eureka", {});
            new Nacos("nacos", nacosSecrets);
            new RabbitMQ("rabbitmq", rabbitSecrets);
            new Redis("redis", { password: "pw" });
        });
        const emptyDirs = [...podTemplates(run)].flatMap(([name, pod]) =>
            (pod.volumes ?? []).filter((v: any) => v.emptyDir !== undefined).map((v: any) => [`${name}/${v.name}`, v.emptyDir.sizeLimit]),
        );
        assert.deepStrictEqual(Object.fromEntries(emptyDirs), {
            "eureka-sts/tmp": "256Mi",
            "nacos-sts/logs": "2Gi",
            "nacos-sts/conf": "16Mi",
            "nacos-sts/tmp": "256Mi",
            "rabbitmq-sts/rabbitmq-home": "64Mi",
            "rabbitmq-sts/tmp": "64Mi",
            "redis-sts/run": "16Mi",
            "redis-sentinel-sts/run": "16Mi",
        });
    });

    it("is requested by the backup CronJob's containers too, whose shared emptyDir is capped", async () => {
        const storage = { endpoint: "http://minio.backup:9000", bucket: "dr-backups", accessKeyId: "id", secretAccessKey: "key" };
        const run = await register(() => new RabbitMQ("rabbitmq", { ...rabbitSecrets, backup: { storage } }));
        const pod = (run.ofType("kubernetes:batch/v1:CronJob")[0].inputs as any).spec.jobTemplate.spec.template.spec;
        assert.deepStrictEqual(pod.volumes, [{ name: "backup", emptyDir: { sizeLimit: "256Mi" } }]);
        assert.deepStrictEqual(
            [...pod.initContainers, ...pod.containers].map((c: any) => [c.name, c.resources.requests["ephemeral-storage"]]),
            [
                ["export", "64Mi"],
                ["upload", "64Mi"],
            ],
        );
    });

    it("takes the main container's request and limit from resources.ephemeralStorageRequest/Limit", async () => {
        const run = await register(
            () =>
                new RabbitMQ("rabbitmq", { ...rabbitSecrets, resources: { ephemeralStorageRequest: "1Gi", ephemeralStorageLimit: "4Gi" } }),
        );
        const server = podTemplates(run)
            .get("rabbitmq-sts")!
            .containers.find((c: any) => c.name === "rabbitmq");
        assert.deepStrictEqual(server.resources, {
            requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi" },
            limits: { memory: "1Gi", "ephemeral-storage": "4Gi" },
        });
    });

    it("passes Kafka's ephemeral storage through to the node pools, and sets none by default", async () => {
        const run = await register(
            () => new Kafka("kafka", { brokerResources: { ephemeralStorageRequest: "2Gi", ephemeralStorageLimit: "8Gi" } }),
        );
        const pool = (role: string) => (run.named(`kafka-${role}-pool`).inputs as any).spec.resources;
        assert.deepStrictEqual(pool("broker"), {
            requests: { cpu: "500m", memory: "2Gi", "ephemeral-storage": "2Gi" },
            limits: { memory: "2Gi", "ephemeral-storage": "8Gi" },
        });
        assert.deepStrictEqual(pool("controller"), { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } });
    });

    it("is refused for TiDB's groups, whose resources take cpu and memory only", () => {
        const problems = validateTiDBArgs("tidb", { tikvResources: { ephemeralStorageRequest: "1Gi" } });
        assert.deepStrictEqual(problems, [
            {
                path: "tikvResources.ephemeralStorageRequest",
                value: "1Gi",
                allowed: "nothing: tidb-operator v2's group resources take cpu and memory only",
            },
        ]);
    });

    it("adds the sizeLimit of capped disk emptyDirs only to the default", () => {
        assert.strictEqual(
            defaultEphemeralStorageRequest([
                { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                { name: "scratch", emptyDir: {} },
                { name: "m", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
            ]),
            "1088Mi",
        );
    });
});
