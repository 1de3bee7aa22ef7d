/**
 * The PrometheusRules and dashboards the components and the stacks really render: each rule passes
 * `promtool check rules` and the upstream PrometheusRule CRD, rules follow the monitors (on with the
 * ServiceMonitor or PodMonitors, off without, overridable), and each dashboard ConfigMap carries the
 * sidecar label, a `${datasource}` variable and panels that use it.
 */
import * as assert from "assert";
import { Eureka, Kafka, Nacos, RabbitMQ, Redis, TiDB } from "../../components";
import { STATEFUL_SYSTEMS } from "../../components/systems";
import { MockRun } from "../../render/mock-runtime";
import { Manifest, manifests, runStack } from "../../render/stack-runner";
import { register } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";
import { checkRules } from "./promtool";

const token = Buffer.from("0123456789abcdef0123456789abcdef-token").toString("base64");
const on = { serviceMonitor: true, dashboard: true };
const podOn = { podMonitor: true, dashboard: true };
/** Each component with its monitor and dashboard on, in namespace `obs`. */
const COMPONENTS: Record<string, (monitoring: Record<string, unknown>) => void> = {
    eureka: (m) =>
        new Eureka("eureka", { namespace: "obs", image: "registry.example/eureka:1.0.0", prometheusMetrics: true, monitoring: m }),
    nacos: (m) => new Nacos("nacos", { namespace: "obs", authToken: token, identityValue: "id", adminPassword: "pw", monitoring: m }),
    rabbitmq: (m) => new RabbitMQ("rabbitmq", { namespace: "obs", erlangCookie: "cookie", defaultPassword: "pw", monitoring: m }),
    redis: (m) => new Redis("cache", { namespace: "obs", password: "pw", monitoring: m }),
    kafka: (m) => new Kafka("events", { namespace: "obs", monitoring: m }),
    tidb: (m) => new TiDB("db", { namespace: "obs", monitoring: m }),
};
const MONITOR: Record<string, Record<string, unknown>> = { kafka: podOn, tidb: podOn };
const ofKind = (run: MockRun, kind: string): Manifest[] => manifests(run).filter((m) => m.kind === kind);

async function validRule(rule: Manifest): Promise<void> {
    assert.deepStrictEqual(await schemaErrors(rule), [], `${rule.metadata.name} against the PrometheusRule CRD`);
    const result = checkRules(rule.spec as object);
    assert.strictEqual(result.code, 0, `${rule.metadata.name}: ${result.output}`);
}

describe("rendered alert rules and dashboards", function () {
    this.timeout(120_000);

    it("covers every registered system (a new system needs its case here)", () => {
        assert.deepStrictEqual(
            Object.keys(COMPONENTS),
            STATEFUL_SYSTEMS.map((s) => s.key),
        );
    });

    for (const [system, build] of Object.entries(COMPONENTS)) {
        describe(system, () => {
            it("renders <name>-alerts, valid for the CRD and promtool, and a dashboard ConfigMap for the sidecar", async () => {
                const run = await register(() => build(MONITOR[system] ?? on));
                const rules = ofKind(run, "PrometheusRule");
                assert.strictEqual(rules.length, 1);
                assert.match(rules[0].metadata.name, /-alerts$/);
                await validRule(rules[0]);
                const dashboards = ofKind(run, "ConfigMap").filter((c) => (c.metadata as any).labels?.grafana_dashboard === "1");
                assert.strictEqual(dashboards.length, 1);
                assert.match(dashboards[0].metadata.name, /-dashboard$/);
                const data = (dashboards[0] as any).data as Record<string, string>;
                assert.deepStrictEqual(Object.keys(data), [`${dashboards[0].metadata.name.replace(/-dashboard$/, "")}.json`]);
                const dashboard = JSON.parse(Object.values(data)[0]);
                assert.deepStrictEqual(
                    dashboard.templating.list.map((v: any) => [v.name, v.type, v.query]),
                    [["datasource", "datasource", "prometheus"]],
                );
                assert.ok(dashboard.uid.length <= 40);
                assert.ok(dashboard.panels.length >= 3);
                for (const panel of dashboard.panels) {
                    assert.deepStrictEqual(panel.datasource, { type: "prometheus", uid: "${datasource}" });
                    assert.ok(
                        panel.targets.length > 0 &&
                            panel.targets.every((t: any) => t.expr.length > 0 && t.datasource.uid === "${datasource}"),
                    );
                    assert.deepStrictEqual(Object.keys(panel.gridPos).sort(), ["h", "w", "x", "y"]);
                }
                assert.strictEqual(new Set(dashboard.panels.map((p: any) => p.id)).size, dashboard.panels.length);
                const titles: string[] = dashboard.panels.map((p: any) => p.title);
                assert.ok(
                    titles.some((t) => /vs desired|up$|targets up|ready/.test(t)),
                    titles.join(" | "),
                );
            });

            it("renders no rule and no dashboard when monitoring is left at its defaults", async () => {
                const run = await register(() => build({}));
                assert.deepStrictEqual(ofKind(run, "PrometheusRule"), []);
                assert.deepStrictEqual(
                    ofKind(run, "ConfigMap").filter((c) => (c.metadata as any).labels?.grafana_dashboard !== undefined),
                    [],
                );
            });

            it("follows alertRules: false over the monitor, and carries alertRuleLabels for the ruleSelector", async () => {
                const off = await register(() => build({ ...(MONITOR[system] ?? on), alertRules: false }));
                assert.deepStrictEqual(ofKind(off, "PrometheusRule"), []);
                const labelled = await register(() => build({ ...(MONITOR[system] ?? on), alertRuleLabels: { release: "kps" } }));
                assert.strictEqual((ofKind(labelled, "PrometheusRule")[0].metadata as any).labels.release, "kps");
            });
        });
    }

    it("refuses a non-boolean alertRules and non-string rule labels, naming the argument", () => {
        assert.throws(
            () =>
                new Redis("cache", {
                    namespace: "obs",
                    password: "pw",
                    monitoring: { alertRules: "yes" as never, alertRuleLabels: { a: 1 as never } },
                }),
            /monitoring\.alertRules[\s\S]*monitoring\.alertRuleLabels/,
        );
    });

    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: every rendered PrometheusRule is valid for the CRD and promtool`, async () => {
            const rules = ofKind((await runStack(stack)).run, "PrometheusRule");
            for (const rule of rules) await validRule(rule);
            if (stack === "prod") {
                assert.deepStrictEqual(
                    rules.map((r) => r.metadata.name).sort(),
                    ["kafka-alerts", "nacos-alerts", "rabbitmq-alerts", "redis-alerts", "tidb-alerts"].sort(),
                );
                for (const rule of rules) assert.strictEqual((rule.metadata as any).labels.release, "kube-prometheus-stack");
            }
        });
    }
});
