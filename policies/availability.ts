/**
 * Availability policies: disruption budgets that allow a drain but keep a quorum, spreading, odd
 * voter counts, and autoscalers that own `replicas` instead of fighting Pulumi for it.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { majority } from "../components/lib/contract";
import {
    DEFAULT_QUORUM_LABEL,
    describeObject,
    intOrPercent,
    known,
    knownItems,
    metadataOf,
    nameOf,
    namespaceOf,
    ofKind,
    parseType,
    selectorMatches,
} from "./lib/k8s";
import { autoscalers, describeRange, replicaRange, replicasIgnored, targets } from "./lib/scale";

/** Config shared by the quorum-aware policies. */
export interface QuorumConfig {
    /** Label key that marks a quorum (voting) workload. */
    quorumLabelKey: string;
    /** Label value that marks a quorum workload. */
    quorumLabelValue: string;
}

const QUORUM_SCHEMA = {
    properties: {
        quorumLabelKey: { type: "string", default: DEFAULT_QUORUM_LABEL.key },
        quorumLabelValue: { type: "string", default: DEFAULT_QUORUM_LABEL.value },
    },
} as const;

function quorumConfig(raw: Partial<QuorumConfig>): QuorumConfig {
    return { quorumLabelKey: DEFAULT_QUORUM_LABEL.key, quorumLabelValue: DEFAULT_QUORUM_LABEL.value, ...raw };
}

/** True when a StatefulSet is marked (on itself or its pods) as a quorum workload. */
export function isQuorum(props: Record<string, any>, cfg: QuorumConfig): boolean {
    const own = known(() => metadataOf(props).labels?.[cfg.quorumLabelKey]);
    const pod = known(() => props.spec?.template?.metadata?.labels?.[cfg.quorumLabelKey]);
    return own === cfg.quorumLabelValue || pod === cfg.quorumLabelValue;
}

/**
 * PodDisruptionBudgets in the stack that select a StatefulSet's pods; undefined when that cannot be told
 * during preview (the pod labels, or the namespace or selector of some budget, are unknown).
 */
export function budgetsFor(sts: PolicyResource, resources: PolicyResource[]): PolicyResource[] | undefined {
    const labels = known(() => JSON.parse(JSON.stringify(sts.props.spec?.template?.metadata?.labels ?? {})) as Record<string, string>);
    const ns = known(() => namespaceOf(sts.props));
    if (labels === undefined || ns === undefined) return undefined;
    const budgets: PolicyResource[] = [];
    for (const pdb of ofKind(resources, "pdb")) {
        const selects = known(() => namespaceOf(pdb.props) === ns && selectorMatches(pdb.props.spec?.selector, labels));
        if (selects === undefined) return undefined;
        if (selects) budgets.push(pdb);
    }
    return budgets;
}

/** Voluntary disruptions a budget allows at `n` replicas (undefined when it sets neither field). */
function disruptionsAllowed(spec: Record<string, any>, n: number): number | undefined {
    if (spec.maxUnavailable !== undefined) return intOrPercent(spec.maxUnavailable, n);
    if (spec.minAvailable !== undefined) return n - intOrPercent(spec.minAvailable, n);
    return undefined;
}

/** Policy 5: every clustered StatefulSet has one budget that allows a drain and keeps a quorum. */
export const statefulSetDisruptionBudget: StackValidationPolicy = {
    name: "statefulset-disruption-budget",
    description:
        "Every StatefulSet that may run more than one replica (its replicas, or the range of an autoscaler targeting it) has exactly one PodDisruptionBudget (same namespace, selector matching its pods) that sets exactly one of minAvailable/maxUnavailable, allows at least one voluntary disruption at every replica count it may run with, an autoscaler's minimum included (so nodes can be drained), and, for quorum workloads, never lets a drain take the members below a majority. Two budgets over the same pods make the eviction API refuse every eviction. Fix: add one policy/v1 PodDisruptionBudget with maxUnavailable: 1.",
    enforcementLevel: "mandatory",
    configSchema: QUORUM_SCHEMA,
    validateStack: (args, report) => {
        const cfg = quorumConfig(args.getConfig<Partial<QuorumConfig>>());
        for (const pdb of ofKind(args.resources, "pdb")) {
            const fields = known(() => [pdb.props.spec?.minAvailable === undefined, pdb.props.spec?.maxUnavailable === undefined]);
            if (fields !== undefined && fields[0] === fields[1]) {
                report(
                    `${describeObject("PodDisruptionBudget", pdb.props, pdb.name)} must set exactly one of minAvailable and maxUnavailable.`,
                    pdb.urn,
                );
            }
        }
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const what = describeObject("StatefulSet", sts.props, sts.name);
            const budgets = budgetsFor(sts, args.resources);
            if (budgets === undefined) continue;
            if (budgets.length > 1) {
                report(
                    `${what} is selected by ${budgets.length} PodDisruptionBudgets (${budgets.map((b) => nameOf(b.props, b.name)).join(", ")}): the eviction API refuses to evict pods covered by more than one, so drains hang: keep one.`,
                    sts.urn,
                );
                continue;
            }
            const range = known(() => replicaRange(sts, args.resources));
            if (range === undefined || range.max < 2) continue;
            if (budgets.length === 0) {
                report(
                    `${what} has ${describeRange(range)} and no PodDisruptionBudget selecting its pods: add one with maxUnavailable: 1.`,
                    sts.urn,
                );
                continue;
            }
            const pdb = budgets[0];
            const budgetName = `PodDisruptionBudget ${nameOf(pdb.props, pdb.name)}`;
            const quorum = isQuorum(sts.props, cfg);
            for (let n = Math.max(2, range.min); n <= Math.min(range.max, 1000); n++) {
                const disruptions = known(() => disruptionsAllowed(pdb.props.spec ?? {}, n));
                if (disruptions === undefined) break;
                if (disruptions < 1) {
                    const count = range.scaler === undefined ? `${n} replicas` : `${n} replicas, which ${range.scaler.label} may choose`;
                    report(
                        `${budgetName} allows no voluntary disruption of ${what} (${count}): nodes cannot be drained; allow at least one.`,
                        pdb.urn,
                    );
                    break;
                }
                if (quorum && n - disruptions < majority(n)) {
                    report(
                        `${budgetName} lets a drain take ${what} down to ${n - disruptions} of ${n} members, below its quorum of ${majority(n)}: allow at most ${n - majority(n)} disruptions.`,
                        pdb.urn,
                    );
                    break;
                }
            }
        }
    },
};

const SPREAD_KEYS = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

/** Policy 7: members of a clustered StatefulSet are spread over nodes. */
export const replicasSpread: StackValidationPolicy = {
    name: "replicas-spread",
    description:
        "A StatefulSet that may run more than one replica (its replicas, or the range of an autoscaler targeting it) spreads its members: a pod anti-affinity term (required or preferred) on kubernetes.io/hostname, zone or region whose selector matches the pods' own labels, or topologySpreadConstraints with a matching selector, maxSkew > 0 and a valid whenUnsatisfiable. Otherwise one node failure can take a quorum. Fix: add podAntiAffinity on kubernetes.io/hostname selecting the pod labels.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const range = known(() => replicaRange(sts, args.resources));
            if (range === undefined || range.max < 2) continue;
            const pod = () => sts.props.spec?.template ?? {};
            const labels = known(() => JSON.parse(JSON.stringify(pod().metadata?.labels ?? {})) as Record<string, string>);
            if (labels === undefined) continue;
            const anti = () => pod().spec?.affinity?.podAntiAffinity ?? {};
            const terms = [
                ...knownItems<Record<string, any>>(() => anti().requiredDuringSchedulingIgnoredDuringExecution),
                ...knownItems<Record<string, any>>(() => anti().preferredDuringSchedulingIgnoredDuringExecution).map(
                    (w) => known(() => w.podAffinityTerm) ?? {},
                ),
            ];
            const antiOk = terms.some(
                (t) => known(() => SPREAD_KEYS.includes(t.topologyKey ?? "") && selectorMatches(t.labelSelector, labels)) === true,
            );
            const spread = known(() => (pod().spec?.topologySpreadConstraints ?? []) as Record<string, any>[]);
            const spreadOk =
                spread === undefined
                    ? undefined
                    : known(
                          () =>
                              spread.length > 0 &&
                              spread.every(
                                  (c) =>
                                      selectorMatches(c.labelSelector, labels) &&
                                      (c.maxSkew ?? 0) > 0 &&
                                      c.topologyKey &&
                                      ["DoNotSchedule", "ScheduleAnyway"].includes(c.whenUnsatisfiable),
                              ),
                      );
            if (!antiOk && spreadOk === false) {
                report(
                    `${describeObject("StatefulSet", sts.props, sts.name)} runs ${describeRange(range)} with no host anti-affinity or topology spread on its own labels: one node can take several members.`,
                    sts.urn,
                );
            }
        }
    },
};

/** Config of {@link autoscalerOwnsReplicas}. */
export interface AutoscalerConfig {
    /** API groups of custom resources that hold data (their autoscalers get the same rules as a StatefulSet's). */
    statefulGroups: string[];
}

/** Defaults of {@link AutoscalerConfig}: Strimzi and tidb-operator (v1 and v2). */
export const AUTOSCALER_DEFAULTS: AutoscalerConfig = { statefulGroups: ["kafka.strimzi.io", "core.pingcap.com", "pingcap.com"] };

/** Policy 9: an autoscaled stateful object's `replicas` belongs to the autoscaler. */
export const autoscalerOwnsReplicas: StackValidationPolicy = {
    name: "autoscaler-owns-replicas",
    description:
        "When a HorizontalPodAutoscaler (any version) or KEDA ScaledObject in the stack targets a StatefulSet or a custom resource of a stateful operator (API groups in statefulGroups: Strimzi, tidb-operator), Pulumi must not manage that object's spec.replicas (register it with ignoreChanges: [\"spec.replicas\"] or leave replicas unset), or every pulumi up resets what the autoscaler chose; the autoscaler's minimum is at least 2 and not below a PodDisruptionBudget's minAvailable. Autoscalers of Deployments and other stateless targets are out of scope (a minimum of 1 or KEDA's scale to zero is fine there). Fix: add ignoreChanges and raise the minimum.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { statefulGroups: { type: "array", items: { type: "string" }, default: AUTOSCALER_DEFAULTS.statefulGroups } },
    },
    validateStack: (args, report) => {
        const cfg: AutoscalerConfig = { ...AUTOSCALER_DEFAULTS, ...args.getConfig<Partial<AutoscalerConfig>>() };
        for (const scaler of autoscalers(args.resources)) {
            const object = args.resources.find((r) => targets(scaler, r));
            const group = object !== undefined ? parseType(object.type)?.group : scaler.group;
            const stateful =
                (scaler.kind === "StatefulSet" && (group === undefined || group === "apps")) ||
                (group !== undefined && cfg.statefulGroups.includes(group));
            if (!stateful) continue;
            if (scaler.min !== undefined && scaler.min < 2) {
                report(
                    `${scaler.label} may scale ${scaler.kind} ${scaler.name} down to ${scaler.min}: set a minimum of at least 2.`,
                    scaler.resource.urn,
                );
            }
            if (object === undefined) continue;
            const declared = known(() => object.props.spec?.replicas as unknown);
            if (declared !== undefined && !replicasIgnored(object)) {
                report(
                    `${scaler.kind} ${scaler.name} is scaled by ${scaler.label} but Pulumi still manages its spec.replicas (${String(declared)}): add ignoreChanges: ["spec.replicas"].`,
                    object.urn,
                );
            }
        }
    },
};

/** A KRaft controller pool: its cluster, replicas and resource. */
interface ControllerPool {
    resource: PolicyResource;
    cluster: string;
    replicas: number;
}

/** Policy 10: quorum systems run an odd number of voters. */
export const quorumOddVoters: StackValidationPolicy = {
    name: "quorum-odd-voters",
    description:
        'Quorum systems run an odd number of voters: an even count tolerates no more failures than the odd count below it and can split evenly. Applies to StatefulSets labelled as quorum workloads (label configurable, default stateful-k8s.io/quorum: "true"), the KRaft controllers of a Strimzi Kafka cluster (counted over all its node pools with the controller role, v1 and v1beta2), ZooKeeper ensembles of v1beta2 Kafka resources and tidb-operator PDGroups. Zero (scaled down on purpose) is not a quorum and passes. Fix: use 1, 3 or 5 voters.',
    enforcementLevel: "mandatory",
    configSchema: QUORUM_SCHEMA,
    validateStack: (args, report) => {
        const cfg = quorumConfig(args.getConfig<Partial<QuorumConfig>>());
        const even = (n: unknown): n is number => typeof n === "number" && n > 0 && n % 2 === 0;
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const replicas = known(() => sts.props.spec?.replicas as unknown);
            if (even(replicas) && isQuorum(sts.props, cfg)) {
                report(
                    `${describeObject("StatefulSet", sts.props, sts.name)} is a quorum workload with ${replicas} replicas: use an odd number.`,
                    sts.urn,
                );
            }
        }
        for (const pd of ofKind(args.resources, "pdGroup")) {
            const replicas = known(() => pd.props.spec?.replicas as unknown);
            if (even(replicas)) {
                report(
                    `${describeObject("PDGroup", pd.props, pd.name)} has ${replicas} replicas: PD is a Raft group and needs an odd number.`,
                    pd.urn,
                );
            }
        }
        for (const kafka of ofKind(args.resources, "kafka")) {
            const zk = known(() => kafka.props.spec?.zookeeper?.replicas as unknown);
            if (even(zk)) {
                report(
                    `${describeObject("Kafka", kafka.props, kafka.name)} runs ${zk} ZooKeeper nodes: a ZooKeeper ensemble needs an odd number.`,
                    kafka.urn,
                );
            }
        }
        // KRaft controllers vote as one quorum per Kafka cluster, whichever node pools they come from.
        const clusters = new Map<string, ControllerPool[]>();
        const unknownCluster = new Set<string>();
        for (const pool of ofKind(args.resources, "kafkaNodePool")) {
            const ns = known(() => namespaceOf(pool.props));
            const cluster = known(() => metadataOf(pool.props).labels?.["strimzi.io/cluster"]);
            const key = `${ns ?? "(unknown)"}/${cluster ?? `(pool ${pool.name})`}`;
            const roles = known(() => JSON.parse(JSON.stringify(pool.props.spec?.roles ?? [])) as string[]);
            if (roles === undefined) {
                unknownCluster.add(key);
                continue;
            }
            if (!roles.includes("controller")) continue;
            const replicas = known(() => pool.props.spec?.replicas as unknown);
            if (typeof replicas !== "number") {
                unknownCluster.add(key);
                continue;
            }
            clusters.set(key, [...(clusters.get(key) ?? []), { resource: pool, cluster: key, replicas }]);
        }
        for (const [key, pools] of clusters) {
            if (unknownCluster.has(key)) continue;
            const total = pools.reduce((sum, p) => sum + p.replicas, 0);
            if (!even(total)) continue;
            if (pools.length === 1) {
                const p = pools[0];
                report(
                    `${describeObject("KafkaNodePool", p.resource.props, p.resource.name)} has the controller role and ${total} replicas: a KRaft quorum needs an odd number.`,
                    p.resource.urn,
                );
            } else {
                const list = pools.map((p) => `${nameOf(p.resource.props, p.resource.name)} (${p.replicas})`).join(", ");
                report(
                    `Kafka cluster ${key} has ${total} KRaft controllers across node pools ${list}: a KRaft quorum needs an odd number.`,
                    pools[0].resource.urn,
                );
            }
        }
    },
};
