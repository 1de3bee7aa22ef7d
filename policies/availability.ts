/**
 * Availability policies: disruption budgets that allow a drain but keep a quorum, spreading, odd
 * voter counts, and autoscalers that own `replicas` instead of fighting Pulumi for it.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    DEFAULT_QUORUM_LABEL,
    describeObject,
    intOrPercent,
    known,
    majority,
    metadataOf,
    namespaceOf,
    replicasOf,
    selectorMatches,
    TYPES,
} from "./lib/k8s";

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
    const labels = { ...(props.spec?.template?.metadata?.labels ?? {}), ...(metadataOf(props).labels ?? {}) };
    return labels[cfg.quorumLabelKey] === cfg.quorumLabelValue;
}

/** PodDisruptionBudgets in the stack that select a StatefulSet's pods. */
export function budgetsFor(sts: PolicyResource, resources: PolicyResource[]): PolicyResource[] {
    const labels = sts.props.spec?.template?.metadata?.labels;
    return resources.filter(
        (r) => r.type === TYPES.pdb && namespaceOf(r.props) === namespaceOf(sts.props) && selectorMatches(r.props.spec?.selector, labels),
    );
}

/** Policy 5: every clustered StatefulSet has a budget that allows a drain and keeps a quorum. */
export const statefulSetDisruptionBudget: StackValidationPolicy = {
    name: "statefulset-disruption-budget",
    description:
        "Every StatefulSet with more than one replica has a PodDisruptionBudget (same namespace, selector matching its pods) that sets exactly one of minAvailable/maxUnavailable, allows at least one voluntary disruption (so nodes can be drained), and, for quorum workloads, never lets a drain take the members below a majority. Fix: add a policy/v1 PodDisruptionBudget with maxUnavailable: 1.",
    enforcementLevel: "mandatory",
    configSchema: QUORUM_SCHEMA,
    validateStack: (args, report) => {
        const cfg = quorumConfig(args.getConfig<Partial<QuorumConfig>>());
        for (const pdb of args.resources.filter((r) => r.type === TYPES.pdb)) {
            known(() => {
                const spec = pdb.props.spec ?? {};
                if ((spec.minAvailable === undefined) === (spec.maxUnavailable === undefined)) {
                    report(
                        `PodDisruptionBudget ${namespaceOf(pdb.props)}/${metadataOf(pdb.props).name ?? pdb.name} must set exactly one of minAvailable and maxUnavailable.`,
                        pdb.urn,
                    );
                }
            });
        }
        for (const sts of args.resources.filter((r) => r.type === TYPES.statefulSet)) {
            known(() => {
                const n = replicasOf(sts.props);
                if (n < 2) return;
                const what = describeObject("StatefulSet", sts.props, sts.name);
                const budgets = budgetsFor(sts, args.resources);
                if (budgets.length === 0) {
                    report(
                        `${what} has ${n} replicas and no PodDisruptionBudget selecting its pods: add one with maxUnavailable: 1.`,
                        sts.urn,
                    );
                    return;
                }
                for (const pdb of budgets) {
                    const spec = pdb.props.spec ?? {};
                    const disruptions =
                        spec.maxUnavailable !== undefined
                            ? intOrPercent(spec.maxUnavailable, n)
                            : spec.minAvailable !== undefined
                              ? n - intOrPercent(spec.minAvailable, n)
                              : undefined;
                    if (disruptions === undefined) continue;
                    const budgetName = `PodDisruptionBudget ${metadataOf(pdb.props).name ?? pdb.name}`;
                    if (disruptions < 1) {
                        report(
                            `${budgetName} allows no voluntary disruption of ${what} (${n} replicas): nodes cannot be drained; allow at least one.`,
                            pdb.urn,
                        );
                    } else if (isQuorum(sts.props, cfg) && n - disruptions < majority(n)) {
                        report(
                            `${budgetName} lets a drain take ${what} down to ${n - disruptions} of ${n} members, below its quorum of ${majority(n)}: allow at most ${n - majority(n)} disruptions.`,
                            pdb.urn,
                        );
                    }
                }
            });
        }
    },
};

/** Policy 7: members of a clustered StatefulSet are spread over nodes. */
export const replicasSpread: ResourceValidationPolicy = {
    name: "replicas-spread",
    description:
        "A StatefulSet with more than one replica spreads its members: a pod anti-affinity term (required or preferred) on kubernetes.io/hostname, zone or region whose selector matches the pods' own labels, or topologySpreadConstraints with a matching selector, maxSkew > 0 and a valid whenUnsatisfiable. Otherwise one node failure can take a quorum. Fix: add podAntiAffinity on kubernetes.io/hostname selecting the pod labels.",
    enforcementLevel: "advisory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.statefulSet) return;
        known(() => {
            if (replicasOf(args.props) < 2) return;
            const pod = args.props.spec?.template ?? {};
            const labels = pod.metadata?.labels;
            const keys = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region"];
            const anti = pod.spec?.affinity?.podAntiAffinity ?? {};
            const terms = [
                ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
                ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: { podAffinityTerm: unknown }) => w.podAffinityTerm),
            ] as { topologyKey?: string; labelSelector?: never }[];
            const antiOk = terms.some((t) => keys.includes(t.topologyKey ?? "") && selectorMatches(t.labelSelector, labels));
            const spread = (pod.spec?.topologySpreadConstraints ?? []) as Record<string, any>[];
            const spreadOk =
                spread.length > 0 &&
                spread.every(
                    (c) =>
                        selectorMatches(c.labelSelector, labels) &&
                        (c.maxSkew ?? 0) > 0 &&
                        c.topologyKey &&
                        ["DoNotSchedule", "ScheduleAnyway"].includes(c.whenUnsatisfiable),
                );
            if (!antiOk && !spreadOk) {
                report(
                    `${describeObject("StatefulSet", args.props, args.name)} runs ${replicasOf(args.props)} replicas with no host anti-affinity or topology spread on its own labels: one node can take several members.`,
                );
            }
        });
    },
};

/** What an autoscaler scales. */
interface ScaleTarget {
    kind: string;
    name: string;
    min: number;
}

function scaleTarget(r: PolicyResource): ScaleTarget | undefined {
    if (r.type === TYPES.hpa) {
        const ref = r.props.spec?.scaleTargetRef ?? {};
        return { kind: ref.kind, name: ref.name, min: r.props.spec?.minReplicas ?? 1 };
    }
    if (r.type === TYPES.scaledObject) {
        const ref = r.props.spec?.scaleTargetRef ?? {};
        return { kind: ref.kind ?? "Deployment", name: ref.name, min: r.props.spec?.minReplicaCount ?? 0 };
    }
    return undefined;
}

/** Policy 9: an autoscaled object's `replicas` belongs to the autoscaler. */
export const autoscalerOwnsReplicas: StackValidationPolicy = {
    name: "autoscaler-owns-replicas",
    description:
        "When a HorizontalPodAutoscaler or KEDA ScaledObject in the stack targets a StatefulSet or a scalable custom resource, Pulumi must not manage that object's spec.replicas (register it with ignoreChanges: [\"spec.replicas\"] or leave replicas unset), or every pulumi up resets what the autoscaler chose; the autoscaler's minimum is at least 2 and not below a PodDisruptionBudget's minAvailable. Fix: add ignoreChanges and raise minReplicas.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const scaler of args.resources) {
            known(() => {
                const target = scaleTarget(scaler);
                if (target === undefined) return;
                const scalerName = `${scaler.type.split(":").pop()} ${namespaceOf(scaler.props)}/${metadataOf(scaler.props).name ?? scaler.name}`;
                if (target.min < 2) {
                    report(
                        `${scalerName} may scale ${target.kind} ${target.name} down to ${target.min}: set a minimum of at least 2.`,
                        scaler.urn,
                    );
                }
                const object = args.resources.find(
                    (r) =>
                        r.type.endsWith(`:${target.kind}`) &&
                        metadataOf(r.props).name === target.name &&
                        namespaceOf(r.props) === namespaceOf(scaler.props),
                );
                if (object === undefined) return;
                const ignored = object.opts.ignoreChanges.some((p) => p === "spec.replicas" || p === "spec");
                if (object.props.spec?.replicas !== undefined && !ignored) {
                    report(
                        `${target.kind} ${target.name} is scaled by ${scalerName} but Pulumi still manages its spec.replicas (${object.props.spec.replicas}): add ignoreChanges: ["spec.replicas"].`,
                        object.urn,
                    );
                }
                if (object.type === TYPES.statefulSet) {
                    for (const pdb of budgetsFor(object, args.resources)) {
                        const minAvailable = pdb.props.spec?.minAvailable;
                        if (minAvailable !== undefined && intOrPercent(minAvailable, target.min) > target.min) {
                            report(
                                `${scalerName}'s minimum ${target.min} is below PodDisruptionBudget ${metadataOf(pdb.props).name}'s minAvailable ${minAvailable}: raise the minimum.`,
                                scaler.urn,
                            );
                        }
                    }
                }
            });
        }
    },
};

/** Policy 10: quorum systems run an odd number of voters. */
export const quorumOddVoters: ResourceValidationPolicy = {
    name: "quorum-odd-voters",
    description:
        'Quorum systems run an odd number of voters: an even count tolerates no more failures than the odd count below it and can split evenly. Applies to StatefulSets labelled as quorum workloads (label configurable, default stateful-k8s.io/quorum: "true"), Strimzi KafkaNodePools with the controller role and tidb-operator PDGroups. Fix: use 1, 3 or 5 replicas.',
    enforcementLevel: "mandatory",
    configSchema: QUORUM_SCHEMA,
    validateResource: (args, report) => {
        const cfg = quorumConfig(args.getConfig<Partial<QuorumConfig>>());
        known(() => {
            const replicas = args.props.spec?.replicas as number | undefined;
            if (replicas === undefined || replicas % 2 === 1) return;
            const name = `${namespaceOf(args.props)}/${metadataOf(args.props).name ?? args.name}`;
            if (args.type === TYPES.statefulSet && isQuorum(args.props, cfg)) {
                report(`StatefulSet ${name} is a quorum workload with ${replicas} replicas: use an odd number.`);
            } else if (args.type === TYPES.kafkaNodePool && (args.props.spec?.roles ?? []).includes("controller")) {
                report(`KafkaNodePool ${name} has the controller role and ${replicas} replicas: a KRaft quorum needs an odd number.`);
            } else if (args.type === TYPES.pdGroup) {
                report(`PDGroup ${name} has ${replicas} replicas: PD is a Raft group and needs an odd number.`);
            }
        });
    },
};
