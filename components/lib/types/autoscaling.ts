/** Scaling a system's count with a HorizontalPodAutoscaler on CPU. */

/** A HorizontalPodAutoscaler on CPU utilisation. Setting it hands `replicas` to the autoscaler. */
export interface AutoscalingArgs {
    /**
     * Fewest members the autoscaler may leave. Must respect the system's own floor (for example the
     * replication factor), and is never below 2.
     */
    minReplicas: number;
    /** Most members the autoscaler may create. */
    maxReplicas: number;
    /**
     * Average CPU utilisation (percent of the CPU request) the autoscaler aims for.
     * @default 70
     */
    targetCPUUtilizationPercentage?: number;
    /**
     * Seconds the autoscaler waits, after load drops, before removing members.
     * @default 300 (900 for Kafka brokers, whose removal moves partitions)
     */
    scaleDownStabilizationSeconds?: number;
}
