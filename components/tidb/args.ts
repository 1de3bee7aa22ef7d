/** The arguments of the TiDB component (tidb-operator v2): their documentation and defaults (validated in `validate.ts`, resolved in `resolve.ts`). */
import { WORKLOAD_DEFAULTS } from "../lib/naming";
import { TiDBBackupArgs, TiDBRestoreArgs } from "./backup";
import { NetworkPolicyArgs, OperatorSystemArgs, ResourcesArgs } from "../lib/types";

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
