/**
 * The registry: every system this package runs, one binding each, in deployment order. The stack
 * program, the stack config, the plugin, render and the tests take the list from here; a new system is
 * its component, its binding and one line below.
 */
import { eurekaSystem } from "./eureka.system";
import { kafkaSystem } from "./kafka.system";
import { AnySystemBinding } from "./lib/system";
import { nacosSystem } from "./nacos.system";
import { rabbitmqSystem } from "./rabbitmq.system";
import { redisSystem } from "./redis.system";
import { tidbSystem } from "./tidb.system";

/** Every system, in deployment order. */
export const STATEFUL_SYSTEMS: readonly AnySystemBinding[] = [
    eurekaSystem,
    nacosSystem,
    rabbitmqSystem,
    redisSystem,
    kafkaSystem,
    tidbSystem,
];

/** The binding whose config key is `key`; throws naming the known keys when there is none. */
export function systemBinding(key: string): AnySystemBinding {
    const found = STATEFUL_SYSTEMS.find((s) => s.key === key);
    if (found === undefined) throw new Error(`no system "${key}"; systems: ${STATEFUL_SYSTEMS.map((s) => s.key).join(", ")}`);
    return found;
}

/**
 * A stand-in for the secret config key `configKey`, marked with `prefix`, that the stack's validation
 * accepts (its binding's rule, else `<prefix>-<configKey>`).
 */
export function standInSecret(configKey: string, prefix: string): string {
    for (const system of STATEFUL_SYSTEMS) {
        for (const secret of Object.values(system.secrets)) {
            if (secret.configKey === configKey && secret.standIn !== undefined) return secret.standIn(prefix);
        }
    }
    return `${prefix}-${configKey}`;
}
