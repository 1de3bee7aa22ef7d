/**
 * All six systems once: the unit of the benchmarks' synthetic programs (`bench/eval.ts` under mocks and
 * `bench/copies-program.ts` under the real CLI), so that both build exactly the same components.
 */
import * as pulumi from "@pulumi/pulumi";
import { Eureka } from "../components/eureka";
import { Kafka } from "../components/kafka";
import { Nacos, NacosArgs } from "../components/nacos";
import { RabbitMQ, RabbitMQArgs } from "../components/rabbitmq";
import { Redis, RedisArgs } from "../components/redis";
import { TiDB } from "../components/tidb";
import { PLACEHOLDER_SECRETS } from "../render/stack-runner";
import { PROJECT, SECRET_KEYS, SystemName } from "../stacks/config";

/** A secret config value by its key (`nacosAuthToken`, ...; see `SECRET_KEYS` in `stacks/config.ts`). */
export type SecretOf = (configKey: string) => pulumi.Input<string>;

/** Secret values for runs under mocks: the render path's placeholders. */
export const mockSecrets: SecretOf = (key) => pulumi.secret(PLACEHOLDER_SECRETS[`${PROJECT}:${key}`]);

/** A system's secret args, from the same config keys as the stack program's (optional nested ones left out). */
function secretArgs(system: SystemName, secretOf: SecretOf): Record<string, pulumi.Input<string>> {
    return Object.fromEntries(
        Object.entries(SECRET_KEYS[system])
            .filter(([argPath]) => !argPath.includes("."))
            .map(([argPath, key]) => [argPath, secretOf(key)]),
    );
}

/** Where and how the six are placed (all optional: the components' defaults otherwise). */
export interface SixOptions {
    /** Namespace of every object (it must exist). */
    namespace?: string;
    /** StorageClass of the claims of Nacos, RabbitMQ and Redis. */
    storageClassName?: string;
    /** Per-component replica counts by component name, over the common `replicas`. */
    replicasOf?: Record<string, number>;
    /** Resource options of every component. */
    opts?: pulumi.ComponentResourceOptions;
}

const odd = (n: number): number => (n % 2 === 0 ? n + 1 : n);

/**
 * All six systems once, named `<system><suffix>`, each sized `replicas` (rounded to what its rules allow:
 * odd for Nacos and RabbitMQ, at least 2 for Redis) unless `replicasOf` names it.
 */
export function allSix(suffix: string, replicas: number, secretOf: SecretOf, options: SixOptions = {}): void {
    const { namespace, opts } = options;
    const storage = options.storageClassName === undefined ? undefined : { storageClassName: options.storageClassName };
    const sized = (name: string, n: number): number => options.replicasOf?.[name] ?? n;
    new Eureka(`eureka${suffix}`, { namespace, replicas: sized(`eureka${suffix}`, replicas) }, opts);
    new Nacos(
        `nacos${suffix}`,
        {
            namespace,
            storage,
            replicas: sized(`nacos${suffix}`, odd(replicas)),
            ...secretArgs("nacos", secretOf),
        } as NacosArgs,
        opts,
    );
    new RabbitMQ(
        `rabbitmq${suffix}`,
        {
            namespace,
            storage,
            replicas: sized(`rabbitmq${suffix}`, odd(replicas)),
            ...secretArgs("rabbitmq", secretOf),
        } as RabbitMQArgs,
        opts,
    );
    new Redis(
        `redis${suffix}`,
        { namespace, storage, replicas: sized(`redis${suffix}`, Math.max(2, replicas)), ...secretArgs("redis", secretOf) } as RedisArgs,
        opts,
    );
    new Kafka(`kafka${suffix}`, { namespace, replicas: sized(`kafka${suffix}`, replicas) }, opts);
    new TiDB(`tidb${suffix}`, { namespace, replicas: sized(`tidb${suffix}`, replicas) }, opts);
}
