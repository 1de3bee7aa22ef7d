/** What Strimzi fixes for a Kafka cluster: its chart, the ports it exposes, and when it runs Cruise Control. */

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
