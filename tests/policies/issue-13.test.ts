/**
 * The false alarms and misses of issue 13, and the peer checks added with it: each policy called directly
 * with constructed arguments, asserting the exact messages, including with preview's unknown values.
 */
import * as assert from "assert";
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { autoscalerOwnsReplicas } from "../../policies/autoscaling";
import { replicasSpread, statefulSetDisruptionBudget } from "../../policies/availability";
import { headlessServicePublishesNotReady, statefulSetHeadlessService } from "../../policies/discovery";
import { productionDataProtected, workloadHygiene } from "../../policies/hygiene";
import { ignoresPath, propertyPath, TYPES } from "../../policies/lib/k8s";
import { dataNetworkPolicy, dataStoreLivenessDistinct, noAllCapabilities } from "../../policies/peers";
import { quorumOddVoters } from "../../policies/quorum";
import { dataOnPersistentVolumes, operatorStoragePersistent, pvcRetention } from "../../policies/storage";
import { resource, runPolicy } from "../helpers/policy";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";

const labels = { app: "kv" };

/** A correct three-member data store in namespace ns; `change` breaks or varies one thing. */
function sts(change: (s: any) => void = () => undefined, opts: { protect?: boolean; ignoreChanges?: string[] } = {}) {
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
                            requiredDuringSchedulingIgnoredDuringExecution: [
                                { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } },
                            ],
                        },
                    },
                    containers: [
                        {
                            name: "kv",
                            image: "etcd:3.6.0",
                            resources: { requests: { cpu: "1", memory: "1Gi" } },
                            readinessProbe: { httpGet: { path: "/readyz", port: 2379 } },
                            livenessProbe: { httpGet: { path: "/livez", port: 2379 } },
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
function svc() {
    return resource(TYPES.service, "kv-headless", {
        metadata: { name: "kv-headless", namespace: "ns" },
        spec: { clusterIP: "None", publishNotReadyAddresses: false, selector: labels },
    });
}
function pdb(name = "kv", spec: Record<string, unknown> = { maxUnavailable: 1 }) {
    return resource(TYPES.pdb, `${name}-pdb`, {
        metadata: { name, namespace: "ns" },
        spec: { ...spec, selector: { matchLabels: labels } },
    });
}
function hpa(type: string, kind: string, name: string, spec: Record<string, unknown>, apiVersion?: string) {
    return resource(type, `${name}-hpa`, {
        metadata: { name, namespace: "ns" },
        spec: { scaleTargetRef: { kind, name, ...(apiVersion ? { apiVersion } : {}) }, ...spec },
    });
}
function web(replicas?: number) {
    return resource(TYPES.deployment, "web", {
        metadata: { name: "web", namespace: "ns" },
        spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: "web" } }, template: {} },
    });
}
/** The same resource with its props wrapped as the policy server wraps them during preview. */
function preview(r: PolicyResource): PolicyResource {
    return { ...r, props: unknownCheckingProxy(r.props) } as PolicyResource;
}

describe("issue 13: false alarms", () => {
    it("autoscaler-owns-replicas leaves stateless targets alone: an HPA at 1 and KEDA scale-to-zero on Deployments", async () => {
        const webHpa = hpa(
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "Deployment",
            "web",
            { minReplicas: 1, maxReplicas: 10 },
            "apps/v1",
        );
        const consumer = resource(TYPES.scaledObject, "consumer", {
            metadata: { name: "consumer", namespace: "ns" },
            spec: { scaleTargetRef: { name: "web" }, minReplicaCount: 0, maxReplicaCount: 20 },
        });
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [web(), webHpa, consumer]), []);
        // The same minimum on a StatefulSet is still refused.
        const stsHpa = hpa(TYPES.hpa, "StatefulSet", "kv", { minReplicas: 1, maxReplicas: 5 }, "apps/v1");
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [sts((s) => delete s.spec.replicas), stsHpa]), [
            "HorizontalPodAutoscaler ns/kv may scale StatefulSet kv down to 1: set a minimum of at least 2.",
        ]);
    });

    it("autoscaler-owns-replicas recognises ignoreChanges in bracket and parent forms", async () => {
        const stsHpa = hpa(TYPES.hpa, "StatefulSet", "kv", { minReplicas: 3, maxReplicas: 5 });
        for (const path of ['spec["replicas"]', "spec['replicas']", '["spec"]["replicas"]', "spec", "spec.*"]) {
            assert.deepStrictEqual(
                await runPolicy(autoscalerOwnsReplicas, [sts(undefined, { ignoreChanges: [path] }), stsHpa, pdb()]),
                [],
                path,
            );
        }
        assert.deepStrictEqual(propertyPath('metadata.annotations["pulumi.com/skipAwait"]'), [
            "metadata",
            "annotations",
            "pulumi.com/skipAwait",
        ]);
        assert.strictEqual(ignoresPath(["spec.replicasX", "spec.template"], ["spec", "replicas"]), false);
    });

    it("stateful-data-on-pvcs accepts scratch volumes at data paths on a StatefulSet that declares no data", async () => {
        const cache = sts((s) => {
            s.metadata.annotations = { "stateful-k8s.io/data": "none" };
            delete s.spec.volumeClaimTemplates;
            s.spec.template.spec.volumes = [{ name: "data", emptyDir: {} }];
        });
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [cache]), []);
    });

    it('stateful-data-on-pvcs accepts static binding (storageClassName "") unless allowStaticBinding is false', async () => {
        const staticClaim = resource(TYPES.pvc, "claim", {
            metadata: { name: "claim", namespace: "ns" },
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: "", volumeName: "pv-1", resources: { requests: { storage: "1Gi" } } },
        });
        const staticTemplate = sts((s) => (s.spec.volumeClaimTemplates[0].spec.storageClassName = ""));
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [staticClaim, staticTemplate]), []);
        assert.deepStrictEqual(
            await runPolicy(dataOnPersistentVolumes, [staticClaim, staticTemplate], {
                "stateful-data-on-pvcs": { allowStaticBinding: false, allowedStorageClasses: ["ssd"] },
            }),
            [
                'PersistentVolumeClaim ns/claim sets storageClassName "" (static binding to pre-created volumes), which this stack does not allow (allowStaticBinding).',
                'StatefulSet ns/kv claim template "data" sets storageClassName "" (static binding to pre-created volumes), which this stack does not allow (allowStaticBinding).',
            ],
        );
    });

    it("quorum-odd-voters accepts a quorum scaled to 0 on purpose", async () => {
        const pool = resource("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "c", {
            metadata: { name: "controller", namespace: "ns", labels: { "strimzi.io/cluster": "events" } },
            spec: { replicas: 0, roles: ["controller"] },
        });
        assert.deepStrictEqual(await runPolicy(quorumOddVoters, [sts((s) => (s.spec.replicas = 0)), pool]), []);
    });
});

describe("issue 13: misses", () => {
    it("a StatefulSet with replicas unset counts the autoscaler's range: budget, spread and peer discovery are checked", async () => {
        const unset = sts((s) => {
            delete s.spec.replicas;
            s.metadata.labels = {};
            s.spec.template.spec.affinity = undefined;
        });
        const scaler = hpa("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "StatefulSet", "kv", { minReplicas: 2, maxReplicas: 6 });
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [unset, scaler]), [
            "StatefulSet ns/kv has up to 6 replicas (scaled by HorizontalPodAutoscaler ns/kv) and no PodDisruptionBudget selecting its pods: add one with maxUnavailable: 1.",
        ]);
        assert.deepStrictEqual(await runPolicy(replicasSpread, [unset, scaler]), [
            "StatefulSet ns/kv runs up to 6 replicas (scaled by HorizontalPodAutoscaler ns/kv) with no host anti-affinity or topology spread on its own labels: one node can take several members.",
        ]);
        assert.deepStrictEqual(await runPolicy(headlessServicePublishesNotReady, [unset, scaler, svc()]), [
            "Service ns/kv-headless governs StatefulSet ns/kv but does not publish not-ready addresses: set publishNotReadyAddresses: true.",
        ]);
        // A quorum workload's budget is checked at every count the autoscaler may choose (2 members cannot lose one).
        const quorum = sts((s) => delete s.spec.replicas);
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [quorum, scaler, pdb()]), [
            "PodDisruptionBudget kv lets a drain take StatefulSet ns/kv down to 1 of 2 members, below its quorum of 2: allow at most 0 disruptions.",
        ]);
        // Without an autoscaler an unset count is Kubernetes' default of one: nothing to budget or spread.
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [unset]), []);
        assert.deepStrictEqual(await runPolicy(replicasSpread, [unset]), []);
    });

    it("autoscaling/v1 HPAs and Strimzi v1beta2 resources get the autoscaler, storage, quorum and protection checks", async () => {
        const v1 = hpa("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "StatefulSet", "kv", { minReplicas: 3, maxReplicas: 5 });
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [sts(), v1, pdb()]), [
            'StatefulSet kv is scaled by HorizontalPodAutoscaler ns/kv but Pulumi still manages its spec.replicas (3): add ignoreChanges: ["spec.replicas"].',
        ]);
        const pool = resource("kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool", "pool", {
            metadata: { name: "broker", namespace: "ns", labels: { "strimzi.io/cluster": "events" } },
            spec: { replicas: 2, roles: ["controller", "broker"], storage: { type: "ephemeral" } },
        });
        const poolHpa = hpa(TYPES.hpa, "KafkaNodePool", "broker", { minReplicas: 1, maxReplicas: 4 }, "kafka.strimzi.io/v1beta2");
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [pool, poolHpa]), [
            "HorizontalPodAutoscaler ns/broker may scale KafkaNodePool broker down to 1: set a minimum of at least 2.",
            'KafkaNodePool broker is scaled by HorizontalPodAutoscaler ns/broker but Pulumi still manages its spec.replicas (2): add ignoreChanges: ["spec.replicas"].',
        ]);
        assert.deepStrictEqual(await runPolicy(operatorStoragePersistent, [pool]), [
            "KafkaNodePool ns/broker uses ephemeral storage; data is lost with the pod: use persistent-claim.",
        ]);
        assert.deepStrictEqual(await runPolicy(quorumOddVoters, [pool]), [
            "KafkaNodePool ns/broker has the controller role and 2 replicas: a KRaft quorum needs an odd number.",
        ]);
        const kafka = resource("kubernetes:kafka.strimzi.io/v1beta2:Kafka", "kafka", {
            metadata: { name: "legacy", namespace: "ns" },
            spec: {
                kafka: {
                    replicas: 3,
                    storage: { type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: "10Gi", deleteClaim: true }] },
                },
                zookeeper: { replicas: 4, storage: { type: "ephemeral" } },
            },
        });
        assert.deepStrictEqual(await runPolicy(operatorStoragePersistent, [kafka]), [
            "Kafka ns/legacy (kafka) deletes its claims with the cluster (deleteClaim: true): set deleteClaim: false.",
            "Kafka ns/legacy (zookeeper) uses ephemeral storage; data is lost with the pod: use persistent-claim.",
        ]);
        assert.deepStrictEqual(await runPolicy(quorumOddVoters, [kafka]), [
            "Kafka ns/legacy runs 4 ZooKeeper nodes: a ZooKeeper ensemble needs an odd number.",
        ]);
        assert.deepStrictEqual(await runPolicy(productionDataProtected, [kafka, pool]), [
            "Kafka ns/legacy holds data but is not protected: register it with protect: true.",
            "KafkaNodePool ns/broker holds data but is not protected: register it with protect: true.",
        ]);
    });

    it("quorum-odd-voters counts KRaft controllers per Kafka cluster, over all its node pools", async () => {
        const pool = (name: string, cluster: string, replicas: number, roles = ["controller"]) =>
            resource("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", name, {
                metadata: { name, namespace: "ns", labels: { "strimzi.io/cluster": cluster } },
                spec: { replicas, roles },
            });
        assert.deepStrictEqual(
            await runPolicy(quorumOddVoters, [
                pool("zone-a", "events", 1),
                pool("zone-b", "events", 1),
                pool("brokers", "events", 4, ["broker"]),
            ]),
            [
                "Kafka cluster ns/events has 2 KRaft controllers across node pools zone-a (1), zone-b (1): a KRaft quorum needs an odd number.",
            ],
        );
        assert.deepStrictEqual(
            await runPolicy(quorumOddVoters, [pool("zone-a", "events", 1), pool("zone-b", "events", 2), pool("other", "audit", 1)]),
            [],
        );
    });

    it("statefulset-disruption-budget names two budgets over the same pods", async () => {
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts(), pdb("kv"), pdb("kv-extra")]), [
            "StatefulSet ns/kv is selected by 2 PodDisruptionBudgets (kv, kv-extra): the eviction API refuses to evict pods covered by more than one, so drains hang: keep one.",
        ]);
    });

    it("stateful-data-on-pvcs names a claim template that no container mounts", async () => {
        const unmounted = sts((s) => (s.spec.template.spec.containers[0].volumeMounts = []));
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [unmounted]), [
            'StatefulSet ns/kv claim template "data" is mounted by no container: the data lands on the container\'s file system and is lost with the pod: mount it where the data goes.',
        ]);
    });

    it("workload-hygiene checks the images of init containers", async () => {
        const init = sts((s) => (s.spec.template.spec.initContainers = [{ name: "wait", image: "busybox" }]));
        assert.deepStrictEqual(await runPolicy(workloadHygiene, [init]), [
            'StatefulSet ns/kv: init container "wait" uses image "busybox", which is not pinned: use a fixed tag or a digest.',
        ]);
    });

    it("pvc-retention names a statically bound PersistentVolume that deletes its data", async () => {
        const pv = (policy: string) =>
            resource("kubernetes:core/v1:PersistentVolume", "pv", {
                metadata: { name: "pv-1" },
                spec: {
                    capacity: { storage: "1Gi" },
                    accessModes: ["ReadWriteOnce"],
                    persistentVolumeReclaimPolicy: policy,
                    hostPath: { path: "/mnt/1" },
                },
            });
        assert.deepStrictEqual(await runPolicy(pvcRetention, [pv("Retain")]), []);
        assert.deepStrictEqual(await runPolicy(pvcRetention, [pv("Delete")]), [
            'PersistentVolume pv-1 has persistentVolumeReclaimPolicy "Delete": deleting its claim deletes the data: set Retain.',
        ]);
    });
});

describe("issue 13: unknown values during preview are handled per value", () => {
    it("still reports what is known on a resource with unknown fields", async () => {
        const r = preview(
            sts((s) => {
                s.spec.serviceName = UNKNOWN_STRING;
                s.spec.replicas = UNKNOWN_NUMBER;
                s.spec.volumeClaimTemplates[0].spec.storageClassName = UNKNOWN_STRING;
                delete s.spec.volumeClaimTemplates[0].spec.accessModes;
                s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: UNKNOWN_STRING, whenScaled: "Delete" };
                s.spec.template.spec.containers[0].image = UNKNOWN_STRING;
                delete s.spec.template.spec.containers[0].readinessProbe;
                s.spec.template.spec.initContainers = [{ name: "init", image: "busybox:latest", securityContext: { privileged: true } }];
                s.spec.template.spec.volumes = [{ name: "scratch", emptyDir: {} }];
                s.spec.template.spec.containers[0].volumeMounts.push({ name: "scratch", mountPath: "/data" });
            }),
        );
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [r]), [
            'StatefulSet ns/kv claim template "data" sets no accessModes.',
            'StatefulSet ns/kv: container "kv" mounts emptyDir volume "scratch" at data path /data; its data is lost with the pod or node: mount a claim template there.',
        ]);
        assert.deepStrictEqual(await runPolicy(pvcRetention, [r]), [
            'StatefulSet ns/kv: persistentVolumeClaimRetentionPolicy.whenScaled is "Delete"; claims would be deleted: set Retain.',
        ]);
        assert.deepStrictEqual(await runPolicy(workloadHygiene, [r]), [
            'StatefulSet ns/kv: container "kv" has no readinessProbe.',
            'StatefulSet ns/kv: init container "init" uses image "busybox:latest", which is not pinned: use a fixed tag or a digest.',
        ]);
        assert.deepStrictEqual(await runPolicy(noAllCapabilities, [r]), [
            'StatefulSet ns/kv: init container "init" runs privileged, keeping every capability: drop privileged and add only the capabilities it needs.',
        ]);
        // Unknown replicas and service name: those checks wait for the update; the duplicate budgets do not.
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [r, svc()]), []);
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [r, pdb("kv"), pdb("kv-extra")]), [
            "StatefulSet ns/kv is selected by 2 PodDisruptionBudgets (kv, kv-extra): the eviction API refuses to evict pods covered by more than one, so drains hang: keep one.",
        ]);
    });

    it("checks an autoscaler whose bounds are unknown for what it knows: its target's replicas", async () => {
        const scaler = preview(hpa(TYPES.hpa, "StatefulSet", "kv", { minReplicas: UNKNOWN_NUMBER, maxReplicas: UNKNOWN_NUMBER }));
        assert.deepStrictEqual(await runPolicy(autoscalerOwnsReplicas, [sts(), scaler]), [
            'StatefulSet kv is scaled by HorizontalPodAutoscaler ns/kv but Pulumi still manages its spec.replicas (3): add ignoreChanges: ["spec.replicas"].',
        ]);
        // The replica range is unknown, so the budget check waits for the update.
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts((s) => delete s.spec.replicas), scaler]), []);
    });

    it("does not call a StatefulSet unbudgeted while its pod labels or a budget's selector are unknown", async () => {
        const unknownLabels = preview(sts((s) => (s.spec.template.metadata.labels = { app: UNKNOWN_STRING })));
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [unknownLabels, pdb()]), []);
        const unknownSelector = preview(
            resource(TYPES.pdb, "kv-pdb", {
                metadata: { name: "kv", namespace: "ns" },
                spec: { maxUnavailable: 1, selector: UNKNOWN_STRING },
            }),
        );
        assert.deepStrictEqual(await runPolicy(statefulSetDisruptionBudget, [sts(), unknownSelector]), []);
        // Once known, the same programs are judged.
        assert.deepStrictEqual(
            await runPolicy(statefulSetDisruptionBudget, [sts((s) => (s.spec.template.metadata.labels = { app: "other" })), pdb()]),
            ["StatefulSet ns/kv has 3 replicas and no PodDisruptionBudget selecting its pods: add one with maxUnavailable: 1."],
        );
    });

    it("does not report a missing Service or NetworkPolicy while one of the stack's might be it", async () => {
        const unnamed = preview(
            resource(TYPES.service, "kv-headless", {
                metadata: { name: UNKNOWN_STRING, namespace: "ns" },
                spec: { clusterIP: "None", selector: labels },
            }),
        );
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [sts(), unnamed]), []);
        assert.deepStrictEqual(await runPolicy(statefulSetHeadlessService, [sts()]), [
            'StatefulSet ns/kv names Service "kv-headless", which is not in this stack\'s namespace ns: create it (clusterIP: None).',
        ]);
        const np = (spec: Record<string, unknown>) =>
            preview(resource(TYPES.networkPolicy, "np", { metadata: { name: "kv", namespace: "ns" }, spec }));
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({ podSelector: UNKNOWN_STRING })]), []);
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({ podSelector: {}, policyTypes: UNKNOWN_ARRAY })]), []);
        assert.deepStrictEqual(
            await runPolicy(dataNetworkPolicy, [sts(), np({ podSelector: { matchLabels: { app: "web" } }, policyTypes: UNKNOWN_ARRAY })]),
            [
                "StatefulSet ns/kv keeps data and no NetworkPolicy selects its pods: any pod in the cluster can reach it: add one that admits only its clients and peers.",
            ],
        );
    });

    it("judges the known items of a list whose other items are unknown", async () => {
        const r = preview(
            sts((s) => {
                s.spec.template.spec.containers.push(UNKNOWN_STRING);
                s.spec.template.spec.containers.push({ name: "sidecar", image: "exporter" });
                s.spec.volumeClaimTemplates.push({ metadata: { name: "logs" }, spec: UNKNOWN_STRING });
            }),
        );
        assert.deepStrictEqual(await runPolicy(workloadHygiene, [r]), [
            'StatefulSet ns/kv: container "sidecar" uses image "exporter", which is not pinned: use a fixed tag or a digest.',
            'StatefulSet ns/kv: container "sidecar" does not request both cpu and memory.',
            'StatefulSet ns/kv: container "sidecar" has no readinessProbe.',
        ]);
        // The "logs" template's spec is unknown (not judged), but nobody mounts it, which is known.
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [r]), [
            'StatefulSet ns/kv claim template "logs" is mounted by no container: the data lands on the container\'s file system and is lost with the pod: mount it where the data goes.',
        ]);
        const unknownTemplates = preview(sts((s) => (s.spec.volumeClaimTemplates = UNKNOWN_ARRAY)));
        assert.deepStrictEqual(await runPolicy(dataOnPersistentVolumes, [unknownTemplates]), []);
    });
});

describe("peer checks (advisory)", () => {
    it("data-store-liveness-distinct: passes distinct checks and the same check with a longer window; names an identical probe", async () => {
        assert.deepStrictEqual(await runPolicy(dataStoreLivenessDistinct, [sts()]), []);
        const sameLonger = sts((s) => {
            const c = s.spec.template.spec.containers[0];
            c.readinessProbe = { tcpSocket: { port: 2379 }, periodSeconds: 5, failureThreshold: 3 };
            c.livenessProbe = { tcpSocket: { port: 2379 }, periodSeconds: 10, failureThreshold: 6 };
        });
        assert.deepStrictEqual(await runPolicy(dataStoreLivenessDistinct, [sameLonger]), []);
        const identical = sts((s) => {
            const c = s.spec.template.spec.containers[0];
            c.livenessProbe = { ...c.readinessProbe };
        });
        assert.deepStrictEqual(await runPolicy(dataStoreLivenessDistinct, [identical]), [
            'StatefulSet ns/kv: container "kv" runs the same liveness check as its readiness check and gives it no longer to fail (30 s vs 30 s): a busy member is restarted instead of taken out of service: probe liveness more cheaply or give it a longer failure window.',
        ]);
        // A data-free StatefulSet (a cache) may restart freely.
        const cache = sts((s) => {
            s.metadata.annotations = { "stateful-k8s.io/data": "none" };
            s.spec.template.spec.containers[0].livenessProbe = { ...s.spec.template.spec.containers[0].readinessProbe };
        });
        assert.deepStrictEqual(await runPolicy(dataStoreLivenessDistinct, [cache]), []);
    });

    it("data-network-policy: passes a selecting ingress policy or an empty podSelector; names an uncovered data store", async () => {
        const np = (podSelector: unknown, policyTypes?: string[]) =>
            resource(TYPES.networkPolicy, "np", {
                metadata: { name: "kv", namespace: "ns" },
                spec: {
                    podSelector,
                    ...(policyTypes ? { policyTypes } : {}),
                    ingress: [{ from: [{ podSelector: { matchLabels: { role: "client" } } }] }],
                },
            });
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({ matchLabels: labels })]), []);
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({})]), []);
        const message =
            "StatefulSet ns/kv keeps data and no NetworkPolicy selects its pods: any pod in the cluster can reach it: add one that admits only its clients and peers.";
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts()]), [message]);
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({ matchLabels: labels }, ["Egress"])]), [message]);
        assert.deepStrictEqual(await runPolicy(dataNetworkPolicy, [sts(), np({ matchLabels: { app: "other" } })]), [message]);
    });

    it("no-all-capabilities: passes dropped or default capabilities; names privileged and ALL", async () => {
        assert.deepStrictEqual(await runPolicy(noAllCapabilities, [sts()]), []);
        const all = sts((s) => (s.spec.template.spec.containers[0].securityContext = { capabilities: { add: ["ALL"] } }));
        assert.deepStrictEqual(await runPolicy(noAllCapabilities, [all]), [
            'StatefulSet ns/kv: container "kv" adds capability ALL, keeping every capability: add only the ones it needs.',
        ]);
    });
});
