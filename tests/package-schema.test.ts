/**
 * The component package's schema, inferred by the Pulumi SDK's own analyzer (the one the Node.js
 * plugin host runs for `pulumi package get-schema` and for other languages' SDKs), from the
 * package's entry point and the Args interfaces' TSDoc.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = ["Eureka", "Nacos", "RabbitMQ", "Redis", "Kafka", "TiDB"];

describe("component package schema", function () {
    this.timeout(120_000);
    let schema: any;
    before(() => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const result = new Analyzer(ROOT, "stateful-k8s", pkg, new Set(COMPONENTS)).analyze();
        schema = generateSchema(
            "stateful-k8s",
            pkg.version,
            pkg.description,
            result.components,
            result.typeDefinitions,
            result.dependencies,
            undefined as never,
        );
    });

    it("lists all six components under their tokens", () => {
        assert.deepStrictEqual(Object.keys(schema.resources).sort(), COMPONENTS.map((c) => `stateful-k8s:index:${c}`).sort());
        for (const r of Object.values<any>(schema.resources)) assert.strictEqual(r.isComponent, true);
    });

    it("documents every input of every component, and requires only the secrets", () => {
        const required: Record<string, string[]> = {};
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            for (const [name, prop] of Object.entries<any>(r.inputProperties)) {
                assert.ok(typeof prop.description === "string" && prop.description.length > 10, `${token}.${name} has no description`);
            }
            required[token.split(":")[2]] = [...(r.requiredInputs ?? [])].sort();
        }
        assert.deepStrictEqual(required, {
            Eureka: [],
            Nacos: ["adminPassword", "authToken", "identityValue"],
            RabbitMQ: ["defaultPassword", "erlangCookie"],
            Redis: ["password"],
            Kafka: [],
            TiDB: [],
        });
    });

    it("exposes replicas and autoscaling where the README says", () => {
        const inputs = (c: string): string[] => Object.keys(schema.resources[`stateful-k8s:index:${c}`].inputProperties);
        for (const c of COMPONENTS) assert.ok(inputs(c).includes("replicas"), c);
        for (const c of COMPONENTS) assert.ok(inputs(c).includes("autoscaling"), c);
        assert.ok(inputs("Redis").includes("sentinels"));
        assert.ok(inputs("Kafka").includes("controllers") && inputs("Kafka").includes("installOperator"));
        assert.deepStrictEqual(Object.keys(schema.types["stateful-k8s:index:AutoscalingArgs"].properties).sort(), [
            "maxReplicas",
            "minReplicas",
            "scaleDownStabilizationSeconds",
            "targetCPUUtilizationPercentage",
        ]);
    });

    it("offers the closed sets as enums: claim retention and Redis persistence", () => {
        const values = (name: string) => schema.types[`stateful-k8s:index:${name}`].enum.map((e: { value: string }) => e.value);
        assert.deepStrictEqual(values("ClaimRetention"), ["Retain", "Delete"]);
        assert.deepStrictEqual(values("RedisPersistence"), ["aof", "rdb"]);
        const storage = schema.types["stateful-k8s:index:StorageArgs"].properties;
        assert.strictEqual(storage.whenDeleted.$ref, "#/types/stateful-k8s:index:ClaimRetention");
        assert.strictEqual(storage.whenScaled.$ref, "#/types/stateful-k8s:index:ClaimRetention");
        assert.strictEqual(
            schema.resources["stateful-k8s:index:Redis"].inputProperties.persistence.$ref,
            "#/types/stateful-k8s:index:RedisPersistence",
        );
    });
});
