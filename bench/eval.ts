/**
 * One program evaluation under the mock runtime, in its own process so that its peak RSS is its own:
 *   eval.ts stack <dev|staging|prod> | copies <N> | replicas <R>
 * Prints one JSON line: { ms, maxRssMB, resources }.
 */
import { MockRun } from "../render/mock-runtime";
import { runStack } from "../render/stack-runner";
import { allSix, mockSecrets } from "./six";

async function main(): Promise<void> {
    const [kind, arg] = process.argv.slice(2);
    const start = process.hrtime.bigint();
    let resources: number;
    if (kind === "stack") {
        resources = (await runStack(arg)).run.registrations.length;
    } else {
        const run = await MockRun.start({});
        const n = Number(arg);
        if (kind === "copies") for (let i = 0; i < n; i++) allSix(`-${i}`, 3, mockSecrets);
        else if (kind === "replicas") allSix("", n, mockSecrets);
        else throw new Error(`unknown case ${kind}`);
        resources = (await run.settle()).registrations.length;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, resources }));
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
