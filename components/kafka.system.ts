/** Kafka's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { Kafka, KAFKA_DEFAULTS, validateKafkaArgs } from "./kafka";
import { defineSystem } from "./lib/system";

/** Kafka in a stack: `kafka:` in the stack config; reports brokers and controllers (which may never change). */
export const kafkaSystem = defineSystem({
    key: "kafka",
    component: Kafka,
    secrets: {},
    defaults: KAFKA_DEFAULTS,
    deployed: { currentControllers: "kafkaControllers" },
    validate: validateKafkaArgs,
    counts: (c) => ({ kafka: c.replicas, kafkaControllers: c.controllers }),
    outputs: (c) => ({
        bootstrapServers: c.bootstrapServers,
        tlsBootstrapServers: c.tlsBootstrapServers,
        brokerPool: c.brokerPoolName,
        replicationFactor: c.replicationFactor,
    }),
});
