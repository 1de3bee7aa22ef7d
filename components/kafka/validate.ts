/** Validation of the Kafka component's arguments: every problem, by argument path, before anything is registered. */
import { validateAutoscaling } from "../lib/autoscaling";
import { validateKafkaMirrorArgs } from "./mirror";
import { validateConsumerLagAutoscaling } from "./lag-autoscaling";
import { resolveNetworkPolicy, validateNetworkPolicyArgs } from "../lib/network";
import { validateOperatorArgs } from "../lib/operator/args";
import { checkResources } from "../lib/resources";
import { validateScheduling } from "../lib/scheduling";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkInteger,
    checkReplicas,
    checkSizedStorage,
    isObject,
} from "../lib/validation";
import { KAFKA_DEFAULTS, KafkaArgs } from "./args";
import { fewestBrokers, kafkaReplication } from "./replication";

/** Returns every problem with the arguments of a Kafka component named `name`. */
export function validateKafkaArgs(name: string, args: KafkaArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    // Strimzi names pods `<cluster>-<pool>-<id>` with pool `<cluster>-broker`; keep them DNS labels.
    checkDnsLabel(problems, "name", name, 24);
    if (args.namespace !== undefined) checkDnsLabel(problems, "namespace", args.namespace);
    const brokers = args.replicas ?? KAFKA_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", brokers, "any");
    const controllers = args.controllers ?? KAFKA_DEFAULTS.controllers;
    checkReplicas(problems, "controllers", controllers, "odd");
    if (args.currentControllers !== undefined && checkInteger(problems, "currentControllers", args.currentControllers, 0)) {
        if (args.currentControllers > 0 && controllers !== args.currentControllers) {
            problems.push({
                path: "controllers",
                value: controllers,
                allowed: `${args.currentControllers} (the deployed count): Strimzi runs a static KRaft controller quorum, which cannot be scaled; scale brokers instead`,
            });
        }
    }
    if (args.version !== undefined && (typeof args.version !== "string" || !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(args.version))) {
        problems.push({
            path: "version",
            value: args.version,
            allowed: 'a Kafka version such as "4.3.0" that the Strimzi operator supports',
        });
    }
    const minBrokers = fewestBrokers(args, brokers);
    if (args.replicationFactor !== undefined && checkInteger(problems, "replicationFactor", args.replicationFactor, 1)) {
        if (typeof minBrokers === "number" && args.replicationFactor > minBrokers) {
            problems.push({
                path: "replicationFactor",
                value: args.replicationFactor,
                allowed: `at most ${minBrokers}, the fewest brokers the cluster may run with`,
            });
        }
    }
    const rf = typeof minBrokers === "number" ? kafkaReplication(Math.max(1, minBrokers), args.replicationFactor).replicationFactor : 1;
    validateAutoscaling(
        problems,
        "autoscaling",
        args.autoscaling,
        brokers,
        rf,
        `the replication factor is ${rf}: fewer brokers leave partitions under-replicated`,
    );
    const np = isObject(args.networkPolicy)
        ? resolveNetworkPolicy(args.networkPolicy, args.namespace ?? KAFKA_DEFAULTS.namespace)
        : undefined;
    validateConsumerLagAutoscaling(
        problems,
        "lagAutoscaling",
        args.lagAutoscaling,
        "autoscaling",
        args.autoscaling,
        brokers,
        rf,
        `the replication factor is ${rf}: fewer brokers leave partitions under-replicated`,
        np?.enabled === true ? np.clientNamespaces : undefined,
    );
    for (const [key, storage] of [
        ["brokerStorage", args.brokerStorage],
        ["controllerStorage", args.controllerStorage],
    ] as const) {
        checkSizedStorage(problems, key, storage);
    }
    for (const key of ["brokerResources", "controllerResources"] as const) {
        checkResources(problems, key, args[key]);
    }
    checkBoolean(problems, "kafkaExporter", args.kafkaExporter);
    checkBoolean(problems, "requireAntiAffinity", args.requireAntiAffinity);
    // One disruption budget covers every node of the cluster: the controllers' majority must survive it.
    validateScheduling(problems, args.scheduling, typeof controllers === "number" ? controllers : 1, true);
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateKafkaMirrorArgs(problems, args.mirror);
    if (args.networkPolicy?.monitoringNamespace !== undefined) {
        problems.push({
            path: "networkPolicy.monitoringNamespace",
            value: args.networkPolicy.monitoringNamespace,
            allowed: "nothing: Strimzi writes Kafka's NetworkPolicy and opens the metrics port (9404) to every pod",
        });
    }
    validateOperatorArgs(problems, args);
    return problems;
}
