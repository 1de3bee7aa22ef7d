/** RabbitMQ's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { defineSystem } from "./lib/system";
import { RABBITMQ_DEFAULTS, RabbitMQ, validateRabbitMQArgs } from "./rabbitmq";

/** RabbitMQ in a stack: `rabbitmq:` in the stack config, the Erlang cookie and password as secret keys. */
export const rabbitmqSystem = defineSystem({
    key: "rabbitmq",
    component: RabbitMQ,
    secrets: { erlangCookie: { configKey: "rabbitmqErlangCookie" }, defaultPassword: { configKey: "rabbitmqDefaultPassword" } },
    deployed: { currentReplicas: "rabbitmq" },
    validate: validateRabbitMQArgs,
    counts: (args) => ({ rabbitmq: args.replicas ?? RABBITMQ_DEFAULTS.replicas }),
    outputs: (c) => ({
        nodeNames: c.nodeNames,
        amqpEndpoint: c.amqpEndpoint,
        managementEndpoint: c.managementEndpoint,
        statefulSet: c.statefulSetName,
        secretName: c.secretName,
    }),
});
