/**
 * RabbitMQ's alerts: the members (kube-state-metrics), the majority quorum queues and the metadata
 * store need, the resource alarms that block publishers (rabbitmq_prometheus `rabbitmq_alarms_*`),
 * network partitions seen as missing Erlang distribution links (`erlang_vm_dist_node_state`, served
 * on `/metrics` by the prometheus.erl default collectors) and the volumes.
 */
import { AlertGroup, AlertRule, Severity, selector, statefulSetRules, targetDownRule, volumeRules } from "../lib/alerts";

/** Where a RabbitMQ cluster's series are found. */
export interface RabbitMQAlertScope {
    namespace: string;
    /** StatefulSet name (also the client Service the ServiceMonitor selects). */
    statefulSet: string;
}

const ALARMS: { metric: string; alert: string; what: string; fix: string }[] = [
    {
        metric: "rabbitmq_alarms_memory_used_watermark",
        alert: "RabbitMQMemoryAlarm",
        what: "memory high watermark",
        fix: "Consumers are too slow or queues too long: drain queues, add consumers, or raise the memory request.",
    },
    {
        metric: "rabbitmq_alarms_free_disk_space_watermark",
        alert: "RabbitMQDiskAlarm",
        what: "free disk space low watermark",
        fix: "Free or grow the node's volume (messages and the metadata store live there).",
    },
    {
        metric: "rabbitmq_alarms_file_descriptor_limit",
        alert: "RabbitMQFileDescriptorAlarm",
        what: "file descriptor limit",
        fix: "Too many connections or queues on the node: find the client that opens them, or raise the limit.",
    },
];

/** The rule group of one RabbitMQ cluster. */
export function rabbitmqAlerts(scope: RabbitMQAlertScope): AlertGroup {
    const target = { namespace: scope.namespace, service: scope.statefulSet };
    const alarms: AlertRule[] = ALARMS.map((a) => ({
        alert: a.alert,
        expr: `${a.metric}${selector(target)} == 1`,
        for: "1m",
        severity: Severity.Critical,
        summary: `A RabbitMQ node is in ${a.what} alarm: publishers are blocked.`,
        description: `The node in the alert's pod label raised the ${a.what} alarm, which blocks every publishing connection in the cluster. ${a.fix}`,
        panel: { title: `Alarm: ${a.what}`, expr: `${a.metric}${selector(target)}` },
    }));
    // Links in state up (3) to other RabbitMQ nodes (CLI tools connect as rabbitmqcli-*), per node; a node
    // with none has no series, so every scraped node counts 0 first.
    const links =
        `(count by (namespace, pod) (erlang_vm_dist_node_state${selector(target, { peer: "rabbit@.*" })} == 3)` +
        ` or max by (namespace, pod) (rabbitmq_identity_info${selector(target)}) * 0)`;
    const peers = `(max by (namespace) (kube_statefulset_replicas${selector({ namespace: scope.namespace, statefulset: scope.statefulSet })}) - 1)`;
    return {
        name: `rabbitmq-${scope.statefulSet}`,
        rules: [
            ...statefulSetRules({ prefix: "RabbitMQ", members: "RabbitMQ nodes", ...scope }, "RabbitMQ's quorum queues and metadata store"),
            targetDownRule("RabbitMQ", "RabbitMQ", `up${selector(target)}`),
            ...alarms,
            {
                alert: "RabbitMQPartitioned",
                expr: `${links} < on (namespace) group_left () ${peers}`,
                for: "5m",
                severity: Severity.Critical,
                summary: "A RabbitMQ node is not connected to every other node.",
                description:
                    "The node in the alert's pod label has fewer Erlang distribution links up than there are other nodes, for 5 minutes: the cluster is partitioned or a node is cut off. Quorum queues on the minority side stop; check the network between the pods (ports 4369 and 25672) and `rabbitmq-diagnostics cluster_status`.",
                panel: { title: "Erlang distribution links up, per node", expr: links },
            },
            ...volumeRules("RabbitMQ", "RabbitMQ", scope.namespace, `data-${scope.statefulSet}-[0-9]+`),
        ],
    };
}
