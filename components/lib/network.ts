/**
 * Ingress NetworkPolicies for the StatefulSet-based components, derived from the same port list the
 * Services are built from: peer ports between members, client ports from chosen namespaces, the metrics
 * port from the monitoring namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NetworkPolicyArgs } from "./types";
import { ArgProblem, checkBoolean, checkDnsLabel, checkStringMap } from "./validation";
import { PortSpec } from "./statefulset/spec";

/** Defaults of {@link NetworkPolicyArgs} (the client namespaces default to the component's own). */
export const NETWORK_POLICY_DEFAULTS = { enabled: false, monitoringNamespace: "monitoring" } as const;

/** Keys of {@link NetworkPolicyArgs}, for stack-config key checks. */
export const NETWORK_POLICY_KEYS = ["enabled", "clientNamespaces", "clientPodLabels", "monitoringNamespace"] as const;

/** {@link NetworkPolicyArgs} with every default applied. */
export interface ResolvedNetworkPolicy {
    enabled: boolean;
    clientNamespaces: string[];
    clientPodLabels?: Record<string, string>;
    monitoringNamespace: string;
}

/** Validates `networkPolicy` at `path`. */
export function validateNetworkPolicyArgs(problems: ArgProblem[], path: string, args: NetworkPolicyArgs | undefined): void {
    if (args === undefined) return;
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
        problems.push({ path, value: args, allowed: "an object { enabled, clientNamespaces, clientPodLabels, monitoringNamespace }" });
        return;
    }
    checkBoolean(problems, `${path}.enabled`, args.enabled);
    if (args.clientNamespaces !== undefined) {
        if (!Array.isArray(args.clientNamespaces) || args.clientNamespaces.length === 0) {
            problems.push({
                path: `${path}.clientNamespaces`,
                value: args.clientNamespaces,
                allowed: "a non-empty list of namespace names (leave it out for the component's own namespace)",
            });
        } else {
            args.clientNamespaces.forEach((ns, i) => checkDnsLabel(problems, `${path}.clientNamespaces[${i}]`, ns));
        }
    }
    checkStringMap(problems, `${path}.clientPodLabels`, args.clientPodLabels);
    if (args.monitoringNamespace !== undefined) checkDnsLabel(problems, `${path}.monitoringNamespace`, args.monitoringNamespace);
}

/** Applies the defaults; the client namespaces default to `namespace`. */
export function resolveNetworkPolicy(args: NetworkPolicyArgs | undefined, namespace: string): ResolvedNetworkPolicy {
    return {
        enabled: args?.enabled ?? NETWORK_POLICY_DEFAULTS.enabled,
        clientNamespaces: args?.clientNamespaces ?? [namespace],
        clientPodLabels: args?.clientPodLabels,
        monitoringNamespace: args?.monitoringNamespace ?? NETWORK_POLICY_DEFAULTS.monitoringNamespace,
    };
}

/** A NetworkPolicy peer: pods in the named namespaces (by the `kubernetes.io/metadata.name` label), optionally only those with `podLabels`. */
export function namespacesPeer(namespaces: string[], podLabels?: Record<string, string>): k8s.types.input.networking.v1.NetworkPolicyPeer {
    return {
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }] },
        ...(podLabels === undefined ? {} : { podSelector: { matchLabels: podLabels } }),
    };
}

const tcp = (ports: number[]) => [...new Set(ports)].map((port) => ({ protocol: "TCP", port }));

/**
 * The ingress rules of a component's pods: `ports` marked `peer` from pods matching `selector`, ports
 * marked `client` (except the metrics port) from the client namespaces, the metrics port (when scraped)
 * from the monitoring namespace, then `extra` rules.
 */
export function networkPolicyIngress(
    selector: Record<string, string>,
    ports: PortSpec[],
    metricsPort: number | undefined,
    np: ResolvedNetworkPolicy,
    extra: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [],
): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const rules: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
    const peer = ports.filter((p) => p.peer).map((p) => p.port);
    if (peer.length > 0) rules.push({ from: [{ podSelector: { matchLabels: selector } }], ports: tcp(peer) });
    const client = ports.filter((p) => p.client && p.port !== metricsPort).map((p) => p.port);
    if (client.length > 0) rules.push({ from: [namespacesPeer(np.clientNamespaces, np.clientPodLabels)], ports: tcp(client) });
    if (metricsPort !== undefined) rules.push({ from: [namespacesPeer([np.monitoringNamespace])], ports: tcp([metricsPort]) });
    return [...rules, ...extra];
}

/** Creates the `networking.k8s.io/v1` NetworkPolicy `<metadata.name>` selecting `selector`, with `ingress`. */
export function createNetworkPolicy(
    resourceName: string,
    metadata: { name: string; namespace: string; labels?: Record<string, string> },
    selector: Record<string, string>,
    ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[],
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        resourceName,
        { metadata, spec: { podSelector: { matchLabels: selector }, policyTypes: ["Ingress"], ingress } },
        opts,
    );
}
