/** The pack's registry is its one list: every policy the modules export is in it, once, in the pack's order. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALL_POLICIES } from "../../policies/all";
import { configSchemaOf } from "../../policies/lib/define";
import { POLICY_REGISTRY, policyKind, policyTable } from "../../policies/registry";
import { dataOnPersistentVolumes, pvcRetention } from "../../policies/storage";
import { workloadHygiene } from "../../policies/hygiene";

const POLICIES_DIR = path.join(__dirname, "..", "..", "policies");

/** Every TypeScript module of the pack but `index.ts` (whose PolicyPack constructor starts a server), `lib/` included. */
function packModules(dir = POLICIES_DIR): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) return packModules(file);
        return entry.name.endsWith(".ts") && file !== path.join(POLICIES_DIR, "index.ts") ? [file] : [];
    });
}

/** The policies among a module's exports (objects with a name and a validate function), by export name. */
function policiesOf(exports: Record<string, unknown>): [string, { name: string; protectsAgainst?: unknown }][] {
    return Object.entries(exports).filter(
        (e): e is [string, { name: string }] =>
            typeof e[1] === "object" && e[1] !== null && ("validateResource" in e[1] || "validateStack" in e[1]),
    );
}

describe("the policy registry", () => {
    let modules: [string, Record<string, unknown>][] = [];
    before(async () => {
        modules = await Promise.all(packModules().map(async (m): Promise<[string, Record<string, unknown>]> => [m, await import(m)]));
    });

    it("registers every policy the pack's modules export, once", () => {
        // Read from the folder, so that a new module's policy cannot be forgotten here either.
        assert.ok(modules.some(([m]) => m.endsWith(path.join("policies", "quorum.ts"))));
        const exported = modules.flatMap(([, exports]) => policiesOf(exports).map(([, p]) => p.name));
        const registered = POLICY_REGISTRY.map((p) => p.name);
        assert.deepStrictEqual([...registered].sort(), [...exported].sort());
        assert.strictEqual(new Set(registered).size, registered.length);
    });

    it("builds every exported policy with statefulPolicy, so that it says what it protects against", () => {
        for (const [m, exports] of modules) {
            for (const [exportName, p] of policiesOf(exports)) {
                assert.ok(
                    typeof p.protectsAgainst === "string" && p.protectsAgainst.length > 0,
                    `${path.relative(POLICIES_DIR, m)}: ${exportName} (${p.name}) is not built with statefulPolicy`,
                );
            }
        }
    });

    it("orders the pack (policies/all.ts) and the docs' table", () => {
        assert.deepStrictEqual(
            ALL_POLICIES.map((p) => p.name),
            POLICY_REGISTRY.map((p) => p.name),
        );
        const rows = policyTable().split("\n").slice(2, -1);
        assert.strictEqual(rows.length, POLICY_REGISTRY.length);
        assert.match(rows[0], /^\| `statefulset-headless-service` \| stack \| mandatory \| a StatefulSet whose `serviceName` is missing/);
        assert.strictEqual(policyKind(workloadHygiene), "resource");
    });

    it("derives each config schema from the defaults: the types and defaults the CLI validates and fills in", () => {
        assert.deepStrictEqual(pvcRetention.configSchema, { properties: { allowDelete: { type: "boolean", default: false } } });
        assert.deepStrictEqual(dataOnPersistentVolumes.configSchema, {
            properties: {
                allowedStorageClasses: { type: "array", items: { type: "string" }, default: [] },
                allowStaticBinding: { type: "boolean", default: true },
                dataPaths: {
                    type: "array",
                    items: { type: "string" },
                    default: ["/data", "/var/lib/*", "/bitnami/*", "/home/*/data", "/opt/*/data"],
                },
            },
        });
        assert.strictEqual(configSchemaOf(undefined), undefined);
        assert.ok(!("configSchema" in workloadHygiene), "a policy without settings declares no schema");
    });

    it("is what policies/production.json configures: registered policies, and settings their schemas declare", () => {
        const production = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "production.json"), "utf8")) as Record<string, unknown>;
        for (const [name, entry] of Object.entries(production)) {
            const policy = POLICY_REGISTRY.find((p) => p.name === name);
            assert.ok(policy !== undefined, `production.json configures ${name}, which is not registered`);
            const settings = typeof entry === "object" && entry !== null ? Object.keys(entry).filter((k) => k !== "enforcementLevel") : [];
            for (const key of settings)
                assert.ok(key in (policy.configSchema?.properties ?? {}), `production.json: ${name}.${key} is not a setting`);
        }
    });
});
