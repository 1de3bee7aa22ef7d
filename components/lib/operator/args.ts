/** The monitoring and operator-install arguments of the operator-backed components: defaults and validation. */
import { ALERTING_DEFAULTS, ALERTING_KEYS, checkAlertingArgs, resolveAlerting } from "../alerts";
import { ResolvedNetworkPolicy, resolveNetworkPolicy } from "../network";
import { NetworkPolicyArgs, OperatorInstallArgs, OperatorMonitoringArgs } from "../types";
import { ArgProblem, checkBoolean, checkDnsLabel, checkDuration, checkGroup, checkStringMap } from "../validation";

/** Defaults of {@link OperatorMonitoringArgs}. */
export const OPERATOR_MONITORING_DEFAULTS: Required<OperatorMonitoringArgs> = {
    podMonitor: false,
    podMonitorLabels: {},
    interval: "30s",
    ...ALERTING_DEFAULTS,
};

/** Merges monitoring args over the defaults. */
export function resolveOperatorMonitoring(args: OperatorMonitoringArgs | undefined): Required<OperatorMonitoringArgs> {
    return {
        podMonitor: args?.podMonitor ?? OPERATOR_MONITORING_DEFAULTS.podMonitor,
        podMonitorLabels: args?.podMonitorLabels ?? OPERATOR_MONITORING_DEFAULTS.podMonitorLabels,
        interval: args?.interval ?? OPERATOR_MONITORING_DEFAULTS.interval,
        ...resolveAlerting(args, args?.podMonitor ?? OPERATOR_MONITORING_DEFAULTS.podMonitor),
    };
}

/** Validates the monitoring and operator-install args shared by the operator-backed components. */
export function validateOperatorArgs(problems: ArgProblem[], args: { monitoring?: OperatorMonitoringArgs } & OperatorInstallArgs): void {
    checkGroup(problems, "monitoring", args.monitoring, ["podMonitor", "podMonitorLabels", "interval", ...ALERTING_KEYS]);
    checkAlertingArgs(problems, args.monitoring);
    checkBoolean(problems, "monitoring.podMonitor", args.monitoring?.podMonitor);
    checkStringMap(problems, "monitoring.podMonitorLabels", args.monitoring?.podMonitorLabels);
    checkDuration(problems, "monitoring.interval", args.monitoring?.interval);
    checkBoolean(problems, "installOperator", args.installOperator);
    if (args.operatorNamespace !== undefined) checkDnsLabel(problems, "operatorNamespace", args.operatorNamespace);
    const version = args.operatorVersion;
    if (version !== undefined && (typeof version !== "string" || !/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(version))) {
        problems.push({ path: "operatorVersion", value: args.operatorVersion, allowed: 'a pinned chart version such as "1.2.0"' });
    }
}

/** The size and StorageClass of the volumes an operator gives a group of nodes. */
export interface VolumeArgs {
    /** Size of each node's volume. */
    size?: string;
    /** StorageClass of the volumes; the cluster's default when unset. */
    storageClassName?: string;
}

/** {@link VolumeArgs} with the size defaulted. */
export interface ResolvedVolume extends VolumeArgs {
    /** Size of each node's volume. */
    size: string;
}

/** The volume args with `defaultSize` when no size is set. */
export function resolveVolume(args: VolumeArgs | undefined, defaultSize: string): ResolvedVolume {
    return { size: args?.size ?? defaultSize, storageClassName: args?.storageClassName };
}

/** The groups every operator-run system resolves alike. */
export interface ResolvedOperatorGroups {
    /** PodMonitors, alert rules and dashboard. */
    monitoring: Required<OperatorMonitoringArgs>;
    /** The network policy, its client namespaces defaulting to the system's namespace. */
    networkPolicy: ResolvedNetworkPolicy;
}

/** Resolves the monitoring and network policy of an operator-run system in `namespace`. */
export function resolveOperatorGroups(
    args: { monitoring?: OperatorMonitoringArgs; networkPolicy?: NetworkPolicyArgs },
    namespace: string,
): ResolvedOperatorGroups {
    return { monitoring: resolveOperatorMonitoring(args.monitoring), networkPolicy: resolveNetworkPolicy(args.networkPolicy, namespace) };
}
