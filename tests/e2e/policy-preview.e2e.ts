/**
 * `pulumi preview --policy-pack policies` in the project folder, as CI runs it (see
 * examples/github-actions/): every stack passes with its pack config; a broken program fails naming the
 * policy. No cluster is needed for a preview of new objects.
 */
import * as assert from "assert";
import { CORPUS_PROGRAM, NO_CLUSTER, Project, initStack, toolchainBin } from "./cli";
import { POLICY_PREVIEW } from "./commands";

describe("pulumi preview --policy-pack policies (the CLI in the project folder)", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;

    before(() => {
        toolchainBin();
        // No cluster: new objects are previewed without calling an API server.
        project = Project.copy(NO_CLUSTER);
    });

    for (const stack of ["dev", "staging", "prod"]) {
        it(`passes the ${stack} stack with no mandatory violation`, () => {
            initStack(project, stack);
            const preview = project.shell(POLICY_PREVIEW, { env: { STACK: stack } });
            assert.match(preview.stdout, /Policy Packs run:\n\s+Name\s+Version\n\s+stateful-k8s\|local\|policies\s+0\.1\.0/);
            assert.doesNotMatch(preview.stdout, /\[mandatory\]/);
            assert.match(preview.stdout, /Resources:\n\s+\+ \d{2} to create/);
            if (stack === "prod") assert.doesNotMatch(preview.stdout, /production-data-protected/);
            else assert.match(preview.stdout, /stateful-k8s@v0\.1\.0 \[advisory\] {2}production-data-protected/);
        });
    }

    it("fails CI's preview step for a program whose StatefulSet has no headless Service, naming the policy", () => {
        const broken = Project.copy(NO_CLUSTER);
        broken.useProgram(CORPUS_PROGRAM);
        broken.pulumi(["stack", "select", "broken", "--create"]);
        broken.pulumi(["config", "set", "corpusCase", "no-governing-service"]);
        const preview = broken.shell(POLICY_PREVIEW, { env: { STACK: "broken" }, allowFailure: true });
        assert.notStrictEqual(preview.status, 0);
        assert.match(preview.stdout, /\[mandatory\] {2}statefulset-headless-service/);
        assert.match(preview.stdout, /names Service "orders-db-headless", which is not in this stack's namespace shop/);
    });
});
