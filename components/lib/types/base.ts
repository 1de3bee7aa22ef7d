/** The arguments every system takes, and those of the systems whose members can be placed. */
import { AutoscalingArgs } from "./autoscaling";
import { SchedulingArgs } from "./scheduling";

/**
 * Arguments every system takes, with the same names and meaning in all six components. Each
 * component's Args extend it (or a family: `statefulset.ts`, `operator.ts`) and add their own.
 */
export interface StatefulSystemArgs {
    /**
     * Namespace of every object the component creates. It must already exist (and, for a system an
     * operator runs, be watched by that operator).
     * @default "default"
     */
    namespace?: string;
    /**
     * Cluster DNS domain of the in-cluster names the component derives: its members' stable names and
     * the endpoints it outputs.
     * @default "cluster.local"
     */
    clusterDomain?: string;
    /**
     * Scales the system's `replicas` with a HorizontalPodAutoscaler on CPU: Pulumi sets the count at
     * creation only and leaves it to the autoscaler afterwards. What scales and the floor it must respect
     * are the system's own (see its `replicas`).
     * @default - not autoscaled
     */
    autoscaling?: AutoscalingArgs;
}

/** Arguments of the systems whose members can be placed: anti-affinity, disruption budget, nodes. */
export interface PlacedSystemArgs {
    /**
     * Anti-affinity, disruption budget, node selector and tolerations of the members.
     * @default { requireAntiAffinity: false, maxUnavailable: 1 }
     */
    scheduling?: SchedulingArgs;
}
