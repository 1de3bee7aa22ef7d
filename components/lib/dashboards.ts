/**
 * One Grafana dashboard per system, built from the same alert rules: a panel for the series behind
 * each alert (deduplicated by title) and one for the members, delivered as a ConfigMap that Grafana's
 * dashboard sidecar loads (label `grafana_dashboard: "1"`, the kube-prometheus-stack default).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertGroup, createAlertRules } from "./alerts";
import { AlertingArgs } from "./types";

/** The label Grafana's sidecar watches for dashboards (`sidecar.dashboards.label` and `labelValue`). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** A Grafana dashboard model (schemaVersion 39) with a `${datasource}` Prometheus variable. */
export function renderDashboard(title: string, uid: string, groups: AlertGroup[]): Record<string, unknown> {
    const seen = new Set<string>();
    const panels: Record<string, unknown>[] = [];
    for (const rule of groups.flatMap((g) => g.rules)) {
        if (seen.has(rule.panel.title)) continue;
        seen.add(rule.panel.title);
        const i = panels.length;
        panels.push({
            id: i + 1,
            type: "timeseries",
            title: rule.panel.title,
            description: `Behind the alert ${rule.alert}: ${rule.summary}`,
            datasource: { type: "prometheus", uid: "${datasource}" },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            targets: [
                { refId: "A", datasource: { type: "prometheus", uid: "${datasource}" }, expr: rule.panel.expr, legendFormat: "__auto" },
            ],
        });
    }
    return {
        uid,
        title,
        tags: ["stateful-k8s"],
        timezone: "utc",
        schemaVersion: 39,
        editable: true,
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [{ name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0 }],
        },
        panels,
    };
}

/** Creates the ConfigMap `<name>-dashboard` holding the dashboard as `<name>.json`. */
export function createDashboard(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    title: string,
    groups: AlertGroup[],
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.ConfigMap {
    // Grafana caps uids at 40 characters.
    const uid = `sk-${metadata.namespace}-${metadata.name}`.slice(0, 40);
    return new k8s.core.v1.ConfigMap(
        resourceName,
        {
            metadata: {
                name: `${metadata.name}-dashboard`,
                namespace: metadata.namespace,
                labels: { ...metadata.labels, ...DASHBOARD_LABEL },
            },
            data: { [`${metadata.name}.json`]: JSON.stringify(renderDashboard(title, uid, groups), null, 2) },
        },
        opts,
    );
}

/** Creates, as requested, the PrometheusRule `<name>-alerts` and the dashboard ConfigMap `<name>-dashboard` of one system. */
export function createAlertsAndDashboard(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    title: string,
    group: AlertGroup,
    alerting: Required<AlertingArgs>,
    opts: pulumi.CustomResourceOptions,
): void {
    if (alerting.alertRules) createAlertRules(`${resourceName}-alerts`, metadata, [group], alerting, opts);
    if (alerting.dashboard) createDashboard(`${resourceName}-dashboard`, metadata, title, [group], opts);
}
