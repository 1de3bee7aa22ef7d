/**
 * Runs the corpus (corpus.ts) through the whole pack under the mock runtime: valid programs draw no
 * mandatory violation; each broken program is caught by its intended policy and by no other (the advisory
 * "not protected" finding aside, which every unprotected program draws).
 */
import * as assert from "assert";
import { ALL_POLICIES } from "../../policies/all";
import { PRODUCTION_POLICIES, programResources, runPack } from "../helpers/policy";
import { CORPUS, DOCS_VERBATIM } from "./corpus";

describe("policy corpus", () => {
    const valid = CORPUS.filter((c) => c.expect === undefined);
    const broken = CORPUS.filter((c) => c.expect !== undefined);

    it("has at least 25 valid and 40 broken programs, with unique ids", () => {
        assert.ok(valid.length >= 25, `${valid.length} valid`);
        assert.ok(broken.length >= 40, `${broken.length} broken`);
        assert.strictEqual(new Set(CORPUS.map((c) => c.id)).size, CORPUS.length);
    });

    it("covers every policy of the pack with a broken program", () => {
        assert.deepStrictEqual(
            ALL_POLICIES.map((p) => p.name).filter((name) => !broken.some((c) => c.expect?.policy === name)),
            [],
        );
    });

    for (const c of valid) {
        it(`valid: ${c.id} (${c.what}) draws no mandatory violation`, async () => {
            const violations = await runPack(await programResources(c.build), c.config);
            assert.deepStrictEqual(
                violations.filter((v) => v.level === "mandatory"),
                [],
            );
        });
    }

    for (const c of broken) {
        const expect = c.expect!;
        it(`broken: ${c.id} (${c.what}) is caught by ${expect.policy} only`, async () => {
            const violations = await runPack(await programResources(c.build), c.config);
            const found: Record<string, string[]> = {};
            for (const v of violations) {
                if (PRODUCTION_POLICIES.includes(v.policy) && expect.policy !== v.policy) continue;
                (found[v.policy] ??= []).push(v.message);
            }
            assert.deepStrictEqual(Object.keys(found), [expect.policy], JSON.stringify(found, null, 2));
            assert.ok(
                found[expect.policy].some((m) => expect.message.test(m)),
                found[expect.policy].join("\n"),
            );
        });
    }

    for (const d of DOCS_VERBATIM) {
        it(`refuses the documentation's ${d.id} as published only for its storage class and missing budget`, async () => {
            const mandatory = (await runPack(await programResources(d.build))).filter((v) => v.level === "mandatory");
            assert.ok(mandatory.length > 0);
            for (const v of mandatory) {
                assert.ok(
                    (v.policy === "stateful-data-on-pvcs" && /names no storageClassName/.test(v.message)) ||
                        (v.policy === "statefulset-disruption-budget" && /and no PodDisruptionBudget selecting its pods/.test(v.message)),
                    `${v.policy}: ${v.message}`,
                );
            }
        });
    }
});
