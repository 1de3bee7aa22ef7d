/**
 * Alert rules shared by every system: the rule shape the per-system files in `components/alerts/` fill
 * in, the rules every StatefulSet system has (kube-state-metrics, kubelet volume stats), the
 * PrometheusRule builder and the checks and defaults of {@link AlertingArgs}.
 *
 * Metric names and labels come from the exporters at the versions we pin; docs/upstream.md names the
 * source of each, docs/monitoring.md says what each alert means for the operator on call.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertingArgs } from "./types";
import { ArgProblem, checkBoolean, checkStringMap } from "./validation";

/** How urgent an alert is (the `severity` label, as Alertmanager routes usually expect it). */
export enum Severity {
    /** Data or availability is lost or about to be: page someone. */
    Critical = "critical",
    /** Redundancy is reduced or a limit is near: look at it today. */
    Warning = "warning",
    /** Something expected is going on (a scale-in): no action unless it lasts. */
    Info = "info",
}

/** One alerting rule, and the signal a dashboard graphs for it. */
export interface AlertRule {
    /** Alert name, for example `RedisMasterMissing`. */
    alert: string;
    /** PromQL expression; a result means the condition holds. */
    expr: string;
    /** How long the condition must hold before the alert fires, for example "5m". */
    for: string;
    /** Urgency. */
    severity: Severity;
    /** One line: what is wrong. */
    summary: string;
    /** What it means and what to do (the same text docs/monitoring.md gives). */
    description: string;
    /** The series behind the alert, graphed on the system's dashboard. */
    panel: { title: string; expr: string };
}

/** The rules of one system, rendered as one rule group. */
export interface AlertGroup {
    /** Group name, unique in the namespace, for example `redis-cache`. */
    name: string;
    /** The rules. */
    rules: AlertRule[];
}

/** Defaults of {@link AlertingArgs}, before `alertRules` follows the monitor. */
export const ALERTING_DEFAULTS: Required<AlertingArgs> = { alertRules: false, alertRuleLabels: {}, dashboard: false };

/** The keys of {@link AlertingArgs}, for `checkGroup`'s list of known keys. */
export const ALERTING_KEYS = ["alertRules", "alertRuleLabels", "dashboard"] as const;

/** Merges alerting args over the defaults: alert rules are on wherever the ServiceMonitor or PodMonitor is. */
export function resolveAlerting(args: AlertingArgs | undefined, monitorOn: boolean): Required<AlertingArgs> {
    return {
        alertRules: args?.alertRules ?? monitorOn,
        alertRuleLabels: args?.alertRuleLabels ?? ALERTING_DEFAULTS.alertRuleLabels,
        dashboard: args?.dashboard ?? ALERTING_DEFAULTS.dashboard,
    };
}

/** Checks `monitoring.alertRules`, `monitoring.alertRuleLabels` and `monitoring.dashboard`. */
export function checkAlertingArgs(problems: ArgProblem[], args: AlertingArgs | undefined): void {
    checkBoolean(problems, "monitoring.alertRules", args?.alertRules);
    checkStringMap(problems, "monitoring.alertRuleLabels", args?.alertRuleLabels);
    checkBoolean(problems, "monitoring.dashboard", args?.dashboard);
}

/** A PromQL label matcher list from exact and regex matchers: `{namespace="x",pod=~"y"}`. */
export function selector(exact: Record<string, string>, regex: Record<string, string> = {}): string {
    const parts = [...Object.entries(exact).map(([k, v]) => `${k}="${v}"`), ...Object.entries(regex).map(([k, v]) => `${k}=~"${v}"`)];
    return `{${parts.join(",")}}`;
}

/** A StatefulSet as kube-state-metrics names it. */
export interface StatefulSetRef {
    /** Alert name prefix, for example `Nacos` or `RedisSentinel`. */
    prefix: string;
    /** What the members are called in messages, for example "Nacos members". */
    members: string;
    namespace: string;
    statefulSet: string;
}

/**
 * Members not ready for ten minutes (kube-state-metrics: ready replicas below the spec), and, for systems
 * that need a majority, the majority lost (ready replicas at most half the spec) within two minutes.
 */
export function statefulSetRules(ref: StatefulSetRef, quorum: string | undefined): AlertRule[] {
    const s = selector({ namespace: ref.namespace, statefulset: ref.statefulSet });
    const ready = `kube_statefulset_status_replicas_ready${s}`;
    const desired = `kube_statefulset_replicas${s}`;
    const rules: AlertRule[] = [
        {
            alert: `${ref.prefix}MembersNotReady`,
            expr: `${ready} < ${desired}`,
            for: "10m",
            severity: Severity.Warning,
            summary: `Fewer ${ref.members} are ready than the StatefulSet ${ref.statefulSet} asks for.`,
            description: `Some ${ref.members} have not been ready for 10 minutes: redundancy is reduced. Look at the pods' events and logs (kubectl -n ${ref.namespace} describe pod ${ref.statefulSet}-N).`,
            panel: { title: `${ref.members}: ready vs desired`, expr: `${ready} or ${desired}` },
        },
    ];
    if (quorum !== undefined) {
        rules.push({
            alert: `${ref.prefix}MajorityLost`,
            expr: `${ready} * 2 <= ${desired} and ${desired} > 0`,
            for: "2m",
            severity: Severity.Critical,
            summary: `At most half of the ${ref.members} are ready: ${quorum} has no majority.`,
            description: `${quorum} needs a majority of the ${ref.members}; with at most half of them ready it cannot make progress. Bring members back first (node, volume, scheduling problems); do not scale in or delete claims.`,
            panel: { title: `${ref.members}: ready vs desired`, expr: `${ready} or ${desired}` },
        });
    }
    rules.push({
        alert: `${ref.prefix}ScaleInInProgress`,
        expr: `kube_statefulset_status_replicas${s} > ${desired}`,
        for: "1m",
        severity: Severity.Info,
        summary: `The StatefulSet ${ref.statefulSet} is removing ${ref.members}.`,
        description: `More ${ref.members} exist than the spec asks for: a scale-in is under way. Expected after a replicas change; if it lasts, a member is stuck terminating (preStop handover, finalizer or PodDisruptionBudget).`,
        panel: { title: `${ref.members}: existing vs desired`, expr: `kube_statefulset_status_replicas${s} or ${desired}` },
    });
    return rules;
}

/** Every claim whose name matches `claims` above 80 % used for 5 minutes (warning) and 90 % (critical). */
export function volumeRules(prefix: string, what: string, namespace: string, claims: string): AlertRule[] {
    const s = selector({ namespace }, { persistentvolumeclaim: claims });
    const usage = `kubelet_volume_stats_used_bytes${s} / kubelet_volume_stats_capacity_bytes${s}`;
    const panel = { title: `${what} volumes: fraction used`, expr: usage };
    return [
        {
            alert: `${prefix}VolumeFillingUp`,
            expr: `${usage} > 0.8`,
            for: "5m",
            severity: Severity.Warning,
            summary: `A ${what} volume is more than 80 % full.`,
            description: `The claim in the alert's persistentvolumeclaim label is more than 80 % used. Grow it (a StorageClass with allowVolumeExpansion) or free space before the system stops writing.`,
            panel,
        },
        {
            alert: `${prefix}VolumeAlmostFull`,
            expr: `${usage} > 0.9`,
            for: "5m",
            severity: Severity.Critical,
            summary: `A ${what} volume is more than 90 % full.`,
            description: `The claim in the alert's persistentvolumeclaim label is more than 90 % used; writes fail when it is full. Expand the claim now.`,
            panel,
        },
    ];
}

/** A scrape target of the system not answering for five minutes (Prometheus's own `up`). */
export function targetDownRule(prefix: string, what: string, up: string): AlertRule {
    return {
        alert: `${prefix}MetricsDown`,
        expr: `${up} == 0`,
        for: "5m",
        severity: Severity.Warning,
        summary: `Prometheus cannot scrape a ${what} target.`,
        description: `The target in the alert's pod label has not answered a scrape for 5 minutes: the pod is down or its metrics endpoint is. The other alerts of this system are blind for that member.`,
        panel: { title: `${what}: targets up`, expr: up },
    };
}

/** The `spec` of a PrometheusRule for the groups (the rule file format promtool checks). */
export function renderRuleGroups(groups: AlertGroup[]): { groups: object[] } {
    return {
        groups: groups.map((g) => ({
            name: g.name,
            rules: g.rules.map((r) => ({
                alert: r.alert,
                expr: r.expr,
                for: r.for,
                labels: { severity: r.severity },
                annotations: { summary: r.summary, description: r.description },
            })),
        })),
    };
}

/** Creates the `monitoring.coreos.com/v1` PrometheusRule `<name>-alerts` with the groups. */
export function createAlertRules(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    groups: AlertGroup[],
    alerting: Required<AlertingArgs>,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        resourceName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { ...metadata, name: `${metadata.name}-alerts`, labels: { ...metadata.labels, ...alerting.alertRuleLabels } },
            spec: renderRuleGroups(groups),
        },
        opts,
    );
}
