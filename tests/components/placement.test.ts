import * as assert from "assert";
import { Redis, RedisArgs, validateRedisArgs } from "../../components/redis";
import { Eureka } from "../../components/eureka";
import { podSpecOf, register } from "../helpers/component";
import { parseStackConfig } from "../../stacks/config";

const base: RedisArgs = { namespace: "cache", password: "redis-pw-123" };
const placement = {
    nodeSelector: { "stateful-k8s.io/node": "real" },
    tolerations: [{ key: "stateful-k8s.io/real-node", operator: "Exists", effect: "NoSchedule" }],
};

describe("scheduling.nodeSelector and scheduling.tolerations", () => {
    it("are absent from the pods when not set (rendered pods unchanged)", async () => {
        const run = await register(() => new Redis("redis", { ...base, replicas: 2, currentReplicas: 3 }));
        for (const spec of [
            podSpecOf(run.named("redis-sts")),
            podSpecOf(run.named("redis-sentinel-sts")),
            (run.ofType("kubernetes:batch/v1:Job")[0].inputs as any).spec.template.spec,
        ]) {
            assert.strictEqual(spec.nodeSelector, undefined);
            assert.strictEqual(spec.tolerations, undefined);
        }
    });

    it("place Redis's nodes, sentinels and reset Job together", async () => {
        const run = await register(() => new Redis("redis", { ...base, replicas: 2, currentReplicas: 3, scheduling: placement }));
        for (const spec of [
            podSpecOf(run.named("redis-sts")),
            podSpecOf(run.named("redis-sentinel-sts")),
            (run.ofType("kubernetes:batch/v1:Job")[0].inputs as any).spec.template.spec,
        ]) {
            assert.deepStrictEqual(spec.nodeSelector, placement.nodeSelector);
            assert.deepStrictEqual(spec.tolerations, placement.tolerations);
        }
        // The sentinels keep their own disruption budget.
        const pdb = run.ofType("kubernetes:policy/v1:PodDisruptionBudget").map((r) => r.inputs as any);
        assert.ok(pdb.every((p) => p.spec.maxUnavailable === 1));
    });

    it("reach the pods of every StatefulSet component (Eureka)", async () => {
        const run = await register(() => new Eureka("eureka", { scheduling: placement }));
        assert.deepStrictEqual(podSpecOf(run.named("eureka-sts")).tolerations, placement.tolerations);
    });

    it("are validated with the argument path", () => {
        const problems = validateRedisArgs("redis", {
            ...base,
            scheduling: {
                nodeSelector: { a: 1 } as any,
                tolerations: [
                    { key: "k", operator: "Exists", value: "v", effect: "Never", tolerationSeconds: -1, colour: "red" } as any,
                    "x" as any,
                ],
            },
        });
        assert.deepStrictEqual(problems.map((p) => p.path).sort(), [
            "scheduling.nodeSelector",
            "scheduling.tolerations[0].colour",
            "scheduling.tolerations[0].effect",
            "scheduling.tolerations[0].tolerationSeconds",
            "scheduling.tolerations[0].value",
            "scheduling.tolerations[1]",
        ]);
        assert.deepStrictEqual(
            validateRedisArgs("redis", { ...base, scheduling: { tolerations: "all" as any } }).map((p) => p.path),
            ["scheduling.tolerations"],
        );
    });

    it("are accepted by the stack config", () => {
        const settings = parseStackConfig({
            "stateful-k8s:redis": JSON.stringify({ enabled: true, scheduling: placement }),
            "stateful-k8s:redisPassword": "pw-123456",
        });
        assert.deepStrictEqual(settings.systems.redis?.scheduling, placement);
        assert.throws(
            () =>
                parseStackConfig({
                    "stateful-k8s:redis": JSON.stringify({ enabled: true, scheduling: { tolerations: [{ effect: "Sometimes" }] } }),
                    "stateful-k8s:redisPassword": "pw-123456",
                }),
            /redis\.scheduling\.tolerations\[0\]\.effect/,
        );
    });
});
