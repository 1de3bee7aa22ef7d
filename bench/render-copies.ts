/**
 * `render-copies.ts <N> <out-dir>`: the manifests of the benchmark's large stack (`bench/copies.ts`)
 * with N copies, one YAML file per object as `npm run render` writes them, for the kubectl baseline.
 * Secret values are redacted (the baseline applies them as they are).
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { MockRun } from "../render/mock-runtime";
import { PLACEHOLDER_SECRETS, manifestFileName, manifests } from "../render/stack-runner";
import { deployCopies } from "./copies";

async function main(argv: string[]): Promise<void> {
    const [n, outDir] = argv;
    if (n === undefined || outDir === undefined) throw new Error("usage: render-copies.ts <N> <out-dir>");
    const secrets = PLACEHOLDER_SECRETS;
    const run = await MockRun.start({
        stack: `copies${n}`,
        config: { "stateful-k8s:copies": n, ...secrets },
        secretKeys: Object.keys(secrets),
    });
    await deployCopies();
    await run.settle();
    const objects = manifests(run);
    fs.mkdirSync(outDir, { recursive: true });
    for (const m of objects) {
        fs.writeFileSync(path.join(outDir, manifestFileName(m)), yaml.dump(m, { noRefs: true, lineWidth: 160 }));
    }
    console.log(JSON.stringify({ objects: objects.length, registrations: run.registrations.length }));
}

main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
        console.error(err.message);
        process.exit(1);
    },
);
