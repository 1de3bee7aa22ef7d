/** The PD, TiKV and TiDB groups of a tidb-operator v2 `Cluster` (`core.pingcap.com/v1alpha1`). */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "../lib/contract";
import { ResolvedVolume } from "../lib/operator/args";
import { autoscaledOptions, dependingOn } from "../lib/options";
import { ResourcesArgs } from "../lib/types";

/** The cluster the groups belong to. */
export interface TiDBClusterRef {
    /** Component name: the groups are `<name>-pd`, `<name>-tikv` and `<name>-tidb`. */
    name: string;
    /** Namespace of the cluster and its groups. */
    namespace: string;
    /** Labels of every object. */
    labels: Record<string, string>;
    /** TiDB version of every group. */
    version: string;
    /** The `Cluster` the groups reference (and wait for). */
    cluster: k8s.apiextensions.CustomResource;
}

/** One group: its kind, size, resources, configuration and data volume. */
export interface TiDBGroupSpec {
    /** The group's kind. */
    kind: "PDGroup" | "TiKVGroup" | "TiDBGroup";
    /** The component, the suffix of the group's name. */
    component: "pd" | "tikv" | "tidb";
    /** Number of instances. */
    replicas: number;
    /** CPU and memory of each instance (defaulted). */
    resources: ResourcesArgs;
    /** The component's TOML configuration. */
    config: string;
    /** The data volume; none for the stateless SQL layer. */
    storage?: ResolvedVolume;
    /** Whether an autoscaler owns `replicas`. */
    autoscaled: boolean;
    /** Resources the group waits for besides the cluster (a restore, before the SQL layer). */
    after?: pulumi.Resource[];
}

/** tidb-operator v2 takes a quantity per resource (`cpu`, `memory`), used as request and limit. */
export function groupResources(r: ResourcesArgs): { cpu?: string; memory?: string } {
    return { cpu: r.cpuLimit ?? r.cpuRequest, memory: r.memoryLimit ?? r.memoryRequest };
}

/** Creates the group `<name>-<component>` of the cluster, after the cluster (and `g.after`). */
export function createTiDBGroup(c: TiDBClusterRef, g: TiDBGroupSpec, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        `${c.name}-${g.component}`,
        {
            apiVersion: "core.pingcap.com/v1alpha1",
            kind: g.kind,
            metadata: { name: `${c.name}-${g.component}`, namespace: c.namespace, labels: c.labels },
            spec: {
                cluster: { name: c.cluster.metadata.name },
                replicas: g.replicas,
                template: {
                    metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value } },
                    spec: {
                        version: c.version,
                        resources: groupResources(g.resources),
                        config: g.config,
                        volumes:
                            g.storage === undefined
                                ? undefined
                                : [
                                      {
                                          name: "data",
                                          mounts: [{ type: "data" }],
                                          storage: g.storage.size,
                                          storageClassName: g.storage.storageClassName,
                                      },
                                  ],
                    },
                },
            },
        },
        autoscaledOptions(dependingOn(opts, [c.cluster, ...(g.after ?? [])]), g.autoscaled),
    );
}
