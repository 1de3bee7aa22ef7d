/** Redis's ingress NetworkPolicies: one for the nodes, one for the sentinels. */
import * as pulumi from "@pulumi/pulumi";
import { createNetworkPolicy, namespacesPeer, ResolvedNetworkPolicy } from "../lib/network";
import { REDIS_PORTS } from "./args";

/**
 * Creates, when enabled, the nodes' policy (6379 from this Redis's pods and the clients, 9121 from the
 * monitoring namespace) and the sentinels' (26379 from this Redis's pods and the clients).
 */
export function createRedisNetworkPolicies(
    target: { name: string; namespace: string; np: ResolvedNetworkPolicy; backup: boolean },
    selectors: { nodes: Record<string, string>; sentinels: Record<string, string> },
    opts: pulumi.CustomResourceOptions,
): void {
    const { name, namespace, np, backup } = target;
    if (!np.enabled) return;
    // Every pod of this Redis (nodes, sentinels, the reset and backup Jobs) talks to every other on both ports.
    const own = {
        podSelector: {
            matchExpressions: [
                { key: "app.kubernetes.io/name", operator: "In", values: ["redis"] },
                {
                    key: "app.kubernetes.io/instance",
                    operator: "In",
                    values: [name, `${name}-sentinel`, `${name}-sentinel-reset`, ...(backup ? [`${name}-backup`] : [])],
                },
            ],
        },
    };
    const clients = namespacesPeer(np.clientNamespaces, np.clientPodLabels);
    const rule = (port: number, from: object[]) => ({ from, ports: [{ protocol: "TCP", port }] });
    createNetworkPolicy(
        `${name}-netpol`,
        { name, namespace },
        selectors.nodes,
        [rule(REDIS_PORTS.redis, [own, clients]), rule(REDIS_PORTS.metrics, [namespacesPeer([np.monitoringNamespace])])],
        opts,
    );
    createNetworkPolicy(
        `${name}-sentinel-netpol`,
        { name: `${name}-sentinel`, namespace },
        selectors.sentinels,
        [rule(REDIS_PORTS.sentinel, [own, clients])],
        opts,
    );
}
