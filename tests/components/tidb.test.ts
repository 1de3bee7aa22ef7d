import * as assert from "assert";
import { TiDB, TiDBArgs, validateTiDBArgs } from "../../components/tidb";
import { toManifest } from "../../scripts/stack-runner";
import { childrenOf, optionsRecorder, register } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const base: TiDBArgs = { namespace: "sql" };
const cr = (run: Awaited<ReturnType<typeof register>>, name: string): any => run.named(name).inputs;

describe("TiDB", () => {
    it("creates a Cluster and PD, TiKV and TiDB groups that reference it, with one pinned version", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, replicas: 4, pdReplicas: 5, tikvReplicas: 6 }));
        assert.deepStrictEqual([cr(run, "tidb-cluster").kind, cr(run, "tidb-cluster").metadata.name], ["Cluster", "tidb"]);
        for (const [name, kind, replicas] of [
            ["tidb-pd", "PDGroup", 5],
            ["tidb-tikv", "TiKVGroup", 6],
            ["tidb-tidb", "TiDBGroup", 4],
        ] as const) {
            const group = cr(run, name);
            assert.deepStrictEqual(
                [
                    group.apiVersion,
                    group.kind,
                    group.metadata.name,
                    group.spec.cluster,
                    group.spec.replicas,
                    group.spec.template.spec.version,
                ],
                ["core.pingcap.com/v1alpha1", kind, name, { name: "tidb" }, replicas, "v8.5.2"],
            );
        }
    });

    it("tells PD how many copies of a region to keep, and gives PD and TiKV data volumes", async () => {
        const run = await register(
            () => new TiDB("tidb", { ...base, maxReplicas: 5, tikvReplicas: 5, tikvStorage: { size: "1Ti", storageClassName: "nvme" } }),
        );
        assert.strictEqual(cr(run, "tidb-pd").spec.template.spec.config, "[replication]\nmax-replicas = 5\n");
        assert.deepStrictEqual(cr(run, "tidb-tikv").spec.template.spec.volumes, [
            { name: "data", mounts: [{ type: "data" }], storage: "1Ti", storageClassName: "nvme" },
        ]);
        assert.deepStrictEqual(cr(run, "tidb-pd").spec.template.spec.volumes, [
            { name: "data", mounts: [{ type: "data" }], storage: "10Gi" },
        ]);
        assert.strictEqual(cr(run, "tidb-tidb").spec.template.spec.volumes, undefined);
    });

    it("autoscales only the SQL layer, through the TiDBGroup's scale subresource", async () => {
        const rec = optionsRecorder();
        const run = await register(
            () =>
                new TiDB(
                    "tidb",
                    { ...base, replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60 } },
                    rec.opts,
                ),
        );
        const hpa = cr(run, "tidb-tidb-hpa");
        assert.deepStrictEqual(hpa.spec.scaleTargetRef, { apiVersion: "core.pingcap.com/v1alpha1", kind: "TiDBGroup", name: "tidb-tidb" });
        assert.deepStrictEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 10]);
        assert.deepStrictEqual(hpa.spec.metrics, [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
        ]);
        assert.deepStrictEqual(rec.of("tidb-tidb").ignoreChanges, ["spec.replicas"]);
        assert.strictEqual(rec.of("tidb-tikv").ignoreChanges, undefined);
        assert.strictEqual(rec.of("tidb-pd").ignoreChanges, undefined);
    });

    it("scrapes PD on 2379, TiKV on 20180 and TiDB on 10080 on request", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, monitoring: { podMonitor: true } }));
        for (const [component, port] of [
            ["pd", 2379],
            ["tikv", 20180],
            ["tidb", 10080],
        ] as const) {
            const monitor = cr(run, `tidb-${component}-podmonitor`);
            assert.deepStrictEqual(monitor.spec.selector, {
                matchLabels: { "pingcap.com/cluster": "tidb", "pingcap.com/component": component },
            });
            assert.deepStrictEqual(monitor.spec.podMetricsEndpoints, [{ portNumber: port, path: "/metrics", interval: "30s" }]);
        }
        const none = await register(() => new TiDB("tidb", base));
        assert.deepStrictEqual(none.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor"), []);
    });

    it("installs tidb-operator v2's CRDs and chart on request, before every custom resource", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new TiDB("tidb", { ...base, installOperator: true }, rec.opts));
        assert.strictEqual(
            (cr(run, "tidb-tidb-operator-crds") as any).file,
            "https://github.com/pingcap/tidb-operator/releases/download/v2.0.1/tidb-operator.crds.yaml",
        );
        const release = cr(run, "tidb-tidb-operator");
        assert.deepStrictEqual(
            [release.chart, release.version, release.namespace],
            ["oci://ghcr.io/pingcap/charts/tidb-operator", "v2.0.1", "tidb-admin"],
        );
        assert.deepStrictEqual(rec.dependsOnNames("tidb-tidb-operator"), ["tidb-tidb-operator-crds"]);
        for (const name of ["tidb-cluster", "tidb-pd", "tidb-tikv", "tidb-tidb"]) {
            assert.ok(rec.dependsOnNames(name).includes("tidb-tidb-operator"), name);
        }
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new TiDB("tidb", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:TiDB"), [
            "kubernetes:core.pingcap.com/v1alpha1:Cluster::tidb-cluster",
            "kubernetes:core.pingcap.com/v1alpha1:PDGroup::tidb-pd",
            "kubernetes:core.pingcap.com/v1alpha1:TiDBGroup::tidb-tidb",
            "kubernetes:core.pingcap.com/v1alpha1:TiKVGroup::tidb-tikv",
        ]);
    });

    it("emits only custom resources the upstream tidb-operator v2, prometheus-operator and HPA schemas accept", async () => {
        const run = await register(
            () => new TiDB("tidb", { ...base, monitoring: { podMonitor: true }, autoscaling: { minReplicas: 2, maxReplicas: 4 } }),
        );
        const objects = run.kubernetesObjects();
        assert.strictEqual(objects.length, 8);
        for (const r of objects) assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], r.name);
    });

    it("refuses an even PD, TiKV below max-replicas, an unpinned version and a single-server autoscaler", () => {
        const problems = (a: Partial<TiDBArgs>) =>
            validateTiDBArgs("tidb", { ...base, ...a }).map((p) => `${p.path}: got ${JSON.stringify(p.value)}; ${p.allowed}`);
        assert.match(problems({ pdReplicas: 2 })[0], /^pdReplicas: got 2; an odd whole number/);
        assert.deepStrictEqual(problems({ tikvReplicas: 2 }), [
            "tikvReplicas: got 2; at least maxReplicas (3): PD places 3 copies of every region on distinct stores",
        ]);
        assert.deepStrictEqual(problems({ version: "latest" }), ['version: got "latest"; a pinned TiDB version such as "v8.5.2"']);
        assert.deepStrictEqual(problems({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } }), [
            "autoscaling.minReplicas: got 1; at least 2 (one TiDB server must stay up while another restarts)",
        ]);
        assert.deepStrictEqual(problems({ replicas: 5, autoscaling: { minReplicas: 2, maxReplicas: 4 } }), [
            "replicas: got 5; from autoscaling.minReplicas to autoscaling.maxReplicas (2 to 4): it is the count at creation",
        ]);
        assert.deepStrictEqual(problems({ maxReplicas: 1, tikvReplicas: 1, pdReplicas: 1, replicas: 1 }), []);
    });
});
