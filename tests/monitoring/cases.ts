/**
 * Synthetic series for every alert: a set under which the alert must fire (with the exact labels it
 * fires with) and a set, as close as possible, under which it must stay quiet. Series are constant from
 * t=0, so an alert becomes pending at once and fires after its `for:`.
 */
import { AlertGroup } from "../../components/lib/alerts";
import { eurekaAlerts } from "../../components/alerts/eureka";
import { kafkaAlerts } from "../../components/alerts/kafka";
import { nacosAlerts } from "../../components/alerts/nacos";
import { rabbitmqAlerts } from "../../components/alerts/rabbitmq";
import { redisAlerts } from "../../components/alerts/redis";
import { tidbAlerts } from "../../components/alerts/tidb";

/** A series selector (with labels) and its constant value, or promtool's expanding notation ("0+1x30"). */
export type Series = [selector: string, value: number | string];

/** The fire/quiet pair of one alert. */
export interface AlertCase {
    alert: string;
    fire: Series[];
    /** Labels of the firing alert, besides alertname and severity. */
    labels: Record<string, string>;
    quiet: Series[];
}

const NS = "ns";
const ksm = (sts: string, ready: number, desired: number, current = desired): Series[] => [
    [`kube_statefulset_status_replicas_ready{namespace="${NS}",statefulset="${sts}"}`, ready],
    [`kube_statefulset_replicas{namespace="${NS}",statefulset="${sts}"}`, desired],
    [`kube_statefulset_status_replicas{namespace="${NS}",statefulset="${sts}"}`, current],
];
const volume = (claim: string, used: number): Series[] => [
    [`kubelet_volume_stats_used_bytes{namespace="${NS}",persistentvolumeclaim="${claim}"}`, used],
    [`kubelet_volume_stats_capacity_bytes{namespace="${NS}",persistentvolumeclaim="${claim}"}`, 100],
];

/** The cases common to a StatefulSet system: not ready, majority (when it has one), scale-in, volumes. */
function statefulSetCases(prefix: string, sts: string, quorum: boolean, claim?: string): AlertCase[] {
    const labels = { namespace: NS, statefulset: sts };
    const cases: AlertCase[] = [
        { alert: `${prefix}MembersNotReady`, fire: ksm(sts, 2, 3), labels, quiet: ksm(sts, 3, 3) },
        { alert: `${prefix}ScaleInInProgress`, fire: ksm(sts, 3, 3, 5), labels, quiet: ksm(sts, 3, 3, 3) },
    ];
    if (quorum) cases.push({ alert: `${prefix}MajorityLost`, fire: ksm(sts, 1, 3), labels, quiet: ksm(sts, 2, 3) });
    if (claim !== undefined) {
        const c = { namespace: NS, persistentvolumeclaim: claim };
        cases.push({ alert: `${prefix}VolumeFillingUp`, fire: volume(claim, 85), labels: c, quiet: volume(claim, 79) });
        cases.push({ alert: `${prefix}VolumeAlmostFull`, fire: volume(claim, 95), labels: c, quiet: volume(claim, 89) });
        // A claim of another system in the namespace is not ours.
        cases.push({ alert: `${prefix}VolumeAlmostFull`, fire: volume(claim, 95), labels: c, quiet: volume(`data-other-0`, 99) });
    }
    return cases;
}
const up = (labels: string, value: number): Series => [`up{${labels}}`, value];

/** Every system: its rule group (for fixed names in namespace `ns`) and the cases of every alert. */
export const SYSTEMS: { system: string; group: AlertGroup; cases: AlertCase[] }[] = [
    {
        system: "eureka",
        group: eurekaAlerts({ namespace: NS, statefulSet: "eureka", scraped: true }),
        cases: [
            ...statefulSetCases("Eureka", "eureka", false),
            {
                alert: "EurekaMetricsDown",
                fire: [up(`namespace="ns",service="eureka",pod="eureka-1"`, 0)],
                labels: { namespace: NS, service: "eureka", pod: "eureka-1" },
                quiet: [up(`namespace="ns",service="eureka",pod="eureka-1"`, 1)],
            },
        ],
    },
    {
        system: "nacos",
        group: nacosAlerts({ namespace: NS, statefulSet: "nacos" }),
        cases: [
            ...statefulSetCases("Nacos", "nacos", true, "data-nacos-2"),
            {
                alert: "NacosMetricsDown",
                fire: [up(`namespace="ns",service="nacos",pod="nacos-0"`, 0)],
                labels: { namespace: NS, service: "nacos", pod: "nacos-0" },
                quiet: [up(`namespace="ns",service="nacos",pod="nacos-0"`, 1)],
            },
            {
                alert: "NacosRaftReadIndexFailing",
                fire: [
                    [
                        `nacos_monitor_summary_count{namespace="ns",service="nacos",pod="nacos-1",module="core",name="raft_read_index_failed"}`,
                        "0+1x30",
                    ],
                ],
                labels: { namespace: NS, service: "nacos", pod: "nacos-1", module: "core", name: "raft_read_index_failed" },
                // Failures long ago (a counter that no longer grows) and the read-from-leader summary do not count.
                quiet: [
                    [
                        `nacos_monitor_summary_count{namespace="ns",service="nacos",pod="nacos-1",module="core",name="raft_read_index_failed"}`,
                        7,
                    ],
                    [
                        `nacos_monitor_summary_count{namespace="ns",service="nacos",pod="nacos-1",module="core",name="raft_read_from_leader"}`,
                        "0+1x30",
                    ],
                ],
            },
        ],
    },
    {
        system: "rabbitmq",
        group: rabbitmqAlerts({ namespace: NS, statefulSet: "rabbitmq" }),
        cases: [
            ...statefulSetCases("RabbitMQ", "rabbitmq", true, "data-rabbitmq-0"),
            ...["memory_used_watermark", "free_disk_space_watermark", "file_descriptor_limit"].map((m, i) => ({
                alert: ["RabbitMQMemoryAlarm", "RabbitMQDiskAlarm", "RabbitMQFileDescriptorAlarm"][i],
                fire: [[`rabbitmq_alarms_${m}{namespace="ns",service="rabbitmq",pod="rabbitmq-1"}`, 1] as Series],
                labels: { namespace: NS, service: "rabbitmq", pod: "rabbitmq-1" },
                quiet: [[`rabbitmq_alarms_${m}{namespace="ns",service="rabbitmq",pod="rabbitmq-1"}`, 0] as Series],
            })),
        ],
    },
    {
        system: "redis",
        group: redisAlerts({ namespace: NS, statefulSet: "cache", sentinelStatefulSet: "cache-sentinel", metricsService: "cache-metrics" }),
        cases: [
            ...statefulSetCases("Redis", "cache", false, "data-cache-1"),
            ...statefulSetCases("RedisSentinel", "cache-sentinel", true).filter((c) => !c.alert.endsWith("ScaleInInProgress")),
        ],
    },
    {
        system: "kafka",
        group: kafkaAlerts({ namespace: NS, cluster: "events", brokerPool: "events-broker", controllerPool: "events-controller" }),
        cases: [],
    },
    {
        system: "tidb",
        group: tidbAlerts({ namespace: NS, cluster: "db" }),
        cases: [],
    },
];

const byName = (system: string) => SYSTEMS.find((s) => s.system === system)!.cases;

// RabbitMQ: three nodes; rabbitmq-0 sees only one peer link up (the other is pending, 1).
const dist = (pod: string, peer: string, state: number): Series => [
    `erlang_vm_dist_node_state{namespace="ns",service="rabbitmq",pod="${pod}",peer="rabbit@${peer}.rabbitmq-headless.ns.svc.cluster.local"}`,
    state,
];
const identity = (pod: string): Series => [
    `rabbitmq_identity_info{namespace="ns",service="rabbitmq",pod="${pod}",rabbitmq_node="rabbit@${pod}"}`,
    1,
];
const rabbitNodes = [identity("rabbitmq-0"), identity("rabbitmq-1"), ...ksm("rabbitmq", 3, 3)];
byName("rabbitmq").push(
    {
        alert: "RabbitMQMetricsDown",
        fire: [up(`namespace="ns",service="rabbitmq",pod="rabbitmq-2"`, 0)],
        labels: { namespace: NS, service: "rabbitmq", pod: "rabbitmq-2" },
        quiet: [up(`namespace="ns",service="rabbitmq",pod="rabbitmq-2"`, 1), up(`namespace="ns",service="other",pod="other-0"`, 0)],
    },
    {
        alert: "RabbitMQPartitioned",
        fire: [
            ...rabbitNodes,
            dist("rabbitmq-0", "rabbitmq-1", 3),
            dist("rabbitmq-0", "rabbitmq-2", 1),
            dist("rabbitmq-1", "rabbitmq-0", 3),
            dist("rabbitmq-1", "rabbitmq-2", 3),
        ],
        labels: { namespace: NS, pod: "rabbitmq-0" },
        quiet: [
            ...rabbitNodes,
            dist("rabbitmq-0", "rabbitmq-1", 3),
            dist("rabbitmq-0", "rabbitmq-2", 3),
            dist("rabbitmq-1", "rabbitmq-0", 3),
            dist("rabbitmq-1", "rabbitmq-2", 3),
        ],
    },
    {
        // A node cut off from every peer has no link series at all: it still counts, as zero links.
        alert: "RabbitMQPartitioned",
        fire: [...rabbitNodes, dist("rabbitmq-1", "rabbitmq-0", 3), dist("rabbitmq-1", "rabbitmq-2", 3)],
        labels: { namespace: NS, pod: "rabbitmq-0" },
        quiet: [
            ...rabbitNodes,
            dist("rabbitmq-0", "rabbitmq-1", 3),
            dist("rabbitmq-0", "rabbitmq-2", 3),
            dist("rabbitmq-1", "rabbitmq-0", 3),
            dist("rabbitmq-1", "rabbitmq-2", 3),
        ],
    },
);

// Redis: node cache-0 master, cache-1 and cache-2 replicas, exporter Service cache-metrics.
const r = (pod: string) => `namespace="ns",service="cache-metrics",pod="${pod}"`;
const info = (pod: string, role: string): Series => [`redis_instance_info{${r(pod)},role="${role}",redis_version="7.0.15"}`, 1];
const slave = (ip: string) => `slave_ip="${ip}",slave_port="6379",slave_state="online"`;
byName("redis").push(
    {
        alert: "RedisMetricsDown",
        fire: [up(r("cache-2"), 0)],
        labels: { namespace: NS, service: "cache-metrics", pod: "cache-2" },
        quiet: [up(r("cache-2"), 1)],
    },
    {
        alert: "RedisDown",
        fire: [[`redis_up{${r("cache-0")}}`, 0]],
        labels: { namespace: NS, service: "cache-metrics", pod: "cache-0" },
        quiet: [[`redis_up{${r("cache-0")}}`, 1]],
    },
    {
        alert: "RedisMasterMissing",
        fire: [info("cache-0", "slave"), info("cache-1", "slave")],
        labels: { namespace: NS, service: "cache-metrics", role: "master" },
        quiet: [info("cache-0", "master"), info("cache-1", "slave")],
    },
    {
        alert: "RedisMultipleMasters",
        fire: [info("cache-0", "master"), info("cache-1", "master"), info("cache-2", "slave")],
        labels: {},
        quiet: [info("cache-0", "master"), info("cache-1", "slave"), info("cache-2", "slave")],
    },
    {
        alert: "RedisMasterWithoutReplicas",
        fire: [info("cache-0", "master"), [`redis_connected_slaves{${r("cache-0")}}`, 0], ...ksm("cache", 3, 3)],
        labels: { namespace: NS, service: "cache-metrics", pod: "cache-0" },
        // A single-node deployment has no replica to miss.
        quiet: [info("cache-0", "master"), [`redis_connected_slaves{${r("cache-0")}}`, 0], ...ksm("cache", 1, 1)],
    },
    {
        alert: "RedisMasterWithoutReplicas",
        fire: [info("cache-0", "master"), [`redis_connected_slaves{${r("cache-0")}}`, 0], ...ksm("cache", 2, 2)],
        labels: { namespace: NS, service: "cache-metrics", pod: "cache-0" },
        // A replica reports connected_slaves 0 too: only the master's count matters.
        quiet: [
            info("cache-0", "master"),
            [`redis_connected_slaves{${r("cache-0")}}`, 1],
            info("cache-1", "slave"),
            [`redis_connected_slaves{${r("cache-1")}}`, 0],
            ...ksm("cache", 2, 2),
        ],
    },
    {
        alert: "RedisReplicaLinkDown",
        fire: [[`redis_master_link_up{${r("cache-1")},master_host="cache-0",master_port="6379"}`, 0]],
        labels: { namespace: NS, service: "cache-metrics", pod: "cache-1", master_host: "cache-0", master_port: "6379" },
        quiet: [[`redis_master_link_up{${r("cache-1")},master_host="cache-0",master_port="6379"}`, 1]],
    },
    {
        alert: "RedisReplicationLagging",
        fire: [[`redis_connected_slave_lag_seconds{${r("cache-0")},${slave("10.0.0.2")}}`, 45]],
        labels: {
            namespace: NS,
            service: "cache-metrics",
            pod: "cache-0",
            slave_ip: "10.0.0.2",
            slave_port: "6379",
            slave_state: "online",
        },
        quiet: [[`redis_connected_slave_lag_seconds{${r("cache-0")},${slave("10.0.0.2")}}`, 1]],
    },
    {
        alert: "RedisReplicationOffsetBehind",
        fire: [
            [`redis_master_repl_offset{${r("cache-0")}}`, 100000000],
            [`redis_connected_slave_offset_bytes{${r("cache-0")},${slave("10.0.0.2")}}`, 100000000 - 20000000],
        ],
        labels: {
            namespace: NS,
            service: "cache-metrics",
            pod: "cache-0",
            slave_ip: "10.0.0.2",
            slave_port: "6379",
            slave_state: "online",
        },
        quiet: [
            [`redis_master_repl_offset{${r("cache-0")}}`, 100000000],
            [`redis_connected_slave_offset_bytes{${r("cache-0")},${slave("10.0.0.2")}}`, 100000000 - 1000],
        ],
    },
);

// Kafka: cluster events, pools events-broker and events-controller (pods events-events-broker-0 ...).
const k = (pod: string) => `namespace="ns",job="events",pod="${pod}"`;
const ctl = (i: number) => `events-events-controller-${i}`;
const brk = (i: number) => `events-events-broker-${i}`;
const ready = (pod: string, v: number): Series => [`kube_pod_status_ready{namespace="ns",pod="${pod}",condition="true"}`, v];
const active = (i: number, v: number): Series => [`kafka_controller_kafkacontroller_activecontrollercount{${k(ctl(i))}}`, v];
byName("kafka").push(
    {
        alert: "KafkaMembersNotReady",
        fire: [ready(brk(1), 0)],
        labels: { namespace: NS, pod: brk(1), condition: "true" },
        quiet: [ready(brk(1), 1), ready("other-kafka-0", 0)],
    },
    {
        alert: "KafkaControllerMajorityDown",
        fire: [up(k(ctl(0)), 1), up(k(ctl(1)), 0), up(k(ctl(2)), 0)],
        labels: {},
        quiet: [up(k(ctl(0)), 1), up(k(ctl(1)), 1), up(k(ctl(2)), 0), up(k(brk(0)), 0), up(k(brk(1)), 0)],
    },
    {
        alert: "KafkaNoActiveController",
        fire: [active(0, 0), active(1, 0), active(2, 0)],
        labels: {},
        quiet: [active(0, 0), active(1, 1), active(2, 0)],
    },
    {
        alert: "KafkaNoActiveController",
        fire: [active(0, 1), active(1, 1), active(2, 0)],
        labels: {},
        quiet: [active(0, 1), active(1, 0), active(2, 0)],
    },
    {
        alert: "KafkaOfflinePartitions",
        fire: [[`kafka_controller_kafkacontroller_offlinepartitionscount{${k(ctl(0))}}`, 3]],
        labels: {},
        quiet: [[`kafka_controller_kafkacontroller_offlinepartitionscount{${k(ctl(0))}}`, 0]],
    },
    {
        alert: "KafkaUnderReplicatedPartitions",
        fire: [[`kafka_server_replicamanager_underreplicatedpartitions{${k(brk(0))}}`, 4]],
        labels: { namespace: NS, job: "events", pod: brk(0) },
        quiet: [[`kafka_server_replicamanager_underreplicatedpartitions{${k(brk(0))}}`, 0]],
    },
    {
        alert: "KafkaUnderMinIsrPartitions",
        fire: [[`kafka_server_replicamanager_underminisrpartitioncount{${k(brk(0))}}`, 1]],
        labels: { namespace: NS, job: "events", pod: brk(0) },
        quiet: [[`kafka_server_replicamanager_underminisrpartitioncount{${k(brk(0))}}`, 0]],
    },
    {
        alert: "KafkaMetricsDown",
        fire: [up(k(brk(2)), 0)],
        labels: { namespace: NS, job: "events", pod: brk(2) },
        quiet: [up(k(brk(2)), 1), up(k("events-entity-operator-x"), 0)],
    },
    {
        alert: "KafkaVolumeFillingUp",
        fire: volume(`data-0-${brk(0)}`, 85),
        labels: { namespace: NS, persistentvolumeclaim: `data-0-${brk(0)}` },
        quiet: volume(`data-0-${brk(0)}`, 50),
    },
    {
        alert: "KafkaVolumeAlmostFull",
        fire: volume(`data-0-${ctl(0)}`, 95),
        labels: { namespace: NS, persistentvolumeclaim: `data-0-${ctl(0)}` },
        quiet: volume(`data-0-${ctl(0)}`, 85),
    },
);

// TiDB: cluster db, pods db-pd-pd-<suffix>, db-tikv-tikv-<suffix>, db-tidb-tidb-<suffix>.
const pd = (s: string, job = "pd") => `namespace="ns",job="${job}",pod="db-${job}-${job}-${s}"`;
const status = (type: string, v: number): Series => [`pd_cluster_status{${pd("abc123")},type="${type}"}`, v];
const role = (s: string, v: number): Series => [`service_member_role{${pd(s)},service="PD"}`, v];
byName("tidb").push(
    {
        alert: "TiDBPDMajorityDown",
        fire: [up(pd("a"), 1), up(pd("b"), 0), up(pd("c"), 0)],
        labels: {},
        quiet: [up(pd("a"), 1), up(pd("b"), 1), up(pd("c"), 0)],
    },
    { alert: "TiDBPDNoLeader", fire: [role("a", 0), role("b", 0)], labels: {}, quiet: [role("a", 0), role("b", 1)] },
    { alert: "TiDBPDNoLeader", fire: [up(pd("a"), 1)], labels: { namespace: NS, job: "pd", service: "PD" }, quiet: [role("a", 1)] },
    {
        alert: "TiKVStoreDisconnected",
        fire: [status("store_disconnected_count", 1)],
        labels: {},
        quiet: [status("store_disconnected_count", 0)],
    },
    {
        alert: "TiKVStoreDown",
        fire: [status("store_down_count", 1)],
        labels: {},
        quiet: [status("store_down_count", 0), status("store_up_count", 3)],
    },
    { alert: "TiKVStoreLowSpace", fire: [status("store_low_space_count", 2)], labels: {}, quiet: [status("store_low_space_count", 0)] },
    {
        alert: "TiKVScaleInInProgress",
        fire: [status("store_offline_count", 1)],
        labels: {},
        quiet: [status("store_offline_count", 0), status("store_tombstone_count", 1)],
    },
    {
        alert: "TiDBRegionsMissingReplicas",
        fire: [[`pd_regions_status{${pd("abc123")},type="miss-peer-region-count"}`, 12]],
        labels: {},
        quiet: [
            [`pd_regions_status{${pd("abc123")},type="miss-peer-region-count"}`, 0],
            [`pd_regions_status{${pd("abc123")},type="extra-peer-region-count"}`, 5],
        ],
    },
    {
        alert: "TiDBMetricsDown",
        fire: [up(pd("q1w2e3", "tikv"), 0)],
        labels: { namespace: NS, job: "tikv", pod: "db-tikv-tikv-q1w2e3" },
        quiet: [up(pd("q1w2e3", "tikv"), 1)],
    },
    {
        alert: "TiDBVolumeAlmostFull",
        fire: volume("data-db-tikv-tikv-q1w2e3", 95),
        labels: { namespace: NS, persistentvolumeclaim: "data-db-tikv-tikv-q1w2e3" },
        quiet: volume("data-db-tidb-tidb-q1w2e3", 95),
    },
    {
        alert: "TiDBVolumeFillingUp",
        fire: volume("data-db-pd-pd-a1b2c3", 81),
        labels: { namespace: NS, persistentvolumeclaim: "data-db-pd-pd-a1b2c3" },
        quiet: volume("data-db-pd-pd-a1b2c3", 10),
    },
);
