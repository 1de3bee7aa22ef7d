/**
 * Deliberately broken Pulumi programs (plain @pulumi/kubernetes, not our components), run under the
 * mock runtime: each must be caught by the intended policy and only by it; the correct program passes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { PRODUCTION_POLICIES, programResources, runPack } from "../helpers/policy";

type Opts = pulumi.CustomResourceOptions;

const labels = { app: "db" };

/** A correct stateful program: headless Service, StatefulSet with claims, PDB. `change` breaks one thing. */
function program(
    change: {
        sts?: (s: any) => void;
        svc?: (s: any) => void;
        pdb?: boolean;
        networkPolicy?: boolean;
        extra?: (opts: Opts) => void;
        stsOpts?: Opts;
    } = {},
) {
    return (opts: Opts) => {
        const svc: any = {
            metadata: { name: "db-headless", namespace: "data" },
            spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: labels, ports: [{ name: "db", port: 5432 }] },
        };
        change.svc?.(svc);
        if (svc !== null && svc.spec !== undefined) new k8s.core.v1.Service("db-headless", svc, opts);
        const sts: any = {
            metadata: { name: "db", namespace: "data", labels: { "stateful-k8s.io/quorum": "true" } },
            spec: {
                replicas: 3,
                serviceName: "db-headless",
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
                                name: "db",
                                image: "postgres:17.2",
                                resources: { requests: { cpu: "100m", memory: "256Mi" } },
                                readinessProbe: { tcpSocket: { port: 5432 } },
                                volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
                            },
                        ],
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "data" },
                        spec: {
                            accessModes: ["ReadWriteOnce"],
                            storageClassName: "standard",
                            resources: { requests: { storage: "10Gi" } },
                        },
                    },
                ],
            },
        };
        change.sts?.(sts);
        new k8s.apps.v1.StatefulSet("db", sts, { ...opts, ...(change.stsOpts ?? {}) });
        if (change.pdb !== false) {
            new k8s.policy.v1.PodDisruptionBudget(
                "db-pdb",
                { metadata: { name: "db", namespace: "data" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
                opts,
            );
        }
        if (change.networkPolicy !== false) {
            new k8s.networking.v1.NetworkPolicy(
                "db-clients",
                {
                    metadata: { name: "db-clients", namespace: "data" },
                    spec: {
                        podSelector: { matchLabels: labels },
                        policyTypes: ["Ingress"],
                        ingress: [
                            { from: [{ podSelector: { matchLabels: { "db-client": "true" } } }, { podSelector: { matchLabels: labels } }] },
                        ],
                    },
                },
                opts,
            );
        }
        change.extra?.(opts);
    };
}

/** The policies that report something, with their messages. */
async function caught(build: (opts: Opts) => void, config = {}): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const v of await runPack(await programResources(build), config)) {
        if (PRODUCTION_POLICIES.includes(v.policy)) continue; // advisory here; tested on their own
        (out[v.policy] ??= []).push(v.message);
    }
    return out;
}

describe("policy pack over deliberately broken programs", () => {
    it("passes the correct program", async () => {
        assert.deepStrictEqual(await caught(program()), {});
    });

    const cases: [string, Parameters<typeof program>[0], string, RegExp][] = [
        [
            "a StatefulSet without a Service",
            { svc: (s) => (s.spec = undefined) },
            "statefulset-headless-service",
            /names Service "db-headless", which is not in this stack's namespace data/,
        ],
        [
            "a StatefulSet governed by a ClusterIP Service",
            { svc: (s) => (s.spec.clusterIP = undefined) },
            "statefulset-headless-service",
            /which is not headless \(clusterIP: "unset"\): set clusterIP: None/,
        ],
        [
            "a Service whose selector does not match the pods",
            { svc: (s) => (s.spec.selector = { app: "other" }) },
            "statefulset-headless-service",
            /whose selector \{"app":"other"\} does not match the pod template labels/,
        ],
        [
            "a StatefulSet selector that does not match its template",
            { sts: (s) => (s.spec.selector = { matchLabels: { app: "db", tier: "x" } }) },
            "statefulset-selector-matches-template",
            /spec\.selector .* does not match the pod template labels \{"app":"db"\}/,
        ],
        [
            "an emptyDir data volume instead of claims",
            {
                sts: (s) => {
                    s.spec.volumeClaimTemplates = undefined;
                    s.spec.template.spec.volumes = [{ name: "data", emptyDir: {} }];
                },
            },
            "stateful-data-on-pvcs",
            /mounts emptyDir volume "data" at data path \/var\/lib\/postgresql\/data/,
        ],
        [
            "a claim template without a storage class",
            { sts: (s) => (s.spec.volumeClaimTemplates[0].spec.storageClassName = undefined) },
            "stateful-data-on-pvcs",
            /claim template "data" names no storageClassName/,
        ],
        [
            "claims deleted with the StatefulSet",
            { sts: (s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" }) },
            "pvc-retention",
            /persistentVolumeClaimRetentionPolicy\.whenDeleted is "Delete"/,
        ],
        [
            "no PodDisruptionBudget",
            { pdb: false },
            "statefulset-disruption-budget",
            /has 3 replicas and no PodDisruptionBudget selecting its pods/,
        ],
        [
            "a headless Service that hides starting peers",
            { svc: (s) => (s.spec.publishNotReadyAddresses = false) },
            "headless-service-publishes-not-ready",
            /does not publish not-ready addresses/,
        ],
        [
            "members not spread over nodes",
            { sts: (s) => (s.spec.template.spec.affinity = undefined) },
            "replicas-spread",
            /runs 3 replicas with no host anti-affinity/,
        ],
        [
            "a data store open to every pod",
            { networkPolicy: false },
            "data-network-policy",
            /StatefulSet data\/db keeps data and no NetworkPolicy selects its pods/,
        ],
        ["an auto-named StatefulSet", { sts: (s) => (s.metadata.name = undefined) }, "stable-names", /StatefulSet "db" is auto-named/],
        [
            "an autoscaled StatefulSet whose replicas Pulumi still manages",
            {
                extra: (opts) =>
                    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                        "db-hpa",
                        {
                            metadata: { name: "db", namespace: "data" },
                            spec: {
                                scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db" },
                                minReplicas: 3,
                                maxReplicas: 5,
                            },
                        },
                        opts,
                    ),
            },
            "autoscaler-owns-replicas",
            /StatefulSet db is scaled by HorizontalPodAutoscaler data\/db but Pulumi still manages its spec\.replicas \(3\)/,
        ],
        [
            "an even quorum",
            { sts: (s) => (s.spec.replicas = 4) },
            "quorum-odd-voters",
            /StatefulSet data\/db is a quorum workload with 4 replicas: use an odd number/,
        ],
        [
            "an image tagged latest",
            { sts: (s) => (s.spec.template.spec.containers[0].image = "postgres:latest") },
            "workload-hygiene",
            /container "db" uses image "postgres:latest", which is not pinned/,
        ],
        [
            "a Strimzi node pool on ephemeral storage",
            {
                extra: (opts) =>
                    new k8s.apiextensions.CustomResource(
                        "pool",
                        {
                            apiVersion: "kafka.strimzi.io/v1",
                            kind: "KafkaNodePool",
                            metadata: { name: "broker", namespace: "data" },
                            spec: { replicas: 3, roles: ["broker"], storage: { type: "ephemeral" } },
                        },
                        opts,
                    ),
            },
            "operator-storage-persistent",
            /KafkaNodePool data\/broker uses ephemeral storage/,
        ],
    ];
    for (const [what, change, policy, message] of cases) {
        it(`catches ${what} with ${policy} only`, async () => {
            const found = await caught(program(change));
            assert.deepStrictEqual(Object.keys(found), [policy], JSON.stringify(found, null, 2));
            assert.ok(
                found[policy].some((m) => message.test(m)),
                found[policy].join("\n"),
            );
        });
    }

    it("passes an autoscaled StatefulSet that leaves replicas to the autoscaler", async () => {
        const hpa = (opts: Opts) =>
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                "db-hpa",
                {
                    metadata: { name: "db", namespace: "data" },
                    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db" }, minReplicas: 3, maxReplicas: 5 },
                },
                opts,
            );
        assert.deepStrictEqual(await caught(program({ extra: hpa, stsOpts: { ignoreChanges: ["spec.replicas"] } })), {});
    });

    it("flags unprotected data-bearing resources, as a mandatory violation with the production config", async () => {
        // The program backs nothing up either: backup-schedule's advisory finding is the next test's.
        const unprotected = async (build: (opts: Opts) => void) =>
            (await runPack(await programResources(build), { "production-data-protected": "mandatory" })).filter(
                (v) => v.policy !== "backup-schedule",
            );
        const violations = await unprotected(program());
        assert.deepStrictEqual(
            violations.map((v) => [v.policy, v.level, v.message]),
            [
                [
                    "production-data-protected",
                    "mandatory",
                    "StatefulSet data/db holds data but is not protected: register it with protect: true.",
                ],
            ],
        );
        assert.deepStrictEqual(await unprotected(program({ stsOpts: { protect: true } })), []);
    });

    it("flags a data store nothing backs up, as a mandatory violation with the production config, and passes one with a backup CronJob", async () => {
        const production = { "production-data-protected": "mandatory", "backup-schedule": "mandatory" } as const;
        const violations = await runPack(await programResources(program({ stsOpts: { protect: true } })), production);
        assert.deepStrictEqual(
            violations.map((v) => [v.policy, v.level]),
            [["backup-schedule", "mandatory"]],
        );
        const backup = (opts: Opts) =>
            new k8s.batch.v1.CronJob(
                "db-backup",
                {
                    metadata: { name: "db-backup", namespace: "data", labels: { "stateful-k8s.io/backup-of": "db" } },
                    spec: {
                        schedule: "0 2 * * *",
                        jobTemplate: {
                            spec: {
                                template: { spec: { restartPolicy: "Never", containers: [{ name: "dump", image: "postgres:17.2" }] } },
                            },
                        },
                    },
                },
                opts,
            );
        assert.deepStrictEqual(
            await runPack(await programResources(program({ stsOpts: { protect: true }, extra: backup })), production),
            [],
        );
    });
});
