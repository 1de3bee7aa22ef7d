/** Nacos's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { BACKUP_SECRETS, defineSystem } from "./lib/system";
import { Nacos, NACOS_DEFAULTS, validateNacosArgs } from "./nacos";

/** Nacos in a stack: `nacos:` in the stack config, its token, identity and passwords as secret keys. */
export const nacosSystem = defineSystem({
    key: "nacos",
    component: Nacos,
    secrets: {
        // Nacos refuses a token that is not the base64 of at least 32 bytes.
        authToken: {
            configKey: "nacosAuthToken",
            standIn: (prefix) => Buffer.from(`${prefix}-token-${prefix}-token`.padEnd(32, "-")).toString("base64"),
        },
        identityValue: { configKey: "nacosIdentityValue" },
        adminPassword: { configKey: "nacosAdminPassword" },
        "mysql.password": { configKey: "nacosMysqlPassword" },
        ...BACKUP_SECRETS,
    },
    defaults: NACOS_DEFAULTS,
    deployed: { currentReplicas: "nacos" },
    validate: validateNacosArgs,
    counts: (c) => ({ nacos: c.replicas }),
    outputs: (c) => ({ clusterMembers: c.clusterMembers, clientEndpoint: c.clientEndpoint, statefulSet: c.statefulSetName }),
});
