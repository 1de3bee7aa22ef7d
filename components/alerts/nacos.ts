/**
 * Nacos's alerts: the members (kube-state-metrics), the JRaft majority its embedded storage and
 * persistent naming data need, JRaft read-index failures reported by Nacos itself, and the volumes.
 */
import { AlertGroup, Severity, selector, statefulSetRules, targetDownRule, volumeRules } from "../lib/alerts";

/** Where a Nacos cluster's series are found. */
export interface NacosAlertScope {
    namespace: string;
    /** StatefulSet name (also the client Service the ServiceMonitor selects). */
    statefulSet: string;
}

/** The rule group of one Nacos cluster. */
export function nacosAlerts(scope: NacosAlertScope): AlertGroup {
    const target = { namespace: scope.namespace, service: scope.statefulSet };
    const readIndexFailed = `nacos_monitor_summary_count${selector({ ...target, module: "core", name: "raft_read_index_failed" })}`;
    return {
        name: `nacos-${scope.statefulSet}`,
        rules: [
            ...statefulSetRules({ prefix: "Nacos", members: "Nacos members", ...scope }, "JRaft"),
            targetDownRule("Nacos", "Nacos", `up${selector(target)}`),
            {
                alert: "NacosRaftReadIndexFailing",
                expr: `increase(${readIndexFailed}[5m]) > 0`,
                for: "5m",
                severity: Severity.Critical,
                summary: "A Nacos member keeps failing JRaft read-index requests.",
                description:
                    "The member in the alert's pod label could not confirm JRaft leadership for its reads for 5 minutes: the Raft group has no leader or this member is cut off from it. Check that a majority of members is ready and that they reach each other on port 7848.",
                panel: { title: "JRaft read-index failures (per 5m)", expr: `increase(${readIndexFailed}[5m])` },
            },
            ...volumeRules("Nacos", "Nacos", scope.namespace, `data-${scope.statefulSet}-[0-9]+`),
        ],
    };
}
