/**
 * Runs a stack of this project with the locally built Pulumi CLI and Kubernetes provider (see
 * scripts/toolchain.sh), against the cluster of $KUBECONFIG (by default the local control plane of
 * scripts/cluster.sh), with a file backend and placeholder secrets unless set in the environment.
 *
 *   npm run local -- up|preview|destroy [stack]      (stack defaults to dev)
 *
 * The CLI built here has no Node.js language host (the Go module proxy does not serve it), so the
 * program runs inline through the Automation API; `pulumi up` in this folder needs a CLI that has one.
 */
import * as fs from "fs";
import * as path from "path";
import { deployStack } from "../stacks/program";
import { inlineStack, pulumiEnv } from "./pulumi-local";
import { PLACEHOLDER_SECRETS } from "./stack-runner";

async function main(): Promise<void> {
    const [command = "up", name = "dev"] = process.argv.slice(2);
    if (!["up", "preview", "destroy"].includes(command)) throw new Error(`unknown command "${command}": use up, preview or destroy`);
    const kubeconfig = process.env.KUBECONFIG ?? path.join(process.env.HOME ?? "", ".cache", "stateful-k8s", "cluster", "kubeconfig");
    if (!fs.existsSync(kubeconfig)) throw new Error(`no kubeconfig at ${kubeconfig}: run npm run cluster:up, or set KUBECONFIG`);
    const state = path.join(process.env.HOME ?? "", ".cache", "stateful-k8s", "local-state");
    const env = await pulumiEnv({ state, kubeconfig });
    // Secrets: STATEFUL_K8S_SECRET_<KEY> from the environment, else the render placeholders.
    const secrets = Object.fromEntries(
        Object.entries(PLACEHOLDER_SECRETS).map(([k, v]) => {
            const key = k.split(":")[1];
            return [key, process.env[`STATEFUL_K8S_SECRET_${key}`] ?? v];
        }),
    );
    const stack = await inlineStack(env, name, () => deployStack(), secrets);
    const onOutput = (out: string): boolean => process.stdout.write(out);
    if (command === "up") await stack.up({ onOutput });
    else if (command === "preview") await stack.preview({ onOutput });
    else await stack.destroy({ onOutput });
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
