/**
 * Autoscaling shared by the components where it is safe: validation of the `autoscaling` arg, the
 * refusal for systems where it is not, and the HorizontalPodAutoscaler that drives a `/scale` target.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AutoscalingArgs } from "./types";
import { ArgProblem, checkInteger } from "./validation";

/** Defaults of {@link AutoscalingArgs}. */
export const AUTOSCALING_DEFAULTS = { targetCPUUtilizationPercentage: 70, scaleDownStabilizationSeconds: 300 } as const;

/**
 * Longer default scale-down windows for targets whose own membership changes move CPU: adding or removing a
 * Kafka broker starts partition moves (Cruise Control), whose CPU the HPA would read as load and answer with
 * another change. Fifteen minutes lets a rebalance finish before a scale-in is considered.
 */
export const SCALE_DOWN_STABILIZATION_BY_GROUP: Readonly<Record<string, number>> = { "kafka.strimzi.io": 900 };

/** The scale-down window of a target when `scaleDownStabilizationSeconds` is not given. */
export function defaultScaleDownStabilization(target: ScaleTarget): number {
    const group = target.apiVersion.includes("/") ? target.apiVersion.split("/")[0] : "";
    return SCALE_DOWN_STABILIZATION_BY_GROUP[group] ?? AUTOSCALING_DEFAULTS.scaleDownStabilizationSeconds;
}

/** Keys of {@link AutoscalingArgs}, for stack-config key checks. */
export const AUTOSCALING_KEYS = ["minReplicas", "maxReplicas", "targetCPUUtilizationPercentage", "scaleDownStabilizationSeconds"] as const;

/** What a HorizontalPodAutoscaler scales: any object with a `/scale` subresource. */
export interface ScaleTarget {
    /** API version of the target, for example "apps/v1". */
    apiVersion: string;
    /** Kind of the target, for example "StatefulSet". */
    kind: string;
    /** Name of the target. */
    name: pulumi.Input<string>;
}

/**
 * Validates `autoscaling` against the initial replica count and the system's floor.
 * @param floor The fewest members the system stays correct with (at least 2).
 * @param floorReason Why that floor exists, for the error message.
 */
export function validateAutoscaling(
    problems: ArgProblem[],
    path: string,
    autoscaling: AutoscalingArgs | undefined,
    replicas: unknown,
    floor: number,
    floorReason: string,
): void {
    if (autoscaling === undefined) return;
    if (typeof autoscaling !== "object" || autoscaling === null || Array.isArray(autoscaling)) {
        problems.push({ path, value: autoscaling, allowed: "an object { minReplicas, maxReplicas, targetCPUUtilizationPercentage }" });
        return;
    }
    const min = Math.max(2, floor);
    const minOk = checkInteger(problems, `${path}.minReplicas`, autoscaling.minReplicas, 1);
    if (minOk && autoscaling.minReplicas < min) {
        problems.push({ path: `${path}.minReplicas`, value: autoscaling.minReplicas, allowed: `at least ${min} (${floorReason})` });
    }
    const maxOk = checkInteger(problems, `${path}.maxReplicas`, autoscaling.maxReplicas, 1);
    if (minOk && maxOk && autoscaling.maxReplicas < autoscaling.minReplicas) {
        problems.push({
            path: `${path}.maxReplicas`,
            value: autoscaling.maxReplicas,
            allowed: `at least minReplicas (${autoscaling.minReplicas})`,
        });
    }
    if (autoscaling.targetCPUUtilizationPercentage !== undefined) {
        checkInteger(problems, `${path}.targetCPUUtilizationPercentage`, autoscaling.targetCPUUtilizationPercentage, 1, 100);
    }
    if (autoscaling.scaleDownStabilizationSeconds !== undefined) {
        checkInteger(problems, `${path}.scaleDownStabilizationSeconds`, autoscaling.scaleDownStabilizationSeconds, 0, 3600);
    }
    if (
        minOk &&
        maxOk &&
        autoscaling.maxReplicas >= autoscaling.minReplicas &&
        typeof replicas === "number" &&
        (replicas < autoscaling.minReplicas || replicas > autoscaling.maxReplicas)
    ) {
        problems.push({
            path: "replicas",
            value: replicas,
            allowed: `from autoscaling.minReplicas to autoscaling.maxReplicas (${autoscaling.minReplicas} to ${autoscaling.maxReplicas}): it is the count at creation`,
        });
    }
}

/** Refuses `autoscaling` for a system where an autoscaler would break it, saying why. */
export function refuseAutoscaling(problems: ArgProblem[], path: string, autoscaling: unknown, system: string, why: string): void {
    if (autoscaling !== undefined) {
        problems.push({ path, value: autoscaling, allowed: `nothing: ${system} is not autoscaled, because ${why}` });
    }
}

/**
 * How every autoscaler of a member count moves (the HPA's `behavior`; KEDA passes the same to the HPA it
 * creates): add one member at a time and remove slowly, because members join a cluster, they are not
 * stateless pods.
 * @param scaleDownStabilizationSeconds how long the load must stay low before a member is removed
 */
export function autoscalerBehavior(scaleDownStabilizationSeconds: number) {
    return {
        scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
        scaleDown: {
            stabilizationWindowSeconds: scaleDownStabilizationSeconds,
            policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
        },
    };
}

/**
 * Creates an `autoscaling/v2` HorizontalPodAutoscaler named `<name>` (Pulumi name `${resourceName}`)
 * that drives `target` through its `/scale` subresource on CPU utilisation.
 */
export function createAutoscaler(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    target: ScaleTarget,
    autoscaling: AutoscalingArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.autoscaling.v2.HorizontalPodAutoscaler {
    return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        resourceName,
        {
            metadata,
            spec: {
                scaleTargetRef: target,
                minReplicas: autoscaling.minReplicas,
                maxReplicas: autoscaling.maxReplicas,
                metrics: [
                    {
                        type: "Resource",
                        resource: {
                            name: "cpu",
                            target: {
                                type: "Utilization",
                                averageUtilization:
                                    autoscaling.targetCPUUtilizationPercentage ?? AUTOSCALING_DEFAULTS.targetCPUUtilizationPercentage,
                            },
                        },
                    },
                ],
                behavior: autoscalerBehavior(autoscaling.scaleDownStabilizationSeconds ?? defaultScaleDownStabilization(target)),
            },
        },
        opts,
    );
}
