/** Installing the operator a component's custom resources need, from its official Helm chart. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependingOn } from "../options";

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

/**
 * Installs an operator for a component's custom resources: the CRDs published at `crdsUrl` first, when
 * its chart leaves them out (Pulumi names `<resourceName>-crds`), then the chart as release
 * `releaseName`. Returns `opts` depending on the installation, for every custom resource the operator runs.
 */
export function installOperator(
    resourceName: string,
    releaseName: string,
    chart: OperatorChart,
    crdsUrl: string | undefined,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
    const crds = crdsUrl === undefined ? [] : [new k8s.yaml.v2.ConfigFile(`${resourceName}-crds`, { file: crdsUrl }, opts)];
    const operator = installOperatorChart(resourceName, releaseName, chart, crds.length === 0 ? opts : dependingOn(opts, crds));
    return dependingOn(opts, [...crds, operator]);
}
