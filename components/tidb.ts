/**
 * Layer 6: TiDB on tidb-operator v2 (`core.pingcap.com/v1alpha1`): a `Cluster` with PD, TiKV and TiDB
 * groups sized per environment, versions pinned, PodMonitors on request, and the SQL layer
 * autoscaled by a HorizontalPodAutoscaler through the TiDBGroup's `/scale` subresource (the
 * successor of the TidbClusterAutoScaler that tidb-operator removed in v1.6.2).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { tidbAlerts } from "./alerts/tidb";
import { createAutoscaler } from "./lib/autoscaling";
import { backupSecretName, createBackupCredentialsSecret } from "./lib/backup";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { PACKAGE_LABELS } from "./lib/labels";
import { createNetworkPolicy } from "./lib/network";
import { installOperator } from "./lib/operator/install";
import { createPodMonitor } from "./lib/operator/pod-monitor";
import { childOptions, configurationOptions, dependingOn } from "./lib/options";
import { createTiDBBackup, createTiDBBackupAccount, createTiDBRestore } from "./tidb/backup-resources";
import { TiDBArgs } from "./tidb/args";
import { resolveTiDBArgs } from "./tidb/resolve";
import { createTiDBGroup } from "./tidb/groups";
import { createPdMaxReplicasJob, pdMaxReplicasJobLabels } from "./tidb/max-replicas-job";
import { tidbNetworkPolicyIngress } from "./tidb/network";
import { TIDB_METRICS_PORT_NAMES, TIDB_OPERATOR_CHART, TIDB_SQL_PORT } from "./tidb/operator";

export * from "./tidb/args";
export * from "./tidb/groups";
export * from "./tidb/max-replicas-job";
export * from "./tidb/max-replicas-script";
export * from "./tidb/network";
export * from "./tidb/operator";
export * from "./tidb/resolve";
export * from "./tidb/validate";

/**
 * A TiDB cluster managed by tidb-operator v2: Cluster, PDGroup, TiKVGroup and TiDBGroup, with an
 * optional HorizontalPodAutoscaler on the TiDB group and PodMonitors for the three components.
 */
export class TiDB extends pulumi.ComponentResource {
    /** Number of TiDB (SQL) servers the update deploys (with an autoscaler: at creation). */
    public readonly replicas: number;
    /** Name of the `Cluster` resource. */
    public readonly clusterName: pulumi.Output<string>;
    /** Name of the PDGroup. */
    public readonly pdGroupName: pulumi.Output<string>;
    /** Name of the TiKVGroup. */
    public readonly tikvGroupName: pulumi.Output<string>;
    /** Name of the TiDBGroup (the SQL layer, the autoscaled one). */
    public readonly tidbGroupName: pulumi.Output<string>;
    /** Where SQL clients connect: the TiDB group's Service, `<name>-tidb-tidb.<ns>.svc.<clusterDomain>:4000`. */
    public readonly sqlEndpoint: pulumi.Output<string>;

    /**
     * @param name Component name; also the `Cluster` name and the prefix of the groups.
     * @param args See {@link TiDBArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: TiDBArgs, opts?: pulumi.ComponentResourceOptions) {
        const r = resolveTiDBArgs(name, args);
        super("stateful-k8s:index:TiDB", name, {}, opts);
        this.replicas = r.replicas;

        const { namespace, version, monitoring } = r;
        const labels = { ...PACKAGE_LABELS, "pingcap.com/cluster": name };
        let child = childOptions(this, opts);
        if (r.installOperator) {
            // The chart installs everything but the CRDs; the release publishes those separately.
            const chart = { chart: TIDB_OPERATOR_CHART.chart, version: r.operatorVersion, namespace: r.operatorNamespace, values: {} };
            child = installOperator(`${name}-tidb-operator`, "tidb-operator", chart, TIDB_OPERATOR_CHART.crds(r.operatorVersion), child);
        }

        const cluster = new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            { apiVersion: "core.pingcap.com/v1alpha1", kind: "Cluster", metadata: { name, namespace, labels }, spec: {} },
            child,
        );
        const ref = { name, namespace, labels, version, cluster };
        const pd = createTiDBGroup(
            ref,
            {
                kind: "PDGroup",
                component: "pd",
                replicas: r.pdReplicas,
                resources: r.pdResources,
                // Read by PD when it bootstraps only; the Job below applies later changes.
                config: `[replication]\nmax-replicas = ${r.regionReplicas}\n`,
                storage: r.pdStorage,
                autoscaled: false,
            },
            child,
        );
        const tikv = createTiDBGroup(
            ref,
            {
                kind: "TiKVGroup",
                component: "tikv",
                replicas: r.tikvReplicas,
                resources: r.tikvResources,
                // The log backup needs TiKV's log-backup task runner (tidb-operator's own BR e2e turns it on too).
                config: r.backup?.logBackup === true ? "log-backup.enable = true\n" : "",
                storage: r.tikvStorage,
                autoscaled: false,
            },
            child,
        );
        // Backups and restores: BR's Jobs and the schedule run as one account; a restore fills PD and TiKV
        // before the SQL layer exists, so no client reaches the cluster before its data is back.
        const brJobs = r.backup !== undefined || r.restore !== undefined;
        const account = brJobs ? createTiDBBackupAccount(name, namespace, labels, child) : [];
        let restore: pulumi.Resource[] = [];
        if (r.restore !== undefined) {
            const secret = createBackupCredentialsSecret(`${name}-restore`, namespace, r.restore.storage, configurationOptions(child));
            const restoreSecret = backupSecretName(`${name}-restore`);
            restore = [
                createTiDBRestore(name, namespace, labels, r.restore, restoreSecret, dependingOn(child, [pd, tikv, secret, ...account])),
            ];
        }
        const tidb = createTiDBGroup(
            ref,
            {
                kind: "TiDBGroup",
                component: "tidb",
                replicas: r.replicas,
                resources: r.resources,
                config: "",
                autoscaled: r.autoscaling !== undefined,
                after: restore,
            },
            child,
        );
        if (r.backup !== undefined) {
            const secret = createBackupCredentialsSecret(name, namespace, r.backup.storage, configurationOptions(child));
            createTiDBBackup(name, namespace, version, labels, r.backup, dependingOn(child, [tikv, tidb, secret, ...account, ...restore]));
        }

        if (r.autoscaling !== undefined) {
            createAutoscaler(
                `${name}-tidb-hpa`,
                { name: `${name}-tidb`, namespace, labels },
                { apiVersion: "core.pingcap.com/v1alpha1", kind: "TiDBGroup", name: tidb.metadata.name },
                r.autoscaling,
                dependingOn(child, [tidb]),
            );
        }
        if (monitoring.podMonitor) {
            for (const component of ["pd", "tikv", "tidb"] as const) {
                createPodMonitor(
                    `${name}-${component}-podmonitor`,
                    {
                        metadata: { name: `${name}-${component}`, namespace, labels },
                        selector: { "pingcap.com/cluster": name, "pingcap.com/component": component },
                        endpoints: [{ port: TIDB_METRICS_PORT_NAMES[component], path: "/metrics" }],
                        monitoring,
                        jobLabel: "pingcap.com/component",
                    },
                    dependingOn(child, [pd, tikv, tidb]),
                );
            }
        }

        createPdMaxReplicasJob(ref, r.regionReplicas, dependingOn(child, [pd, tikv]));
        if (r.networkPolicy.enabled) {
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace, labels },
                { "pingcap.com/cluster": name },
                tidbNetworkPolicyIngress(
                    name,
                    r.operatorNamespace,
                    pdMaxReplicasJobLabels(name),
                    r.networkPolicy,
                    monitoring.podMonitor,
                    brJobs,
                ),
                dependingOn(child, [cluster]),
            );
        }

        createAlertsAndDashboard(name, { name, namespace, labels }, "TiDB", tidbAlerts({ namespace, cluster: name }), monitoring, child);

        this.clusterName = cluster.metadata.name;
        this.pdGroupName = pd.metadata.name;
        this.tikvGroupName = tikv.metadata.name;
        this.tidbGroupName = tidb.metadata.name;
        this.sqlEndpoint = pulumi.output(`${name}-tidb-tidb.${namespace}.svc.${r.clusterDomain}:${TIDB_SQL_PORT}`);
        this.registerOutputs({
            replicas: this.replicas,
            clusterName: this.clusterName,
            pdGroupName: this.pdGroupName,
            tikvGroupName: this.tikvGroupName,
            tidbGroupName: this.tidbGroupName,
            sqlEndpoint: this.sqlEndpoint,
        });
    }
}
