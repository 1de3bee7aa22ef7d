/**
 * Every system's alert rules through Prometheus's own promtool: `check rules` on the rule group, and
 * `test rules` with synthetic series for every alert: it fires with the exact labels and annotations
 * after its `for:`, is not firing one evaluation before, and stays quiet on the near-miss series.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AlertRule, renderRuleGroups } from "../../components/lib/alerts";
import { AlertCase, SYSTEMS } from "./cases";
import { checkRules, promtool, testRules } from "./promtool";

const minutes = (d: string): number => {
    const m = /^([0-9]+)m$/.exec(d);
    if (m === null) throw new Error(`unexpected for: ${d}`);
    return Number(m[1]);
};
const inputSeries = (series: AlertCase["fire"]) => series.map(([s, v]) => ({ series: s, values: typeof v === "string" ? v : `${v}x30` }));

/** The promtool unit tests of one case: firing after `for:`, not before, quiet on the near miss. */
function unitTests(rule: AlertRule, c: AlertCase): object[] {
    const after = `${minutes(rule.for) + 1}m`;
    const before = `${minutes(rule.for) - 1}m`;
    const expected = {
        exp_labels: { ...c.labels, severity: rule.severity },
        exp_annotations: { summary: rule.summary, description: rule.description },
    };
    return [
        {
            interval: "1m",
            input_series: inputSeries(c.fire),
            alert_rule_test: [
                { eval_time: before, alertname: c.alert, exp_alerts: [] },
                { eval_time: after, alertname: c.alert, exp_alerts: [expected] },
            ],
        },
        { interval: "1m", input_series: inputSeries(c.quiet), alert_rule_test: [{ eval_time: after, alertname: c.alert, exp_alerts: [] }] },
    ];
}

describe("alert rules (promtool)", function () {
    this.timeout(60_000);

    it("has promtool installed (scripts/test-deps.sh installs it)", () => {
        promtool();
    });

    it("are each listed in docs/monitoring.md with their severity and for:", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "monitoring.md"), "utf8");
        for (const rule of SYSTEMS.flatMap((s) => s.group.rules)) {
            const row = new RegExp(`\\| \`${rule.alert}\` +\\| ${rule.severity} +\\| ${rule.for} +\\|`);
            assert.match(doc, row, `${rule.alert} in docs/monitoring.md`);
        }
    });

    for (const { system, group, cases } of SYSTEMS) {
        describe(system, () => {
            it("passes promtool check rules", () => {
                const result = checkRules(renderRuleGroups([group]));
                assert.strictEqual(result.code, 0, result.output);
                assert.match(result.output, new RegExp(`SUCCESS: ${group.rules.length} rules found`));
            });

            it("has a firing and a quiet case for every alert, and no case for an alert it lacks", () => {
                const alerts = new Set(group.rules.map((r) => r.alert));
                assert.deepStrictEqual([...new Set(cases.map((c) => c.alert))].sort(), [...alerts].sort());
            });

            it("fires every alert after its for: with its labels, not before, and not on the near miss", () => {
                const tests = cases.flatMap((c) =>
                    unitTests(
                        group.rules.find((r) => r.alert === c.alert)!,
                        c,
                    ),
                );
                const result = testRules(renderRuleGroups([group]), { tests });
                assert.strictEqual(result.code, 0, result.output);
                assert.match(result.output, /SUCCESS/);
            });
        });
    }
});
