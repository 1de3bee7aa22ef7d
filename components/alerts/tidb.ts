/**
 * TiDB's alerts, from PD's own metrics (the PD leader's view of the TiKV stores and regions, v8.5.2
 * names), Prometheus's `up` of the PodMonitors' targets and kubelet volume stats. tidb-operator v2 runs
 * the pods itself (no StatefulSets): members are matched by pod name, `<group>-<component>-<suffix>`.
 */
import { AlertGroup, Severity, selector, volumeRules } from "../lib/alerts";

/** Where a TiDB cluster's series are found. */
export interface TiDBAlertScope {
    namespace: string;
    /** Cluster name; the groups are `<cluster>-pd`, `<cluster>-tikv` and `<cluster>-tidb`. */
    cluster: string;
}

/** The rule group of one TiDB cluster. */
export function tidbAlerts(scope: TiDBAlertScope): AlertGroup {
    const ns = scope.namespace;
    const c = scope.cluster;
    const pd = (extra: Record<string, string> = {}) => selector({ namespace: ns, job: "pd", ...extra }, { pod: `${c}-pd-pd-.+` });
    const status = (type: string) => `max(pd_cluster_status${pd({ type })})`;
    const pdUp = `up${pd()}`;
    const leader = `service_member_role${pd({ service: "PD" })}`;
    const allUp = `up${selector({ namespace: ns }, { job: "pd|tikv|tidb", pod: `${c}-(pd-pd|tikv-tikv|tidb-tidb)-.+` })}`;
    const missPeer = `max(pd_regions_status${pd({ type: "miss-peer-region-count" })})`;
    return {
        name: `tidb-${c}`,
        rules: [
            {
                alert: "TiDBPDMajorityDown",
                expr: `count(${pdUp} == 1) * 2 <= count(${pdUp})`,
                for: "2m",
                severity: Severity.Critical,
                summary: "At most half of the PD members answer: PD has no quorum.",
                description:
                    "PD's embedded etcd needs a majority. Without it there is no timestamp oracle: every transaction in the cluster stops. Bring PD members back first; never delete their volumes.",
                panel: { title: "PD members up", expr: pdUp },
            },
            {
                alert: "TiDBPDNoLeader",
                expr: `sum(${leader}) < 1 or absent(${leader})`,
                for: "2m",
                severity: Severity.Critical,
                summary: "No PD member is the leader.",
                description:
                    "For 2 minutes no PD member has reported leadership (service_member_role): timestamps and region routing are unavailable, so transactions fail. Check the PD pods' logs for election problems.",
                panel: { title: "PD leader", expr: leader },
            },
            {
                alert: "TiKVStoreDisconnected",
                expr: `${status("store_disconnected_count")} > 0`,
                for: "5m",
                severity: Severity.Warning,
                summary: "PD has lost the heartbeat of a TiKV store.",
                description:
                    "A TiKV store has missed heartbeats for 5 minutes. Regions with a replica there run on the others; if it stays away for max-store-down-time (30 minutes by default) PD declares it down and starts re-replicating.",
                panel: { title: "TiKV stores by state", expr: `pd_cluster_status${pd()}` },
            },
            {
                alert: "TiKVStoreDown",
                expr: `${status("store_down_count")} > 0`,
                for: "1m",
                severity: Severity.Critical,
                summary: "PD has declared a TiKV store down.",
                description:
                    "A store has been gone for max-store-down-time: PD is re-creating its replicas on the other stores, which costs disk and bandwidth. If another store fails before that finishes, regions lose their majority. Bring the store back or replace it.",
                panel: { title: "TiKV stores by state", expr: `pd_cluster_status${pd()}` },
            },
            {
                alert: "TiKVStoreLowSpace",
                expr: `${status("store_low_space_count")} > 0`,
                for: "5m",
                severity: Severity.Warning,
                summary: "A TiKV store is low on space.",
                description: "PD stops placing regions on a store below its low-space ratio. Grow the TiKV volumes or add stores.",
                panel: { title: "TiKV stores by state", expr: `pd_cluster_status${pd()}` },
            },
            {
                alert: "TiDBRegionsMissingReplicas",
                expr: `${missPeer} > 0`,
                for: "10m",
                severity: Severity.Warning,
                summary: "Some regions have fewer replicas than max-replicas.",
                description:
                    "For 10 minutes PD has counted regions missing a peer: a store is down or being removed and replication has not caught up. Another failure may cost those regions their majority.",
                panel: { title: "Regions missing a replica", expr: missPeer },
            },
            {
                alert: "TiKVScaleInInProgress",
                expr: `${status("store_offline_count")} > 0`,
                for: "1m",
                severity: Severity.Info,
                summary: "A TiKV store is being removed.",
                description:
                    "PD is moving the regions off an offline store (a scale-in of the TiKV group). Expected after a replicas change; if it lasts for hours, the other stores lack space or the region count is large.",
                panel: { title: "TiKV stores by state", expr: `pd_cluster_status${pd()}` },
            },
            {
                alert: "TiDBMetricsDown",
                expr: `${allUp} == 0`,
                for: "5m",
                severity: Severity.Warning,
                summary: "Prometheus cannot scrape a PD, TiKV or TiDB member.",
                description:
                    "The pod in the alert's pod label has not answered a scrape for 5 minutes: the member is down or its status port is. The other TiDB alerts are blind for it.",
                panel: { title: "PD, TiKV and TiDB: targets up", expr: allUp },
            },
            ...volumeRules("TiDB", "PD and TiKV", ns, `data-${c}-(pd-pd|tikv-tikv)-.+`),
        ],
    };
}
