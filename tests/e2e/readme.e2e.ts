/**
 * The README's quick start, run as written: each shell block marked `<!-- e2e: <name> -->` in README.md
 * runs, line for line, in a fresh copy of the project, the way a newcomer pastes it into a terminal. The
 * only addition is PULUMI_SKIP_CONFIRMATIONS=true, the CLI's own stand-in for answering "yes" at the
 * prompts `pulumi up` and `pulumi destroy` show in a terminal.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Project, REPO, toolchainBin } from "./cli";

/** The shell block that follows `<!-- e2e: name -->` in README.md. */
export function readmeBlock(name: string): string {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const match = new RegExp(`<!-- e2e: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme);
    if (match === null) throw new Error(`README.md has no shell block marked <!-- e2e: ${name} -->`);
    return match[1];
}

describe("the README's quick start, as written", function () {
    this.timeout(30 * 60 * 1000);
    const ANSWER_YES = { PULUMI_SKIP_CONFIRMATIONS: "true" };

    before(() => toolchainBin());

    it("deploys, scales and destroys the dev stack on the local control plane with the usual Pulumi commands", () => {
        const project = Project.copy();
        const script = readmeBlock("quick-start");
        for (const command of [
            "pulumi stack select dev --create",
            "pulumi up",
            "pulumi config set --path eureka.replicas 5",
            "pulumi destroy",
        ]) {
            assert.ok(script.includes(command), `the quick start says ${command}`);
        }
        // Run with xtrace so that a failure shows which line of the README broke.
        const run = project.shell(`set -x\n${script}`, { env: ANSWER_YES });
        assert.match(run.stdout, /Resources:\n\s+\+ \d+ created/);
        assert.match(run.stdout, /~ 1 updated/);
        assert.match(run.stdout, /- \d+ deleted/);
    });

    it("npm run quickstart does all of it in one command and prints the stack's outputs", () => {
        const project = Project.copy();
        const run = project.shell(readmeBlock("one-command"), { env: ANSWER_YES });
        assert.match(run.stdout, /Resources:\n\s+\+ \d+ created/);
        assert.match(run.stdout, /Current stack outputs \(\d+\):/);
        assert.match(run.stdout, /eureka\s+\{.*"clientEndpoint":"http:\/\/eureka\.stateful-dev\.svc\.cluster\.local:8761\/eureka\/"/);
        project.shell(readmeBlock("one-command-undo"), { env: ANSWER_YES });
    });
});
