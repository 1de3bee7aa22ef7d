/** Prometheus wiring: alert rules and dashboards (every system), scrape annotations and ServiceMonitors (StatefulSet systems). */

/**
 * Alert rules and a dashboard for the system, shared by every component's monitoring args: a
 * `monitoring.coreos.com/v1` PrometheusRule (see docs/monitoring.md for each alert) and a Grafana
 * dashboard ConfigMap.
 */
export interface AlertingArgs {
    /**
     * Creates a `monitoring.coreos.com/v1` PrometheusRule with the system's alerts (needs the Prometheus
     * Operator CRDs, kube-state-metrics and the kubelet's volume metrics in the same Prometheus).
     * @default true when the ServiceMonitor (or PodMonitors) is created, false otherwise
     */
    alertRules?: boolean;
    /**
     * Labels added to the PrometheusRule so that a Prometheus's `ruleSelector` picks it up, for example
     * `{ release: "kube-prometheus-stack" }`.
     * @default {}
     */
    alertRuleLabels?: { [key: string]: string };
    /**
     * Creates a ConfigMap with a Grafana dashboard for the system, labelled `grafana_dashboard: "1"`
     * for Grafana's dashboard sidecar.
     * @default false
     */
    dashboard?: boolean;
}

/** Prometheus wiring. */
export interface MonitoringArgs extends AlertingArgs {
    /**
     * Adds `prometheus.io/scrape`, `prometheus.io/port` and `prometheus.io/path` annotations to the pods.
     * @default true
     */
    scrapeAnnotations?: boolean;
    /**
     * Creates a `monitoring.coreos.com/v1` ServiceMonitor for the client Service (needs the Prometheus Operator CRDs).
     * @default false
     */
    serviceMonitor?: boolean;
    /**
     * Labels added to the ServiceMonitor so that a Prometheus's `serviceMonitorSelector` picks it up,
     * for example `{ release: "kube-prometheus-stack" }`.
     * @default {}
     */
    serviceMonitorLabels?: { [key: string]: string };
    /**
     * Scrape interval of the ServiceMonitor.
     * @default "30s"
     */
    interval?: string;
}
