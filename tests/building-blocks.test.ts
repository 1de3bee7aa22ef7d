import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { imageIsPinned, majority, tolerableDisruptions } from "../components/lib/contract";
import { imageTag, imageVersionLabel } from "../components/lib/image";
import { autoscaledOptions } from "../components/lib/options";
import { resolveMonitoring, validateSharedArgs } from "../components/lib/statefulset/args";
import { PodManagementPolicy, WorkloadSpec } from "../components/lib/statefulset/spec";
import { resolveScheduling } from "../components/lib/scheduling";
import { createWorkload } from "../components/lib/statefulset/workload";
import { ArgProblem, checkImage } from "../components/lib/validation";
import { defaultQuorum, Redis } from "../components/redis";
import { register } from "./helpers/component";

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {}, {});
    }
}

/** The smallest spec the building block takes: one port, no data, no metrics. */
const minimal: WorkloadSpec = {
    system: "demo",
    namespace: "apps",
    clusterDomain: "cluster.local",
    replicas: 3,
    image: "demo:1.2.3",
    podManagementPolicy: PodManagementPolicy.Parallel,
    ports: [{ name: "http", port: 8080, peer: true, client: true }],
    env: {},
    readinessProbe: { tcpSocket: { port: "http" } },
    livenessProbe: { tcpSocket: { port: "http" } },
    terminationGracePeriodSeconds: 30,
    resources: { cpuRequest: "100m", memoryRequest: "64Mi" },
    scheduling: resolveScheduling(undefined),
};

describe("building blocks", () => {
    describe("image references", () => {
        it("read the tag after the last colon of the last path segment, and the digest after the @", () => {
            assert.strictEqual(imageTag("rabbitmq:4.1.4-management"), "4.1.4-management");
            assert.strictEqual(imageTag("registry:5000/team/eureka-server:1.0.0"), "1.0.0");
            assert.strictEqual(imageTag("registry:5000/team/eureka-server"), undefined);
            assert.strictEqual(imageTag("redis:7.0.15@sha256:abc"), "7.0.15");
            assert.strictEqual(imageVersionLabel("redis:7.0.15"), "7.0.15");
            assert.strictEqual(imageVersionLabel("redis:7.0.15@sha256:ab+cd"), "sha256abcd");
        });

        it("count as pinned with a tag other than latest or a sha256 digest, for validation and labels alike", () => {
            const pinned = ["redis:7.0.15", "host:5000/redis:7", "redis@sha256:0123", "redis:7.0.15@sha256:0123"];
            const unpinned = ["redis", "redis:latest", "host:5000/redis", "redis:"];
            assert.deepStrictEqual(pinned.map(imageIsPinned), [true, true, true, true]);
            assert.deepStrictEqual(unpinned.map(imageIsPinned), [false, false, false, false]);
            const problems: ArgProblem[] = [];
            for (const image of [...pinned, ...unpinned]) checkImage(problems, "image", image);
            assert.deepStrictEqual(
                problems.map((p) => p.value),
                unpinned,
            );
        });
    });

    describe("quorum arithmetic", () => {
        it("keeps a majority of floor(n/2)+1 and lets a drain take the rest (at least one)", () => {
            assert.deepStrictEqual([1, 2, 3, 4, 5, 7].map(majority), [1, 2, 2, 3, 3, 4]);
            assert.deepStrictEqual(
                [1, 2, 3, 4, 5, 7].map((n) => tolerableDisruptions(n, true)),
                [1, 1, 1, 1, 2, 3],
            );
            assert.deepStrictEqual(
                [1, 2, 3].map((n) => tolerableDisruptions(n, false)),
                [1, 1, 2],
            );
            assert.deepStrictEqual([3, 5, 7].map(defaultQuorum), [2, 3, 4]);
        });

        it("bounds scheduling.maxUnavailable by it", () => {
            const problems: ArgProblem[] = [];
            validateSharedArgs(problems, "demo", { scheduling: { maxUnavailable: 3 } }, 5, true);
            assert.deepStrictEqual(problems, [
                { path: "scheduling.maxUnavailable", value: 3, allowed: "at most 2 with 5 replicas (a majority must stay up)" },
            ]);
        });
    });

    it("hands spec.replicas to an autoscaler only when autoscaled", () => {
        assert.deepStrictEqual(autoscaledOptions({ protect: true }, true), { protect: true, ignoreChanges: ["spec.replicas"] });
        assert.deepStrictEqual(autoscaledOptions({ protect: true }, false), { protect: true });
    });

    describe("the StatefulSet block", () => {
        it("derives the object names from the component's name, with a client Service name of the component's choosing", async () => {
            let names: unknown;
            const run = await register(() => {
                names = createWorkload(new Parent("p"), "demo", { ...minimal, clientServiceName: "demo-api" }).names;
            });
            assert.deepStrictEqual(names, {
                namespace: "apps",
                statefulSet: "demo",
                headlessService: "demo-headless",
                clientService: "demo-api",
                memberSuffix: ".demo-headless.apps.svc.cluster.local",
                members: [0, 1, 2].map((i) => `demo-${i}.demo-headless.apps.svc.cluster.local`),
                clientHost: "demo.apps.svc.cluster.local",
            });
            assert.strictEqual((run.named("demo-client").inputs as any).metadata.name, "demo-api");
            assert.strictEqual((run.named("demo-sts").inputs as any).spec.serviceName, "demo-headless");
        });

        it("scrapes nothing without a metrics endpoint, whatever monitoring would ask", async () => {
            const run = await register(() => createWorkload(new Parent("p"), "demo", minimal));
            assert.deepStrictEqual((run.named("demo-sts").inputs as any).spec.template.metadata.annotations, {});
            assert.deepStrictEqual(run.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), []);
        });

        it("scrapes the metrics endpoint it is given", async () => {
            const monitoring = resolveMonitoring({ serviceMonitor: true });
            const run = await register(() =>
                createWorkload(new Parent("p"), "demo", {
                    ...minimal,
                    metrics: { portName: "http", port: 8080, path: "/metrics", monitoring },
                }),
            );
            assert.deepStrictEqual((run.named("demo-sts").inputs as any).spec.template.metadata.annotations, {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "8080",
                "prometheus.io/path": "/metrics",
            });
            assert.deepStrictEqual((run.named("demo-servicemonitor").inputs as any).spec.endpoints, [
                { port: "http", path: "/metrics", interval: "30s" },
            ]);
        });
    });

    it("leaves Redis's sentinels unscraped (they serve no metrics) while the nodes' exporter is scraped", async () => {
        const run = await register(() => new Redis("redis", { password: "pw", monitoring: { serviceMonitor: true } }));
        const annotations = (sts: string) => Object.keys((run.named(sts).inputs as any).spec.template.metadata.annotations);
        assert.deepStrictEqual(annotations("redis-sentinel-sts"), ["stateful-k8s.io/config-checksum"]);
        assert.ok(annotations("redis-sts").includes("prometheus.io/scrape"));
        assert.deepStrictEqual(
            run.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").map((r) => r.name),
            ["redis-servicemonitor"],
        );
    });
});
