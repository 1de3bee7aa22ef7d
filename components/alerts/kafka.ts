/**
 * Kafka's alerts, from the JMX metrics Strimzi exports with the rules `renderKafkaMetricsConfig`
 * writes (names are the lower-cased `kafka_<domain>_<type>_<name>` of Kafka's MBeans), Prometheus's
 * `up` of the PodMonitor's targets and kube-state-metrics. Strimzi runs the pods itself (StrimziPodSets,
 * no StatefulSets), so members are matched by pod name: `<cluster>-<pool>-<id>`.
 */
import { AlertGroup, Severity, selector, volumeRules } from "../lib/alerts";

/** Where a Kafka cluster's series are found. */
export interface KafkaAlertScope {
    namespace: string;
    /** Strimzi cluster name: the PodMonitor's job label (`jobLabel: strimzi.io/cluster`). */
    cluster: string;
    /** Node pool names: `<cluster>-broker` and `<cluster>-controller`. */
    brokerPool: string;
    controllerPool: string;
}

/** The rule group of one Kafka cluster. */
export function kafkaAlerts(scope: KafkaAlertScope): AlertGroup {
    const ns = scope.namespace;
    const t = selector({ namespace: ns, job: scope.cluster });
    const pods = `${scope.cluster}-(${scope.brokerPool}|${scope.controllerPool})-[0-9]+`;
    const controllersUp = `up${selector({ namespace: ns, job: scope.cluster }, { pod: `${scope.cluster}-${scope.controllerPool}-[0-9]+` })}`;
    const active = `kafka_controller_kafkacontroller_activecontrollercount${t}`;
    const notReady = `kube_pod_status_ready${selector({ namespace: ns, condition: "true" }, { pod: pods })}`;
    return {
        name: `kafka-${scope.cluster}`,
        rules: [
            {
                alert: "KafkaMembersNotReady",
                expr: `${notReady} == 0`,
                for: "10m",
                severity: Severity.Warning,
                summary: "A Kafka broker or controller pod has not been ready for 10 minutes.",
                description:
                    "The pod in the alert's pod label is not ready: its partitions run on fewer replicas, or the controller quorum on fewer voters. Look at the pod's events and the Kafka resource's status conditions.",
                panel: { title: "Brokers and controllers ready", expr: `sum(${notReady})` },
            },
            {
                alert: "KafkaControllerMajorityDown",
                expr: `count(${controllersUp} == 1) * 2 <= count(${controllersUp})`,
                for: "2m",
                severity: Severity.Critical,
                summary: "At most half of the KRaft controllers answer scrapes: the metadata quorum is lost.",
                description:
                    "The KRaft quorum needs a majority of controllers. Without it no topic, partition leadership or broker registration can change; brokers keep serving with the metadata they have until they need a change. Bring controllers back first.",
                panel: { title: "Controllers up", expr: controllersUp },
            },
            {
                alert: "KafkaNoActiveController",
                expr: `sum(${active}) != 1 or absent(${active})`,
                for: "2m",
                severity: Severity.Critical,
                summary: "The Kafka cluster does not have exactly one active controller.",
                description:
                    "The sum of ActiveControllerCount over the controllers has not been 1 for 2 minutes: no controller leads the KRaft quorum (or two believe they do). Check the controllers' logs for election failures.",
                panel: { title: "Active controllers", expr: `sum(${active})` },
            },
            {
                alert: "KafkaOfflinePartitions",
                expr: `max(kafka_controller_kafkacontroller_offlinepartitionscount${t}) > 0`,
                for: "1m",
                severity: Severity.Critical,
                summary: "Some Kafka partitions have no leader.",
                description:
                    "Partitions without a leader accept no reads or writes: every replica of them is on brokers that are down. Bring the brokers back; unclean leader election loses data and is a last resort.",
                panel: { title: "Offline partitions", expr: `max(kafka_controller_kafkacontroller_offlinepartitionscount${t})` },
            },
            {
                alert: "KafkaUnderReplicatedPartitions",
                expr: `kafka_server_replicamanager_underreplicatedpartitions${t} > 0`,
                for: "5m",
                severity: Severity.Warning,
                summary: "A Kafka broker leads partitions whose followers are out of sync.",
                description:
                    "The broker in the alert's pod label leads partitions with fewer in-sync replicas than replicas for 5 minutes: a broker is down or a follower cannot keep up. Losing the leader now may lose acknowledged writes for producers without acks=all.",
                panel: {
                    title: "Under-replicated partitions, per broker",
                    expr: `kafka_server_replicamanager_underreplicatedpartitions${t}`,
                },
            },
            {
                alert: "KafkaUnderMinIsrPartitions",
                expr: `kafka_server_replicamanager_underminisrpartitioncount${t} > 0`,
                for: "1m",
                severity: Severity.Critical,
                summary: "Some Kafka partitions have fewer in-sync replicas than min.insync.replicas.",
                description:
                    "Producers with acks=all get NotEnoughReplicas errors for these partitions: writes to them are refused. Bring the missing brokers back.",
                panel: { title: "Partitions under min ISR, per broker", expr: `kafka_server_replicamanager_underminisrpartitioncount${t}` },
            },
            {
                alert: "KafkaMetricsDown",
                expr: `up${selector({ namespace: ns, job: scope.cluster }, { pod: pods })} == 0`,
                for: "5m",
                severity: Severity.Warning,
                summary: "Prometheus cannot scrape a Kafka broker or controller.",
                description:
                    "The pod in the alert's pod label has not answered a scrape for 5 minutes: the pod is down or its JMX exporter is. The other Kafka alerts are blind for that member.",
                panel: {
                    title: "Brokers and controllers: targets up",
                    expr: `up${selector({ namespace: ns, job: scope.cluster }, { pod: pods })}`,
                },
            },
            // Strimzi names JBOD claims data-<volume id>-<pod>; the pools use volume 0.
            ...volumeRules("Kafka", "Kafka", ns, `data-0-${pods}`),
        ],
    };
}
