/** What tidb-operator v2 fixes for a cluster: its chart and CRDs, the ports and port names of the pods, the longest name. */

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
