/** The Job script that applies `regionReplicas` through PD's API. */

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
