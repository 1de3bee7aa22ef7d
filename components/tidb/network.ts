/** The NetworkPolicy rules of a TiDB cluster's pods, from tidb-operator v2's labels and ports. */
import * as k8s from "@pulumi/kubernetes";
import { namespacesPeer, ResolvedNetworkPolicy } from "../lib/network";
import { TIDB_PORTS } from "./args";

/**
 * The ingress rules of a TiDB cluster's pods (all selected by `pingcap.com/cluster`): every port from
 * the cluster's own pods, PD's client port and the status ports from the operator's namespace (and
 * from the monitoring namespace when `scraped`), PD's client port from the pods labelled `jobLabels`,
 * and the SQL port from the clients.
 */
export function tidbNetworkPolicyIngress(
    cluster: string,
    operatorNamespace: string,
    jobLabels: Record<string, string>,
    np: ResolvedNetworkPolicy,
    scraped: boolean,
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
    ];
}
