/**
 * Layer 6: TiDB on tidb-operator v2 (`core.pingcap.com/v1alpha1`): a `Cluster` with PD, TiKV and TiDB
 * groups sized per environment, versions pinned, PodMonitors on request, and the SQL layer
 * autoscaled by a HorizontalPodAutoscaler through the TiDBGroup's `/scale` subresource (the
 * successor of the TidbClusterAutoScaler that tidb-operator removed in v1.6.2).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createAutoscaler, validateAutoscaling } from "./lib/autoscaling";
import { createNetworkPolicy, namespacesPeer, resolveNetworkPolicy, validateNetworkPolicyArgs } from "./lib/network";
import { createPodMonitor, installOperatorChart, resolveOperatorMonitoring, validateOperatorArgs } from "./lib/operator";
import { AutoscalingArgs, NetworkPolicyArgs, OperatorInstallArgs, OperatorMonitoringArgs, ResourcesArgs } from "./lib/types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkInteger,
    checkReplicaCeiling,
    checkReplicas,
    checkResources,
    checkSizedStorage,
    throwIfProblems,
} from "./lib/validation";
import { childOptions, dependingOn, helperResources, PACKAGE_LABELS, resolveResources, WORKLOAD_DEFAULTS } from "./lib/workload";

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
export interface TiDBArgs extends OperatorInstallArgs {
    /**
     * Namespace of the cluster. It must already exist.
     * @default "default"
     */
    namespace?: string;
    /**
     * TiDB version of every component (PD, TiKV, TiDB), pinned.
     * @default "v8.5.2"
     */
    version?: string;
    /**
     * Number of TiDB (SQL layer) servers: stateless, the layer that scales with load. With
     * `autoscaling`, the count at creation.
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
     * PodMonitors for PD (2379), TiKV (20180) and TiDB (10080), path `/metrics`.
     * @default { podMonitor: false }
     */
    monitoring?: OperatorMonitoringArgs;
    /**
     * Scales the TiDB (SQL) group with a HorizontalPodAutoscaler through its `/scale` subresource.
     * PD and TiKV are never autoscaled: TiKV scale-in migrates every region off the store.
     * @default - not autoscaled
     */
    autoscaling?: AutoscalingArgs;
    /**
     * An ingress NetworkPolicy for the cluster's pods: PD, TiKV and TiDB ports from the cluster's own pods,
     * PD's client port and the status ports from `operatorNamespace` (tidb-operator calls those APIs) and
     * from `monitoringNamespace` when PodMonitors scrape them, PD's client port from the max-replicas Job,
     * and the SQL port (4000) from `clientNamespaces`. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
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
} as const;

/** tidb-operator v2's chart (OCI) and the release asset with its CRDs, which the chart does not install. */
export const TIDB_OPERATOR_CHART = {
    chart: "oci://ghcr.io/pingcap/charts/tidb-operator",
    crds: (version: string) => `https://github.com/pingcap/tidb-operator/releases/download/${version}/tidb-operator.crds.yaml`,
} as const;

/**
 * The ports tidb-operator v2 gives the pods when a group does not set its own (`api/core/v1alpha1`:
 * `DefaultPDPortClient`/`Peer`, `DefaultTiKVPortClient`/`Status`, `DefaultTiDBPortClient`/`Status`);
 * the component never sets them.
 */
export const TIDB_PORTS = {
    pdClient: 2379,
    pdPeer: 2380,
    tikvClient: 20160,
    tikvStatus: 20180,
    tidbClient: 4000,
    tidbStatus: 10080,
} as const;

/** Metrics ports of the three components. */
export const TIDB_METRICS_PORTS = { pd: TIDB_PORTS.pdClient, tikv: TIDB_PORTS.tikvStatus, tidb: TIDB_PORTS.tidbStatus } as const;

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
        for (const local of ["ephemeralStorageRequest", "ephemeralStorageLimit"] as const) {
            if (args[key]?.[local] !== undefined) {
                problems.push({
                    path: `${key}.${local}`,
                    value: args[key]?.[local],
                    allowed: "nothing: tidb-operator v2's group resources take cpu and memory only",
                });
            }
        }
    }
    checkBoolean(problems, "installOperator", args.installOperator);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateOperatorArgs(problems, args);
    return problems;
}

/**
 * The ingress rules of a TiDB cluster's pods (all selected by `pingcap.com/cluster`): every port from
 * the cluster's own pods, PD's client port and the status ports from the operator's namespace (and
 * from the monitoring namespace when `scraped`), PD's client port from the pods labelled `jobLabels`,
 * and the SQL port from the clients.
 */
export function tidbNetworkPolicyIngress(
    cluster: string,
    operatorNamespace: string,
    jobLabels: Record<string, string>,
    np: ReturnType<typeof resolveNetworkPolicy>,
    scraped: boolean,
): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
    const p = TIDB_PORTS;
    const apis = tcp(p.pdClient, p.tikvStatus, p.tidbStatus);
    return [
        {
            from: [{ podSelector: { matchLabels: { "pingcap.com/cluster": cluster } } }],
            ports: tcp(p.pdClient, p.pdPeer, p.tikvClient, p.tikvStatus, p.tidbClient, p.tidbStatus),
        },
        { from: [namespacesPeer([operatorNamespace])], ports: apis },
        { from: [{ podSelector: { matchLabels: jobLabels } }], ports: tcp(p.pdClient) },
        { from: [namespacesPeer(np.clientNamespaces, np.clientPodLabels)], ports: tcp(p.tidbClient) },
        ...(scraped ? [{ from: [namespacesPeer([np.monitoringNamespace])], ports: apis }] : []),
    ];
}

/** tidb-operator v2 takes a quantity per resource (`cpu`, `memory`), used as request and limit. */
function groupResources(r: ResourcesArgs): { cpu?: string; memory?: string } {
    return { cpu: r.cpuLimit ?? r.cpuRequest, memory: r.memoryLimit ?? r.memoryRequest };
}

/**
 * A TiDB cluster managed by tidb-operator v2: Cluster, PDGroup, TiKVGroup and TiDBGroup, with an
 * optional HorizontalPodAutoscaler on the TiDB group and PodMonitors for the three components.
 */
export class TiDB extends pulumi.ComponentResource {
    /** Name of the `Cluster` resource. */
    public readonly clusterName: pulumi.Output<string>;
    /** Name of the PDGroup. */
    public readonly pdGroupName: pulumi.Output<string>;
    /** Name of the TiKVGroup. */
    public readonly tikvGroupName: pulumi.Output<string>;
    /** Name of the TiDBGroup (the SQL layer, the autoscaled one). */
    public readonly tidbGroupName: pulumi.Output<string>;

    /**
     * @param name Component name; also the `Cluster` name and the prefix of the groups.
     * @param args See {@link TiDBArgs}.
     * @param opts Resource options; `dependsOn` also orders the children.
     */
    constructor(name: string, args: TiDBArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfProblems(`TiDB "${name}" arguments`, validateTiDBArgs(name, args));
        super("stateful-k8s:index:TiDB", name, {}, opts);

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
                            metadata: { labels: { "app.kubernetes.io/part-of": "stateful-k8s" } },
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
                autoscaled ? { ...dependingOn(child, [cluster]), ignoreChanges: ["spec.replicas"] } : dependingOn(child, [cluster]),
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
            "",
            { size: args.tikvStorage?.size ?? d.tikvStorageSize, storageClassName: args.tikvStorage?.storageClassName },
            false,
        );
        const tidb = group(
            "TiDBGroup",
            "tidb",
            args.replicas ?? d.replicas,
            resolveResources(args.resources, d.resources),
            "",
            undefined,
            args.autoscaling !== undefined,
        );

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

        // Not the operator's labels: the groups must never count this pod; the NetworkPolicy admits it by this one.
        const jobLabels = { "stateful-k8s.io/job": `${name}-pd-max-replicas` };
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
                        metadata: { labels: { "app.kubernetes.io/part-of": "stateful-k8s", ...jobLabels } },
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
                                            `http://${name}-pd-pd.${namespace}.svc:${TIDB_PORTS.pdClient}`,
                                            regionReplicas,
                                        ),
                                    ],
                                    resources: helperResources("10m", "16Mi", "64Mi"),
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

        const np = resolveNetworkPolicy(args.networkPolicy, namespace);
        if (np.enabled) {
            createNetworkPolicy(
                `${name}-netpol`,
                { name, namespace, labels },
                { "pingcap.com/cluster": name },
                tidbNetworkPolicyIngress(name, args.operatorNamespace ?? d.operatorNamespace, jobLabels, np, monitoring.podMonitor),
                dependingOn(child, [cluster]),
            );
        }

        this.clusterName = cluster.metadata.name;
        this.pdGroupName = pd.metadata.name;
        this.tikvGroupName = tikv.metadata.name;
        this.tidbGroupName = tidb.metadata.name;
        this.registerOutputs({
            clusterName: this.clusterName,
            pdGroupName: this.pdGroupName,
            tikvGroupName: this.tikvGroupName,
            tidbGroupName: this.tidbGroupName,
        });
    }
}
