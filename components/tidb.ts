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
import { JOB_LABEL, PART_OF_LABEL } from "./lib/contract";
import { PACKAGE_LABELS } from "./lib/labels";
import { createNetworkPolicy, resolveNetworkPolicy } from "./lib/network";
import { resolveOperatorMonitoring } from "./lib/operator/args";
import { installOperatorChart } from "./lib/operator/install";
import { createPodMonitor } from "./lib/operator/pod-monitor";
import { autoscaledOptions, childOptions, configurationOptions, dependingOn } from "./lib/options";
import { containerSecurityContext, nobodyPodSecurityContext } from "./lib/pod";
import { helperResources, resolveResources } from "./lib/resources";
import { createTiDBBackup, createTiDBBackupAccount, createTiDBRestore, TIDB_BACKUP_DEFAULTS } from "./lib/tidb-backup";
import { ResourcesArgs } from "./lib/types";
import {
    TIDB_DEFAULTS,
    TIDB_METRICS_PORT_NAMES,
    TIDB_OPERATOR_CHART,
    TIDB_PORTS,
    TIDB_SQL_PORT,
    TiDBArgs,
    resolveTiDBArgs,
} from "./tidb/args";
import { renderPdMaxReplicasScript } from "./tidb/max-replicas-script";
import { tidbNetworkPolicyIngress } from "./tidb/network";

export * from "./tidb/args";
export * from "./tidb/max-replicas-script";
export * from "./tidb/network";

/** tidb-operator v2 takes a quantity per resource (`cpu`, `memory`), used as request and limit. */
function groupResources(r: ResourcesArgs): { cpu?: string; memory?: string } {
    return { cpu: r.cpuLimit ?? r.cpuRequest, memory: r.memoryLimit ?? r.memoryRequest };
}

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
        const resolved = resolveTiDBArgs(name, args);
        super("stateful-k8s:index:TiDB", name, {}, opts);
        this.replicas = resolved.replicas;

        const d = TIDB_DEFAULTS;
        const namespace = args.namespace ?? d.namespace;
        const version = args.version ?? d.version;
        const monitoring = resolveOperatorMonitoring(args.monitoring);
        const labels = { ...PACKAGE_LABELS, "pingcap.com/cluster": name };
        let child = childOptions(this, opts);

        if (args.installOperator ?? d.installOperator) {
            const operatorVersion = args.operatorVersion ?? d.operatorVersion;
            // The chart installs everything but the CRDs; the release publishes those separately.
            const crds = new k8s.yaml.v2.ConfigFile(
                `${name}-tidb-operator-crds`,
                { file: TIDB_OPERATOR_CHART.crds(operatorVersion) },
                child,
            );
            const operator = installOperatorChart(
                `${name}-tidb-operator`,
                "tidb-operator",
                {
                    chart: TIDB_OPERATOR_CHART.chart,
                    version: operatorVersion,
                    namespace: args.operatorNamespace ?? d.operatorNamespace,
                    values: {},
                },
                dependingOn(child, [crds]),
            );
            child = dependingOn(child, [crds, operator]);
        }

        const cluster = new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            { apiVersion: "core.pingcap.com/v1alpha1", kind: "Cluster", metadata: { name, namespace, labels }, spec: {} },
            child,
        );
        const group = (g: {
            kind: "PDGroup" | "TiKVGroup" | "TiDBGroup";
            component: "pd" | "tikv" | "tidb";
            replicas: number;
            resources: ResourcesArgs;
            config: string;
            storage?: { size: string; storageClassName?: string };
            autoscaled: boolean;
            /** Resources the group waits for besides the cluster (a restore, before the SQL layer). */
            after?: pulumi.Resource[];
        }) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${g.component}`,
                {
                    apiVersion: "core.pingcap.com/v1alpha1",
                    kind: g.kind,
                    metadata: { name: `${name}-${g.component}`, namespace, labels },
                    spec: {
                        cluster: { name: cluster.metadata.name },
                        replicas: g.replicas,
                        template: {
                            metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value } },
                            spec: {
                                version,
                                resources: groupResources(g.resources),
                                config: g.config,
                                volumes:
                                    g.storage === undefined
                                        ? undefined
                                        : [
                                              {
                                                  name: "data",
                                                  mounts: [{ type: "data" }],
                                                  storage: g.storage.size,
                                                  storageClassName: g.storage.storageClassName,
                                              },
                                          ],
                            },
                        },
                    },
                },
                autoscaledOptions(dependingOn(child, [cluster, ...(g.after ?? [])]), g.autoscaled),
            );

        const regionReplicas = args.regionReplicas ?? d.regionReplicas;
        const pd = group({
            kind: "PDGroup",
            component: "pd",
            replicas: args.pdReplicas ?? d.pdReplicas,
            resources: resolveResources(args.pdResources, d.pdResources),
            // Read by PD when it bootstraps only; the Job below applies later changes.
            config: `[replication]\nmax-replicas = ${regionReplicas}\n`,
            storage: { size: args.pdStorage?.size ?? d.pdStorageSize, storageClassName: args.pdStorage?.storageClassName },
            autoscaled: false,
        });
        const tikv = group({
            kind: "TiKVGroup",
            component: "tikv",
            replicas: args.tikvReplicas ?? d.tikvReplicas,
            resources: resolveResources(args.tikvResources, d.tikvResources),
            // The log backup needs TiKV's log-backup task runner (tidb-operator's own BR e2e turns it on too).
            config:
                args.backup !== undefined && (args.backup.logBackup ?? TIDB_BACKUP_DEFAULTS.logBackup) ? "log-backup.enable = true\n" : "",
            storage: { size: args.tikvStorage?.size ?? d.tikvStorageSize, storageClassName: args.tikvStorage?.storageClassName },
            autoscaled: false,
        });
        // Backups and restores: BR's Jobs and the schedule run as one account; a restore fills PD and TiKV
        // before the SQL layer exists, so no client reaches the cluster before its data is back.
        const account =
            args.backup !== undefined || args.restore !== undefined ? createTiDBBackupAccount(name, namespace, labels, child) : [];
        let restore: pulumi.Resource[] = [];
        if (args.restore !== undefined) {
            const secret = createBackupCredentialsSecret(`${name}-restore`, namespace, args.restore.storage, configurationOptions(child));
            const restoreSecret = backupSecretName(`${name}-restore`);
            restore = [
                createTiDBRestore(name, namespace, labels, args.restore, restoreSecret, dependingOn(child, [pd, tikv, secret, ...account])),
            ];
        }
        const tidb = group({
            kind: "TiDBGroup",
            component: "tidb",
            replicas: args.replicas ?? d.replicas,
            resources: resolveResources(args.resources, d.resources),
            config: "",
            autoscaled: args.autoscaling !== undefined,
            after: restore,
        });
        if (args.backup !== undefined) {
            const secret = createBackupCredentialsSecret(name, namespace, args.backup.storage, configurationOptions(child));
            createTiDBBackup(
                name,
                namespace,
                version,
                labels,
                args.backup,
                dependingOn(child, [tikv, tidb, secret, ...account, ...restore]),
            );
        }

        if (args.autoscaling !== undefined) {
            createAutoscaler(
                `${name}-tidb-hpa`,
                { name: `${name}-tidb`, namespace, labels },
                { apiVersion: "core.pingcap.com/v1alpha1", kind: "TiDBGroup", name: tidb.metadata.name },
                args.autoscaling,
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

        // Not the operator's labels: the groups must never count this pod; the NetworkPolicy admits it by this one.
        const jobLabels = { [JOB_LABEL]: `${name}-pd-max-replicas` };
        // PD keeps the max-replicas it bootstrapped with in its own storage: apply the value through its API.
        // Named after the value, so that a change replaces the Job and runs it again.
        new k8s.batch.v1.Job(
            `${name}-pd-max-replicas`,
            {
                metadata: { name: `${name}-pd-max-replicas-${regionReplicas}`, namespace, labels },
                spec: {
                    backoffLimit: 3,
                    activeDeadlineSeconds: 1200,
                    template: {
                        metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value, ...jobLabels } },
                        spec: {
                            restartPolicy: "OnFailure",
                            automountServiceAccountToken: false,
                            securityContext: nobodyPodSecurityContext(),
                            containers: [
                                {
                                    name: "pd-max-replicas",
                                    // The PD image (Alpine) carries curl and jq besides pd-ctl.
                                    image: `pingcap/pd:${version}`,
                                    command: [
                                        "sh",
                                        "-c",
                                        renderPdMaxReplicasScript(
                                            `http://${name}-pd-pd.${namespace}.svc:${TIDB_PORTS.pdClient}`,
                                            regionReplicas,
                                        ),
                                    ],
                                    resources: helperResources("10m", "16Mi", "64Mi"),
                                    securityContext: containerSecurityContext(true),
                                },
                            ],
                        },
                    },
                },
            },
            // It holds no data: a protected (production) stack must still be able to replace it on a change.
            { ...dependingOn(child, [pd, tikv]), protect: false },
        );

        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        if (np.enabled) {
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace, labels },
                { "pingcap.com/cluster": name },
                tidbNetworkPolicyIngress(
                    name,
                    args.operatorNamespace ?? d.operatorNamespace,
                    jobLabels,
                    np,
                    monitoring.podMonitor,
                    args.backup !== undefined || args.restore !== undefined,
                ),
                dependingOn(child, [cluster]),
            );
        }

        createAlertsAndDashboard(name, { name, namespace, labels }, "TiDB", tidbAlerts({ namespace, cluster: name }), monitoring, child);

        this.clusterName = cluster.metadata.name;
        this.pdGroupName = pd.metadata.name;
        this.tikvGroupName = tikv.metadata.name;
        this.tidbGroupName = tidb.metadata.name;
        this.sqlEndpoint = pulumi.output(`${name}-tidb-tidb.${namespace}.svc.${args.clusterDomain ?? d.clusterDomain}:${TIDB_SQL_PORT}`);
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
