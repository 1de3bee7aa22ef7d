/**
 * The component package's schema, inferred by the Pulumi SDK's own analyzer (the one the Node.js
 * plugin host runs for `pulumi package get-schema` and for other languages' SDKs), from the
 * package's entry point and the Args interfaces' TSDoc.
 */
import * as assert from "assert";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { STATEFUL_SYSTEMS } from "../components/systems";
import { generatedFiles, staleFiles } from "../scripts/generate";
import { packageSchema } from "../scripts/package-schema";

const COMPONENTS = STATEFUL_SYSTEMS.map((s) => s.component.name);

describe("component package schema", function () {
    this.timeout(120_000);
    let schema: PackageSpec;
    before(() => {
        schema = packageSchema();
    });

    it("is what the generated files (stack-config keys, reference pages, policy table) were written from: npm run generate leaves nothing stale", async () => {
        assert.deepStrictEqual(staleFiles(await generatedFiles(schema)), []);
    });

    it("lists all six components under their tokens", () => {
        assert.deepStrictEqual(Object.keys(schema.resources).sort(), COMPONENTS.map((c) => `stateful-k8s:index:${c}`).sort());
        for (const r of Object.values(schema.resources)) assert.strictEqual(r.isComponent, true);
    });

    it("documents every input of every component, and requires only the secrets", () => {
        const required: Record<string, string[]> = {};
        for (const [token, r] of Object.entries(schema.resources)) {
            for (const [name, prop] of Object.entries(r.inputProperties ?? {})) {
                assert.ok(typeof prop.description === "string" && prop.description.length > 10, `${token}.${name} has no description`);
            }
            required[token.split(":")[2]] = [...(r.requiredInputs ?? [])].sort();
        }
        // The required inputs are exactly the secrets each binding takes from its own config keys (a group's
        // secret, such as Nacos's mysql.password, is required only with its group).
        const secrets = Object.fromEntries(
            STATEFUL_SYSTEMS.map((s) => [
                s.component.name,
                Object.keys(s.secrets)
                    .filter((arg) => !arg.includes("."))
                    .sort(),
            ]),
        );
        assert.deepStrictEqual(required, secrets);
        assert.deepStrictEqual(required.Nacos, ["adminPassword", "authToken", "identityValue"]);
    });

    it("exposes replicas and autoscaling where the reference pages say", () => {
        const inputs = (c: string): string[] => Object.keys(schema.resources[`stateful-k8s:index:${c}`].inputProperties ?? {});
        for (const c of COMPONENTS) assert.ok(inputs(c).includes("replicas"), c);
        for (const c of COMPONENTS) assert.ok(inputs(c).includes("autoscaling"), c);
        assert.ok(inputs("Redis").includes("sentinels"));
        assert.ok(inputs("Kafka").includes("controllers") && inputs("Kafka").includes("installOperator"));
        assert.deepStrictEqual(Object.keys(schema.types["stateful-k8s:index:AutoscalingArgs"].properties ?? {}).sort(), [
            "maxReplicas",
            "minReplicas",
            "scaleDownStabilizationSeconds",
            "targetCPUUtilizationPercentage",
        ]);
    });

    it("declares the StatefulSet components' shared outputs alike: same names, types and descriptions in Eureka, Nacos and RabbitMQ", () => {
        // Each class declares them itself (the analyzer reads only a class's own members): this keeps the copies equal.
        const outputs = (c: string) => schema.resources[`stateful-k8s:index:${c}`].properties ?? {};
        const shared = ["statefulSetName", "headlessServiceName", "clientServiceName", "memberDnsNames", "statefulSet"];
        for (const o of shared) {
            assert.ok(outputs("Eureka")[o]?.description, `Eureka declares ${o}`);
            for (const c of ["Nacos", "RabbitMQ"]) assert.deepStrictEqual(outputs(c)[o], outputs("Eureka")[o], `${c}.${o}`);
        }
        assert.strictEqual(
            (outputs("Eureka").statefulSet as { $ref?: string }).$ref,
            "/kubernetes/v4.25.0/schema.json#/resources/kubernetes:apps%2Fv1:StatefulSet",
        );
        // Redis has two StatefulSets (nodes and sentinels) and no client Service: the nodes' outputs share the types only.
        for (const o of shared.filter((o) => o !== "clientServiceName")) {
            const { description: _, ...type } = outputs("Redis")[o];
            const { description: __, ...eurekaType } = outputs("Eureka")[o];
            assert.deepStrictEqual(type, eurekaType, `Redis.${o}`);
        }
        assert.strictEqual(outputs("Redis").clientServiceName, undefined);
        for (const c of ["Eureka", "Nacos", "RabbitMQ", "Redis"])
            assert.strictEqual((outputs(c).replicas as { type?: string }).type, "number", `${c}.replicas`);
    });

    it("offers the closed sets as enums: claim retention and Redis persistence", () => {
        const values = (name: string) => (schema.types[`stateful-k8s:index:${name}`].enum ?? []).map((e) => e.value);
        assert.deepStrictEqual(values("ClaimRetention"), ["Retain", "Delete"]);
        assert.deepStrictEqual(values("RedisPersistence"), ["aof", "rdb"]);
        const ref = (p: unknown) => (p as { $ref?: string } | undefined)?.$ref;
        const storage = schema.types["stateful-k8s:index:StorageArgs"].properties ?? {};
        assert.strictEqual(ref(storage.whenDeleted), "#/types/stateful-k8s:index:ClaimRetention");
        assert.strictEqual(ref(storage.whenScaled), "#/types/stateful-k8s:index:ClaimRetention");
        assert.strictEqual(
            ref(schema.resources["stateful-k8s:index:Redis"].inputProperties?.persistence),
            "#/types/stateful-k8s:index:RedisPersistence",
        );
    });
});
