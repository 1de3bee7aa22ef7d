/** Redis's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { defineSystem } from "./lib/system";
import { Redis, REDIS_DEFAULTS, validateRedisArgs } from "./redis";

/** Redis in a stack: `redis:` in the stack config, the password as a secret key; reports nodes and sentinels. */
export const redisSystem = defineSystem({
    key: "redis",
    component: Redis,
    secrets: { password: { configKey: "redisPassword" } },
    defaults: REDIS_DEFAULTS,
    deployed: { currentReplicas: "redis", currentSentinels: "redisSentinels" },
    validate: validateRedisArgs,
    counts: (c) => ({ redis: c.replicas, redisSentinels: c.sentinels }),
    outputs: (c) => ({
        sentinelEndpoint: c.sentinelEndpoint,
        masterName: c.masterName,
        memberDnsNames: c.memberDnsNames,
        statefulSet: c.statefulSetName,
        secretName: c.secretName,
    }),
});
