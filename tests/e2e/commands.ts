/**
 * The `pulumi` commands of the CI example (examples/github-actions/stateful-k8s.yml), read from the
 * workflow itself, so that the end-to-end suite runs exactly what a platform team copies.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { REPO } from "./cli";

/** The CI example workflow. */
export const WORKFLOW = path.join(REPO, "examples", "github-actions", "stateful-k8s.yml");

interface Workflow {
    jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
}

/** The `run:` script of the workflow step called `name`. */
export function workflowStep(name: string): string {
    const doc = yaml.load(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
    const step = doc.jobs.pulumi.steps.find((s) => s.name === name);
    if (step?.run === undefined) throw new Error(`${WORKFLOW} has no step "${name}" with a run script`);
    return step.run;
}

/** What CI runs on a pull request, for the stack in $STACK. */
export const POLICY_PREVIEW = workflowStep("Preview with the policy pack");

/** What CI runs on a merge, for the stack in $STACK. */
export const DEPLOY = workflowStep("Deploy");
