/**
 * The registry is the one list of systems: every component the package exports is registered, and every
 * registered system is configured, deployed and reported by the stack program.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../components";
import { STATEFUL_SYSTEMS, standInSecret, systemBinding } from "../components/systems";
import { runStack } from "../render/stack-runner";
import { SECRET_KEYS, SYSTEMS, SYSTEM_KEYS } from "../stacks/config";

/** The component classes among a module's exports. */
function componentClasses(exports: Record<string, unknown>): string[] {
    return Object.entries(exports)
        .filter(([, value]) => typeof value === "function" && value.prototype instanceof pulumi.ComponentResource)
        .map(([name]) => name);
}

describe("the registry of systems", () => {
    it("registers every component the package exports, once, under a distinct config key", () => {
        const registered = STATEFUL_SYSTEMS.map((s) => s.component.name);
        assert.deepStrictEqual([...componentClasses(components)].sort(), [...registered].sort());
        assert.strictEqual(new Set(STATEFUL_SYSTEMS.map((s) => s.key)).size, STATEFUL_SYSTEMS.length);
    });

    it("gives the stack config its systems, secret keys and allowed keys", () => {
        assert.deepStrictEqual(SYSTEMS, ["eureka", "nacos", "rabbitmq", "redis", "kafka", "tidb"]);
        assert.deepStrictEqual(SECRET_KEYS.redis, {
            password: "redisPassword",
            "backup.storage.accessKeyId": "backupAccessKeyId",
            "backup.storage.secretAccessKey": "backupSecretAccessKey",
            "restoreFrom.storage.accessKeyId": "restoreAccessKeyId",
            "restoreFrom.storage.secretAccessKey": "restoreSecretAccessKey",
        });
        assert.deepStrictEqual(Object.keys(SYSTEM_KEYS).sort(), [...SYSTEMS].sort());
        // Secrets and deployed counts are never keys of a system's object.
        assert.ok(!SYSTEM_KEYS.redis.plain.includes("password") && !SYSTEM_KEYS.redis.plain.includes("currentSentinels"));
        assert.deepStrictEqual(SYSTEM_KEYS.nacos.groups.mysql, ["host", "port", "database", "user", "params"]);
    });

    it("names each system's stand-in secrets: the Nacos token is the base64 of 32 bytes, others any marked string", () => {
        assert.ok(Buffer.from(standInSecret("nacosAuthToken", "x"), "base64").length >= 32);
        assert.strictEqual(standInSecret("redisPassword", "e2e"), "e2e-redisPassword");
        assert.throws(() => systemBinding("mongodb"), /no system "mongodb"; systems: eureka, nacos/);
    });

    it("deploys and reports every registered system in the prod stack: outputs and replica counts", async () => {
        const { outputs } = await runStack("prod");
        const replicas = outputs.replicas as Record<string, number>;
        for (const system of STATEFUL_SYSTEMS) {
            const out = outputs[system.key] as Record<string, unknown> | undefined;
            assert.ok(out !== undefined && Object.keys(out).length > 0, `${system.key}: no stack outputs (enable it in Pulumi.prod.yaml)`);
            assert.ok(typeof replicas[system.key] === "number", `${system.key}: no replica count in the replicas output`);
        }
        assert.deepStrictEqual(Object.keys(replicas), [
            "eureka",
            "nacos",
            "rabbitmq",
            "redis",
            "redisSentinels",
            "kafka",
            "kafkaControllers",
            "tidb",
        ]);
    });
});
