/** Redis's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { BACKUP_SECRETS, defineSystem, RESTORE_SECRETS } from "./lib/system";
import { Redis, REDIS_DEFAULTS, validateRedisArgs } from "./redis";

/** Redis in a stack: `redis:` in the stack config, the password and bucket credentials as secret keys; reports nodes and sentinels. */
export const redisSystem = defineSystem({
    key: "redis",
    component: Redis,
    secrets: {
        password: { configKey: "redisPassword" },
        ...BACKUP_SECRETS,
        // Redis restores with `restoreFrom`; the source's credentials are the same secret keys as every `restore`'s.
        "restoreFrom.storage.accessKeyId": RESTORE_SECRETS["restore.storage.accessKeyId"],
        "restoreFrom.storage.secretAccessKey": RESTORE_SECRETS["restore.storage.secretAccessKey"],
    },
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
