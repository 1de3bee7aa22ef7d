/** The arguments of the TiDB component (tidb-operator v2): their documentation, defaults, the operator's ports and names, and validation. */
import { validateAutoscaling } from "../lib/autoscaling";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { TiDBBackupArgs, TiDBRestoreArgs, validateTiDBBackupArgs } from "../lib/tidb-backup";
import { validateNetworkPolicyArgs } from "../lib/network";
import { validateOperatorArgs } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { NetworkPolicyArgs, OperatorSystemArgs, ResourcesArgs } from "../lib/types";
import {
    ArgProblem,
    checkBoolean,
    checkDnsLabel,
    checkDnsSubdomain,
    checkInteger,
    checkReplicaCeiling,
    checkReplicas,
    checkSizedStorage,
} from "../lib/validation";
import { checkResources } from "../lib/resources";

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
     * An ingress NetworkPolicy for the cluster's pods: PD, TiKV and TiDB ports from the cluster's own pods,
     * PD's client port and the status ports from `operatorNamespace` (tidb-operator calls those APIs) and
     * from `monitoringNamespace` when PodMonitors scrape them, PD's client port from the max-replicas Job,
     * and the SQL port (4000) from `clientNamespaces`. The production stack turns it on.
     * @default { enabled: false }
     */
    networkPolicy?: NetworkPolicyArgs;
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

/**
 * The SQL (MySQL protocol) port of the TiDB group's Service `<group>-tidb`, which tidb-operator v2 creates
 * (`pkg/controllers/tidbgroup/tasks/util.go` `InternalServiceName`).
 */
export const TIDB_SQL_PORT = TIDB_PORTS.tidbClient;

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
    if (args.clusterDomain !== undefined) checkDnsSubdomain(problems, "clusterDomain", args.clusterDomain);
    checkBoolean(problems, "installOperator", args.installOperator);
    validateNetworkPolicyArgs(problems, "networkPolicy", args.networkPolicy);
    validateOperatorArgs(problems, args);
    validateTiDBBackupArgs(problems, args.backup, args.restore);
    return problems;
}

/** {@link TiDBArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveTiDBArgs(name: string, args: TiDBArgs): Resolved<typeof TIDB_DEFAULTS, TiDBArgs> {
    return resolveArgs(`TiDB "${name}" arguments`, validateTiDBArgs(name, args), TIDB_DEFAULTS, args);
}
