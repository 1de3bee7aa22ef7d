/**
 * What every StatefulSet-based component does the same way around its workload ({@link Workload}): the
 * spec fields its resolved arguments decide, the NetworkPolicy, alert rules and dashboard beside the
 * members, and the outputs every such component declares.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertGroup } from "../alerts";
import { createAlertsAndDashboard } from "../dashboards";
import { createNetworkPolicy, ResolvedNetworkPolicy } from "../network";
import { SharedResolvedArgs } from "./args";
import { Workload, WorkloadSpec } from "./spec";

/** The fields of a {@link WorkloadSpec} that the shared arguments decide. */
export type SharedWorkloadSpec = Pick<
    WorkloadSpec,
    "system" | "namespace" | "clusterDomain" | "replicas" | "image" | "resources" | "scheduling"
>;

/** The {@link WorkloadSpec} fields of system `system` (`app.kubernetes.io/name`) that its resolved arguments decide. */
export function sharedWorkloadSpec(system: string, args: SharedResolvedArgs): SharedWorkloadSpec {
    return {
        system,
        namespace: args.namespace,
        clusterDomain: args.clusterDomain,
        replicas: args.replicas,
        image: args.image,
        resources: args.resources,
        scheduling: args.scheduling,
    };
}

/** What a component adds beside its members: a NetworkPolicy's rules, alert rules and a dashboard. */
export interface WorkloadExtrasSpec {
    /** Title of the dashboard, the system's name as people write it (for example "RabbitMQ"). */
    title: string;
    /** The system's alert rules. */
    alerts: AlertGroup;
    /** The members' ingress rules under the resolved `networkPolicy` (asked for only when it is enabled). */
    ingress(np: ResolvedNetworkPolicy): k8s.types.input.networking.v1.NetworkPolicyIngressRule[];
}

/**
 * Creates, beside the members of `workload`, the NetworkPolicy `<name>` (when `networkPolicy.enabled`), then
 * as `monitoring` requests the PrometheusRule `<name>-alerts` and the dashboard ConfigMap `<name>-dashboard`.
 */
export function createWorkloadExtras(
    name: string,
    workload: Workload,
    args: Pick<SharedResolvedArgs, "monitoring" | "networkPolicy">,
    extras: WorkloadExtrasSpec,
    opts: pulumi.CustomResourceOptions,
): void {
    const metadata = { name, namespace: workload.names.namespace };
    if (args.networkPolicy.enabled) {
        createNetworkPolicy(`${name}-netpol`, metadata, workload.selectorLabels, extras.ingress(args.networkPolicy), opts);
    }
    createAlertsAndDashboard(name, { ...metadata, labels: workload.selectorLabels }, extras.title, extras.alerts, args.monitoring, opts);
}

/**
 * The outputs every StatefulSet component declares: the StatefulSet, its name, the names of its headless
 * and client Services, and the members' DNS names. Each class declares and documents them itself (the
 * schema analyzer reads only a class's own members); tests/package-schema.test.ts keeps those
 * declarations identical.
 */
export interface StatefulSetOutputs {
    statefulSetName: pulumi.Output<string>;
    headlessServiceName: pulumi.Output<string>;
    clientServiceName: pulumi.Output<string>;
    memberDnsNames: pulumi.Output<string[]>;
    statefulSet: k8s.apps.v1.StatefulSet;
}

/** The {@link StatefulSetOutputs} of `workload`, whose members are `members` (by default its replicas). */
export function statefulSetOutputs(workload: Workload, members: string[] = workload.names.members): StatefulSetOutputs {
    return {
        statefulSetName: workload.statefulSet.metadata.name,
        headlessServiceName: workload.headlessService.metadata.name,
        clientServiceName: workload.clientService.metadata.name,
        memberDnsNames: pulumi.output(members),
        statefulSet: workload.statefulSet,
    };
}
