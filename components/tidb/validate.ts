/** Validation of the TiDB component's arguments: every problem, by argument path, before anything is registered. */
import { validateAutoscaling } from "../lib/autoscaling";
import { validateNetworkPolicyArgs } from "../lib/network";
import { validateOperatorArgs } from "../lib/operator/args";
import { checkResources } from "../lib/resources";
import { validateTiDBBackupArgs } from "./backup";
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
import { TIDB_DEFAULTS, TiDBArgs } from "./args";
import { TIDB_MAX_NAME_LENGTH } from "./operator";

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
