/**
 * Metrics that really flow, on the real node: Redis deployed through the Pulumi CLI with its ServiceMonitor and
 * PrometheusRule; prometheus-operator v0.93.0 (a host process with the admin kubeconfig, as its `KUBECONFIG`
 * mode allows) turns them into the configuration and rule files of a Prometheus it runs in a pod on the node
 * (v3.13.1, the operator's default, built from the Go module proxy into a local image, given through the
 * Prometheus object's `image` and `version`), which discovers its targets through the API like any in-cluster
 * Prometheus.
 * Asserted through Prometheus's HTTP API: the generated scrape job finds every exporter and
 * `redis_up == 1` holds for each; then the master's Redis goes down and stays down (its container killed
 * each time the kubelet restarts it, a crash loop): `RedisDown` for that pod goes pending, then firing once
 * its `for:` (1m) has passed. The times from the kill to pending and to firing are printed
 * (docs/monitoring.md keeps them).
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as zlib from "zlib";
import { Project, initStack, toolchainBin, waitFor } from "./cli";
import { CLUSTER_ENV, CONTAINERD_SOCKET, NODE, realNodeDown, realNodeUp, redisStackConfig } from "./real-node";

const STACK = "promnode";
const NS = "stateful-promnode";
const MONITORING_NS = "monitoring";
const PROMETHEUS = "e2e";
const PROMETHEUS_POD = `prometheus-${PROMETHEUS}-0`;
/** Scrape (our ServiceMonitor's `monitoring.interval`) and rule evaluation interval, short so that the test is. */
const INTERVAL_SECONDS = 5;
/** RedisDown's `for:` (components/alerts/redis.ts). */
const REDIS_DOWN_FOR_SECONDS = 60;
const OPERATOR_VERSION = "0.93.0";
const RELOADER_IMAGE = `localhost/stateful-k8s/prometheus-config-reloader:${OPERATOR_VERSION}`;
const PROMETHEUS_VERSION = "3.13.1";
const PROMETHEUS_IMAGE = `localhost/stateful-k8s/prometheus:v${PROMETHEUS_VERSION}`;
/** The operator's metrics and health port, beside the ports scripts/real-node.sh derives from the API port. */
const OPERATOR_PORT = Number(CLUSTER_ENV.STATEFUL_K8S_API_PORT) + 10;

/** What Prometheus needs to discover targets in every namespace and read its rule ConfigMaps (upstream's example RBAC, read-only). */
const PROMETHEUS_OBJECTS = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: MONITORING_NS } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "prometheus", namespace: MONITORING_NS } },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "e2e-prometheus" },
        rules: [
            { apiGroups: [""], resources: ["services", "endpoints", "pods"], verbs: ["get", "list", "watch"] },
            { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
        ],
    },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "e2e-prometheus" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "e2e-prometheus" },
        subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace: MONITORING_NS }],
    },
    {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "Prometheus",
        metadata: { name: PROMETHEUS, namespace: MONITORING_NS },
        spec: {
            image: PROMETHEUS_IMAGE,
            version: `v${PROMETHEUS_VERSION}`,
            imagePullPolicy: "IfNotPresent",
            replicas: 1,
            serviceAccountName: "prometheus",
            scrapeInterval: `${INTERVAL_SECONDS}s`,
            evaluationInterval: `${INTERVAL_SECONDS}s`,
            // Every ServiceMonitor and PrometheusRule in every namespace, as kube-prometheus-stack selects them
            // with its "NilUsesHelmValues" switches off.
            serviceMonitorSelector: {},
            serviceMonitorNamespaceSelector: {},
            ruleSelector: {},
            ruleNamespaceSelector: {},
            resources: { requests: { cpu: "50m", memory: "128Mi" } },
            nodeSelector: { "stateful-k8s.io/node": "real" },
            tolerations: [{ key: "stateful-k8s.io/real-node", operator: "Exists", effect: "NoSchedule" }],
        },
    },
];

function log(message: string): void {
    console.log(`      [prometheus] ${message}`);
}

describe("Prometheus configured by prometheus-operator scrapes Redis on the real node and fires RedisDown", function () {
    let project: Project;
    let kubeconfig: string;
    let operator: ChildProcess | undefined;
    let killer: ChildProcess | undefined;

    const json = (...args: string[]): any => JSON.parse(project.kubectl(...args, "-o", "json"));
    /** GET on Prometheus's HTTP API, through the API server's pod proxy. */
    const prom = (apiPath: string): any => {
        const body = JSON.parse(
            project.kubectl("get", "--raw", `/api/v1/namespaces/${MONITORING_NS}/pods/${PROMETHEUS_POD}:9090/proxy${apiPath}`),
        );
        assert.strictEqual(body.status, "success", `${apiPath}: ${JSON.stringify(body)}`);
        return body.data;
    };
    const query = (promql: string): any[] => prom(`/api/v1/query?query=${encodeURIComponent(promql)}`).result;
    const redisDown = (): any[] => prom("/api/v1/alerts").alerts.filter((a: any) => a.labels.alertname === "RedisDown");
    const ready = (ns: string, pod: string): boolean => {
        try {
            return (
                json("-n", ns, "get", "pod", pod).status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True") === true
            );
        } catch {
            return false;
        }
    };
    const redisCli = (pod: string, command: string): string =>
        project
            .kubectl(
                "-n",
                NS,
                "exec",
                pod,
                "-c",
                "redis",
                "--",
                "sh",
                "-c",
                `REDISCLI_AUTH="$REDIS_PASSWORD" timeout 5 redis-cli --no-auth-warning --raw -h "$POD_IP" ${command}`,
            )
            .trim();

    before(function () {
        this.timeout(1800_000);
        const bin = toolchainBin();
        const node = realNodeUp();
        kubeconfig = node.kubeconfig;
        log(`cluster with the real node up in ${node.seconds.toFixed(1)} s`);
        project = Project.copy(kubeconfig);
        fs.writeFileSync(
            path.join(project.dir, "stacks", `Pulumi.${STACK}.yaml`),
            redisStackConfig(NS, `        monitoring:\n            serviceMonitor: true\n            interval: ${INTERVAL_SECONDS}s\n`),
        );
        initStack(project, STACK, { redisPassword: "e2e-prometheus-redis-pw" });
        // Every CRD of the operator's release (the cluster has three of them from ../shared/crds already).
        project.kubectl("apply", "--server-side", "--force-conflicts", "-f", path.join(bin, "..", "prometheus-operator-crds"));
        project.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
        const logFile = path.join(project.dir, "prometheus-operator.log");
        const out = fs.openSync(logFile, "a");
        operator = spawn(
            path.join(bin, "prometheus-operator"),
            [
                `--web.listen-address=127.0.0.1:${OPERATOR_PORT}`,
                `--prometheus-config-reloader=${RELOADER_IMAGE}`,
                // No CPU limit on the reloader (default 10m, a hundredth of a core): this 2-core host is shared and loaded.
                "--config-reloader-cpu-limit=0",
            ],
            { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ["ignore", out, out] },
        );
        log(`prometheus-operator ${OPERATOR_VERSION} started (pid ${operator.pid}, log ${logFile})`);
    });

    after(async function () {
        this.timeout(600_000);
        killer?.kill("SIGKILL");
        // The operator first (it would retry against a stopped API server otherwise): TERM, then KILL after 15 s.
        const op = operator;
        if (op !== undefined && op.exitCode === null && op.signalCode === null) {
            const exited = new Promise<void>((resolve) => op.on("exit", () => resolve()));
            op.kill("SIGTERM");
            const timer = setTimeout(() => op.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(timer);
        }
        const down = realNodeDown();
        log(`cluster and real node down in ${down.seconds.toFixed(1)} s (${down.processes} node and container processes before)`);
    });

    it("pulumi up runs Redis on the real node with its ServiceMonitor and PrometheusRule", async () => {
        const t0 = Date.now();
        project.pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]);
        await waitFor(
            "the Redis nodes and sentinels ready",
            () => ["redis-0", "redis-1", "redis-2", "redis-sentinel-0", "redis-sentinel-1", "redis-sentinel-2"].every((p) => ready(NS, p)),
            300,
        );
        log(`Redis ready ${((Date.now() - t0) / 1000).toFixed(1)} s after pulumi up started`);
        assert.deepStrictEqual(project.names("servicemonitors.monitoring.coreos.com", NS), ["redis"]);
        assert.deepStrictEqual(project.names("prometheusrules.monitoring.coreos.com", NS), ["redis-alerts"]);
    });

    it("the operator generates a scrape job from the ServiceMonitor and a rule file from the PrometheusRule, and runs Prometheus on the node", async () => {
        const file = path.join(project.dir, "prometheus.json");
        fs.writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: PROMETHEUS_OBJECTS }));
        const t0 = Date.now();
        project.kubectl("apply", "--server-side", "-f", file);
        await waitFor(`${PROMETHEUS_POD} ready`, () => ready(MONITORING_NS, PROMETHEUS_POD), 300);
        log(`${PROMETHEUS_POD} ready ${((Date.now() - t0) / 1000).toFixed(1)} s after the Prometheus object was applied`);

        const pod = json("-n", MONITORING_NS, "get", "pod", PROMETHEUS_POD);
        assert.strictEqual(pod.spec.nodeName, NODE);
        const images = Object.fromEntries([...pod.spec.initContainers, ...pod.spec.containers].map((c: any) => [c.name, c.image]));
        assert.deepStrictEqual(images, {
            "init-config-reloader": RELOADER_IMAGE,
            prometheus: PROMETHEUS_IMAGE,
            "config-reloader": RELOADER_IMAGE,
        });
        assert.strictEqual(prom("/api/v1/status/buildinfo").version, PROMETHEUS_VERSION);

        // The configuration the operator generated (gzipped in its Secret) scrapes our Service's named port.
        const secret = json("-n", MONITORING_NS, "get", "secret", `prometheus-${PROMETHEUS}`);
        const config = yaml.load(zlib.gunzipSync(Buffer.from(secret.data["prometheus.yaml.gz"], "base64")).toString("utf8")) as any;
        const job = config.scrape_configs.find((j: any) => j.job_name === `serviceMonitor/${NS}/redis/0`);
        assert.ok(job !== undefined, `a job for our ServiceMonitor among ${config.scrape_configs.map((j: any) => j.job_name)}`);
        assert.strictEqual(job.scrape_interval, `${INTERVAL_SECONDS}s`);
        assert.strictEqual(job.metrics_path, "/metrics");
        assert.deepStrictEqual(job.kubernetes_sd_configs[0].namespaces, { names: [NS] });
        assert.ok(
            job.relabel_configs.some((r: any) => r.source_labels?.[0]?.endsWith("_port_name") && r.regex === "metrics"),
            "the job keeps the endpoints' port named metrics",
        );
        assert.ok(config.rule_files.includes(`/etc/prometheus/rules/prometheus-${PROMETHEUS}-rulefiles-0/*.yaml`), config.rule_files);

        // Prometheus loaded our rules, with the `for:` they were rendered with.
        await waitFor(
            "Prometheus to load the Redis rules",
            () => prom("/api/v1/rules").groups.some((g: any) => g.name === "redis-redis"),
            120,
        );
        // Every rule of our PrometheusRule, each evaluated without error by this Prometheus.
        const stored = json("-n", NS, "get", "prometheusrules.monitoring.coreos.com", "redis-alerts").spec.groups[0].rules;
        const group = (): any => prom("/api/v1/rules").groups.find((g: any) => g.name === "redis-redis");
        await waitFor("every Redis rule evaluated", () => group().rules.every((r: any) => r.health !== "unknown"), 60);
        assert.deepStrictEqual(
            group().rules.map((r: any) => [r.name, r.health, r.lastError ?? ""]),
            stored.map((r: any) => [r.alert, "ok", ""]),
        );
        const rule = group().rules.find((r: any) => r.name === "RedisDown");
        assert.strictEqual(rule.duration, REDIS_DOWN_FOR_SECONDS);
        assert.strictEqual(rule.query, `redis_up{namespace="${NS}",service="redis-metrics"} == 0`);
        assert.strictEqual(rule.health, "ok");
    });

    it("every exporter is a healthy target and redis_up == 1 holds for each", async () => {
        const targets = () =>
            prom("/api/v1/targets?state=active").activeTargets.filter((t: any) => t.scrapePool === `serviceMonitor/${NS}/redis/0`);
        await waitFor(
            "three healthy Redis exporter targets",
            () => targets().length === 3 && targets().every((t: any) => t.health === "up"),
            120,
        );
        assert.deepStrictEqual(
            targets()
                .map((t: any) => t.labels.pod)
                .sort(),
            ["redis-0", "redis-1", "redis-2"],
        );
        for (const t of targets()) {
            assert.strictEqual(t.labels.service, "redis-metrics");
            assert.strictEqual(t.labels.namespace, NS);
            assert.strictEqual(t.labels.endpoint, "metrics");
            assert.match(t.scrapeUrl, /^http:\/\/10\.244\.0\.\d+:9121\/metrics$/);
        }
        await waitFor("redis_up == 1 for every exporter", () => query("redis_up == 1").length === 3, 60);
        const up = query("redis_up == 1");
        assert.deepStrictEqual(up.map((s: any) => s.metric.pod).sort(), ["redis-0", "redis-1", "redis-2"]);
        for (const s of up) assert.deepStrictEqual([s.metric.namespace, s.metric.service, s.value[1]], [NS, "redis-metrics", "1"]);
        assert.deepStrictEqual(query(`count(redis_instance_info{namespace="${NS}",role="master"})`)[0].value[1], "1");
        assert.deepStrictEqual(redisDown(), [], "RedisDown is inactive while every node is up");
    });

    it("the master's Redis killed and kept down: RedisDown for that pod goes pending, then firing after its for: of 1m", async () => {
        const master = ["redis-0", "redis-1", "redis-2"].find((p) => redisCli(p, "ROLE").split("\n")[0] === "master");
        assert.ok(master !== undefined, "a master");
        // Kills the master's redis container now and each time the kubelet restarts it (a crash loop), polling
        // containerd every 0.2 s: the exporter beside it keeps answering, with redis_up 0.
        // containerd's filter syntax: labels."<key>"=="<value>", comma for and (the labels the kubelet sets).
        const labels = Object.entries({
            "io.kubernetes.pod.namespace": NS,
            "io.kubernetes.pod.name": master,
            "io.kubernetes.container.name": "redis",
        })
            .map(([key, value]) => `labels."${key}"=="${value}"`)
            .join(",");
        const ctr = `ctr --address '${CONTAINERD_SOCKET}' -n k8s.io`;
        const mine = (): any[] => redisDown().filter((a) => a.labels.pod === master);
        assert.deepStrictEqual(mine(), [], `RedisDown for ${master} is inactive just before the kill`);
        killer = spawn(
            "sh",
            [
                "-c",
                `while :; do for id in $(${ctr} containers ls -q '${labels}'); do ` +
                    `${ctr} tasks kill -s SIGKILL "$id" 2>/dev/null && echo "killed $id $(date +%s.%N)"; done; sleep 0.2; done`,
            ],
            { stdio: ["ignore", "pipe", "inherit"] },
        );
        let kills = "";
        killer.stdout!.on("data", (d) => (kills += d));
        await waitFor("the first kill", () => kills.includes("killed "), 30);
        const killedAt = Number(kills.split("\n")[0].split(" ")[2]) * 1000;
        log(`SIGKILL to the redis container of the master ${master}; killed again on every restart`);

        const seen: string[] = ["inactive"];
        let pendingAt: number | undefined;
        let firingAt: number | undefined;
        let alert: any;
        const deadline = killedAt + (REDIS_DOWN_FOR_SECONDS + 120) * 1000;
        while (firingAt === undefined && Date.now() < deadline) {
            const now = mine();
            const state = now[0]?.state ?? "inactive";
            if (seen[seen.length - 1] !== state) seen.push(state);
            if (state === "pending" && pendingAt === undefined) pendingAt = Date.now();
            if (state === "firing") {
                firingAt = Date.now();
                alert = now[0];
            }
            await new Promise((r) => setTimeout(r, 1000));
        }
        killer.kill("SIGKILL");
        const restarts = kills.split("\n").filter((l) => l.startsWith("killed ")).length;
        const s = (t: number | undefined): string => (t === undefined ? "never" : `${((t - killedAt) / 1000).toFixed(1)} s`);
        const activeAt = alert === undefined ? undefined : Date.parse(alert.activeAt);
        log(
            `RedisDown{pod="${master}"} states ${seen.join(" -> ")}; after the kill: pending seen ${s(pendingAt)}, ` +
                `active (Prometheus's activeAt) ${s(activeAt)}, firing seen ${s(firingAt)}; ${restarts} kills (the first and one per restart)`,
        );
        assert.deepStrictEqual(seen, ["inactive", "pending", "firing"], "RedisDown's states, in order");
        assert.deepStrictEqual(
            [alert.labels.severity, alert.labels.namespace, alert.labels.service, alert.labels.pod, alert.value],
            ["critical", NS, "redis-metrics", master, "0e+00"],
        );
        // Pending from the first evaluation after a scrape saw redis_up 0; firing at the first evaluation once
        // the condition has held for the rule's `for:`, not before.
        // (A scrape that began just before the kill can already see Redis gone: a second of tolerance before it.)
        assert.ok(activeAt! - killedAt >= -1000, `pending because of the kill, not before it (activeAt ${alert.activeAt})`);
        assert.ok(
            activeAt! - killedAt <= (2 * INTERVAL_SECONDS + 10) * 1000,
            "pending within a scrape and an evaluation (and slack) of the kill",
        );
        assert.ok(firingAt! - activeAt! >= REDIS_DOWN_FOR_SECONDS * 1000, "not firing before its for: has passed");
        assert.ok(
            firingAt! - activeAt! <= (REDIS_DOWN_FOR_SECONDS + 2 * INTERVAL_SECONDS + 10) * 1000,
            "firing within an evaluation (and slack) of its for:",
        );
    });
});
