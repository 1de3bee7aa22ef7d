/**
 * `npm run render -- <stack> <out-dir>`: writes every Kubernetes object the stack would create, one
 * YAML file per object, without a cluster or the Pulumi CLI. Secret values are redacted.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { manifestFileName, manifests, runStack } from "../render/stack-runner";

async function main(argv: string[]): Promise<void> {
    const [stack, outDir] = argv;
    if (stack === undefined || outDir === undefined) {
        throw new Error("usage: npm run render -- <stack> <out-dir>   (stack: dev, staging or prod)");
    }
    const { run } = await runStack(stack);
    const objects = manifests(run);
    fs.mkdirSync(outDir, { recursive: true });
    for (const old of fs.readdirSync(outDir).filter((f) => f.endsWith(".yaml"))) {
        fs.rmSync(path.join(outDir, old));
    }
    for (const m of objects) {
        fs.writeFileSync(path.join(outDir, manifestFileName(m)), yaml.dump(m, { noRefs: true, lineWidth: 160 }));
    }
    console.log(`rendered ${objects.length} objects of stack "${stack}" into ${outDir}`);
}

main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
        console.error(err.message);
        process.exit(1);
    },
);
