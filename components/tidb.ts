/**
 * Layer 6: TiDB on tidb-operator v2 (`core.pingcap.com/v1alpha1`): a `Cluster` with PD, TiKV and TiDB
 * groups sized per environment, versions pinned, PodMonitors on request, and the SQL layer
 * autoscaled by a HorizontalPodAutoscaler through the TiDBGroup's `/scale` subresource (the
 * successor of the TidbClusterAutoScaler that tidb-operator removed in v1.6.2).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF_LABEL } from "./lib/contract";
import { Resolved, resolveArgs } from "./lib/resolve";
import { createAutoscaler, validateAutoscaling } from "./lib/autoscaling";
import { backupSecretName, createBackupCredentialsSecret } from "./lib/backup";
import { createPodMonitor, installOperatorChart, resolveOperatorMonitoring, validateOperatorArgs } from "./lib/operator";
import {
    createTiDBBackup,
    createTiDBBackupAccount,
    createTiDBRestore,
    TIDB_BACKUP_DEFAULTS,
    TiDBBackupArgs,
    TiDBRestoreArgs,
    validateTiDBBackupArgs,
} from "./lib/tidb-backup";
import { OperatorSystemArgs, ResourcesArgs } from "./lib/types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkInteger,
    checkReplicaCeiling,
    checkReplicas,
    checkResources,
    checkSizedStorage,
} from "./lib/validation";
import { childOptions, configurationOptions, dependingOn, PACKAGE_LABELS, resolveResources, WORKLOAD_DEFAULTS } from "./lib/workload";
import { createAlertsAndDashboard } from "./lib/dashboards";
import { tidbAlerts } from "./alerts/tidb";

/** The data volume of each PD or TiKV instance. */
export interface TiDBStorageArgs {
    /**
     * Size of each instance's data volume.
     * @default "10Gi" for PD, "100Gi" for TiKV
     */
    size?: string;
    /**
     * StorageClass of the volumes.
     * @default - the cluster's default StorageClass
     */
    storageClassName?: string;
}

/** Arguments of {@link TiDB}. */
export interface TiDBArgs extends OperatorSystemArgs {
    /**
     * TiDB version of every component (PD, TiKV, TiDB), pinned.
     * @default "v8.5.2"
     */
    version?: string;
    /**
     * Number of TiDB (SQL layer) servers: stateless, the layer that scales with load. With
     * `autoscaling`, the count at creation; the TiDB group then scales through its `/scale` subresource
     * (PD and TiKV never do: a TiKV scale-in migrates every region off the store).
     * @default 2
     */
    replicas?: number;
    /**
     * Number of PD (placement driver) members; odd, as PD is a Raft group.
     * @default 3
     */
    pdReplicas?: number;
    /**
     * Number of TiKV stores; at least `regionReplicas`.
     * @default 3
     */
    tikvReplicas?: number;
    /**
     * Copies PD keeps of every region (PD `replication.max-replicas`); odd. PD reads its config file's
     * value only when it bootstraps and keeps its own copy afterwards, so the component also applies the
     * value through PD's API (what `pd-ctl config set max-replicas` does) in a Job, which makes a later
     * change take effect. (Called `maxReplicas` before: renamed so as not to be confused with `autoscaling.maxReplicas`.)
     * @default 3
     */
    regionReplicas?: number;
    /**
     * PD data volumes.
     * @default { size: "10Gi" }
     */
    pdStorage?: TiDBStorageArgs;
    /**
     * TiKV data volumes.
     * @default { size: "100Gi" }
     */
    tikvStorage?: TiDBStorageArgs;
    /**
     * CPU and memory of each TiDB server.
     * @default { cpuRequest: "1", memoryRequest: "2Gi" }
     */
    resources?: ResourcesArgs;
    /**
     * CPU and memory of each PD member.
     * @default { cpuRequest: "500m", memoryRequest: "1Gi" }
     */
    pdResources?: ResourcesArgs;
    /**
     * CPU and memory of each TiKV store.
     * @default { cpuRequest: "1", memoryRequest: "4Gi" }
     */
    tikvResources?: ResourcesArgs;
    /**
     * Scheduled snapshot backups (a CronJob creating BR `Backup`s) and a log backup for point-in-time
     * recovery, to an S3-compatible bucket. See docs/backup.md.
     * @default - no backups
     */
    backup?: TiDBBackupArgs;
    /**
     * Restores this new cluster from a backup (BR `Restore`) before the SQL layer (TiDBGroup) is created.
     * Set it only for the first `pulumi up` of a new, empty cluster.
     * @default - no restore
     */
    restore?: TiDBRestoreArgs;
}

/** Defaults of {@link TiDBArgs}. */
export const TIDB_DEFAULTS = {
    namespace: WORKLOAD_DEFAULTS.namespace,
    version: "v8.5.2",
    replicas: 2,
    pdReplicas: 3,
    tikvReplicas: 3,
    regionReplicas: 3,
    pdStorageSize: "10Gi",
    tikvStorageSize: "100Gi",
    resources: { cpuRequest: "1", memoryRequest: "2Gi" },
    pdResources: { cpuRequest: "500m", memoryRequest: "1Gi" },
    tikvResources: { cpuRequest: "1", memoryRequest: "4Gi" },
    installOperator: false,
    operatorNamespace: "tidb-admin",
    operatorVersion: "v2.0.1",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
} as const;

/** tidb-operator v2's chart (OCI) and the release asset with its CRDs, which the chart does not install. */
export const TIDB_OPERATOR_CHART = {
    chart: "oci://ghcr.io/pingcap/charts/tidb-operator",
    crds: (version: string) => `https://github.com/pingcap/tidb-operator/releases/download/${version}/tidb-operator.crds.yaml`,
} as const;

/**
 * The SQL (MySQL protocol) port of the TiDB group's Service `<group>-tidb`, which tidb-operator v2 creates
 * (`pkg/controllers/tidbgroup/tasks/util.go` `InternalServiceName`; `DefaultTiDBPortClient`).
 */
export const TIDB_SQL_PORT = 4000;

/** Metrics ports of the three components. */
export const TIDB_METRICS_PORTS = { pd: 2379, tikv: 20180, tidb: 10080 } as const;

/**
 * Names tidb-operator v2 gives those ports in its pods (`api/core/v1alpha1`: `PDPortNameClient`,
 * `TiKVPortNameStatus`, `TiDBPortNameStatus`); PodMonitors select them by name.
 */
export const TIDB_METRICS_PORT_NAMES = { pd: "client", tikv: "status", tidb: "status" } as const;

/**
 * Longest component name: the operator's CEL rules (v2.0.1 CRDs) cap a Cluster's name at 37 characters
 * and a group's at 40, and the groups are `<name>-pd`, `<name>-tikv` and `<name>-tidb`.
 */
export const TIDB_MAX_NAME_LENGTH = 35;

/**
 * The Job script that sets PD's `replication.max-replicas`: wait for PD's API, send the request
 * `pd-ctl config set max-replicas <n>` sends (`POST /pd/api/v1/config`, JSON `{"max-replicas": n}`), then
 * read `GET /pd/api/v1/config/replicate` back and fail unless PD reports `n`.
 * @param pdUrl PD's client Service, for example `http://tidb-pd-pd.sql.svc:2379`.
 */
export function renderPdMaxReplicasScript(pdUrl: string, regionReplicas: number, attempts = 180, sleepSeconds = 5): string {
    return [
        "set -eu",
        `pd='${pdUrl}'`,
        "i=0",
        'until curl -fsS -o /dev/null --max-time 5 "$pd/pd/api/v1/config/replicate"; do',
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${attempts} ]; then echo "PD at $pd did not answer" >&2; exit 1; fi`,
        `  sleep ${sleepSeconds}`,
        "done",
        `curl -fsS --max-time 30 -X POST -H 'Content-Type: application/json' -d '{"max-replicas":${regionReplicas}}' "$pd/pd/api/v1/config" >/dev/null`,
        `got=$(curl -fsS --max-time 10 "$pd/pd/api/v1/config/replicate" | jq '."max-replicas"')`,
        `if [ "$got" != "${regionReplicas}" ]; then echo "PD reports max-replicas $got, not ${regionReplicas}" >&2; exit 1; fi`,
        `echo "PD keeps ${regionReplicas} copies of every region (replication.max-replicas)"`,
        "",
    ].join("\n");
}

/** Returns every problem with the arguments of a TiDB component named `name`. */
export function validateTiDBArgs(name: string, args: TiDBArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    checkDnsLabel(problems, "name", name, TIDB_MAX_NAME_LENGTH);
    if (args.namespace !== undefined) checkDnsLabel(problems, "namespace", args.namespace);
    if (args.version !== undefined && (typeof args.version !== "string" || !/^v[0-9]+\.[0-9]+\.[0-9]+$/.test(args.version))) {
        problems.push({ path: "version", value: args.version, allowed: 'a pinned TiDB version such as "v8.5.2"' });
    }
    const replicas = args.replicas ?? TIDB_DEFAULTS.replicas;
    checkReplicas(problems, "replicas", replicas, "any");
    checkReplicas(problems, "pdReplicas", args.pdReplicas ?? TIDB_DEFAULTS.pdReplicas, "odd");
    const renamed = (args as { maxReplicas?: unknown }).maxReplicas;
    if (renamed !== undefined) {
        problems.push({
            path: "maxReplicas",
            value: renamed,
            allowed:
                "nothing: renamed to regionReplicas (PD's replication.max-replicas), so as not to be confused with autoscaling.maxReplicas",
        });
    }
    const regionReplicas = args.regionReplicas ?? TIDB_DEFAULTS.regionReplicas;
    checkReplicas(problems, "regionReplicas", regionReplicas, "odd");
    const tikv = args.tikvReplicas ?? TIDB_DEFAULTS.tikvReplicas;
    if (
        checkInteger(problems, "tikvReplicas", tikv, 1) &&
        checkReplicaCeiling(problems, "tikvReplicas", tikv) &&
        typeof regionReplicas === "number" &&
        tikv < regionReplicas
    ) {
        problems.push({
            path: "tikvReplicas",
            value: tikv,
            allowed: `at least regionReplicas (${regionReplicas}): PD places ${regionReplicas} copies of every region on distinct stores`,
        });
    }
    validateAutoscaling(problems, "autoscaling", args.autoscaling, replicas, 2, "one TiDB server must stay up while another restarts");
    for (const key of ["pdStorage", "tikvStorage"] as const) {
        checkSizedStorage(problems, key, args[key]);
    }
    for (const key of ["resources", "pdResources", "tikvResources"] as const) {
        checkResources(problems, key, args[key]);
    }
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    checkBoolean(problems, "installOperator", args.installOperator);
    validateOperatorArgs(problems, args);
    validateTiDBBackupArgs(problems, args.backup, args.restore);
    return problems;
}

/** tidb-operator v2 takes a quantity per resource (`cpu`, `memory`), used as request and limit. */
function groupResources(r: ResourcesArgs): { cpu?: string; memory?: string } {
    return { cpu: r.cpuLimit ?? r.cpuRequest, memory: r.memoryLimit ?? r.memoryRequest };
}

/** {@link TiDBArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveTiDBArgs(name: string, args: TiDBArgs): Resolved<typeof TIDB_DEFAULTS, TiDBArgs> {
    return resolveArgs(`TiDB "${name}" arguments`, validateTiDBArgs(name, args), TIDB_DEFAULTS, args);
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
        const group = (
            kind: "PDGroup" | "TiKVGroup" | "TiDBGroup",
            component: "pd" | "tikv" | "tidb",
            replicas: number,
            resources: ResourcesArgs,
            config: string,
            storage: { size: string; storageClassName?: string } | undefined,
            autoscaled: boolean,
            after: pulumi.Resource[] = [],
        ) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${component}`,
                {
                    apiVersion: "core.pingcap.com/v1alpha1",
                    kind,
                    metadata: { name: `${name}-${component}`, namespace, labels },
                    spec: {
                        cluster: { name: cluster.metadata.name },
                        replicas,
                        template: {
                            metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value } },
                            spec: {
                                version,
                                resources: groupResources(resources),
                                config,
                                volumes:
                                    storage === undefined
                                        ? undefined
                                        : [
                                              {
                                                  name: "data",
                                                  mounts: [{ type: "data" }],
                                                  storage: storage.size,
                                                  storageClassName: storage.storageClassName,
                                              },
                                          ],
                            },
                        },
                    },
                },
                autoscaled
                    ? { ...dependingOn(child, [cluster, ...after]), ignoreChanges: ["spec.replicas"] }
                    : dependingOn(child, [cluster, ...after]),
            );

        const regionReplicas = args.regionReplicas ?? d.regionReplicas;
        const pd = group(
            "PDGroup",
            "pd",
            args.pdReplicas ?? d.pdReplicas,
            resolveResources(args.pdResources, d.pdResources),
            // Read by PD when it bootstraps only; the Job below applies later changes.
            `[replication]\nmax-replicas = ${regionReplicas}\n`,
            { size: args.pdStorage?.size ?? d.pdStorageSize, storageClassName: args.pdStorage?.storageClassName },
            false,
        );
        const tikv = group(
            "TiKVGroup",
            "tikv",
            args.tikvReplicas ?? d.tikvReplicas,
            resolveResources(args.tikvResources, d.tikvResources),
            // The log backup needs TiKV's log-backup task runner (tidb-operator's own BR e2e turns it on too).
            args.backup !== undefined && (args.backup.logBackup ?? TIDB_BACKUP_DEFAULTS.logBackup) ? "log-backup.enable = true\n" : "",
            { size: args.tikvStorage?.size ?? d.tikvStorageSize, storageClassName: args.tikvStorage?.storageClassName },
            false,
        );
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
        const tidb = group(
            "TiDBGroup",
            "tidb",
            args.replicas ?? d.replicas,
            resolveResources(args.resources, d.resources),
            "",
            undefined,
            args.autoscaling !== undefined,
            restore,
        );
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
                    { name: `${name}-${component}`, namespace, labels },
                    { "pingcap.com/cluster": name, "pingcap.com/component": component },
                    [{ port: TIDB_METRICS_PORT_NAMES[component], path: "/metrics" }],
                    monitoring,
                    { jobLabel: "pingcap.com/component" },
                    dependingOn(child, [pd, tikv, tidb]),
                );
            }
        }

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
                        metadata: { labels: { [PART_OF_LABEL.key]: PART_OF_LABEL.value } },
                        spec: {
                            restartPolicy: "OnFailure",
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 65534,
                                runAsGroup: 65534,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "pd-max-replicas",
                                    // The PD image (Alpine) carries curl and jq besides pd-ctl.
                                    image: `pingcap/pd:${version}`,
                                    command: [
                                        "sh",
                                        "-c",
                                        renderPdMaxReplicasScript(
                                            `http://${name}-pd-pd.${namespace}.svc:${TIDB_METRICS_PORTS.pd}`,
                                            regionReplicas,
                                        ),
                                    ],
                                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                },
                            ],
                        },
                    },
                },
            },
            // It holds no data: a protected (production) stack must still be able to replace it on a change.
            { ...dependingOn(child, [pd, tikv]), protect: false },
        );

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
