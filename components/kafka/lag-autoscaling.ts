/**
 * Scaling a Kafka broker pool on a consumer group's lag instead of CPU: a KEDA ScaledObject
 * (`keda.sh/v1alpha1`) with KEDA's `kafka` trigger, driving the pool through its `/scale` subresource.
 * KEDA creates and owns the HorizontalPodAutoscaler itself (`keda-hpa-<name>`) and serves the lag to it as
 * an external metric; the HPA behaviour (one broker at a time, a long scale-down window) is the same as the
 * CPU autoscaler's.
 *
 * What it scales, precisely: the desired broker count is ceil(total lag of the group / `lagThreshold`)
 * (KEDA's AverageValue target), between `minReplicas` and `maxReplicas`, and never above the number of
 * partitions of the group's topics (KEDA's `allowIdleConsumers: false`, its default, which exists because
 * a consumer beyond the partition count gets no partition). Brokers are not consumers: a lag the
 * consumers cause (too few of them, slow processing) is not cured by more brokers, and every broker change
 * moves partitions (Cruise Control). It is the right signal only when the brokers are what the consumers
 * wait on (fetch latency from saturated disks or network while the consumers already number as many as
 * the partitions); otherwise scale the consumers on lag (a ScaledObject on their Deployment) and leave the
 * brokers to CPU with the long window, or to a fixed size.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScaleTarget, autoscalerBehavior, defaultScaleDownStabilization, validateAutoscaling } from "../lib/autoscaling";
import { ArgProblem, checkInteger, checkText, isObject } from "../lib/validation";

/** Scaling on a Kafka consumer group's lag through KEDA (its operator and CRDs must be installed). */
export interface ConsumerLagAutoscalingArgs {
    /** Fewest brokers KEDA may leave; at least the replication factor, and never below 2. */
    minReplicas: number;
    /** Most brokers KEDA may create. */
    maxReplicas: number;
    /** The consumer group whose lag is read (KEDA `kafka` trigger `consumerGroup`). */
    consumerGroup: string;
    /**
     * The topic whose lag is read (trigger `topic`).
     * @default - every topic the group has committed offsets for
     */
    topic?: string;
    /** Lag (messages behind) per broker that KEDA aims for: brokers = ceil(total lag / lagThreshold) (trigger `lagThreshold`). */
    lagThreshold: number;
    /**
     * Seconds between two reads of the lag (ScaledObject `pollingInterval`).
     * @default 30
     */
    pollingIntervalSeconds?: number;
    /**
     * Seconds the lag must stay low before a broker is removed.
     * @default 900 (the Kafka broker pool's window: a removal moves partitions)
     */
    scaleDownStabilizationSeconds?: number;
    /**
     * Namespace KEDA's operator runs in; it connects to the plain listener, so with `networkPolicy` enabled
     * it must be one of `networkPolicy.clientNamespaces`.
     * @default "keda"
     */
    kedaNamespace?: string;
}

/** Defaults of {@link ConsumerLagAutoscalingArgs} (KEDA's own `pollingInterval` default is 30 s too). */
export const CONSUMER_LAG_DEFAULTS = { pollingIntervalSeconds: 30, kedaNamespace: "keda" } as const;

/** {@link ConsumerLagAutoscalingArgs} with KEDA's polling interval and namespace defaulted. */
export interface ResolvedConsumerLagAutoscaling extends ConsumerLagAutoscalingArgs {
    /** Seconds between two reads of the lag. */
    pollingIntervalSeconds: number;
    /** Namespace KEDA's operator runs in. */
    kedaNamespace: string;
}

/** The lag autoscaling args with {@link CONSUMER_LAG_DEFAULTS} applied. */
export function resolveConsumerLagAutoscaling(lag: ConsumerLagAutoscalingArgs): ResolvedConsumerLagAutoscaling {
    return {
        ...lag,
        pollingIntervalSeconds: lag.pollingIntervalSeconds ?? CONSUMER_LAG_DEFAULTS.pollingIntervalSeconds,
        kedaNamespace: lag.kedaNamespace ?? CONSUMER_LAG_DEFAULTS.kedaNamespace,
    };
}

/** What a Kafka topic name may be (Apache Kafka `Topic.validate`: 1-249 of these characters). */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Validates `lagAutoscaling` (at `path`), refusing it together with the CPU autoscaler (`cpuPath`), and
 * checking that KEDA may reach the listener when `clientNamespaces` restricts it.
 * @param floor the fewest brokers the cluster stays correct with; @param floorReason why
 * @param clientNamespaces the namespaces admitted to the listeners, or undefined when nothing is restricted
 */
export function validateConsumerLagAutoscaling(
    problems: ArgProblem[],
    path: string,
    lag: ConsumerLagAutoscalingArgs | undefined,
    cpuPath: string,
    cpuAutoscaling: unknown,
    replicas: unknown,
    floor: number,
    floorReason: string,
    clientNamespaces: string[] | undefined,
): void {
    if (lag === undefined) return;
    if (!isObject(lag)) {
        problems.push({ path, value: lag, allowed: "an object { minReplicas, maxReplicas, consumerGroup, lagThreshold }" });
        return;
    }
    if (cpuAutoscaling !== undefined) {
        problems.push({
            path,
            value: lag,
            allowed: `nothing while ${cpuPath} is set: one autoscaler per object (KEDA's own HPA and the CPU HPA would set the broker count in turn; KEDA's admission webhook refuses a ScaledObject for a target an HPA already scales); choose ${cpuPath} (CPU) or ${path} (consumer lag)`,
        });
    }
    const { minReplicas, maxReplicas, scaleDownStabilizationSeconds } = lag;
    validateAutoscaling(problems, path, { minReplicas, maxReplicas, scaleDownStabilizationSeconds }, replicas, floor, floorReason);
    checkText(problems, `${path}.consumerGroup`, lag.consumerGroup, "the consumer group whose lag drives the broker count");
    if (
        lag.topic !== undefined &&
        (typeof lag.topic !== "string" || !TOPIC_NAME.test(lag.topic) || lag.topic === "." || lag.topic === "..")
    ) {
        problems.push({ path: `${path}.topic`, value: lag.topic, allowed: "a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'" });
    }
    checkInteger(problems, `${path}.lagThreshold`, lag.lagThreshold, 1);
    if (lag.pollingIntervalSeconds !== undefined)
        checkInteger(problems, `${path}.pollingIntervalSeconds`, lag.pollingIntervalSeconds, 1, 3600);
    const keda = resolveConsumerLagAutoscaling(lag).kedaNamespace;
    if (lag.kedaNamespace !== undefined)
        checkText(problems, `${path}.kedaNamespace`, lag.kedaNamespace, "the namespace KEDA's operator runs in");
    if (clientNamespaces !== undefined && typeof keda === "string" && !clientNamespaces.includes(keda)) {
        problems.push({
            path: "networkPolicy.clientNamespaces",
            value: clientNamespaces,
            allowed: `a list that includes "${keda}" (${path}.kedaNamespace): KEDA's operator reads the consumer group's offsets through the plain listener`,
        });
    }
}

/**
 * Creates the ScaledObject `<metadata.name>` (Pulumi name `resourceName`) that scales `target` on the lag
 * of `lag.consumerGroup`, read from `bootstrapServers` (a plain, unauthenticated listener).
 */
export function createConsumerLagScaler(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    target: ScaleTarget,
    bootstrapServers: pulumi.Input<string>,
    lag: ResolvedConsumerLagAutoscaling,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        resourceName,
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata,
            spec: {
                scaleTargetRef: target,
                minReplicaCount: lag.minReplicas,
                maxReplicaCount: lag.maxReplicas,
                pollingInterval: lag.pollingIntervalSeconds,
                advanced: {
                    horizontalPodAutoscalerConfig: {
                        behavior: autoscalerBehavior(lag.scaleDownStabilizationSeconds ?? defaultScaleDownStabilization(target)),
                    },
                },
                triggers: [
                    {
                        type: "kafka",
                        // Trigger metadata values are strings (the CRD's additionalProperties).
                        metadata: {
                            bootstrapServers,
                            consumerGroup: lag.consumerGroup,
                            ...(lag.topic === undefined ? {} : { topic: lag.topic }),
                            lagThreshold: String(lag.lagThreshold),
                        },
                    },
                ],
            },
        },
        opts,
    );
}
