/**
 * The registry of the pack's policies, in the order the docs list them: each policy with what it
 * protects against. `all.ts`, the generated table in docs/policy-pack.md and the tests take the list
 * from here; a new policy is its module and one line below.
 */
import { Policy } from "@pulumi/policy";
import { backupSchedule } from "./backup";
import { autoscalerOwnsReplicas, quorumOddVoters, replicasSpread, statefulSetDisruptionBudget } from "./availability";
import { headlessServicePublishesNotReady, stableNames, statefulSetHeadlessService, statefulSetSelectorMatchesTemplate } from "./discovery";
import { productionDataProtected, workloadHygiene } from "./hygiene";
import { dataNetworkPolicy, dataStoreLivenessDistinct, noAllCapabilities } from "./peers";
import { dataOnPersistentVolumes, operatorStoragePersistent, pvcRetention } from "./storage";

/** A registered policy. */
export interface RegisteredPolicy {
    /** The policy. */
    policy: Policy;
    /** What it protects against, one Markdown cell (the docs' table). */
    protectsAgainst: string;
}

/** Every policy of the pack, in order. */
export const POLICY_REGISTRY: readonly RegisteredPolicy[] = [
    {
        policy: statefulSetHeadlessService,
        protectsAgainst:
            "a StatefulSet whose `serviceName` is missing, names no Service in the stack and namespace, a non-headless one, one without selector or one that does not select its pods (kube-score accepts a selector-less Service; we do not)",
    },
    { policy: statefulSetSelectorMatchesTemplate, protectsAgainst: "an empty selector or one that does not match the pod template labels" },
    {
        policy: dataOnPersistentVolumes,
        protectsAgainst:
            'data off claims: no `volumeClaimTemplates` (unless annotated `stateful-k8s.io/data: none`, which also allows scratch volumes at data paths); a claim template no container mounts; templates or standalone PVCs without size, access modes or a storage class (allow-list `allowedStorageClasses`; `storageClassName: ""`, static binding to pre-created volumes, is allowed unless `allowStaticBinding: false`); `emptyDir`/`hostPath` mounted at a data path (`dataPaths`, default `/data`, `/var/lib/*`, `/bitnami/*`, `/home/*/data`, `/opt/*/data`) with no claim inside it',
    },
    {
        policy: pvcRetention,
        protectsAgainst:
            "`persistentVolumeClaimRetentionPolicy` `Delete`; a PersistentVolume in the stack with `persistentVolumeReclaimPolicy` other than `Retain` (config `allowDelete: true` for throw-away stacks)",
    },
    {
        policy: statefulSetDisruptionBudget,
        protectsAgainst:
            "a StatefulSet that may run more than one replica (its `replicas`, or, when an autoscaler targets it, the autoscaler's range) and no PDB selecting its pods; two PDBs selecting the same pods (drains hang); a PDB setting both or neither of `minAvailable`/`maxUnavailable`; one that allows no disruption at some count it may run with; one that lets a drain break a quorum workload's majority",
    },
    {
        policy: headlessServicePublishesNotReady,
        protectsAgainst:
            "a governing Service without `publishNotReadyAddresses: true` (members cannot find starting peers), for StatefulSets that may run more than one replica",
    },
    {
        policy: replicasSpread,
        protectsAgainst:
            "a StatefulSet that may run more than one replica (as above) without host/zone anti-affinity on the pods' own labels or valid topology spread",
    },
    {
        policy: stableNames,
        protectsAgainst: "an auto-named StatefulSet or governing Service (replacement renames pods and claims, orphaning volumes)",
    },
    {
        policy: autoscalerOwnsReplicas,
        protectsAgainst:
            'an HPA (any version) or KEDA ScaledObject targeting a StatefulSet or a custom resource of a stateful operator (`statefulGroups`, default Strimzi and tidb-operator) whose `spec.replicas` Pulumi still manages (no `ignoreChanges` covering it: `spec.replicas`, `spec["replicas"]`, `spec`, `spec.*`); a minimum below 2. Deployments and other stateless targets are not checked',
    },
    {
        policy: quorumOddVoters,
        protectsAgainst:
            'an even, non-zero number of voters: StatefulSets labelled `stateful-k8s.io/quorum: "true"` (`quorumLabelKey`/`quorumLabelValue`), the KRaft controllers of a Strimzi Kafka cluster summed over its node pools, ZooKeeper ensembles of `v1beta2` Kafka resources, PD groups',
    },
    {
        policy: operatorStoragePersistent,
        protectsAgainst:
            "Strimzi node pools (and the `kafka`/`zookeeper` storage of `v1beta2` Kafka resources without node pools) on `ephemeral` storage, with an empty `jbod` or with `deleteClaim: true`; tidb-operator PD/TiKV groups without a sized data volume (operators' own StatefulSets and claims are invisible to policies)",
    },
    {
        policy: workloadHygiene,
        protectsAgainst:
            "unpinned images (untagged or `latest`) in containers and init containers, containers without CPU and memory requests, containers without a readiness probe",
    },
    {
        policy: productionDataProtected,
        protectsAgainst:
            "StatefulSets (other than those annotated `stateful-k8s.io/data: none`), PVCs, Kafka/KafkaNodePools and PD/TiKV groups without `protect: true`; `policies/production.json` makes it mandatory for production stacks (our program protects every component when `stateful-k8s:production` is true)",
    },
    {
        policy: dataStoreLivenessDistinct,
        protectsAgainst:
            "a container of a StatefulSet that keeps data whose liveness probe runs the same check as its readiness probe with no longer failure window: a busy member is restarted instead of taken out of service (the same check with a larger `failureThreshold` passes)",
    },
    {
        policy: dataNetworkPolicy,
        protectsAgainst:
            "a StatefulSet that keeps data whose pods no ingress NetworkPolicy in its namespace selects (an empty `podSelector` counts). Our components create none, so our stacks draw this advisory for Nacos, RabbitMQ and Redis",
    },
    {
        policy: noAllCapabilities,
        protectsAgainst:
            "a container or init container of a StatefulSet, Deployment or DaemonSet that runs `privileged` or adds capability `ALL`",
    },
    {
        policy: backupSchedule,
        protectsAgainst:
            "a data store with nothing in the stack that backs it up: a StatefulSet with claims (unless annotated `stateful-k8s.io/backup: external`) without a CronJob labelled `stateful-k8s.io/backup-of: <name>`, a Kafka without one or a KafkaMirrorMaker2 reading it, a TiDB cluster without one or a BackupSchedule; mandatory in `production.json` (see [docs/backup.md](docs/backup.md))",
    },
];

/** Whether a policy checks the whole stack (`stack`) or one resource at a time (`resource`). */
export function policyKind(policy: Policy): "stack" | "resource" {
    return "validateStack" in policy ? "stack" : "resource";
}

/** The Markdown table of the pack's policies (name, kind, default enforcement, what it protects against). */
export function policyTable(): string {
    const rows = POLICY_REGISTRY.map(
        ({ policy, protectsAgainst }) =>
            `| \`${policy.name}\` | ${policyKind(policy)} | ${policy.enforcementLevel ?? "advisory"} | ${protectsAgainst} |`,
    );
    return ["| policy | kind | default | protects against |", "| --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}
