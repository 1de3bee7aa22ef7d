/** RabbitMQ's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { BACKUP_SECRETS, defineSystem, RESTORE_SECRETS } from "./lib/system";
import { RabbitMQ, RABBITMQ_DEFAULTS, validateRabbitMQArgs } from "./rabbitmq";

/** RabbitMQ in a stack: `rabbitmq:` in the stack config, the Erlang cookie and password as secret keys. */
export const rabbitmqSystem = defineSystem({
    key: "rabbitmq",
    component: RabbitMQ,
    secrets: {
        erlangCookie: { configKey: "rabbitmqErlangCookie" },
        defaultPassword: { configKey: "rabbitmqDefaultPassword" },
        ...BACKUP_SECRETS,
        ...RESTORE_SECRETS,
    },
    defaults: RABBITMQ_DEFAULTS,
    deployed: { currentReplicas: "rabbitmq" },
    validate: validateRabbitMQArgs,
    counts: (c) => ({ rabbitmq: c.replicas }),
    outputs: (c) => ({
        nodeNames: c.nodeNames,
        amqpEndpoint: c.amqpEndpoint,
        managementEndpoint: c.managementEndpoint,
        statefulSet: c.statefulSetName,
        secretName: c.secretName,
    }),
});
