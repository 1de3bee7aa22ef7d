/** The Kafka component's arguments resolved: validated once, with every default applied. */
import { ResolvedKafkaMirror, resolveKafkaMirror } from "./mirror";
import { ResolvedConsumerLagAutoscaling, resolveConsumerLagAutoscaling } from "./lag-autoscaling";
import { ResolvedOperatorGroups, ResolvedVolume, resolveOperatorGroups, resolveVolume } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { resolveResources } from "../lib/resources";
import { resolveScheduling } from "../lib/scheduling";
import { ResourcesArgs, SchedulingArgs } from "../lib/types";
import { KAFKA_DEFAULTS, KafkaArgs } from "./args";
import { fewestBrokers, kafkaReplication } from "./replication";
import { kafkaRunsCruiseControl } from "./strimzi";
import { validateKafkaArgs } from "./validate";

/** {@link KafkaArgs} validated, with every default applied, in groups too, and what the broker count decides. */
export interface ResolvedKafkaArgs
    extends
        Omit<
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
        >,
        ResolvedOperatorGroups {
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
        ...resolveOperatorGroups(args, resolved.namespace),
        lagAutoscaling: args.lagAutoscaling === undefined ? undefined : resolveConsumerLagAutoscaling(args.lagAutoscaling),
        mirror: resolveKafkaMirror(name, args.mirror),
    };
}
