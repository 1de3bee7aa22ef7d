/** The NetworkPolicy rules of a TiDB cluster's pods, from tidb-operator v2's labels and ports. */
import * as k8s from "@pulumi/kubernetes";
import { namespacesPeer, ResolvedNetworkPolicy } from "../lib/network";
import { TIDB_PORTS } from "./operator";

/**
 * The pods of the BR Jobs tidb-operator v2 runs for `Backup` and `Restore` resources
 * (`api/meta/v1alpha1/label.go` `NewBackup`, `NewRestore`).
 */
export const BR_JOB_PODS = {
    matchLabels: { "pingcap.com/managed-by": "tidb-operator" },
    matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["backup", "restore"] }],
};

/**
 * The ingress rules of a TiDB cluster's pods (all selected by `pingcap.com/cluster`): every port from
 * the cluster's own pods, PD's client port and the status ports from the operator's namespace (and
 * from the monitoring namespace when `scraped`), PD's client port from the pods labelled `jobLabels`,
 * the SQL port from the clients, and (with `brJobs`) PD and TiKV from BR's backup and restore Jobs.
 */
export function tidbNetworkPolicyIngress(
    cluster: string,
    operatorNamespace: string,
    jobLabels: Record<string, string>,
    np: ResolvedNetworkPolicy,
    scraped: boolean,
    brJobs = false,
): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
    const p = TIDB_PORTS;
    const apis = tcp(p.pdClient, p.tikvStatus, p.tidbStatus);
    return [
        {
            from: [{ podSelector: { matchLabels: { "pingcap.com/cluster": cluster } } }],
            ports: tcp(p.pdClient, p.pdPeer, p.tikvClient, p.tikvStatus, p.tidbClient, p.tidbStatus),
        },
        { from: [namespacesPeer([operatorNamespace])], ports: apis },
        { from: [{ podSelector: { matchLabels: jobLabels } }], ports: tcp(p.pdClient) },
        { from: [namespacesPeer(np.clientNamespaces, np.clientPodLabels)], ports: tcp(p.tidbClient) },
        ...(scraped ? [{ from: [namespacesPeer([np.monitoringNamespace])], ports: apis }] : []),
        // BR's backup and restore Jobs, which tidb-operator creates for Backup and Restore resources, read
        // and write PD and TiKV like the cluster's own pods.
        ...(brJobs ? [{ from: [{ podSelector: BR_JOB_PODS }], ports: tcp(p.pdClient, p.tikvClient, p.tikvStatus, p.tidbStatus) }] : []),
    ];
}
