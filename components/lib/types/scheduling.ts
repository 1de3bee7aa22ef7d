/** Where a system's members may run: anti-affinity, disruption budget, node selector and tolerations. */

/** Where the members may run. */
export interface SchedulingArgs {
    /**
     * Requires members to run on different nodes (hard pod anti-affinity on `kubernetes.io/hostname`).
     * When false, spreading is preferred but not required.
     * @default false
     */
    requireAntiAffinity?: boolean;
    /**
     * How many members a voluntary disruption (a node drain) may take down at once. Must leave a quorum.
     * @default 1
     */
    maxUnavailable?: number;
    /**
     * Labels a node must carry for the members to run there (the pod's `nodeSelector`).
     * @default {}
     */
    nodeSelector?: { [key: string]: string };
    /**
     * Taints the members tolerate (the pod's `tolerations`), for example to run on dedicated nodes.
     * @default []
     */
    tolerations?: TolerationArgs[];
}

/** A pod toleration: the taint (key, value, effect) it matches and how. */
export interface TolerationArgs {
    /** Taint key; empty with operator "Exists" tolerates every taint. */
    key?: string;
    /**
     * "Equal" (the taint's value must equal `value`) or "Exists" (any value).
     * @default "Equal"
     */
    operator?: string;
    /** Taint value, with operator "Equal". */
    value?: string;
    /**
     * "NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches every effect.
     * @default - every effect
     */
    effect?: string;
    /** With effect "NoExecute": how long the pod stays bound after the taint appears. */
    tolerationSeconds?: number;
}
