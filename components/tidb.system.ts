/** TiDB's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { defineSystem } from "./lib/system";
import { TiDB, validateTiDBArgs } from "./tidb";

/** TiDB in a stack: `tidb:` in the stack config; reports the SQL layer's count (the one that scales). */
export const tidbSystem = defineSystem({
    key: "tidb",
    component: TiDB,
    secrets: {},
    deployed: {},
    validate: validateTiDBArgs,
    counts: (c) => ({ tidb: c.replicas }),
    outputs: (c) => ({
        cluster: c.clusterName,
        pdGroup: c.pdGroupName,
        tikvGroup: c.tikvGroupName,
        tidbGroup: c.tidbGroupName,
        sqlEndpoint: c.sqlEndpoint,
    }),
});
