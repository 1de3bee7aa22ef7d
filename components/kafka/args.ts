/** The arguments of the Kafka component (Strimzi): their documentation and defaults (validated in `validate.ts`, resolved in `resolve.ts`). */
import { KafkaMirrorArgs } from "./mirror";
import { ConsumerLagAutoscalingArgs } from "./lag-autoscaling";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { NetworkPolicyArgs, OperatorSystemArgs, PlacedSystemArgs, ResourcesArgs } from "../lib/types";

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
