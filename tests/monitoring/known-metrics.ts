/**
 * The metric names each system's exporter serves at the version we pin, read in the upstream source
 * (docs/upstream.md, "Monitoring", names the file of each). Alert expressions and dashboard queries may
 * use only these (plus the cluster-wide series every system shares).
 */

/** Prometheus's own `up`, kube-state-metrics v2.20.0 and the kubelet's volume stats (Kubernetes 1.34). */
export const CLUSTER_METRICS = [
    "up",
    "kube_statefulset_replicas",
    "kube_statefulset_status_replicas",
    "kube_statefulset_status_replicas_ready",
    "kube_pod_status_ready",
    "kubelet_volume_stats_used_bytes",
    "kubelet_volume_stats_capacity_bytes",
];

/** Per system, the names its own exporter serves. */
export const SYSTEM_METRICS: Record<string, string[]> = {
    // steeltoeoss/eureka-server:4.1.1 serves no Prometheus metrics.
    eureka: [],
    // nacos 3.0.1 core MetricsMonitor: DistributionSummary "nacos_monitor_summary" -> _count.
    nacos: ["nacos_monitor_summary_count"],
    // rabbitmq-server v4.1.4 rabbitmq_prometheus; prometheus.erl v4.11.0 default collectors.
    rabbitmq: [
        "rabbitmq_alarms_memory_used_watermark",
        "rabbitmq_alarms_free_disk_space_watermark",
        "rabbitmq_alarms_file_descriptor_limit",
        "rabbitmq_identity_info",
        "erlang_vm_dist_node_state",
    ],
    // redis_exporter v1.77.0, namespace "redis".
    redis: [
        "redis_up",
        "redis_instance_info",
        "redis_connected_slaves",
        "redis_master_link_up",
        "redis_connected_slave_lag_seconds",
        "redis_connected_slave_offset_bytes",
        "redis_master_repl_offset",
    ],
    // Kafka MBeans through the JMX exporter rules renderKafkaMetricsConfig writes (checked in known-metrics.test.ts).
    kafka: [
        "kafka_controller_kafkacontroller_activecontrollercount",
        "kafka_controller_kafkacontroller_offlinepartitionscount",
        "kafka_server_replicamanager_underreplicatedpartitions",
        "kafka_server_replicamanager_underminisrpartitioncount",
    ],
    // PD v8.5.2: pkg/statistics/metrics.go, pkg/member/metrics.go.
    tidb: ["pd_cluster_status", "pd_regions_status", "service_member_role"],
};

/** The Kafka MBeans (as the JMX exporter formats them) behind the Kafka names above. */
export const KAFKA_MBEANS: Record<string, string> = {
    kafka_controller_kafkacontroller_activecontrollercount: "kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value",
    kafka_controller_kafkacontroller_offlinepartitionscount: "kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value",
    kafka_server_replicamanager_underreplicatedpartitions: "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value",
    kafka_server_replicamanager_underminisrpartitioncount: "kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value",
};

/** The metric names a PromQL expression selects (every selector the builders write carries `{...}`). */
export function metricNames(expr: string): string[] {
    return [...new Set([...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]))].sort();
}

const PROMQL_WORDS = new Set(["sum", "max", "count", "absent", "increase", "by", "on", "and", "or", "group_left", "group_right"]);

/** Identifiers of an expression that are neither a selected metric, a label in a grouping, nor a PromQL word we use. */
export function strayIdentifiers(expr: string): string[] {
    const stripped = expr
        .replace(/\{[^}]*\}/g, "{}")
        .replace(/\[[0-9]+[smh]\]/g, "")
        .replace(/\b(by|on|group_left|group_right) \([^)]*\)/g, "$1");
    return [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)/g)]
        .map((m) => m[1])
        .filter((id) => !PROMQL_WORDS.has(id) && !metricNames(expr).includes(id) && !/^[0-9]/.test(id));
}
