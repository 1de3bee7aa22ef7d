/** PodMonitors for the pods an operator creates (they have no Service of ours to put a ServiceMonitor on). */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OperatorMonitoringArgs } from "../types";

/** One PodMonitor endpoint: a container port (by name or number) and its path. */
export interface PodMetricsEndpoint {
    /** Name of the container port. */
    port?: string;
    /** Number of the container port, when its name is the operator's business. */
    portNumber?: number;
    /** HTTP path. */
    path: string;
}

/** What a PodMonitor selects and scrapes. */
export interface PodMonitorSpec {
    /** Name, namespace (also the only namespace it selects pods in) and labels of the PodMonitor. */
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    /** Labels of the pods to scrape. */
    selector: Record<string, string>;
    /** The endpoints scraped on every selected pod. */
    endpoints: PodMetricsEndpoint[];
    /** Extra PodMonitor labels and the scrape interval, already defaulted. */
    monitoring: Required<OperatorMonitoringArgs>;
    /** Pod label whose value becomes the `job` label of the scraped series. */
    jobLabel?: string;
}

/** Creates a `monitoring.coreos.com/v1` PodMonitor. */
export function createPodMonitor(
    resourceName: string,
    spec: PodMonitorSpec,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    const { metadata, monitoring } = spec;
    return new k8s.apiextensions.CustomResource(
        resourceName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { ...metadata, labels: { ...metadata.labels, ...monitoring.podMonitorLabels } },
            spec: {
                selector: { matchLabels: spec.selector },
                namespaceSelector: { matchNames: [metadata.namespace] },
                podMetricsEndpoints: spec.endpoints.map((e) => ({ ...e, interval: monitoring.interval })),
                ...(spec.jobLabel === undefined ? {} : { jobLabel: spec.jobLabel }),
            },
        },
        opts,
    );
}
