import * as assert from "assert";
import { valueOf } from "../../render/mock-runtime";
import { Eureka, validateEurekaArgs } from "../../components/eureka";
import { childrenOf, envOf, optionsRecorder, podSpecOf, register } from "../helpers/component";

const url = (i: number) => `http://eureka-${i}.eureka-headless.apps.svc.cluster.local:8761/eureka/`;

describe("Eureka", () => {
    for (const replicas of [1, 3, 5]) {
        it(`derives one peer URL per replica (${replicas} replicas) and gives every pod the whole list`, async () => {
            let eureka: Eureka | undefined;
            const run = await register(() => (eureka = new Eureka("eureka", { namespace: "apps", replicas })));
            const expected = Array.from({ length: replicas }, (_, i) => url(i));
            assert.deepStrictEqual(await valueOf(eureka!.peerUrls), expected);
            const env = envOf(run.named("eureka-sts"));
            assert.deepStrictEqual(JSON.parse(env.SPRING_APPLICATION_JSON as string), {
                eureka: { client: { serviceUrl: { defaultZone: expected.join(",") } } },
            });
            assert.strictEqual((run.named("eureka-sts").inputs.spec as { replicas: number }).replicas, replicas);
        });
    }

    it("sets each instance's hostname to the pod's own stable DNS name and keeps peer replication on", async () => {
        const run = await register(() => new Eureka("eureka", { namespace: "apps" }));
        const env = envOf(run.named("eureka-sts"));
        assert.deepStrictEqual(env.POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
        assert.strictEqual(env.EUREKA_INSTANCE_HOSTNAME, "$(POD_NAME).eureka-headless.apps.svc.cluster.local");
        assert.strictEqual(env.EUREKA_CLIENT_REGISTER_WITH_EUREKA, "true");
        assert.strictEqual(env.EUREKA_CLIENT_FETCH_REGISTRY, "true");
        assert.strictEqual(env.EUREKA_SERVER_PEER_EUREKA_NODES_UPDATE_INTERVAL_MS, "15000");
        assert.strictEqual(env.MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE, "health,info");
    });

    it("overrides the default image's development settings by env with Spring Cloud Netflix's own defaults", async () => {
        for (const [replicas, waitWhenSyncEmpty] of [
            [3, "300000"],
            [1, "0"],
        ] as const) {
            const run = await register(() => new Eureka("eureka", { namespace: "apps", replicas }));
            const env = envOf(run.named("eureka-sts"));
            // application.properties of steeltoeoss/eureka-server:4.1.1 sets 1000, 1000, 0 and TRACE;
            // EurekaServerConfigBean's defaults are 60 s, 30 s and 5 min. A lone server has no peer to wait for.
            assert.deepStrictEqual(
                [
                    env.EUREKA_SERVER_EVICTION_INTERVAL_TIMER_IN_MS,
                    env.EUREKA_SERVER_RESPONSE_CACHE_UPDATE_INTERVAL_MS,
                    env.EUREKA_SERVER_WAIT_TIME_IN_MS_WHEN_SYNC_EMPTY,
                    env.LOGGING_LEVEL_COM_NETFLIX_EUREKA,
                    env.EUREKA_SERVER_ENABLE_SELF_PRESERVATION,
                ],
                ["60000", "30000", waitWhenSyncEmpty, "INFO", "false"],
            );
        }
    });

    it("scrapes nothing with the default image, which serves no /actuator/prometheus, and refuses a ServiceMonitor for it", async () => {
        const run = await register(() => new Eureka("eureka", { namespace: "apps" }));
        const sts = run.named("eureka-sts").inputs as any;
        assert.deepStrictEqual(sts.spec.template.metadata.annotations, {});
        assert.deepStrictEqual(run.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), []);
        assert.strictEqual(envOf(run.named("eureka-sts")).EUREKA_SERVER_METRICS_ENABLED, "false");
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", { monitoring: { serviceMonitor: true } }).map((p) => `${p.path}: got ${p.value}; ${p.allowed}`),
            [
                "monitoring.serviceMonitor: got true; false: the image serves no /actuator/prometheus unless prometheusMetrics is true (build one from images/eureka/Dockerfile)",
            ],
        );
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", {
                prometheusMetrics: true,
                image: "registry.example/eureka:1.0.0",
                monitoring: { serviceMonitor: true },
            }),
            [],
        );
    });

    it("creates a headless Service that governs the StatefulSet and a separate client Service", async () => {
        const run = await register(() => new Eureka("eureka", { namespace: "apps" }));
        const headless = run.named("eureka-headless").inputs as any;
        assert.strictEqual(headless.metadata.name, "eureka-headless");
        assert.strictEqual(headless.spec.clusterIP, "None");
        assert.strictEqual(headless.spec.publishNotReadyAddresses, true);
        assert.deepStrictEqual(headless.spec.ports, [{ name: "http", port: 8761, targetPort: "http", protocol: "TCP" }]);
        const sts = run.named("eureka-sts").inputs as any;
        assert.strictEqual(sts.metadata.name, "eureka");
        assert.strictEqual(sts.spec.serviceName, "eureka-headless");
        assert.strictEqual(sts.spec.podManagementPolicy, "Parallel");
        assert.deepStrictEqual(sts.spec.selector.matchLabels, headless.spec.selector);
        const client = run.named("eureka-client").inputs as any;
        assert.strictEqual(client.metadata.name, "eureka");
        assert.strictEqual(client.spec.clusterIP, undefined);
    });

    it("wires /actuator/prometheus into scrape annotations and, on request, a ServiceMonitor, for an image that serves it", async () => {
        const run = await register(
            () =>
                new Eureka("eureka", {
                    namespace: "apps",
                    image: "registry.example/eureka:1.0.0",
                    prometheusMetrics: true,
                    monitoring: { serviceMonitor: true, serviceMonitorLabels: { release: "prom" } },
                }),
        );
        const annotations = (run.named("eureka-sts").inputs as any).spec.template.metadata.annotations;
        assert.deepStrictEqual(annotations, {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "8761",
            "prometheus.io/path": "/actuator/prometheus",
        });
        const sm = run.named("eureka-servicemonitor").inputs as any;
        assert.strictEqual(sm.apiVersion, "monitoring.coreos.com/v1");
        assert.strictEqual(sm.metadata.labels.release, "prom");
        assert.deepStrictEqual(sm.spec.endpoints, [{ port: "http", path: "/actuator/prometheus", interval: "30s" }]);
        const env = envOf(run.named("eureka-sts"));
        assert.deepStrictEqual(
            [env.MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE, env.EUREKA_SERVER_METRICS_ENABLED],
            ["health,info,prometheus", "true"],
        );
    });

    it("runs as non-root with preferred anti-affinity by default and required anti-affinity on request", async () => {
        let run = await register(() => new Eureka("eureka", {}));
        let pod = podSpecOf(run.named("eureka-sts"));
        assert.strictEqual(pod.securityContext.runAsNonRoot, true);
        assert.ok(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
        run = await register(() => new Eureka("eureka", { scheduling: { requireAntiAffinity: true } }));
        pod = podSpecOf(run.named("eureka-sts"));
        assert.deepStrictEqual(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution, [
            {
                labelSelector: { matchLabels: { "app.kubernetes.io/name": "eureka", "app.kubernetes.io/instance": "eureka" } },
                topologyKey: "kubernetes.io/hostname",
            },
        ]);
    });

    it("drops every capability and keeps the root file system read-only, with a bounded /tmp", async () => {
        const run = await register(() => new Eureka("eureka", {}));
        const pod = podSpecOf(run.named("eureka-sts"));
        assert.deepStrictEqual(pod.containers[0].securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
        });
        assert.deepStrictEqual(pod.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
        assert.deepStrictEqual(pod.containers[0].volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    });

    it("admits Prometheus from the monitoring namespace only when the image serves metrics", async () => {
        const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
        const members = { "app.kubernetes.io/name": "eureka", "app.kubernetes.io/instance": "eureka" };
        const plain = await register(() => new Eureka("eureka", { namespace: "apps", networkPolicy: { enabled: true } }));
        assert.deepStrictEqual((plain.named("eureka-netpol").inputs as any).spec.ingress, [
            { from: [{ podSelector: { matchLabels: members } }], ports: tcp(8761) },
            {
                from: [
                    { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["apps"] }] } },
                ],
                ports: tcp(8761),
            },
        ]);
        const scraped = await register(
            () =>
                new Eureka("eureka", {
                    namespace: "apps",
                    image: "registry.example/eureka:1.0.0",
                    prometheusMetrics: true,
                    networkPolicy: { enabled: true, monitoringNamespace: "observability" },
                }),
        );
        assert.deepStrictEqual((scraped.named("eureka-netpol").inputs as any).spec.ingress[2], {
            from: [
                {
                    namespaceSelector: {
                        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["observability"] }],
                    },
                },
            ],
            ports: tcp(8761),
        });
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new Eureka("eureka", {}));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:Eureka"), [
            "kubernetes:apps/v1:StatefulSet::eureka-sts",
            "kubernetes:core/v1:Service::eureka-client",
            "kubernetes:core/v1:Service::eureka-headless",
            "kubernetes:policy/v1:PodDisruptionBudget::eureka-pdb",
        ]);
    });

    it("registers the same objects during a preview", async () => {
        const run = await register(() => new Eureka("eureka", {}), true);
        assert.strictEqual(run.kubernetesObjects().length, 4);
    });

    it("refuses zero, negative and fractional replicas before registering anything", async () => {
        for (const replicas of [0, -1, 2.5]) {
            const run = await register(() =>
                assert.throws(() => new Eureka("eureka", { replicas }), /replicas: got .*; allowed: a whole number >= 1/),
            );
            assert.strictEqual(run.registrations.length, 0);
        }
    });

    it("refuses an unpinned image", () => {
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", { image: "steeltoeoss/eureka-server:latest" }).map((p) => p.path),
            ["image"],
        );
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", { image: "steeltoeoss/eureka-server" }).map((p) => p.path),
            ["image"],
        );
        assert.deepStrictEqual(validateEurekaArgs("eureka", { image: "registry:5000/eureka@sha256:abc" }), []);
    });

    it("autoscales with an HPA on the StatefulSet, lists every possible peer and lets the HPA own replicas", async () => {
        const rec = optionsRecorder();
        let eureka: Eureka | undefined;
        const run = await register(
            () =>
                (eureka = new Eureka(
                    "eureka",
                    { namespace: "apps", replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4 } },
                    rec.opts,
                )),
        );
        const hpa = run.named("eureka-hpa").inputs as any;
        assert.deepStrictEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "StatefulSet", name: "eureka" });
        assert.deepStrictEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 4]);
        assert.strictEqual(hpa.spec.behavior.scaleUp.policies[0].value, 1);
        assert.strictEqual((run.named("eureka-sts").inputs as any).spec.replicas, 2);
        assert.deepStrictEqual(rec.of("eureka-sts").ignoreChanges, ["spec.replicas"]);
        assert.deepStrictEqual(await valueOf(eureka!.peerUrls), [0, 1, 2, 3].map(url));
        const json = JSON.parse(envOf(run.named("eureka-sts")).SPRING_APPLICATION_JSON as string);
        assert.strictEqual(json.eureka.client.serviceUrl.defaultZone, [0, 1, 2, 3].map(url).join(","));
        const fixed = optionsRecorder();
        await register(() => new Eureka("eureka", { namespace: "apps" }, fixed.opts));
        assert.strictEqual(fixed.of("eureka-sts").ignoreChanges, undefined);
    });

    it("refuses an autoscaler that may leave a single server or starts outside its range", () => {
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", { replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } }).map(
                (p) => `${p.path}: ${p.allowed}`,
            ),
            ["autoscaling.minReplicas: at least 2 (a single server is a single point of failure)"],
        );
        assert.deepStrictEqual(
            validateEurekaArgs("eureka", { replicas: 6, autoscaling: { minReplicas: 2, maxReplicas: 4 } }).map((p) => p.path),
            ["replicas"],
        );
    });
});
