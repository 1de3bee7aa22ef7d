/**
 * Helpers the policies share: recognising Kubernetes kinds whatever their API version, reading objects
 * without crashing on values unknown during preview (one unknown value skips only the check that reads it),
 * label-selector matching, int-or-percent arithmetic and Pulumi property paths.
 */
import { PolicyResource, UnknownValueError } from "@pulumi/policy";
import { BACKUP_OF_LABEL, EXTERNAL_BACKUP_ANNOTATION, NO_DATA_ANNOTATION, QUORUM_LABEL } from "../../components/lib/contract";

/** Resource types the policies look at, at the version our components and most programs use. */
export const TYPES = {
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    service: "kubernetes:core/v1:Service",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
    pv: "kubernetes:core/v1:PersistentVolume",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    kafkaNodePool: "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
    kafka: "kubernetes:kafka.strimzi.io/v1:Kafka",
    pdGroup: "kubernetes:core.pingcap.com/v1alpha1:PDGroup",
    tikvGroup: "kubernetes:core.pingcap.com/v1alpha1:TiKVGroup",
    tidbGroup: "kubernetes:core.pingcap.com/v1alpha1:TiDBGroup",
    cronJob: "kubernetes:batch/v1:CronJob",
    kafkaMirrorMaker2: "kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2",
    backupSchedule: "kubernetes:br.pingcap.com/v1alpha1:BackupSchedule",
} as const;

/** A kind the policies recognise, by API group and kind. */
export type KindName = keyof typeof TYPES;

/** The parts of a Kubernetes type token `kubernetes:<group>/<version>:<Kind>` (the core group is `core`). */
export interface TypeToken {
    /** API group (`core` for the core group). */
    group: string;
    /** API version. */
    version: string;
    /** Kind. */
    kind: string;
}

/** Parses a Kubernetes type token; undefined for anything else (components, other providers). */
export function parseType(type: string): TypeToken | undefined {
    const m = /^kubernetes:([^/:]+)\/([^:]+):([^:]+)$/.exec(type);
    return m === null ? undefined : { group: m[1], version: m[2], kind: m[3] };
}

/**
 * True when `type` is `kind` in any API version (`autoscaling/v1` and `/v2` HPAs, Strimzi `v1beta2` and
 * `v1`, `policy/v1beta1` and `/v1` budgets, ...).
 */
export function isA(type: string, kind: KindName): boolean {
    const want = parseType(TYPES[kind]);
    const got = parseType(type);
    return want !== undefined && got !== undefined && got.group === want.group && got.kind === want.kind;
}

/** The API group of an `apiVersion` string (`apps/v1` -> `apps`, `v1` -> `core`). */
export function groupOf(apiVersion: string | undefined): string | undefined {
    if (apiVersion === undefined) return undefined;
    return apiVersion.includes("/") ? apiVersion.split("/")[0] : "core";
}

/** Label that marks the pods of a quorum (voting) system, by default: the components' (see the contract). */
export const DEFAULT_QUORUM_LABEL = QUORUM_LABEL;

/** Label by which a CronJob (or a KafkaMirrorMaker2) names the data store it backs up: the StatefulSet's, Kafka's or TiDB Cluster's name. */
export { BACKUP_OF_LABEL };

/** Annotation by which a data store declares that it is backed up outside the stack (value `external`), such as Nacos on MySQL. */
export const BACKUP_ANNOTATION = EXTERNAL_BACKUP_ANNOTATION.key;

/**
 * Runs `read` and returns its result, or `undefined` when it touched a value that is unknown during
 * preview. Policies wrap each check in its own call, so an unknown value skips that check only.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) return undefined;
        throw err;
    }
}

/** A plain copy of a value read from props (throws UnknownValueError when any part of it is unknown during preview). */
export function plainCopy<T>(value: unknown): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** The labels of a workload's pod template (empty when unset); undefined while any of them is unknown during preview. */
export function podLabels(props: Record<string, any>): Record<string, string> | undefined {
    return known(() => plainCopy<Record<string, string>>(props.spec?.template?.metadata?.labels ?? {}));
}

/** The items of an array read by `read`, each kept only when `check` touches no unknown value (empty when the array is unknown). */
export function knownItems<T>(read: () => T[] | undefined): T[] {
    const items = known(read);
    if (!Array.isArray(items)) return [];
    const out: T[] = [];
    for (let i = 0; known(() => i < items.length) === true; i++) {
        const item = known(() => items[i]);
        if (item !== undefined) out.push(item);
    }
    return out;
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

/** True when `selector` selects objects with `labels`; an empty selector selects everything only when `emptySelectsAll`. */
export function selectorMatches(
    selector: LabelSelector | undefined,
    labels: Record<string, string> | undefined,
    emptySelectsAll = false,
): boolean {
    if (selector === undefined || selectorIsEmpty(selector)) return emptySelectsAll && selector !== undefined;
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

/** Namespace of an object, `default` when unset (throws UnknownValueError when unknown). */
export function namespaceOf(props: Record<string, any>): string {
    return metadataOf(props).namespace ?? "default";
}

/** Name of an object, or `fallback` (its Pulumi name) when unset or unknown. */
export function nameOf(props: Record<string, any>, fallback: string): string {
    return known(() => metadataOf(props).name) ?? fallback;
}

/** `<Kind> <namespace>/<name>` for messages; unknown parts are shown as `(unknown)`/the Pulumi name. */
export function describeObject(kind: string, props: Record<string, any>, fallbackName: string): string {
    return `${kind} ${known(() => namespaceOf(props)) ?? "(unknown)"}/${nameOf(props, fallbackName)}`;
}

/** The kind of a resource for messages (`StatefulSet`, `KafkaNodePool`, ...). */
export function kindName(type: string): string {
    return parseType(type)?.kind ?? type.split(":").pop() ?? type;
}

/** The replica count a StatefulSet or Deployment declares (undefined when unset). */
export function declaredReplicas(props: Record<string, any>): number | undefined {
    return props.spec?.replicas as number | undefined;
}

/** A container of a pod template, with whether it is an init container. */
export interface PodContainer {
    /** The container spec. */
    container: Record<string, any>;
    /** True for an init container. */
    init: boolean;
    /** `container "<name>"` or `init container "<name>"` for messages. */
    label: string;
}

/** Every container of a pod template whose list is known (init containers included when `withInit`). */
export function containersOf(props: Record<string, any>, withInit = false): PodContainer[] {
    const pod = () => props.spec?.template?.spec ?? {};
    const label = (c: Record<string, any>, init: boolean) =>
        `${init ? "init container" : "container"} "${known(() => c.name as string) ?? "(unknown)"}"`;
    const main = knownItems<Record<string, any>>(() => pod().containers).map((c) => ({
        container: c,
        init: false,
        label: label(c, false),
    }));
    const init = withInit
        ? knownItems<Record<string, any>>(() => pod().initContainers).map((c) => ({ container: c, init: true, label: label(c, true) }))
        : [];
    return [...main, ...init];
}

/** Resources of `kind` (any API version) in `resources`. */
export function ofKind(resources: PolicyResource[], kind: KindName): PolicyResource[] {
    return resources.filter((r) => isA(r.type, kind));
}

/** True when a StatefulSet declares that it keeps no data. */
export function declaresNoData(props: Record<string, any>): boolean {
    return known(() => metadataOf(props).annotations?.[NO_DATA_ANNOTATION.key] === NO_DATA_ANNOTATION.value) === true;
}

/** True when a StatefulSet keeps data on claims (templates known and present, not declared data-free). */
export function holdsData(props: Record<string, any>): boolean {
    return !declaresNoData(props) && known(() => (props.spec?.volumeClaimTemplates ?? []).length > 0) === true;
}

/** Splits a Pulumi property path (`spec.replicas`, `spec["replicas"]`, `["spec"].replicas`, `spec.*`) into segments. */
export function propertyPath(path: string): string[] {
    const out: string[] = [];
    const re = /\[\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\d+|\*))\s*\]|\.?([^.[\]]+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(path)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    return out;
}

/** True when one of `ignoreChanges` covers `path` (the path itself, a parent of it, or a wildcard over it). */
export function ignoresPath(ignoreChanges: readonly string[], path: string[]): boolean {
    return ignoreChanges.some((p) => {
        const segments = propertyPath(p);
        return segments.length > 0 && segments.length <= path.length && segments.every((s, i) => s === "*" || s === path[i]);
    });
}
