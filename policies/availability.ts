/**
 * Availability policies: a clustered StatefulSet survives a node drain (one disruption budget that allows
 * a drain but keeps a quorum) and a node failure (members spread over nodes or zones).
 */
import { PolicyResource } from "@pulumi/policy";
import { majority } from "../components/lib/contract";
import { statefulPolicy } from "./lib/define";
import { describeObject, intOrPercent, known, knownItems, nameOf, namespaceOf, ofKind, podLabels, selectorMatches } from "./lib/k8s";
import { clusteredRange, describeRange } from "./lib/scale";
import { isQuorum, QUORUM_SETTINGS } from "./quorum";

/**
 * PodDisruptionBudgets in the stack that select a StatefulSet's pods; undefined when that cannot be told
 * during preview (the pod labels, or the namespace or selector of some budget, are unknown).
 */
export function budgetsFor(sts: PolicyResource, resources: PolicyResource[]): PolicyResource[] | undefined {
    const labels = podLabels(sts.props);
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
export const statefulSetDisruptionBudget = statefulPolicy({
    name: "statefulset-disruption-budget",
    description:
        "Every StatefulSet that may run more than one replica (its replicas, or the range of an autoscaler targeting it) has exactly one PodDisruptionBudget (same namespace, selector matching its pods) that sets exactly one of minAvailable/maxUnavailable, allows at least one voluntary disruption at every replica count it may run with, an autoscaler's minimum included (so nodes can be drained), and, for quorum workloads, never lets a drain take the members below a majority. Two budgets over the same pods make the eviction API refuse every eviction. Fix: add one policy/v1 PodDisruptionBudget with maxUnavailable: 1.",
    enforcementLevel: "mandatory",
    protectsAgainst:
        "a StatefulSet that may run more than one replica (its `replicas`, or, when an autoscaler targets it, the autoscaler's range) and no PDB selecting its pods; two PDBs selecting the same pods (drains hang); a PDB setting both or neither of `minAvailable`/`maxUnavailable`; one that allows no disruption at some count it may run with; one that lets a drain break a quorum workload's majority",
    config: QUORUM_SETTINGS,
    validateStack: (args, report, cfg) => {
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
            const range = clusteredRange(sts, args.resources);
            if (range === undefined) continue;
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
});

/** Topology keys that spread members over failure domains (hosts, zones, regions; the beta labels too). */
const SPREAD_KEYS = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

/** True when a pod template has an anti-affinity term (required or preferred) on a spreading key over the pods' own labels. */
function antiAffinitySpreads(pod: () => Record<string, any>, labels: Record<string, string>): boolean {
    const anti = () => pod().spec?.affinity?.podAntiAffinity ?? {};
    const terms = [
        ...knownItems<Record<string, any>>(() => anti().requiredDuringSchedulingIgnoredDuringExecution),
        ...knownItems<Record<string, any>>(() => anti().preferredDuringSchedulingIgnoredDuringExecution).map(
            (w) => known(() => w.podAffinityTerm) ?? {},
        ),
    ];
    return terms.some((t) => known(() => SPREAD_KEYS.includes(t.topologyKey ?? "") && selectorMatches(t.labelSelector, labels)) === true);
}

/** True when a pod template has valid topology spread constraints over the pods' own labels; undefined while unknown. */
function topologySpreads(pod: () => Record<string, any>, labels: Record<string, string>): boolean | undefined {
    const spread = known(() => (pod().spec?.topologySpreadConstraints ?? []) as Record<string, any>[]);
    if (spread === undefined) return undefined;
    return known(
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
}

/** Policy 7: members of a clustered StatefulSet are spread over nodes. */
export const replicasSpread = statefulPolicy({
    name: "replicas-spread",
    description:
        "A StatefulSet that may run more than one replica (its replicas, or the range of an autoscaler targeting it) spreads its members: a pod anti-affinity term (required or preferred) on kubernetes.io/hostname, zone or region whose selector matches the pods' own labels, or topologySpreadConstraints with a matching selector, maxSkew > 0 and a valid whenUnsatisfiable. Otherwise one node failure can take a quorum. Fix: add podAntiAffinity on kubernetes.io/hostname selecting the pod labels.",
    enforcementLevel: "advisory",
    protectsAgainst:
        "a StatefulSet that may run more than one replica (as above) without host/zone anti-affinity on the pods' own labels or valid topology spread",
    validateStack: (args, report) => {
        for (const sts of ofKind(args.resources, "statefulSet")) {
            const range = clusteredRange(sts, args.resources);
            const labels = podLabels(sts.props);
            if (range === undefined || labels === undefined) continue;
            const pod = () => sts.props.spec?.template ?? {};
            if (!antiAffinitySpreads(pod, labels) && topologySpreads(pod, labels) === false) {
                report(
                    `${describeObject("StatefulSet", sts.props, sts.name)} runs ${describeRange(range)} with no host anti-affinity or topology spread on its own labels: one node can take several members.`,
                    sts.urn,
                );
            }
        }
    },
});
