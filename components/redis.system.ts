/** Redis's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { defineSystem } from "./lib/system";
import { REDIS_DEFAULTS, Redis, validateRedisArgs } from "./redis";

/** Redis in a stack: `redis:` in the stack config, the password as a secret key; reports nodes and sentinels. */
export const redisSystem = defineSystem({
    key: "redis",
    component: Redis,
    secrets: { password: { configKey: "redisPassword" } },
    deployed: { currentReplicas: "redis", currentSentinels: "redisSentinels" },
    validate: validateRedisArgs,
    counts: (args) => ({ redis: args.replicas ?? REDIS_DEFAULTS.replicas, redisSentinels: args.sentinels ?? REDIS_DEFAULTS.sentinels }),
    outputs: (c) => ({
        sentinelEndpoint: c.sentinelEndpoint,
        masterName: c.masterName,
        memberDnsNames: c.memberDnsNames,
        statefulSet: c.statefulSetName,
        secretName: c.secretName,
    }),
});
