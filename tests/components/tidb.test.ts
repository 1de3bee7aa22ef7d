import * as assert from "assert";
import { execFile } from "child_process";
import { createServer } from "http";
import { AddressInfo } from "net";
import { renderPdMaxReplicasScript, TiDB, TiDBArgs, validateTiDBArgs } from "../../components/tidb";
import { toManifest } from "../../render/stack-runner";
import { childrenOf, optionsRecorder, register } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const base: TiDBArgs = { namespace: "sql" };
const cr = (run: Awaited<ReturnType<typeof register>>, name: string): any => run.named(name).inputs;

/**
 * Runs the max-replicas script against a local fake PD whose config API answers 503 once, then stores
 * what is posted to /pd/api/v1/config and reports `reported` (or the stored value) on /config/replicate.
 */
async function runMaxReplicas(
    n: number,
    reported?: number,
): Promise<{ seen: { method: string; path: string; contentType?: string; body: string }[]; code: number; stdout: string; stderr: string }> {
    const seen: { method: string; path: string; contentType?: string; body: string }[] = [];
    let stored = 3;
    let calls = 0;
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", path: req.url ?? "", contentType: req.headers["content-type"], body });
            if (req.method === "GET" && req.url === "/pd/api/v1/config/replicate") {
                if (calls++ === 0) {
                    res.statusCode = 503;
                    res.end();
                    return;
                }
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ "max-replicas": reported ?? stored, "location-labels": "" }));
            } else if (req.method === "POST" && req.url === "/pd/api/v1/config") {
                stored = (JSON.parse(body) as { "max-replicas": number })["max-replicas"];
                res.end('"The config is updated."');
            } else {
                res.statusCode = 404;
                res.end();
            }
        });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
        return await new Promise((done) =>
            execFile("sh", ["-c", renderPdMaxReplicasScript(url, n, 5, 1)], (err, stdout, stderr) =>
                done({ seen, code: err === null ? 0 : ((err as { code?: number }).code ?? -1), stdout, stderr }),
            ),
        );
    } finally {
        server.close();
    }
}

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
            () => new TiDB("tidb", { ...base, regionReplicas: 5, tikvReplicas: 5, tikvStorage: { size: "1Ti", storageClassName: "nvme" } }),
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

    it("applies max-replicas through PD's API as pd-ctl config set does, and fails unless PD reports the value back", async () => {
        const ok = await runMaxReplicas(5);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.deepStrictEqual(
            ok.seen.map((r) => `${r.method} ${r.path}`),
            [
                "GET /pd/api/v1/config/replicate",
                "GET /pd/api/v1/config/replicate",
                "POST /pd/api/v1/config",
                "GET /pd/api/v1/config/replicate",
            ],
        );
        const post = ok.seen[2];
        assert.strictEqual(post.contentType, "application/json");
        assert.deepStrictEqual(JSON.parse(post.body), { "max-replicas": 5 });
        assert.strictEqual(ok.stdout.trim(), "PD keeps 5 copies of every region (replication.max-replicas)");
        const refused = await runMaxReplicas(5, 3);
        assert.strictEqual(refused.code, 1);
        assert.strictEqual(refused.stderr.trim().split("\n").pop(), "PD reports max-replicas 3, not 5");
    });

    it("runs that script in a Job named after the value, on PD's image, against PD's client Service", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new TiDB("tidb", { ...base, regionReplicas: 5, tikvReplicas: 5 }, { ...rec.opts, protect: true }));
        // A protected stack can still replace it when regionReplicas changes: it holds no data.
        assert.strictEqual(rec.of("tidb-pd-max-replicas").protect, false);
        const job = cr(run, "tidb-pd-max-replicas");
        assert.strictEqual(job.metadata.name, "tidb-pd-max-replicas-5");
        const container = job.spec.template.spec.containers[0];
        assert.strictEqual(container.image, "pingcap/pd:v8.5.2");
        // tidb-operator v2.0.1 names PD's client Service `<PDGroup>-pd` (pdgroup/tasks/util.go InternalServiceName).
        assert.deepStrictEqual(container.command, ["sh", "-c", renderPdMaxReplicasScript("http://tidb-pd-pd.sql.svc:2379", 5)]);
        assert.deepStrictEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
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

    it("scrapes the ports tidb-operator names client (PD, 2379) and status (TiKV 20180, TiDB 10080), on request", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, monitoring: { podMonitor: true } }));
        for (const [component, port] of [
            ["pd", "client"],
            ["tikv", "status"],
            ["tidb", "status"],
        ] as const) {
            const monitor = cr(run, `tidb-${component}-podmonitor`);
            assert.deepStrictEqual(monitor.spec.selector, {
                matchLabels: { "pingcap.com/cluster": "tidb", "pingcap.com/component": component },
            });
            assert.deepStrictEqual(monitor.spec.podMetricsEndpoints, [{ port, path: "/metrics", interval: "30s" }]);
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
        assert.deepStrictEqual(
            childrenOf(run, "stateful-k8s:index:TiDB"),
            [
                "kubernetes:core.pingcap.com/v1alpha1:Cluster::tidb-cluster",
                "kubernetes:core.pingcap.com/v1alpha1:PDGroup::tidb-pd",
                "kubernetes:core.pingcap.com/v1alpha1:TiDBGroup::tidb-tidb",
                "kubernetes:core.pingcap.com/v1alpha1:TiKVGroup::tidb-tikv",
                "kubernetes:batch/v1:Job::tidb-pd-max-replicas",
            ].sort(),
        );
    });

    it("emits only custom resources the upstream tidb-operator v2, prometheus-operator and HPA schemas accept", async () => {
        const run = await register(
            () => new TiDB("tidb", { ...base, monitoring: { podMonitor: true }, autoscaling: { minReplicas: 2, maxReplicas: 4 } }),
        );
        const objects = run.kubernetesObjects();
        assert.strictEqual(objects.length, 10); // with the PrometheusRule the PodMonitors bring
        for (const r of objects) assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], r.name);
    });

    it("refuses an even PD, TiKV below max-replicas, an unpinned version and a single-server autoscaler", () => {
        const problems = (a: Partial<TiDBArgs>) =>
            validateTiDBArgs("tidb", { ...base, ...a }).map((p) => `${p.path}: got ${JSON.stringify(p.value)}; ${p.allowed}`);
        assert.match(problems({ pdReplicas: 2 })[0], /^pdReplicas: got 2; an odd whole number/);
        assert.deepStrictEqual(problems({ tikvReplicas: 2 }), [
            "tikvReplicas: got 2; at least regionReplicas (3): PD places 3 copies of every region on distinct stores",
        ]);
        assert.deepStrictEqual(problems({ version: "latest" }), ['version: got "latest"; a pinned TiDB version such as "v8.5.2"']);
        assert.deepStrictEqual(problems({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } }), [
            "autoscaling.minReplicas: got 1; at least 2 (one TiDB server must stay up while another restarts)",
        ]);
        assert.deepStrictEqual(problems({ replicas: 5, autoscaling: { minReplicas: 2, maxReplicas: 4 } }), [
            "replicas: got 5; from autoscaling.minReplicas to autoscaling.maxReplicas (2 to 4): it is the count at creation",
        ]);
        assert.deepStrictEqual(problems({ regionReplicas: 1, tikvReplicas: 1, pdReplicas: 1, replicas: 1 }), []);
        assert.deepStrictEqual(problems({ maxReplicas: 5 } as Partial<TiDBArgs>), [
            "maxReplicas: got 5; nothing: renamed to regionReplicas (PD's replication.max-replicas), so as not to be confused with autoscaling.maxReplicas",
        ]);
        // The operator's CEL rules: Cluster <= 37, groups <= 40 characters, and the groups add "-tikv".
        assert.deepStrictEqual(validateTiDBArgs("a".repeat(35), base), []);
        assert.deepStrictEqual(
            validateTiDBArgs("a".repeat(36), base).map((p) => p.allowed),
            ['a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 35 characters'],
        );
    });

    it("offers no NetworkPolicy unless asked", async () => {
        const run = await register(() => new TiDB("tidb", base));
        assert.deepStrictEqual(run.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), []);
    });

    it("admits the cluster's pods on every port, the operator and Prometheus on the APIs, the Job on PD and clients on SQL", async () => {
        const run = await register(
            () =>
                new TiDB("tidb", {
                    ...base,
                    operatorNamespace: "tidb-ops",
                    monitoring: { podMonitor: true },
                    networkPolicy: { enabled: true, clientNamespaces: ["shop"], clientPodLabels: { app: "orders" } },
                }),
        );
        const np = cr(run, "tidb-netpol");
        const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
        const ns = (name: string) => ({
            namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [name] }] },
        });
        assert.strictEqual(np.metadata.name, "tidb");
        assert.strictEqual(np.metadata.namespace, "sql");
        assert.deepStrictEqual(np.spec.podSelector, { matchLabels: { "pingcap.com/cluster": "tidb" } });
        assert.deepStrictEqual(np.spec.policyTypes, ["Ingress"]);
        assert.deepStrictEqual(np.spec.ingress, [
            {
                from: [{ podSelector: { matchLabels: { "pingcap.com/cluster": "tidb" } } }],
                ports: tcp(2379, 2380, 20160, 20180, 4000, 10080),
            },
            { from: [ns("tidb-ops")], ports: tcp(2379, 20180, 10080) },
            { from: [{ podSelector: { matchLabels: { "stateful-k8s.io/job": "tidb-pd-max-replicas" } } }], ports: tcp(2379) },
            { from: [{ ...ns("shop"), podSelector: { matchLabels: { app: "orders" } } }], ports: tcp(4000) },
            { from: [ns("monitoring")], ports: tcp(2379, 20180, 10080) },
        ]);
        // The Job's pod carries the label the policy admits, and not the operator's.
        const jobPod = cr(run, "tidb-pd-max-replicas").spec.template.metadata.labels;
        assert.deepStrictEqual(jobPod, { "app.kubernetes.io/part-of": "stateful-k8s", "stateful-k8s.io/job": "tidb-pd-max-replicas" });
    });

    it("admits no monitoring namespace when nothing scrapes the cluster", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, networkPolicy: { enabled: true } }));
        const from = cr(run, "tidb-netpol").spec.ingress.map((r: any) => r.from[0]);
        assert.deepStrictEqual(from[1].namespaceSelector.matchExpressions[0].values, ["tidb-admin"]);
        assert.deepStrictEqual(from[3].namespaceSelector.matchExpressions[0].values, ["sql"]);
        assert.strictEqual(from.length, 4);
    });

    it("admits BR's backup and restore Jobs on PD and TiKV when the cluster is backed up", async () => {
        const storage = { endpoint: "http://minio.backup:9000", bucket: "dr-backups", accessKeyId: "id", secretAccessKey: "key" };
        const run = await register(() => new TiDB("tidb", { ...base, backup: { storage }, networkPolicy: { enabled: true } }));
        const ingress = cr(run, "tidb-netpol").spec.ingress;
        assert.deepStrictEqual(ingress[ingress.length - 1], {
            from: [
                {
                    podSelector: {
                        matchLabels: { "pingcap.com/managed-by": "tidb-operator" },
                        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["backup", "restore"] }],
                    },
                },
            ],
            ports: [2379, 20160, 20180, 10080].map((port) => ({ protocol: "TCP", port })),
        });
    });
});
