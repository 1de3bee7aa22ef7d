/** The TiDB component's arguments resolved: validated once, with every default applied. */
import { ResolvedOperatorGroups, ResolvedVolume, resolveOperatorGroups, resolveVolume } from "../lib/operator/args";
import { Resolved, resolveArgs } from "../lib/resolve";
import { resolveResources } from "../lib/resources";
import { ResolvedTiDBBackup, ResolvedTiDBRestore, resolveTiDBBackup, resolveTiDBRestore } from "./backup";
import { ResourcesArgs } from "../lib/types";
import { TIDB_DEFAULTS, TiDBArgs } from "./args";
import { validateTiDBArgs } from "./validate";

/** {@link TiDBArgs} validated, with every default applied, in groups too. */
export interface ResolvedTiDBArgs
    extends
        Omit<
            Resolved<typeof TIDB_DEFAULTS, TiDBArgs>,
            | "pdStorage"
            | "tikvStorage"
            | "resources"
            | "pdResources"
            | "tikvResources"
            | "monitoring"
            | "networkPolicy"
            | "backup"
            | "restore"
        >,
        ResolvedOperatorGroups {
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
        ...resolveOperatorGroups(args, resolved.namespace),
        backup: resolveTiDBBackup(name, args.backup),
        restore: resolveTiDBRestore(name, args.restore),
    };
}
