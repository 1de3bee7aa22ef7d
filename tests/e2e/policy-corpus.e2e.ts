/**
 * A sample of the policy corpus (tests/policies/corpus.ts) through the real CLI: `pulumi preview
 * --policy-pack policies` with each case's pack config, in a project copy whose program registers that
 * case. Valid programs draw no mandatory violation; each broken one is caught by its intended policy and
 * no other (a mandatory one fails the preview). The whole corpus runs without the CLI in `npm test`; this shows the CLI and the
 * pack folder agree with that harness.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PRODUCTION_POLICIES } from "../helpers/policy";
import { CORPUS, CorpusCase } from "../policies/corpus";
import { CORPUS_PROGRAM, NO_CLUSTER, Project, toolchainBin } from "./cli";

/** The sample: the first three valid programs and the first broken programs of five different policies. */
function sample(): CorpusCase[] {
    const valid = CORPUS.filter((c) => c.expect === undefined).slice(0, 3);
    const broken: CorpusCase[] = [];
    for (const c of CORPUS) {
        if (c.expect !== undefined && broken.length < 5 && !broken.some((b) => b.expect?.policy === c.expect?.policy)) broken.push(c);
    }
    return [...valid, ...broken];
}

describe("a sample of the policy corpus through the CLI and the pack folder", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;

    before(() => {
        toolchainBin();
        project = Project.copy(NO_CLUSTER);
        project.useProgram(CORPUS_PROGRAM);
    });

    for (const c of sample()) {
        it(`${c.expect === undefined ? "passes" : `is caught by ${c.expect.policy} only:`} ${c.id}`, () => {
            const stack = `corpus-${c.id}`.replace(/[^A-Za-z0-9_.-]/g, "-");
            project.pulumi(["stack", "select", stack, "--create"]);
            project.pulumi(["config", "set", "corpusCase", c.id]);
            const args = ["preview", "--stack", stack, "--policy-pack", "policies"];
            if (c.config !== undefined) {
                const file = path.join(project.dir, `${stack}.policy.json`);
                fs.writeFileSync(file, JSON.stringify(c.config));
                args.push("--policy-pack-config", file);
            }
            const preview = project.pulumi(args, { allowFailure: true });
            // Violations print as "[level]  policy-name" (inline with --diff, under "Policies:" without).
            const found = [...preview.stdout.matchAll(/\[(mandatory|advisory)\] {2}([a-z-]+)/g)].map((m) => ({
                level: m[1],
                policy: m[2],
            }));
            const mandatory = found.some((v) => v.level === "mandatory");
            // A failing mandatory policy fails the preview; advisory ones only print.
            assert.strictEqual(preview.status === 0, !mandatory, preview.stdout + preview.stderr);
            if (c.expect === undefined) {
                assert.ok(!mandatory, preview.stdout);
            } else {
                // Every unprotected program draws the advisory "not protected" finding; the corpus harness ignores it too.
                const policies = new Set(
                    found.filter((v) => !PRODUCTION_POLICIES.includes(v.policy) || c.expect?.policy === v.policy).map((v) => v.policy),
                );
                assert.deepStrictEqual([...policies], [c.expect.policy], preview.stdout);
                assert.match(preview.stdout.replace(/\s+/g, " "), c.expect.message);
            }
        });
    }
});
