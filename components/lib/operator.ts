/**
 * Shared pieces of the operator-backed components (Kafka on Strimzi, TiDB on tidb-operator): the
 * optional operator install, PodMonitors, and the checks of their monitoring and install args.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ALERTING_DEFAULTS, ALERTING_KEYS, checkAlertingArgs, resolveAlerting } from "./alerts";
import { OperatorInstallArgs, OperatorMonitoringArgs } from "./types";
import { ArgProblem, checkBoolean, checkDnsLabel, checkDuration, checkGroup, checkStringMap } from "./validation";

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

/** A Helm chart that installs an operator. */
export interface OperatorChart {
    /** Chart name (or full `oci://` reference). */
    chart: string;
    /** Chart repository URL; omitted for OCI references. */
    repo?: string;
    /** Pinned chart version. */
    version: string;
    /** Namespace of the release (created). */
    namespace: string;
    /** Chart values. */
    values: Record<string, unknown>;
}

/** Installs an operator's chart as a Helm release named `releaseName` (Pulumi name `${resourceName}`). */
export function installOperatorChart(
    resourceName: string,
    releaseName: string,
    chart: OperatorChart,
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        resourceName,
        {
            name: releaseName,
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: chart.repo === undefined ? undefined : { repo: chart.repo },
            namespace: chart.namespace,
            createNamespace: true,
            // Wait for the operator to be ready, so that custom resources are accepted and reconciled.
            atomic: true,
            values: chart.values,
        },
        opts,
    );
}

/** One PodMonitor endpoint: a container port (by name or number) and its path. */
export interface PodMetricsEndpoint {
    /** Name of the container port. */
    port?: string;
    /** Number of the container port, when its name is the operator's business. */
    portNumber?: number;
    /** HTTP path. */
    path: string;
}

/** Creates a `monitoring.coreos.com/v1` PodMonitor named `name` in `namespace`. */
export function createPodMonitor(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    selector: Record<string, string>,
    endpoints: PodMetricsEndpoint[],
    monitoring: Required<OperatorMonitoringArgs>,
    extra: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        resourceName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { ...metadata, labels: { ...metadata.labels, ...monitoring.podMonitorLabels } },
            spec: {
                selector: { matchLabels: selector },
                namespaceSelector: { matchNames: [metadata.namespace] },
                podMetricsEndpoints: endpoints.map((e) => ({ ...e, interval: monitoring.interval })),
                ...extra,
            },
        },
        opts,
    );
}
