/** The arguments of the Kafka component (Strimzi): their documentation, defaults, validation and resolved form. */
import { KafkaMirrorArgs, ResolvedKafkaMirror, resolveKafkaMirror } from "../lib/kafka-mirror";
import { ConsumerLagAutoscalingArgs, ResolvedConsumerLagAutoscaling, resolveConsumerLagAutoscaling } from "../lib/keda";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { ResolvedNetworkPolicy, resolveNetworkPolicy } from "../lib/network";
import { ResolvedVolume, resolveOperatorMonitoring, resolveVolume } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { resolveResources } from "../lib/resources";
import { resolveScheduling } from "../lib/scheduling";
import {
    NetworkPolicyArgs,
    OperatorMonitoringArgs,
    OperatorSystemArgs,
    PlacedSystemArgs,
    ResourcesArgs,
    SchedulingArgs,
} from "../lib/types";
import { fewestBrokers, kafkaReplication } from "./replication";
import { kafkaRunsCruiseControl } from "./strimzi";
import { validateKafkaArgs } from "./validate";

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
    brokerStorage: { size: "100Gi" },
    controllerStorage: { size: "10Gi" },
    brokerResources: { cpuRequest: "500m", memoryRequest: "2Gi" },
    controllerResources: { cpuRequest: "250m", memoryRequest: "1Gi" },
    kafkaExporter: true,
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
    installOperator: false,
    operatorNamespace: "strimzi",
    operatorVersion: "1.2.0",
} as const;

/** {@link KafkaArgs} validated, with every default applied, in groups too, and what the broker count decides. */
export interface ResolvedKafkaArgs extends Omit<
    Resolved<typeof KAFKA_DEFAULTS, KafkaArgs>,
    | "brokerStorage"
    | "controllerStorage"
    | "brokerResources"
    | "controllerResources"
    | "replicationFactor"
    | "scheduling"
    | "monitoring"
    | "networkPolicy"
    | "lagAutoscaling"
    | "mirror"
> {
    /** Brokers storage. */
    brokerStorage: ResolvedVolume;
    /** Controllers storage. */
    controllerStorage: ResolvedVolume;
    /** CPU and memory of each broker. */
    brokerResources: ResourcesArgs;
    /** CPU and memory of each controller. */
    controllerResources: ResourcesArgs;
    /** Replication factor of new and internal topics: the arg, or min(3, the fewest brokers). */
    replicationFactor: number;
    /** Minimum in-sync replicas: one less than the replication factor, at least 1. */
    minInSync: number;
    /** Whether the cluster runs Cruise Control (from two brokers on, the fewest it may have). */
    cruiseControl: boolean;
    /** Scheduling, the deprecated flat `requireAntiAffinity` under `scheduling.requireAntiAffinity`. */
    scheduling: Required<SchedulingArgs>;
    /** PodMonitors, alert rules and dashboard. */
    monitoring: Required<OperatorMonitoringArgs>;
    /** The listeners' network policy, its client namespaces defaulting to the cluster's. */
    networkPolicy: ResolvedNetworkPolicy;
    /** Scaling on consumer lag. */
    lagAutoscaling?: ResolvedConsumerLagAutoscaling;
    /** The disaster-recovery mirror. */
    mirror?: ResolvedKafkaMirror;
}

/** {@link KafkaArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveKafkaArgs(name: string, args: KafkaArgs): ResolvedKafkaArgs {
    const d = KAFKA_DEFAULTS;
    const resolved = resolveArgs(`Kafka "${name}" arguments`, validateKafkaArgs(name, args), d, args);
    const fewest = fewestBrokers(args, resolved.replicas);
    return {
        ...resolved,
        brokerStorage: resolveVolume(args.brokerStorage, d.brokerStorage.size),
        controllerStorage: resolveVolume(args.controllerStorage, d.controllerStorage.size),
        brokerResources: resolveResources(args.brokerResources, d.brokerResources),
        controllerResources: resolveResources(args.controllerResources, d.controllerResources),
        ...kafkaReplication(fewest, args.replicationFactor),
        cruiseControl: kafkaRunsCruiseControl(fewest),
        scheduling: resolveScheduling({ requireAntiAffinity: args.requireAntiAffinity, ...args.scheduling }),
        monitoring: resolveOperatorMonitoring(args.monitoring),
        networkPolicy: resolveNetworkPolicy(args.networkPolicy, resolved.namespace),
        lagAutoscaling: args.lagAutoscaling === undefined ? undefined : resolveConsumerLagAutoscaling(args.lagAutoscaling),
        mirror: resolveKafkaMirror(name, args.mirror),
    };
}
