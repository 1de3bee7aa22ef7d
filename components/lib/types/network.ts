/** The ingress NetworkPolicy arguments every system takes. */

/**
 * An ingress NetworkPolicy for the members: peer ports from the other members only, client ports from
 * the listed namespaces (and, optionally, only from pods with given labels), the metrics port from the
 * monitoring namespace. Only ingress is restricted. Kubelet probes come from the node, which common
 * network plugins admit.
 */
export interface NetworkPolicyArgs {
    /**
     * Creates the NetworkPolicy.
     * @default false
     */
    enabled?: boolean;
    /**
     * Namespaces (by name) whose pods may use the client ports.
     * @default - the component's own namespace
     */
    clientNamespaces?: string[];
    /**
     * Labels a pod in those namespaces must carry to use the client ports.
     * @default - any pod
     */
    clientPodLabels?: { [key: string]: string };
    /**
     * Namespace (by name) of the Prometheus that scrapes the metrics port.
     * @default "monitoring"
     */
    monitoringNamespace?: string;
}
