/**
 * One program evaluation under the mock runtime, in its own process so that its peak RSS is its own:
 *   eval.ts stack <dev|staging|prod> | copies <N> | replicas <R>
 * Prints one JSON line: { ms, maxRssMB, resources }.
 */
import * as pulumi from "@pulumi/pulumi";
import { Eureka } from "../components/eureka";
import { Kafka } from "../components/kafka";
import { Nacos } from "../components/nacos";
import { RabbitMQ } from "../components/rabbitmq";
import { Redis } from "../components/redis";
import { TiDB } from "../components/tidb";
import { MockRun } from "../scripts/mock-runtime";
import { runStack } from "../scripts/stack-runner";

const odd = (n: number): number => (n % 2 === 0 ? n + 1 : n);

/** All six systems once, named with `suffix`, each sized `replicas` (rounded to what its rules allow). */
function allSix(suffix: string, replicas: number): void {
    const secret = pulumi.secret("bench-secret-value-0123456789abcdef");
    const token = pulumi.secret(Buffer.from("bench-token-bench-token-bench-token!!").toString("base64"));
    new Eureka(`eureka${suffix}`, { replicas });
    new Nacos(`nacos${suffix}`, { replicas: odd(replicas), authToken: token, identityValue: secret });
    new RabbitMQ(`rabbitmq${suffix}`, { replicas: odd(replicas), erlangCookie: secret, defaultPassword: secret });
    new Redis(`redis${suffix}`, { replicas: Math.max(2, replicas), password: secret });
    new Kafka(`kafka${suffix}`, { replicas });
    new TiDB(`tidb${suffix}`, { replicas });
}

async function main(): Promise<void> {
    const [kind, arg] = process.argv.slice(2);
    const start = process.hrtime.bigint();
    let resources: number;
    if (kind === "stack") {
        resources = (await runStack(arg)).run.registrations.length;
    } else {
        const run = await MockRun.start({});
        const n = Number(arg);
        if (kind === "copies") for (let i = 0; i < n; i++) allSix(`-${i}`, 3);
        else if (kind === "replicas") allSix("", n);
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
