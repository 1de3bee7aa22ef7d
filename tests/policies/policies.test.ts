/**
 * Each policy, called directly with constructed arguments (no CLI, no mocks): one passing and one
 * failing case each, asserting the exact message; and graceful handling of preview's unknown values.
 */
import * as assert from "assert";
import { unknownCheckingProxy } from "@pulumi/policy";
import { autoscalerOwnsReplicas } from "../../policies/autoscaling";
import { replicasSpread, statefulSetDisruptionBudget } from "../../policies/availability";
import {
    headlessServicePublishesNotReady,
    stableNames,
    statefulSetHeadlessService,
    statefulSetSelectorMatchesTemplate,
} from "../../policies/discovery";
import { imageIsPinned } from "../../components/lib/contract";
import { productionDataProtected, workloadHygiene } from "../../policies/hygiene";
import { TYPES } from "../../policies/lib/k8s";
import { quorumOddVoters } from "../../policies/quorum";
import { dataOnPersistentVolumes, operatorStoragePersistent, pvcRetention } from "../../policies/storage";
import { resource, runPolicy } from "../helpers/policy";

const labels = { app: "kv" };
function sts(change: (s: any) => void = () => undefined, opts = {}) {
    const s: any = {
        metadata: { name: "kv", namespace: "ns", labels: { "stateful-k8s.io/quorum": "true" } },
        spec: {
            replicas: 3,
            serviceName: "kv-headless",
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                {
                                    weight: 100,
                                    podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } },
                                },
                            ],
                        },
                    },
                    containers: [
                        {
                            name: "kv",
                            image: "etcd:3.6.0",
                            resources: { requests: { cpu: "1", memory: "1Gi" } },
                            readinessProbe: { httpGet: { path: "/health", port: 2379 } },
                            volumeMounts: [{ name: "data", mountPath: "/var/lib/etcd" }],
                        },
                    ],
                },
            },
            volumeClaimTemplates: [
                {
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: "ssd", resources: { requests: { storage: "5Gi" } } },
                },
            ],
        },
    };
    change(s);
    return resource(TYPES.statefulSet, "kv", s, opts);
}
function svc(change: (s: any) => void = () => undefined) {
    const s: any = {
        metadata: { name: "kv-headless", namespace: "ns" },
        spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: labels },
    };
    change(s);
    return resource(TYPES.service, "kv-headless", s);
}
function pdb(spec: Record<string, unknown> = { maxUnavailable: 1 }) {
    return resource(TYPES.pdb, "kv-pdb", {
        metadata: { name: "kv", namespace: "ns" },
        spec: { ...spec, selector: { matchLabels: labels } },
    });
}

describe("policies, called directly", () => {
    it("statefulset-headless-service: passes a headless, selecting Service; names a missing selector", async () => {
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [sts(), svc()]), []);
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [sts(), svc((s) => delete s.spec.selector)]), [
            'StatefulSet ns/kv is governed by Service "kv-headless", which has no selector: select the StatefulSet\'s pod labels.',
        ]);
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [sts((s) => delete s.spec.serviceName)]), [
            "StatefulSet ns/kv has no spec.serviceName: set it to a headless Service that selects its pods.",
        ]);
    });

    it("statefulset-selector-matches-template: passes matching labels; names a mismatch", async () => {
        assert.deepStrictEqual(await runPolicy(statefulSetSelectorMatchesTemplate, [sts()]), []);
        const bad = sts((s) => (s.spec.selector = { matchExpressions: [{ key: "app", operator: "In", values: ["other"] }] }));
        assert.deepStrictEqual(await runPolicy(statefulSetSelectorMatchesTemplate, [bad]), [
            'StatefulSet ns/kv: spec.selector {"matchExpressions":[{"key":"app","operator":"In","values":["other"]}]} does not match the pod template labels {"app":"kv"}.',
        ]);
    });

    it("stateful-data-on-pvcs: passes claims with a class; names a class outside the allow-list and a claim-less StatefulSet", async () => {
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [sts()]), []);
        assert.deepStrictEqual(
            await runPolicy(dataOnPersistentVolumes, [sts()], { "stateful-data-on-pvcs": { allowedStorageClasses: ["gold"] } }),
            ['StatefulSet ns/kv claim template "data" uses storage class "ssd", not one of the allowed gold.'],
        );
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [sts((s) => delete s.spec.volumeClaimTemplates)]), [
            "StatefulSet ns/kv has no volumeClaimTemplates: keep its data on claims, or annotate it stateful-k8s.io/data: none if it keeps no data.",
        ]);
        const declaredStateless = sts((s) => {
            delete s.spec.volumeClaimTemplates;
            s.metadata.annotations = { "stateful-k8s.io/data": "none" };
            s.spec.template.spec.containers[0].volumeMounts = [];
        });
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [declaredStateless]), []);
        const pvc = resource(TYPES.pvc, "claim", {
            metadata: { name: "claim", namespace: "ns" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        });
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [pvc]), [
            "PersistentVolumeClaim ns/claim names no storageClassName (the cluster default may not retain or even exist): set one.",
        ]);
    });

    it("pvc-retention: passes Retain; names Delete unless the stack allows it", async () => {
        assert.deepStrictEqual(
            await runPolicy(pvcRetention, [
                sts((s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Retain", whenScaled: "Retain" })),
            ]),
            [],
        );
        const deleting = sts((s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenScaled: "Delete" }));
        assert.deepStrictEqual(await runPolicy(pvcRetention, [deleting]), [
            'StatefulSet ns/kv: persistentVolumeClaimRetentionPolicy.whenScaled is "Delete"; claims would be deleted: set Retain.',
        ]);
        assert.deepStrictEqual(await runPolicy(pvcRetention, [deleting], { "pvc-retention": { allowDelete: true } }), []);
    });

    it("statefulset-disruption-budget: passes maxUnavailable 1; names a budget that breaks quorum, one that blocks drains, and one with both fields", async () => {
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts(), pdb()]), []);
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts(), pdb({ maxUnavailable: 2 })]), [
            "PodDisruptionBudget kv lets a drain take StatefulSet ns/kv down to 1 of 3 members, below its quorum of 2: allow at most 1 disruptions.",
        ]);
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts(), pdb({ minAvailable: "100%" })]), [
            "PodDisruptionBudget kv allows no voluntary disruption of StatefulSet ns/kv (3 replicas): nodes cannot be drained; allow at least one.",
        ]);
        assert.deepStrictEqual(
            await runPolicy(statefulSetDisruptionBudget, [sts((s) => (s.spec.replicas = 1)), pdb({ minAvailable: 1, maxUnavailable: 1 })]),
            ["PodDisruptionBudget ns/kv must set exactly one of minAvailable and maxUnavailable."],
        );
    });

    it("headless-service-publishes-not-ready: passes publishing; names a Service that hides starting peers", async () => {
        assert.deepStrictEqual(await runPolicy(headlessServicePublishesNotReady, [sts(), svc()]), []);
        assert.deepStrictEqual(
            await runPolicy(headlessServicePublishesNotReady, [sts(), svc((s) => delete s.spec.publishNotReadyAddresses)]),
            [
                "Service ns/kv-headless governs StatefulSet ns/kv but does not publish not-ready addresses: set publishNotReadyAddresses: true.",
            ],
        );
    });

    it("replicas-spread: passes anti-affinity or valid topology spread; names a StatefulSet with neither", async () => {
        assert.deepStrictEqual(await runPolicy(replicasSpread, [sts()]), []);
        const spread = sts((s) => {
            s.spec.template.spec.affinity = undefined;
            s.spec.template.spec.topologySpreadConstraints = [
                {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "DoNotSchedule",
                    labelSelector: { matchLabels: labels },
                },
            ];
        });
        assert.deepStrictEqual(await runPolicy(replicasSpread, [spread]), []);
        assert.deepStrictEqual(await runPolicy(replicasSpread, [sts((s) => (s.spec.template.spec.affinity = undefined))]), [
            "StatefulSet ns/kv runs 3 replicas with no host anti-affinity or topology spread on its own labels: one node can take several members.",
        ]);
    });

    it("stable-names: passes explicit names; names the provider's auto-name annotation", async () => {
        assert.deepStrictEqual(await runPolicy(stableNames, [sts(), svc()]), []);
        const autonamed = svc((s) => {
            s.metadata.annotations = { "pulumi.com/autonamed": "true" };
        });
        assert.deepStrictEqual(await runPolicy(stableNames, [sts(), autonamed]), [
            'Service "kv-headless" (governing a StatefulSet) is auto-named: set metadata.name.',
        ]);
    });

    it("autoscaler-owns-replicas: passes ignored replicas; names managed replicas and a KEDA minimum of 0", async () => {
        const hpa = resource(TYPES.hpa, "kv-hpa", {
            metadata: { name: "kv", namespace: "ns" },
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "kv" }, minReplicas: 3, maxReplicas: 7 },
        });
        assert.deepStrictEqual(
            await runPolicy(autoscalerOwnsReplicas, [sts(() => undefined, { ignoreChanges: ["spec.replicas"] }), hpa, pdb()]),
            [],
        );
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [sts(), hpa]), [
            'StatefulSet kv is scaled by HorizontalPodAutoscaler ns/kv but Pulumi still manages its spec.replicas (3): add ignoreChanges: ["spec.replicas"].',
        ]);
        const keda = resource(TYPES.scaledObject, "kv-keda", {
            metadata: { name: "kv", namespace: "ns" },
            spec: { scaleTargetRef: { kind: "StatefulSet", name: "kv" } },
        });
        assert.deepStrictEqual(
            await runPolicy(autoscalerOwnsReplicas, [sts(() => undefined, { ignoreChanges: ["spec.replicas"] }), keda]),
            ["ScaledObject ns/kv may scale StatefulSet kv down to 0: set a minimum of at least 2."],
        );
        const nodePool = resource(TYPES.kafkaNodePool, "pool", { metadata: { name: "broker", namespace: "ns" }, spec: { replicas: 3 } });
        const poolHpa = resource(TYPES.hpa, "pool-hpa", {
            metadata: { name: "broker", namespace: "ns" },
            spec: { scaleTargetRef: { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", name: "broker" }, minReplicas: 3 },
        });
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [nodePool, poolHpa]), [
            'KafkaNodePool broker is scaled by HorizontalPodAutoscaler ns/broker but Pulumi still manages its spec.replicas (3): add ignoreChanges: ["spec.replicas"].',
        ]);
    });

    it("quorum-odd-voters: passes odd voters and even non-voters; names an even KRaft controller pool and PD group", async () => {
        assert.deepStrictEqual(
            await runPolicy(quorumOddVoters, [sts(), sts((s) => ((s.metadata.labels = {}), (s.spec.replicas = 4)))]),
            [],
        );
        const controllers = resource(TYPES.kafkaNodePool, "c", {
            metadata: { name: "controller", namespace: "ns" },
            spec: { replicas: 2, roles: ["controller"] },
        });
        const pd = resource(TYPES.pdGroup, "pd", { metadata: { name: "pd", namespace: "ns" }, spec: { replicas: 4 } });
        assert.deepStrictEqual(await runPolicy(quorumOddVoters, [controllers, pd]), [
            "PDGroup ns/pd has 4 replicas: PD is a Raft group and needs an odd number.",
            "KafkaNodePool ns/controller has the controller role and 2 replicas: a KRaft quorum needs an odd number.",
        ]);
        const custom = sts((s) => ((s.metadata.labels = { role: "voter" }), (s.spec.replicas = 2)));
        assert.deepStrictEqual(
            await runPolicy(quorumOddVoters, [custom], { "quorum-odd-voters": { quorumLabelKey: "role", quorumLabelValue: "voter" } }),
            ["StatefulSet ns/kv is a quorum workload with 2 replicas: use an odd number."],
        );
    });

    it("operator-storage-persistent: passes jbod persistent claims kept; names deleteClaim true and a TiKV group without data volume", async () => {
        const pool = (storage: unknown) =>
            resource(TYPES.kafkaNodePool, "pool", { metadata: { name: "broker", namespace: "ns" }, spec: { replicas: 3, storage } });
        assert.deepStrictEqual(
            await runPolicy(operatorStoragePersistent, [
                pool({ type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: "1Gi", deleteClaim: false }] }),
            ]),
            [],
        );
        assert.deepStrictEqual(
            await runPolicy(operatorStoragePersistent, [pool({ type: "persistent-claim", size: "1Gi", deleteClaim: true })]),
            ["KafkaNodePool ns/broker deletes its claims with the cluster (deleteClaim: true): set deleteClaim: false."],
        );
        const tikv = resource(TYPES.tikvGroup, "tikv", {
            metadata: { name: "tikv", namespace: "ns" },
            spec: { template: { spec: { version: "v8.5.2" } } },
        });
        assert.deepStrictEqual(await runPolicy(operatorStoragePersistent, [tikv]), [
            "TiKVGroup ns/tikv declares no data volume with a storage size: add template.spec.volumes with a mount of type data.",
        ]);
    });

    it("workload-hygiene: passes a pinned, requested, probed container; names each gap", async () => {
        assert.deepStrictEqual(await runPolicy(workloadHygiene, [sts()]), []);
        const sloppy = sts((s) => (s.spec.template.spec.containers[0] = { name: "kv", image: "etcd" }));
        assert.deepStrictEqual(await runPolicy(workloadHygiene, [sloppy]), [
            'StatefulSet ns/kv: container "kv" uses image "etcd", which is not pinned: use a fixed tag or a digest.',
            'StatefulSet ns/kv: container "kv" does not request both cpu and memory.',
            'StatefulSet ns/kv: container "kv" has no readinessProbe.',
        ]);
        assert.deepStrictEqual(
            ["etcd:3.6", "registry:5000/etcd:3.6", "etcd@sha256:abc", "etcd", "etcd:latest", "registry:5000/etcd"].map(imageIsPinned),
            [true, true, true, false, false, false],
        );
    });

    it("production-data-protected: passes protected data; names an unprotected claim", async () => {
        assert.deepStrictEqual(await runPolicy(productionDataProtected, [sts(() => undefined, { protect: true })]), []);
        const pvc = resource(TYPES.pvc, "claim", { metadata: { name: "claim", namespace: "ns" }, spec: {} });
        assert.deepStrictEqual(await runPolicy(productionDataProtected, [pvc]), [
            "PersistentVolumeClaim ns/claim holds data but is not protected: register it with protect: true.",
        ]);
    });

    it("reports nothing, rather than failing, for values unknown during preview", async () => {
        // The policy server wraps props in this proxy; touching an unknown value throws UnknownValueError.
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const previewSts = sts((s) => {
            s.spec.serviceName = unknown;
            s.spec.replicas = unknown;
            s.spec.template.spec.containers[0].image = unknown;
        });
        (previewSts as any).props = unknownCheckingProxy(previewSts.props);
        for (const policy of [statefulSetHeadlessService, statefulSetDisruptionBudget, workloadHygiene, replicasSpread, quorumOddVoters]) {
            assert.deepStrictEqual(await runPolicy(policy, [previewSts, svc(), pdb()]), [], policy.name);
        }
    });
});
