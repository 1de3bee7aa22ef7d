/** The arguments of the TiDB component (tidb-operator v2): their documentation, defaults, validation and resolved form. */
import { validateAutoscaling } from "../lib/autoscaling";
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import {
    ResolvedTiDBBackup,
    ResolvedTiDBRestore,
    resolveTiDBBackup,
    resolveTiDBRestore,
    TiDBBackupArgs,
    TiDBRestoreArgs,
    validateTiDBBackupArgs,
} from "../lib/tidb-backup";
import { ResolvedNetworkPolicy, resolveNetworkPolicy, validateNetworkPolicyArgs } from "../lib/network";
import { ResolvedVolume, resolveOperatorMonitoring, resolveVolume, validateOperatorArgs } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { NetworkPolicyArgs, OperatorMonitoringArgs, OperatorSystemArgs, ResourcesArgs } from "../lib/types";
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
import { checkResources, resolveResources } from "../lib/resources";
import { TIDB_MAX_NAME_LENGTH } from "./operator";

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
    pdStorage: { size: "10Gi" },
    tikvStorage: { size: "100Gi" },
    resources: { cpuRequest: "1", memoryRequest: "2Gi" },
    pdResources: { cpuRequest: "500m", memoryRequest: "1Gi" },
    tikvResources: { cpuRequest: "1", memoryRequest: "4Gi" },
    installOperator: false,
    operatorNamespace: "tidb-admin",
    operatorVersion: "v2.0.1",
    clusterDomain: WORKLOAD_DEFAULTS.clusterDomain,
} as const;

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

/** {@link TiDBArgs} validated, with every default applied, in groups too. */
export interface ResolvedTiDBArgs extends Omit<
    Resolved<typeof TIDB_DEFAULTS, TiDBArgs>,
    "pdStorage" | "tikvStorage" | "resources" | "pdResources" | "tikvResources" | "monitoring" | "networkPolicy" | "backup" | "restore"
> {
    /** PD data volumes. */
    pdStorage: ResolvedVolume;
    /** TiKV data volumes. */
    tikvStorage: ResolvedVolume;
    /** CPU and memory of each TiDB server. */
    resources: ResourcesArgs;
    /** CPU and memory of each PD member. */
    pdResources: ResourcesArgs;
    /** CPU and memory of each TiKV store. */
    tikvResources: ResourcesArgs;
    /** PodMonitors, alert rules and dashboard. */
    monitoring: Required<OperatorMonitoringArgs>;
    /** The NetworkPolicy, its client namespaces defaulting to the cluster's. */
    networkPolicy: ResolvedNetworkPolicy;
    /** Scheduled and log backups. */
    backup?: ResolvedTiDBBackup;
    /** The restore of a new cluster. */
    restore?: ResolvedTiDBRestore;
}

/** {@link TiDBArgs} validated, with every default applied; throws an ArgsError naming every problem. */
export function resolveTiDBArgs(name: string, args: TiDBArgs): ResolvedTiDBArgs {
    const d = TIDB_DEFAULTS;
    const resolved = resolveArgs(`TiDB "${name}" arguments`, validateTiDBArgs(name, args), d, args);
    return {
        ...resolved,
        pdStorage: resolveVolume(args.pdStorage, d.pdStorage.size),
        tikvStorage: resolveVolume(args.tikvStorage, d.tikvStorage.size),
        resources: resolveResources(args.resources, d.resources),
        pdResources: resolveResources(args.pdResources, d.pdResources),
        tikvResources: resolveResources(args.tikvResources, d.tikvResources),
        monitoring: resolveOperatorMonitoring(args.monitoring),
        networkPolicy: resolveNetworkPolicy(args.networkPolicy, resolved.namespace),
        backup: resolveTiDBBackup(name, args.backup),
        restore: resolveTiDBRestore(name, args.restore),
    };
}
