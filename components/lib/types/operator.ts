/** The argument family of the systems whose custom resources an operator runs: PodMonitors and installing the operator. */
import { AlertingArgs } from "./monitoring";
import { StatefulSystemArgs } from "./base";

/** Prometheus wiring for systems whose pods an operator creates: PodMonitors rather than ServiceMonitors. */
export interface OperatorMonitoringArgs extends AlertingArgs {
    /**
     * Creates `monitoring.coreos.com/v1` PodMonitors for the system's pods (needs the Prometheus Operator CRDs).
     * @default false
     */
    podMonitor?: boolean;
    /**
     * Labels added to the PodMonitors so that a Prometheus's `podMonitorSelector` picks them up.
     * @default {}
     */
    podMonitorLabels?: { [key: string]: string };
    /**
     * Scrape interval of the PodMonitors.
     * @default "30s"
     */
    interval?: string;
}

/** Installing the operator a component's custom resources need. */
export interface OperatorInstallArgs {
    /**
     * Installs the operator from its official Helm chart and makes every custom resource depend on it.
     * Leave off when the cluster already runs the operator.
     * @default false
     */
    installOperator?: boolean;
    /**
     * Namespace the operator is installed into (created by the chart's release).
     * @default - the component's own default
     */
    operatorNamespace?: string;
    /**
     * Version of the operator's chart, pinned.
     * @default - the component's own default
     */
    operatorVersion?: string;
}

/** Arguments of the systems whose custom resources an operator runs (Kafka, TiDB). */
export interface OperatorSystemArgs extends StatefulSystemArgs, OperatorInstallArgs {
    /**
     * PodMonitors for the system's pods (every component that serves metrics).
     * @default { podMonitor: false }
     */
    monitoring?: OperatorMonitoringArgs;
}
