/**
 * Redis's alerts, from the redis_exporter sidecar on every node (v1.77.0 metric names) and
 * kube-state-metrics. The sentinels have no exporter: that they disagree shows in the nodes' roles
 * (no master, or more than one, reported by `redis_instance_info{role}`), and that they can no longer
 * elect a master shows in their StatefulSet losing its majority.
 */
import { AlertGroup, Severity, selector, statefulSetRules, targetDownRule, volumeRules } from "../lib/alerts";

/** Where a Redis deployment's series are found. */
export interface RedisAlertScope {
    namespace: string;
    /** StatefulSet of the nodes. */
    statefulSet: string;
    /** StatefulSet of the sentinels. */
    sentinelStatefulSet: string;
    /** Service the ServiceMonitor selects (the exporters' `<name>-metrics`). */
    metricsService: string;
}

/** The rule group of one Redis deployment. */
export function redisAlerts(scope: RedisAlertScope): AlertGroup {
    const t = selector({ namespace: scope.namespace, service: scope.metricsService });
    const masters = `redis_instance_info${selector({ namespace: scope.namespace, service: scope.metricsService, role: "master" })}`;
    const desired = `kube_statefulset_replicas${selector({ namespace: scope.namespace, statefulset: scope.statefulSet })}`;
    const behind = `max by (namespace, pod) (redis_master_repl_offset${t}) - on (namespace, pod) group_right () redis_connected_slave_offset_bytes${t}`;
    return {
        name: `redis-${scope.statefulSet}`,
        rules: [
            ...statefulSetRules(
                { prefix: "Redis", members: "Redis nodes", namespace: scope.namespace, statefulSet: scope.statefulSet },
                undefined,
            ),
            ...statefulSetRules(
                { prefix: "RedisSentinel", members: "Redis sentinels", namespace: scope.namespace, statefulSet: scope.sentinelStatefulSet },
                "Sentinel failover",
            ).filter((r) => !r.alert.endsWith("ScaleInInProgress")),
            targetDownRule("Redis", "Redis exporter", `up${t}`),
            {
                alert: "RedisDown",
                expr: `redis_up${t} == 0`,
                for: "1m",
                severity: Severity.Critical,
                summary: "A Redis node does not answer its exporter.",
                description:
                    "The exporter beside the node in the alert's pod label cannot reach Redis for a minute. If it was the master, the sentinels fail over after down-after-milliseconds; watch RedisMasterMissing.",
                panel: { title: "Redis up, per node", expr: `redis_up${t}` },
            },
            {
                alert: "RedisMasterMissing",
                expr: `absent(${masters})`,
                for: "2m",
                severity: Severity.Critical,
                summary: "No Redis node reports the master role.",
                description:
                    "For 2 minutes no scraped node has been master: writes fail. The sentinels have not (yet) promoted a replica: check that a majority of sentinels is ready (RedisSentinelMajorityLost) and `SENTINEL get-master-addr-by-name` on one of them.",
                panel: { title: "Nodes per role", expr: `count by (role) (redis_instance_info${t})` },
            },
            {
                alert: "RedisMultipleMasters",
                expr: `count(${masters}) > 1`,
                for: "2m",
                severity: Severity.Critical,
                summary: "More than one Redis node reports the master role.",
                description:
                    "For 2 minutes two or more nodes have been master: the sentinels disagree (split brain) and clients may write to a master whose writes will be discarded. Ask each sentinel for the master (`SENTINEL get-master-addr-by-name`) and `SENTINEL RESET` the ones that disagree.",
                panel: { title: "Nodes per role", expr: `count by (role) (redis_instance_info${t})` },
            },
            {
                alert: "RedisMasterWithoutReplicas",
                expr: `redis_connected_slaves${t} == 0 and on (namespace, pod) ${masters} and on (namespace) ${desired} > 1`,
                for: "5m",
                severity: Severity.Critical,
                summary: "The Redis master has no connected replica.",
                description:
                    "The master in the alert's pod label has had no replica for 5 minutes although the StatefulSet has more than one node: losing the master now loses data and leaves nothing to fail over to. Look at the replicas' logs (authentication, full sync failing for lack of memory or disk).",
                panel: {
                    title: "Connected replicas of each master",
                    expr: `redis_connected_slaves${t} and on (namespace, pod) ${masters}`,
                },
            },
            {
                alert: "RedisReplicaLinkDown",
                expr: `redis_master_link_up${t} == 0`,
                for: "2m",
                severity: Severity.Warning,
                summary: "A Redis replica has lost its link to the master.",
                description:
                    "The replica in the alert's pod label has not been connected to its master for 2 minutes: it serves stale reads and is not a safe failover target. A long full sync or a network problem; check its log.",
                panel: { title: "Replica link up", expr: `redis_master_link_up${t}` },
            },
            {
                alert: "RedisReplicationLagging",
                expr: `redis_connected_slave_lag_seconds${t} > 30`,
                for: "2m",
                severity: Severity.Warning,
                summary: "A Redis replica has not acknowledged the master for more than 30 seconds.",
                description:
                    "The master in the alert's pod label has a replica (slave_ip label) whose last acknowledgement is over 30 seconds old: a failover now would lose those writes. The replica is overloaded or the network is congested.",
                panel: { title: "Replica lag (seconds since last ack)", expr: `redis_connected_slave_lag_seconds${t}` },
            },
            {
                alert: "RedisReplicationOffsetBehind",
                expr: `${behind} > 16777216`,
                for: "5m",
                severity: Severity.Warning,
                summary: "A Redis replica is more than 16 MiB of replication stream behind the master.",
                description:
                    "For 5 minutes the replica (slave_ip label) of the master in the pod label has been more than 16 MiB behind: it cannot keep up with the write rate, and falls back to a full sync once the backlog is exceeded.",
                panel: { title: "Replication offset behind the master (bytes)", expr: behind },
            },
            ...volumeRules("Redis", "Redis", scope.namespace, `data-${scope.statefulSet}-[0-9]+`),
        ],
    };
}
