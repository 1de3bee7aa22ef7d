/** Kafka's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { KAFKA_DEFAULTS, Kafka, validateKafkaArgs } from "./kafka";
import { defineSystem } from "./lib/system";

/** Kafka in a stack: `kafka:` in the stack config; reports brokers and controllers (which may never change). */
export const kafkaSystem = defineSystem({
    key: "kafka",
    component: Kafka,
    secrets: {},
    deployed: { currentControllers: "kafkaControllers" },
    validate: validateKafkaArgs,
    counts: (args) => ({
        kafka: args.replicas ?? KAFKA_DEFAULTS.replicas,
        kafkaControllers: args.controllers ?? KAFKA_DEFAULTS.controllers,
    }),
    outputs: (c) => ({
        bootstrapServers: c.bootstrapServers,
        tlsBootstrapServers: c.tlsBootstrapServers,
        brokerPool: c.brokerPoolName,
        replicationFactor: c.replicationFactor,
    }),
});
