/** The node pools of a Strimzi Kafka cluster (`KafkaNodePool`, `kafka.strimzi.io/v1`): controllers and brokers. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedVolume } from "../lib/operator/args";
import { autoscaledOptions } from "../lib/options";
import { podAntiAffinity, podPlacement } from "../lib/pod";
import { resourceRequirements } from "../lib/resources";
import { ResourcesArgs, SchedulingArgs } from "../lib/types";

/** The cluster the pools belong to. */
export interface KafkaClusterRef {
    /** Cluster name: the pools are `<name>-<role>`. */
    name: string;
    /** Namespace of the cluster and its pools. */
    namespace: string;
    /** Labels of every object (the `strimzi.io/cluster` label included). */
    labels: Record<string, string>;
    /** Where the nodes run (defaulted). */
    scheduling: Required<SchedulingArgs>;
}

/** One pool: its role, size, volume and resources. */
export interface KafkaPoolSpec {
    /** The nodes' role, also the suffix of the pool's name. */
    role: "broker" | "controller";
    /** Number of nodes. */
    replicas: number;
    /** Each node's volume. */
    storage: ResolvedVolume;
    /** CPU and memory of each node (defaulted). */
    resources: ResourcesArgs;
    /** Whether an autoscaler owns `replicas`. */
    autoscaled: boolean;
}

/**
 * The pods' affinity: spread over nodes by pool (the pool label is the operator's), and, since Strimzi's
 * pod template has tolerations but no nodeSelector, the node selector as a required node affinity.
 */
export function kafkaPoolAffinity(cluster: string, poolName: string, scheduling: Required<SchedulingArgs>): Record<string, unknown> {
    const { nodeSelector } = podPlacement(scheduling);
    const nodeAffinity =
        nodeSelector === undefined
            ? {}
            : {
                  nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                          nodeSelectorTerms: [
                              {
                                  matchExpressions: Object.entries(nodeSelector).map(([key, value]) => ({
                                      key,
                                      operator: "In",
                                      values: [value],
                                  })),
                              },
                          ],
                      },
                  },
              };
    return {
        ...podAntiAffinity({ "strimzi.io/cluster": cluster, "strimzi.io/pool-name": poolName }, scheduling.requireAntiAffinity),
        ...nodeAffinity,
    };
}

/** Creates the pool `<name>-<role>`; its claims outlive the pool and the cluster. */
export function createKafkaNodePool(
    c: KafkaClusterRef,
    p: KafkaPoolSpec,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    const poolName = `${c.name}-${p.role}`;
    const { tolerations } = podPlacement(c.scheduling);
    return new k8s.apiextensions.CustomResource(
        `${c.name}-${p.role}-pool`,
        {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaNodePool",
            metadata: { name: poolName, namespace: c.namespace, labels: c.labels },
            spec: {
                replicas: p.replicas,
                roles: [p.role],
                storage: {
                    type: "jbod",
                    volumes: [
                        {
                            id: 0,
                            type: "persistent-claim",
                            size: p.storage.size,
                            class: p.storage.storageClassName,
                            // The claims outlive the pool and the cluster: data is never deleted with them.
                            deleteClaim: false,
                            kraftMetadata: "shared",
                        },
                    ],
                },
                resources: resourceRequirements(p.resources),
                template: {
                    pod: {
                        affinity: kafkaPoolAffinity(c.name, poolName, c.scheduling),
                        ...(tolerations === undefined ? {} : { tolerations }),
                    },
                },
            },
        },
        autoscaledOptions(opts, p.autoscaled),
    );
}
