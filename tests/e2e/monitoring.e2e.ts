/**
 * Targets really selected: the dev stack with every system's monitor, alert rules and dashboard on,
 * deployed with the Pulumi CLI on the local control plane, then read back through the API. Each
 * ServiceMonitor selects exactly its Service, whose EndpointSlices carry the named port with ready
 * addresses; each PodMonitor selects pods that have the named container port; no monitor selects
 * nothing; each PrometheusRule was admitted by the upstream CRD and passes promtool as stored.
 *
 * No operator runs here, so the Kafka and TiDB pods are stand-ins created by this test with the names,
 * labels and port names Strimzi 1.2.0 and tidb-operator v2.0.1 give theirs (docs/upstream.md, Monitoring).
 * A real Prometheus scraping such targets is tested for Redis on the real node (prometheus-real-node.e2e.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkRules } from "../monitoring/promtool";
import { Project, clusterDown, projectOnLocalCluster, waitFor } from "./cli";

const NS = "stateful-dev";

/** A label selector for kubectl from matchLabels. */
const labelSelector = (matchLabels: Record<string, string>): string =>
    Object.entries(matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");

/** A pod on a fake node standing in for one an operator would create. */
function standInPod(name: string, labels: Record<string, string>, ports: { name: string; containerPort: number }[]): object {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: NS, labels },
        spec: { nodeName: "kwok-node-0", containers: [{ name: "main", image: "registry.example/stand-in:1", ports }] },
    };
}

describe("monitoring targets on the local control plane", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;
    const get = (kind: string): any[] => project.objects(kind, NS);

    before(() => {
        project = projectOnLocalCluster();
    });

    after(() => clusterDown());

    it("pulumi up with every monitor, alert rules and dashboard on creates them", () => {
        project.pulumi(["config", "set", "--path", "eureka.prometheusMetrics", "true"]);
        for (const system of ["eureka", "nacos", "rabbitmq", "redis"]) {
            project.pulumi(["config", "set", "--path", `${system}.monitoring.serviceMonitor`, "true"]);
            project.pulumi(["config", "set", "--path", `${system}.monitoring.dashboard`, "true"]);
        }
        for (const system of ["kafka", "tidb"]) {
            project.pulumi(["config", "set", "--path", `${system}.monitoring.podMonitor`, "true"]);
            project.pulumi(["config", "set", "--path", `${system}.monitoring.dashboard`, "true"]);
        }
        project.pulumi(["up", "--yes", "--stack", "dev"]);
        assert.deepStrictEqual(project.names("servicemonitors.monitoring.coreos.com", NS), ["eureka", "nacos", "rabbitmq", "redis"]);
        assert.deepStrictEqual(project.names("podmonitors.monitoring.coreos.com", NS), [
            "kafka-kafka-resources",
            "tidb-pd",
            "tidb-tidb",
            "tidb-tikv",
        ]);
        assert.deepStrictEqual(project.names("prometheusrules.monitoring.coreos.com", NS), [
            "eureka-alerts",
            "kafka-alerts",
            "nacos-alerts",
            "rabbitmq-alerts",
            "redis-alerts",
            "tidb-alerts",
        ]);
        const dashboards = JSON.parse(project.kubectl("get", "configmaps", "-n", NS, "-l", "grafana_dashboard=1", "-o", "json")).items;
        assert.deepStrictEqual(dashboards.map((c: any) => c.metadata.name).sort(), [
            "eureka-dashboard",
            "kafka-dashboard",
            "nacos-dashboard",
            "rabbitmq-dashboard",
            "redis-dashboard",
            "tidb-dashboard",
        ]);
    });

    it("each ServiceMonitor selects exactly its Service, whose EndpointSlices serve the named port from ready pods", async () => {
        const expected: Record<string, string> = { eureka: "eureka", nacos: "nacos", rabbitmq: "rabbitmq", redis: "redis-metrics" };
        for (const monitor of get("servicemonitors.monitoring.coreos.com")) {
            const name = monitor.metadata.name as string;
            assert.deepStrictEqual(monitor.spec.namespaceSelector, { matchNames: [NS] }, name);
            const services = JSON.parse(
                project.kubectl("get", "services", "-n", NS, "-l", labelSelector(monitor.spec.selector.matchLabels), "-o", "json"),
            ).items;
            assert.deepStrictEqual(
                services.map((s: any) => s.metadata.name),
                [expected[name]],
                `${name} selects exactly its client Service`,
            );
            const ports: string[] = monitor.spec.endpoints.map((e: any) => e.port);
            for (const port of ports) {
                assert.ok(
                    services[0].spec.ports.some((p: any) => p.name === port),
                    `${name}: port ${port} on Service ${expected[name]}`,
                );
            }
            await waitFor(
                `ready endpoints of ${expected[name]} on ${ports.join(",")}`,
                () => {
                    const slices = JSON.parse(
                        project.kubectl(
                            "get",
                            "endpointslices",
                            "-n",
                            NS,
                            "-l",
                            `kubernetes.io/service-name=${expected[name]}`,
                            "-o",
                            "json",
                        ),
                    ).items;
                    return slices.some(
                        (s: any) =>
                            ports.every((port) => (s.ports ?? []).some((p: any) => p.name === port)) &&
                            (s.endpoints ?? []).some((e: any) => e.conditions?.ready === true),
                    );
                },
                180,
            );
        }
    });

    it("each PodMonitor selects pods that have its named container port, none selects nothing, and none selects another system's pods", async () => {
        // Stand-ins for the pods Strimzi (StrimziPodSet, <cluster>-<pool>-<id>) and tidb-operator v2
        // (<group>-<component>-<suffix>) would create, with their labels and metrics port names.
        const pods = [
            standInPod(
                "kafka-kafka-broker-0",
                { "strimzi.io/cluster": "kafka", "strimzi.io/kind": "Kafka", "strimzi.io/pool-name": "kafka-broker" },
                [{ name: "tcp-prometheus", containerPort: 9404 }],
            ),
            standInPod(
                "kafka-kafka-controller-1",
                { "strimzi.io/cluster": "kafka", "strimzi.io/kind": "Kafka", "strimzi.io/pool-name": "kafka-controller" },
                [{ name: "tcp-prometheus", containerPort: 9404 }],
            ),
            ...(
                [
                    ["pd", "client", 2379],
                    ["tikv", "status", 20180],
                    ["tidb", "status", 10080],
                ] as const
            ).map(([c, port, number]) =>
                standInPod(
                    `tidb-${c}-${c}-a1b2c3`,
                    { "pingcap.com/cluster": "tidb", "pingcap.com/component": c, "pingcap.com/group": `tidb-${c}` },
                    [{ name: port, containerPort: number }],
                ),
            ),
        ];
        const file = path.join(project.dir, "stand-in-pods.json");
        fs.writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: pods }));
        project.kubectl("apply", "-f", file);
        await waitFor(
            "the stand-in pods running",
            () => get("pods").filter((p) => /^(kafka|tidb)-/.test(p.metadata.name) && p.status.phase === "Running").length === 5,
            120,
        );
        const expected: Record<string, string[]> = {
            "kafka-kafka-resources": ["kafka-kafka-broker-0", "kafka-kafka-controller-1"],
            "tidb-pd": ["tidb-pd-pd-a1b2c3"],
            "tidb-tikv": ["tidb-tikv-tikv-a1b2c3"],
            "tidb-tidb": ["tidb-tidb-tidb-a1b2c3"],
        };
        for (const monitor of get("podmonitors.monitoring.coreos.com")) {
            const name = monitor.metadata.name as string;
            const selected = JSON.parse(
                project.kubectl("get", "pods", "-n", NS, "-l", labelSelector(monitor.spec.selector.matchLabels), "-o", "json"),
            ).items;
            assert.deepStrictEqual(selected.map((p: any) => p.metadata.name).sort(), expected[name], name);
            for (const endpoint of monitor.spec.podMetricsEndpoints) {
                for (const pod of selected) {
                    const names = pod.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name));
                    assert.ok(names.includes(endpoint.port), `${name}: port ${endpoint.port} on pod ${pod.metadata.name}`);
                }
            }
        }
    });

    it("each PrometheusRule, as the API server stored it, passes promtool check rules", () => {
        for (const rule of get("prometheusrules.monitoring.coreos.com")) {
            assert.ok(rule.spec.groups.length === 1 && rule.spec.groups[0].rules.length > 0, rule.metadata.name);
            const result = checkRules(rule.spec);
            assert.strictEqual(result.code, 0, `${rule.metadata.name}: ${result.output}`);
        }
    });
});
