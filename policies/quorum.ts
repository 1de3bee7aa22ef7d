/**
 * Quorum workloads: which StatefulSets vote (the quorum label, configurable), and the policy that keeps
 * every voter count odd, whether the voters are a labelled StatefulSet, Strimzi's KRaft controllers or
 * ZooKeeper nodes, or tidb-operator's PD members.
 */
import { PolicyResource } from "@pulumi/policy";
import { statefulPolicy } from "./lib/define";
import { DEFAULT_QUORUM_LABEL, describeObject, known, metadataOf, nameOf, namespaceOf, ofKind, plainCopy } from "./lib/k8s";

/** Config shared by the quorum-aware policies. */
export interface QuorumConfig {
    /** Label key that marks a quorum (voting) workload. */
    quorumLabelKey: string;
    /** Label value that marks a quorum workload. */
    quorumLabelValue: string;
}

/** Defaults of {@link QuorumConfig}: the label the components put on quorum workloads (see the contract). */
export const QUORUM_SETTINGS: QuorumConfig = { quorumLabelKey: DEFAULT_QUORUM_LABEL.key, quorumLabelValue: DEFAULT_QUORUM_LABEL.value };

/** True when a StatefulSet is marked (on itself or its pods) as a quorum workload. */
export function isQuorum(props: Record<string, any>, cfg: QuorumConfig): boolean {
    const own = known(() => metadataOf(props).labels?.[cfg.quorumLabelKey]);
    const pod = known(() => props.spec?.template?.metadata?.labels?.[cfg.quorumLabelKey]);
    return own === cfg.quorumLabelValue || pod === cfg.quorumLabelValue;
}

/** True for an even count of voters (zero, scaled down on purpose, is no quorum). */
function even(n: unknown): n is number {
    return typeof n === "number" && n > 0 && n % 2 === 0;
}

/** The KRaft controller pools of one Kafka cluster (`<namespace>/<cluster>`); `complete` is false while some pool is unknown. */
interface ControllerQuorum {
    /** The pools with the controller role and their replicas. */
    pools: { resource: PolicyResource; replicas: number }[];
    /** False when a pool of the cluster has roles or replicas unknown during preview (the total is not judged). */
    complete: boolean;
}

/** The KRaft controllers of each Kafka cluster: they vote as one quorum, whichever node pools they come from. */
function controllerQuorums(resources: PolicyResource[]): Map<string, ControllerQuorum> {
    const clusters = new Map<string, ControllerQuorum>();
    for (const pool of ofKind(resources, "kafkaNodePool")) {
        const ns = known(() => namespaceOf(pool.props));
        const cluster = known(() => metadataOf(pool.props).labels?.["strimzi.io/cluster"]);
        const key = `${ns ?? "(unknown)"}/${cluster ?? `(pool ${pool.name})`}`;
        const roles = known(() => plainCopy<string[]>(pool.props.spec?.roles ?? []));
        if (roles !== undefined && !roles.includes("controller")) continue;
        const replicas = known(() => pool.props.spec?.replicas as unknown);
        const quorum = clusters.get(key) ?? { pools: [], complete: true };
        if (roles === undefined || typeof replicas !== "number") quorum.complete = false;
        else quorum.pools.push({ resource: pool, replicas });
        clusters.set(key, quorum);
    }
    return clusters;
}

/** Policy 10: quorum systems run an odd number of voters. */
export const quorumOddVoters = statefulPolicy({
    name: "quorum-odd-voters",
    description:
        'Quorum systems run an odd number of voters: an even count tolerates no more failures than the odd count below it and can split evenly. Applies to StatefulSets labelled as quorum workloads (label configurable, default stateful-k8s.io/quorum: "true"), the KRaft controllers of a Strimzi Kafka cluster (counted over all its node pools with the controller role, v1 and v1beta2), ZooKeeper ensembles of v1beta2 Kafka resources and tidb-operator PDGroups. Zero (scaled down on purpose) is not a quorum and passes. Fix: use 1, 3 or 5 voters.',
    enforcementLevel: "mandatory",
    protectsAgainst:
        'an even, non-zero number of voters: StatefulSets labelled `stateful-k8s.io/quorum: "true"` (`quorumLabelKey`/`quorumLabelValue`), the KRaft controllers of a Strimzi Kafka cluster summed over its node pools, ZooKeeper ensembles of `v1beta2` Kafka resources, PD groups',
    config: QUORUM_SETTINGS,
    validateStack: (args, report, cfg) => {
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
        for (const [key, { pools, complete }] of controllerQuorums(args.resources)) {
            const total = pools.reduce((sum, p) => sum + p.replicas, 0);
            if (!complete || !even(total)) continue;
            if (pools.length === 1) {
                const p = pools[0].resource;
                report(
                    `${describeObject("KafkaNodePool", p.props, p.name)} has the controller role and ${total} replicas: a KRaft quorum needs an odd number.`,
                    p.urn,
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
});
