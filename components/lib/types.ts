/**
 * Argument shapes shared by every component. They are interfaces of plain values so that Pulumi can
 * infer a schema for other languages (no unions, intersections or functions).
 */

/**
 * What happens to a member's claim when its StatefulSet is deleted or scaled in (the StatefulSet's
 * `persistentVolumeClaimRetentionPolicy`): kept, or deleted with the member.
 */
export const ClaimRetention = {
    /** The claim and its data stay; a later member with the same ordinal adopts it. */
    Retain: "Retain",
    /** The claim, and with the default reclaim policy its volume, is deleted. */
    Delete: "Delete",
} as const;
/** One of {@link ClaimRetention}'s values. */
export type ClaimRetention = (typeof ClaimRetention)[keyof typeof ClaimRetention];

/** Persistent storage for each member: one PersistentVolumeClaim per replica. */
export interface StorageArgs {
    /**
     * Requested size of each member's volume.
     * @default "10Gi"
     */
    size?: string;
    /**
     * StorageClass of the volumes. Changing it later replaces the StatefulSet (its claim templates are immutable).
     * @default - the cluster's default StorageClass
     */
    storageClassName?: string;
    /**
     * What happens to the claims when the StatefulSet is deleted: "Retain" or "Delete".
     * @default "Retain"
     */
    whenDeleted?: ClaimRetention;
    /**
     * What happens to the claims of members removed by a scale-in: "Retain" or "Delete".
     * @default "Retain"
     */
    whenScaled?: ClaimRetention;
}

/** CPU, memory and local (ephemeral) storage for the main container. */
export interface ResourcesArgs {
    /**
     * CPU request, for example "250m".
     * @default - the component's own default
     */
    cpuRequest?: string;
    /**
     * Memory request, for example "512Mi".
     * @default - the component's own default
     */
    memoryRequest?: string;
    /**
     * CPU limit. Leave unset to avoid CPU throttling.
     * @default - no CPU limit
     */
    cpuLimit?: string;
    /**
     * Memory limit.
     * @default - equal to the memory request
     */
    memoryLimit?: string;
    /**
     * Local storage request (`ephemeral-storage`): what the container may write outside its claims,
     * its scratch `emptyDir`s and its log included. The scheduler places members where it fits, and
     * a node short of disk evicts the pods above their request first.
     * @default - 64Mi for the container's log plus the `sizeLimit` of every disk-backed `emptyDir` of the pod
     */
    ephemeralStorageRequest?: string;
    /**
     * Local storage limit (`ephemeral-storage`): the kubelet evicts the pod above it. Logs count, so a
     * limit close to the request evicts a chatty member.
     * @default - no limit (each `emptyDir` is capped by its own `sizeLimit`)
     */
    ephemeralStorageLimit?: string;
}

/**
 * Alert rules and a dashboard for the system, shared by every component's monitoring args: a
 * `monitoring.coreos.com/v1` PrometheusRule (see docs/monitoring.md for each alert) and a Grafana
 * dashboard ConfigMap.
 */
export interface AlertingArgs {
    /**
     * Creates a `monitoring.coreos.com/v1` PrometheusRule with the system's alerts (needs the Prometheus
     * Operator CRDs, kube-state-metrics and the kubelet's volume metrics in the same Prometheus).
     * @default true when the ServiceMonitor (or PodMonitors) is created, false otherwise
     */
    alertRules?: boolean;
    /**
     * Labels added to the PrometheusRule so that a Prometheus's `ruleSelector` picks it up, for example
     * `{ release: "kube-prometheus-stack" }`.
     * @default {}
     */
    alertRuleLabels?: { [key: string]: string };
    /**
     * Creates a ConfigMap with a Grafana dashboard for the system, labelled `grafana_dashboard: "1"`
     * for Grafana's dashboard sidecar.
     * @default false
     */
    dashboard?: boolean;
}

/** Prometheus wiring. */
export interface MonitoringArgs extends AlertingArgs {
    /**
     * Adds `prometheus.io/scrape`, `prometheus.io/port` and `prometheus.io/path` annotations to the pods.
     * @default true
     */
    scrapeAnnotations?: boolean;
    /**
     * Creates a `monitoring.coreos.com/v1` ServiceMonitor for the client Service (needs the Prometheus Operator CRDs).
     * @default false
     */
    serviceMonitor?: boolean;
    /**
     * Labels added to the ServiceMonitor so that a Prometheus's `serviceMonitorSelector` picks it up,
     * for example `{ release: "kube-prometheus-stack" }`.
     * @default {}
     */
    serviceMonitorLabels?: { [key: string]: string };
    /**
     * Scrape interval of the ServiceMonitor.
     * @default "30s"
     */
    interval?: string;
}

/** Where the members may run. */
export interface SchedulingArgs {
    /**
     * Requires members to run on different nodes (hard pod anti-affinity on `kubernetes.io/hostname`).
     * When false, spreading is preferred but not required.
     * @default false
     */
    requireAntiAffinity?: boolean;
    /**
     * How many members a voluntary disruption (a node drain) may take down at once. Must leave a quorum.
     * @default 1
     */
    maxUnavailable?: number;
    /**
     * Labels a node must carry for the members to run there (the pod's `nodeSelector`).
     * @default {}
     */
    nodeSelector?: { [key: string]: string };
    /**
     * Taints the members tolerate (the pod's `tolerations`), for example to run on dedicated nodes.
     * @default []
     */
    tolerations?: TolerationArgs[];
}

/** A pod toleration: the taint (key, value, effect) it matches and how. */
export interface TolerationArgs {
    /** Taint key; empty with operator "Exists" tolerates every taint. */
    key?: string;
    /**
     * "Equal" (the taint's value must equal `value`) or "Exists" (any value).
     * @default "Equal"
     */
    operator?: string;
    /** Taint value, with operator "Equal". */
    value?: string;
    /**
     * "NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches every effect.
     * @default - every effect
     */
    effect?: string;
    /** With effect "NoExecute": how long the pod stays bound after the taint appears. */
    tolerationSeconds?: number;
}

/** A HorizontalPodAutoscaler on CPU utilisation. Setting it hands `replicas` to the autoscaler. */
export interface AutoscalingArgs {
    /**
     * Fewest members the autoscaler may leave. Must respect the system's own floor (for example the
     * replication factor), and is never below 2.
     */
    minReplicas: number;
    /** Most members the autoscaler may create. */
    maxReplicas: number;
    /**
     * Average CPU utilisation (percent of the CPU request) the autoscaler aims for.
     * @default 70
     */
    targetCPUUtilizationPercentage?: number;
    /**
     * Seconds the autoscaler waits, after load drops, before removing members.
     * @default 300 (900 for Kafka brokers, whose removal moves partitions)
     */
    scaleDownStabilizationSeconds?: number;
}

/** Prometheus wiring for systems whose pods an operator creates: PodMonitors rather than ServiceMonitors. */
export interface OperatorMonitoringArgs extends AlertingArgs {
    /**
     * Creates `monitoring.coreos.com/v1` PodMonitors for the system's pods (needs the Prometheus Operator CRDs).
     * @default false
     */
    podMonitor?: boolean;
    /**
     * Labels added to the PodMonitors so that a Prometheus's `podMonitorSelector` picks them up.
     * @default {}
     */
    podMonitorLabels?: { [key: string]: string };
    /**
     * Scrape interval of the PodMonitors.
     * @default "30s"
     */
    interval?: string;
}

/** Installing the operator a component's custom resources need. */
export interface OperatorInstallArgs {
    /**
     * Installs the operator from its official Helm chart and makes every custom resource depend on it.
     * Leave off when the cluster already runs the operator.
     * @default false
     */
    installOperator?: boolean;
    /**
     * Namespace the operator is installed into (created by the chart's release).
     * @default - the component's own default
     */
    operatorNamespace?: string;
    /**
     * Version of the operator's chart, pinned.
     * @default - the component's own default
     */
    operatorVersion?: string;
}

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

/**
 * Arguments every system takes, with the same names and meaning in all six components. Each
 * component's Args extend it (or one of the families below) and add their own.
 */
export interface StatefulSystemArgs {
    /**
     * Namespace of every object the component creates. It must already exist (and, for a system an
     * operator runs, be watched by that operator).
     * @default "default"
     */
    namespace?: string;
    /**
     * Cluster DNS domain of the in-cluster names the component derives: its members' stable names and
     * the endpoints it outputs.
     * @default "cluster.local"
     */
    clusterDomain?: string;
    /**
     * Scales the system's `replicas` with a HorizontalPodAutoscaler on CPU: Pulumi sets the count at
     * creation only and leaves it to the autoscaler afterwards. What scales and the floor it must respect
     * are the system's own (see its `replicas`).
     * @default - not autoscaled
     */
    autoscaling?: AutoscalingArgs;
}

/** Arguments of the systems whose members can be placed: anti-affinity, disruption budget, nodes. */
export interface PlacedSystemArgs {
    /**
     * Anti-affinity, disruption budget, node selector and tolerations of the members.
     * @default { requireAntiAffinity: false, maxUnavailable: 1 }
     */
    scheduling?: SchedulingArgs;
}

/** Arguments of the systems built on the StatefulSet building block (Eureka, Nacos, RabbitMQ, Redis). */
export interface StatefulSetSystemArgs extends StatefulSystemArgs, PlacedSystemArgs {
    /**
     * Image of the main container, pinned (a tag or a digest, never `latest`).
     * @default - the system's pinned image
     */
    image?: string;
    /**
     * CPU and memory of each member's main container.
     * @default - the system's own requests; the memory limit equals the memory request
     */
    resources?: ResourcesArgs;
    /**
     * Prometheus wiring: scrape annotations on the pods, and on request a ServiceMonitor.
     * @default { scrapeAnnotations: true, serviceMonitor: false }
     */
    monitoring?: MonitoringArgs;
    /**
     * An ingress NetworkPolicy: peer ports from the other members, client ports from `clientNamespaces`
     * (default: this namespace), the metrics port from `monitoringNamespace`. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
}

/** Arguments of the StatefulSet systems that keep data on volumes (Nacos, RabbitMQ, Redis). */
export interface PersistentSystemArgs extends StatefulSetSystemArgs {
    /**
     * Each member's PersistentVolumeClaim; the claims are retained when the StatefulSet is deleted or scaled in.
     * @default { size: "10Gi", whenDeleted: "Retain", whenScaled: "Retain" }
     */
    storage?: StorageArgs;
}

/** Arguments of the systems whose custom resources an operator runs (Kafka, TiDB). */
export interface OperatorSystemArgs extends StatefulSystemArgs, OperatorInstallArgs {
    /**
     * PodMonitors for the system's pods (every component that serves metrics).
     * @default { podMonitor: false }
     */
    monitoring?: OperatorMonitoringArgs;
}
