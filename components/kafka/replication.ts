/** What the broker count decides: the replication factor and minimum in-sync replicas of the topics. */
import { KafkaArgs } from "./args";

/** Replication settings derived from the fewest brokers the cluster may run with. */
export function kafkaReplication(minBrokers: number, replicationFactor?: number): { replicationFactor: number; minInSync: number } {
    const rf = replicationFactor ?? Math.min(3, minBrokers);
    return { replicationFactor: rf, minInSync: Math.max(1, rf - 1) };
}

/** The fewest brokers the cluster may run with: the minimum of its autoscaler (CPU or lag), or `replicas`. */
export function fewestBrokers(args: KafkaArgs, brokers: number): number {
    return (args.autoscaling ?? args.lagAutoscaling)?.minReplicas ?? brokers;
}
