/** TiDB's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { BACKUP_SECRETS, defineSystem, RESTORE_SECRETS } from "./lib/system";
import { TiDB, TIDB_DEFAULTS, validateTiDBArgs } from "./tidb";

/** TiDB in a stack: `tidb:` in the stack config; reports the SQL layer's count (the one that scales). */
export const tidbSystem = defineSystem({
    key: "tidb",
    component: TiDB,
    secrets: { ...BACKUP_SECRETS, ...RESTORE_SECRETS },
    defaults: TIDB_DEFAULTS,
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
