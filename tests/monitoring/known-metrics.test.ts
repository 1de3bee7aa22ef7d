/**
 * Every alert expression and dashboard query selects only metrics the system's exporter serves at the
 * pinned version (the lists in known-metrics.ts), and the Kafka names are what our JMX exporter rules
 * make of Kafka's MBeans.
 */
import * as assert from "assert";
import * as yaml from "js-yaml";
import { renderKafkaMetricsConfig } from "../../components/kafka";
import { renderDashboard } from "../../components/lib/dashboards";
import { SYSTEMS } from "./cases";
import { CLUSTER_METRICS, KAFKA_MBEANS, SYSTEM_METRICS, metricNames, strayIdentifiers } from "./known-metrics";

/** What the JMX exporter names an MBean under our rules: first matching pattern, lower-cased, sanitised. */
function jmxName(mbean: string): string | undefined {
    const config = yaml.load(renderKafkaMetricsConfig()) as { rules: { pattern: string; name: string }[]; lowercaseOutputName: boolean };
    for (const rule of config.rules) {
        const m = new RegExp(`^${rule.pattern}$`).exec(mbean);
        if (m === null) continue;
        const name = rule.name.replace(/\$([0-9])/g, (_, i: string) => m[Number(i)]);
        return (config.lowercaseOutputName ? name.toLowerCase() : name).replace(/[^a-zA-Z0-9_:]/g, "_");
    }
    return undefined;
}

describe("metric names of the alerts and dashboards", () => {
    for (const { system, group } of SYSTEMS) {
        const known = new Set([...CLUSTER_METRICS, ...SYSTEM_METRICS[system]]);
        it(`${system}: every alert selects only metrics its exporter serves`, () => {
            for (const rule of group.rules) {
                for (const expr of [rule.expr, rule.panel.expr]) {
                    const unknown = metricNames(expr).filter((n) => !known.has(n));
                    assert.deepStrictEqual(unknown, [], `${rule.alert}: ${expr}`);
                    assert.deepStrictEqual(strayIdentifiers(expr), [], `${rule.alert}: a metric without a selector in ${expr}`);
                }
            }
        });
        it(`${system}: every dashboard query selects only metrics its exporter serves`, () => {
            const dashboard = renderDashboard(system, system, [group]) as { panels: { targets: { expr: string }[] }[] };
            const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
            assert.ok(queried.length > 0);
            assert.deepStrictEqual(
                queried.filter((n) => !known.has(n)),
                [],
            );
        });
    }

    it("finds a metric the exporter does not serve (the check can fail)", () => {
        assert.deepStrictEqual(metricNames('redis_master_down{namespace="ns"} == 1 and up{job="x"}'), ["redis_master_down", "up"]);
        assert.deepStrictEqual(strayIdentifiers("sum(redis_up) > 0"), ["redis_up"]);
    });

    it("names the Kafka metrics exactly as our JMX exporter rules turn Kafka's MBeans into names", () => {
        for (const [name, mbean] of Object.entries(KAFKA_MBEANS)) assert.strictEqual(jmxName(mbean), name, mbean);
        assert.deepStrictEqual(Object.keys(KAFKA_MBEANS).sort(), [...SYSTEM_METRICS.kafka].sort());
    });
});
