/** The arguments of the Kafka component (Strimzi): their documentation, defaults and validation. */
import { validateAutoscaling } from "../lib/autoscaling";
import { KafkaMirrorArgs, validateKafkaMirrorArgs } from "../lib/kafka-mirror";
import { ConsumerLagAutoscalingArgs, validateConsumerLagAutoscaling } from "../lib/keda";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { resolveNetworkPolicy, validateNetworkPolicyArgs } from "../lib/network";
import { validateOperatorArgs } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { validateScheduling } from "../lib/scheduling";
import { NetworkPolicyArgs, OperatorSystemArgs, PlacedSystemArgs, ResourcesArgs } from "../lib/types";
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
import { checkResources } from "../lib/resources";

/** The volume of each node in a pool (always a persistent claim that outlives the cluster). */
export interface KafkaStorageArgs {
    /**
     * Size of each node's volume.
     * @default "100Gi" for brokers, "10Gi" for controllers
     */
    size?: string;
    /**
     * StorageClass of the volumes.
     * @default - the cluster's default StorageClass
     */
    storageClassName?: string;
}

/** Arguments of {@link Kafka}. */
export interface KafkaArgs extends OperatorSystemArgs, PlacedSystemArgs {
    /**
     * Number of brokers (the broker node pool's replicas). With two or more brokers, partitions move
     * onto new brokers and off removed ones automatically (Cruise Control auto-rebalance); a single
     * broker runs without Cruise Control, which Strimzi refuses below two brokers. With `autoscaling`,
     * the pool scales through its `/scale` subresource, and `autoscaling.minReplicas` must be at least
     * the replication factor.
     * @default 3
     */
    replicas?: number;
    /**
     * Number of KRaft controllers; odd. Strimzi runs a static controller quorum, so this cannot
     * change once the cluster exists.
     * @default 3
     */
    controllers?: number;
    /**
     * Controller count currently deployed, when known; any change from it is refused.
     * @default - unknown: no check
     */
    currentControllers?: number;
    /**
     * Kafka version, pinned.
     * @default "4.3.0"
     */
    version?: string;
    /**
     * Replication factor of new topics and internal topics.
     * @default - min(3, the fewest brokers the cluster may have)
     */
    replicationFactor?: number;
    /**
     * Brokers storage.
     * @default { size: "100Gi" }
     */
    brokerStorage?: KafkaStorageArgs;
    /**
     * Controllers storage.
     * @default { size: "10Gi" }
     */
    controllerStorage?: KafkaStorageArgs;
    /**
     * CPU and memory of each broker.
     * @default { cpuRequest: "500m", memoryRequest: "2Gi" }
     */
    brokerResources?: ResourcesArgs;
    /**
     * CPU and memory of each controller.
     * @default { cpuRequest: "250m", memoryRequest: "1Gi" }
     */
    controllerResources?: ResourcesArgs;
    /**
     * Deploys Kafka Exporter (consumer lag and topic metrics).
     * @default true
     */
    kafkaExporter?: boolean;
    /**
     * Deprecated: use `scheduling.requireAntiAffinity`, which wins when both are set.
     * @default false
     */
    requireAntiAffinity?: boolean;
    /**
     * Scales the broker pool on a consumer group's lag instead (a KEDA ScaledObject through the pool's
     * `/scale` subresource; needs KEDA). Not with `autoscaling`. More brokers cure lag only when the brokers
     * are what the consumers wait on, and the count never exceeds the group's partitions: see docs/autoscaling.md.
     * @default - not autoscaled on lag
     */
    lagAutoscaling?: ConsumerLagAutoscalingArgs;
    /**
     * Restricts the `plain` and `tls` listeners to pods of `clientNamespaces` (default: this namespace),
     * optionally only those with `clientPodLabels`, through the listeners' `networkPolicyPeers`: Strimzi
     * writes the NetworkPolicy itself (its replication, control-plane and agent ports admit only Strimzi's
     * own pods; the metrics port stays open), so `monitoringNamespace` does not apply. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
    /**
     * Disaster recovery: a KafkaMirrorMaker2 that copies the topics (and consumer-group offsets) to a
     * second cluster. This cluster's logs are not otherwise backed up. See docs/backup.md.
     * @default - no mirror
     */
    mirror?: KafkaMirrorArgs;
}

/** Defaults of {@link KafkaArgs}. */
export const KAFKA_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    replicas: 3,
    controllers: 3,
    version: "4.3.0",
    brokerStorageSize: "100Gi",
    controllerStorageSize: "10Gi",
    brokerResources: { cpuRequest: "500m", memoryRequest: "2Gi" },
    controllerResources: { cpuRequest: "250m", memoryRequest: "1Gi" },
    kafkaExporter: true,
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    installOperator: false,
    operatorNamespace: "strimzi",
    operatorVersion: "1.2.0",
} as const;

/** Strimzi's official Helm chart repository. */
export const STRIMZI_CHART = { chart: "strimzi-kafka-operator", repo: "https://strimzi.io/charts/" } as const;

/** Ports of the listeners and of the metrics endpoint Strimzi exposes. */
export const KAFKA_PORTS = { plain: 9092, tls: 9093, metrics: 9404 } as const;

/**
 * The fewest brokers Strimzi deploys Cruise Control with: `CruiseControlMetricsReporter.validateCruiseControl`
 * (Strimzi 1.2.0) rejects the whole Kafka resource below it.
 */
export const CRUISE_CONTROL_MIN_BROKERS = 2;

/**
 * Whether the cluster runs Cruise Control (and its auto-rebalance templates): only when the fewest
 * brokers it may have (the autoscaler's minimum, or `replicas`) is at least {@link CRUISE_CONTROL_MIN_BROKERS}.
 */
export function kafkaRunsCruiseControl(minBrokers: number): boolean {
    return minBrokers >= CRUISE_CONTROL_MIN_BROKERS;
}

/** Replication settings derived from the fewest brokers the cluster may run with. */
export function kafkaReplication(minBrokers: number, replicationFactor?: number): { replicationFactor: number; minInSync: number } {
    const rf = replicationFactor ?? Math.min(3, minBrokers);
    return { replicationFactor: rf, minInSync: Math.max(1, rf - 1) };
}

/** The fewest brokers the cluster may run with: the minimum of its autoscaler (CPU or lag), or `replicas`. */
export function fewestBrokers(args: KafkaArgs, brokers: number): number {
    return (args.autoscaling ?? args.lagAutoscaling)?.minReplicas ?? brokers;
}

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

/** {@link KafkaArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveKafkaArgs(name: string, args: KafkaArgs): Resolved<typeof KAFKA_DEFAULTS, KafkaArgs> {
    return resolveArgs(`Kafka "${name}" arguments`, validateKafkaArgs(name, args), KAFKA_DEFAULTS, args);
}
