/**
 * Autoscalers (HorizontalPodAutoscalers of any version, KEDA ScaledObjects) and the replica counts a
 * workload may run with: the declared `replicas`, or the autoscaler's range when one targets it.
 */
import { PolicyResource } from "@pulumi/policy";
import { declaredReplicas, describeObject, groupOf, ignoresPath, isA, known, metadataOf, namespaceOf, parseType } from "./k8s";

/** What an autoscaler scales and between which bounds. */
export interface Autoscaler {
    /** The autoscaler resource. */
    resource: PolicyResource;
    /** `HorizontalPodAutoscaler ns/name` or `ScaledObject ns/name`. */
    label: string;
    /** Kind of the target. */
    kind: string;
    /** Name of the target. */
    name: string;
    /** API group of the target when the reference names one. */
    group?: string;
    /** Fewest replicas it may set (HPA default 1, KEDA default 0); undefined when unknown during preview. */
    min?: number;
    /** Most replicas it may set (KEDA default 100); undefined when unknown during preview. */
    max?: number;
}

/** Reads an HPA or ScaledObject; undefined for other resources or when its target is unknown (an unknown bound is left out). */
export function autoscaler(r: PolicyResource): Autoscaler | undefined {
    const hpa = isA(r.type, "hpa");
    if (!hpa && !isA(r.type, "scaledObject")) return undefined;
    const target = known(() => {
        const ref = r.props.spec?.scaleTargetRef ?? {};
        const kind = (ref.kind as string | undefined) ?? (hpa ? undefined : "Deployment");
        if (kind === undefined || ref.name === undefined) return undefined;
        return { kind, name: ref.name as string, group: groupOf(ref.apiVersion as string | undefined) };
    });
    if (target === undefined) return undefined;
    const spec = () => r.props.spec ?? {};
    const min = known(() =>
        hpa ? ((spec().minReplicas as number | undefined) ?? 1) : ((spec().minReplicaCount as number | undefined) ?? 0),
    );
    const max = known(() => (hpa ? (spec().maxReplicas as number | undefined) : ((spec().maxReplicaCount as number | undefined) ?? 100)));
    const label = describeObject(hpa ? "HorizontalPodAutoscaler" : "ScaledObject", r.props, r.name);
    return { resource: r, label, ...target, min, max: max ?? min };
}

/** Every autoscaler in the stack. */
export function autoscalers(resources: PolicyResource[]): Autoscaler[] {
    return resources.map(autoscaler).filter((a): a is Autoscaler => a !== undefined);
}

/** True when `scaler` targets `object` (same namespace, kind and name). */
export function targets(scaler: Autoscaler, object: PolicyResource): boolean {
    const t = parseType(object.type);
    return (
        t !== undefined &&
        t.kind === scaler.kind &&
        (scaler.group === undefined || scaler.group === t.group) &&
        known(() => metadataOf(object.props).name === scaler.name && namespaceOf(object.props) === namespaceOf(scaler.resource.props)) ===
            true
    );
}

/** The replica counts a workload may run with. */
export interface ReplicaRange {
    /** Fewest. */
    min: number;
    /** Most. */
    max: number;
    /** The autoscaler that moves the count, if any. */
    scaler?: Autoscaler;
}

/**
 * The replica counts `object` may run with: its declared `spec.replicas` (Kubernetes' default 1 when
 * unset), widened to the range of an autoscaler in the stack that targets it. Undefined when the
 * autoscaler's bounds are unknown during preview; throws UnknownValueError when `spec.replicas` is.
 */
export function replicaRange(object: PolicyResource, resources: PolicyResource[]): ReplicaRange | undefined {
    const declared = declaredReplicas(object.props);
    const scaler = autoscalers(resources).find((a) => targets(a, object));
    if (scaler === undefined) return { min: declared ?? 1, max: declared ?? 1 };
    if (scaler.min === undefined || scaler.max === undefined) return undefined;
    return {
        min: Math.min(scaler.min, declared ?? scaler.min),
        max: Math.max(scaler.max, declared ?? scaler.max),
        scaler,
    };
}

/**
 * The replica counts of a workload that may run more than one replica (a clustered one, whose members need
 * peers, budgets and spreading); undefined when it never runs more than one, or while that is unknown.
 */
export function clusteredRange(object: PolicyResource, resources: PolicyResource[]): ReplicaRange | undefined {
    const range = known(() => replicaRange(object, resources));
    return range === undefined || range.max < 2 ? undefined : range;
}

/** `3 replicas`, or `up to 5 replicas (scaled by HorizontalPodAutoscaler ns/x)` for messages. */
export function describeRange(range: ReplicaRange): string {
    if (range.scaler === undefined || range.min === range.max) return `${range.max} replicas`;
    return `up to ${range.max} replicas (scaled by ${range.scaler.label})`;
}

/** True when Pulumi leaves `spec.replicas` of `object` alone (ignoreChanges covers it). */
export function replicasIgnored(object: PolicyResource): boolean {
    return ignoresPath(object.opts.ignoreChanges ?? [], ["spec", "replicas"]);
}
