/**
 * Helpers the policies share: reading Kubernetes objects out of policy resources without crashing
 * on values unknown during preview, label-selector matching, and int-or-percent arithmetic.
 */
import { UnknownValueError } from "@pulumi/policy";

/** Resource types the policies look at. */
export const TYPES = {
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
    kafkaNodePool: "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
    kafka: "kubernetes:kafka.strimzi.io/v1:Kafka",
    pdGroup: "kubernetes:core.pingcap.com/v1alpha1:PDGroup",
    tikvGroup: "kubernetes:core.pingcap.com/v1alpha1:TiKVGroup",
    tidbGroup: "kubernetes:core.pingcap.com/v1alpha1:TiDBGroup",
} as const;

/** Annotation by which a StatefulSet declares that it keeps no data (so it needs no claim templates). */
export const NO_DATA_ANNOTATION = "stateful-k8s.io/data";

/** Label that marks the pods of a quorum (voting) system, by default. */
export const DEFAULT_QUORUM_LABEL = { key: "stateful-k8s.io/quorum", value: "true" } as const;

/**
 * Runs `read` and returns its result, or `undefined` when it touched a value that is unknown during
 * preview: a policy then reports nothing about that resource rather than failing as a whole.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) return undefined;
        throw err;
    }
}

/** A label selector (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
    /** Labels that must all be present with these values. */
    matchLabels?: Record<string, string>;
    /** Set-based requirements. */
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** True when a label selector is empty (it would select everything). */
export function selectorIsEmpty(selector: LabelSelector | undefined): boolean {
    return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/** True when `selector` is non-empty and selects objects with `labels`. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
    if (selector === undefined || selectorIsEmpty(selector)) return false;
    const l = labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        const values = e.values ?? [];
        if (e.operator === "In" && !(has && values.includes(l[e.key]))) return false;
        if (e.operator === "NotIn" && has && values.includes(l[e.key])) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

/** True when a Service-style selector map is non-empty and selects `labels`. */
export function mapSelects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    return selector !== undefined && Object.keys(selector).length > 0 && selectorMatches({ matchLabels: selector }, labels);
}

/** Resolves an int-or-percent value against `total` (percent rounded up, as Kubernetes does for PDBs). */
export function intOrPercent(value: number | string, total: number): number {
    if (typeof value === "number") return value;
    const m = /^([0-9]+)%$/.exec(value);
    return m === null ? Number.parseInt(value, 10) : Math.ceil((Number.parseInt(m[1], 10) * total) / 100);
}

/** The fewest members that keep a majority of `replicas`. */
export function majority(replicas: number): number {
    return Math.floor(replicas / 2) + 1;
}

/** Minimal shape of a Kubernetes object's metadata. */
export interface Metadata {
    /** Object name. */
    name?: string;
    /** Namespace. */
    namespace?: string;
    /** Labels. */
    labels?: Record<string, string>;
    /** Annotations. */
    annotations?: Record<string, string>;
}

/** Metadata of a resource's props (empty when absent). */
export function metadataOf(props: Record<string, any>): Metadata {
    return (props.metadata as Metadata | undefined) ?? {};
}

/** Namespace of an object, `default` when unset. */
export function namespaceOf(props: Record<string, any>): string {
    return metadataOf(props).namespace ?? "default";
}

/** `<Kind> <namespace>/<name>` for messages. */
export function describeObject(kind: string, props: Record<string, any>, fallbackName: string): string {
    return `${kind} ${namespaceOf(props)}/${metadataOf(props).name ?? fallbackName}`;
}

/** The replica count a StatefulSet or Deployment asks for (Kubernetes defaults it to 1). */
export function replicasOf(props: Record<string, any>): number {
    return (props.spec?.replicas as number | undefined) ?? 1;
}

/** Every container (init containers included when `withInit`) of a pod template. */
export function containersOf(props: Record<string, any>, withInit = false): Record<string, any>[] {
    const pod = props.spec?.template?.spec ?? {};
    return [...(pod.containers ?? []), ...(withInit ? (pod.initContainers ?? []) : [])];
}
