/** The pack's registry is its one list: every policy the modules export is in it, once, in the pack's order. */
import * as assert from "assert";
import * as availability from "../../policies/availability";
import * as backup from "../../policies/backup";
import * as discovery from "../../policies/discovery";
import * as hygiene from "../../policies/hygiene";
import * as peers from "../../policies/peers";
import * as storage from "../../policies/storage";
import { ALL_POLICIES } from "../../policies/all";
import { POLICY_REGISTRY, policyKind, policyTable } from "../../policies/registry";

/** The policies among a module's exports (objects with a name and a validate function). */
function policiesOf(exports: Record<string, unknown>): string[] {
    return Object.values(exports)
        .filter((v): v is { name: string } => typeof v === "object" && v !== null && ("validateResource" in v || "validateStack" in v))
        .map((p) => p.name);
}

describe("the policy registry", () => {
    it("registers every policy the pack's modules export, once", () => {
        const exported = [availability, backup, discovery, hygiene, peers, storage].flatMap((m) => policiesOf(m));
        const registered = POLICY_REGISTRY.map((e) => e.policy.name);
        assert.deepStrictEqual([...registered].sort(), [...exported].sort());
        assert.strictEqual(new Set(registered).size, registered.length);
    });

    it("orders the pack (policies/all.ts) and the docs' table", () => {
        assert.deepStrictEqual(
            ALL_POLICIES.map((p) => p.name),
            POLICY_REGISTRY.map((e) => e.policy.name),
        );
        const rows = policyTable().split("\n").slice(2, -1);
        assert.strictEqual(rows.length, POLICY_REGISTRY.length);
        assert.match(rows[0], /^\| `statefulset-headless-service` \| stack \| mandatory \| a StatefulSet whose `serviceName` is missing/);
        assert.strictEqual(policyKind(hygiene.workloadHygiene), "resource");
    });
});
