/**
 * The scripts of the Redis component: what an operator would do, done by POSIX shell in the pods
 * (dash or busybox sh, with redis-cli, getent, timeout, sed and awk). They read everything from the
 * environment and from mounted files, so the same text runs in a pod and in the real-process test.
 * This file holds their contract and shared functions; node.ts starts a node and probes it, handover.ts
 * is the nodes' preStop hook, sentinel.ts starts a sentinel and reset.ts is the reset Job's.
 *
 * Environment contract (all scripts):
 * - `REDIS_PASSWORD`: the password of the nodes and the sentinels.
 * - `MASTER_NAME`, `REDIS_PORT`, `SENTINEL_PORT`.
 * - `TOPOLOGY_DIR`: the mounted topology ConfigMap, one file per value: `redis-hosts` and
 *   `sentinel-hosts` (the stable names of every node and every sentinel, space-separated) and `quorum`.
 *   It is a directory mount, not part of any pod template, so a scale edit changes these files
 *   (the kubelet refreshes them in running pods) and restarts no pod.
 * - `SEED_HOST`: the node that is master on the very first start (ordinal 0).
 * Node and sentinel scripts also read `SELF_HOST` (the name this member announces), `POD_IP` (the
 * address it binds), `CONFIG_DIR` (writable, for the generated config), `CONFIG_TEMPLATE_DIR` (the
 * mounted config ConfigMap) and, for nodes, `DATA_DIR`, `MASTER_WAIT_SECONDS` and
 * `HANDOVER_TIMEOUT_SECONDS`; sentinels read `RESOLVE_TIMEOUT_SECONDS`.
 */

/** Shell functions shared by the scripts: bounded redis-cli calls, the topology files and the search for the master. */
export const SCRIPT_COMMON = String.raw`set -eu

log() {
    echo "stateful-k8s: $*"
}

# redis-cli against host $1, port $2, with a time bound; the password goes through the environment, never argv.
cli() {
    host=$1
    port=$2
    shift 2
    REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning --raw -h "$host" -p "$port" "$@" 2>/dev/null
}

# Field $3 of INFO replication of node $1:$2 (empty when the node does not answer).
info_field() {
    cli "$1" "$2" INFO replication | tr -d '\r' | sed -n "s/^$3:\(.*\)$/\1/p"
}

# A value of the topology ConfigMap, read at each use: the kubelet refreshes the files after a scale edit.
topology() {
    cat "$TOPOLOGY_DIR/$1"
}

# True when $1 resolves (an address literal needs no resolution).
resolves() {
    case "$1" in
        *[!0-9.]*) case "$1" in *:*) return 0 ;; esac ;;
        *) return 0 ;;
    esac
    getent hosts "$1" >/dev/null 2>&1
}

# Quotes a value for a Redis config file.
conf_quote() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# The master as the other sentinels see it.
master_from_sentinels() {
    for s in $(topology sentinel-hosts); do
        [ "$s" = "$SELF_HOST" ] && continue
        reply=$(cli "$s" "$SENTINEL_PORT" SENTINEL get-master-addr-by-name "$MASTER_NAME") || continue
        host=$(printf '%s\n' "$reply" | sed -n 1p)
        port=$(printf '%s\n' "$reply" | sed -n 2p)
        case "$port" in '' | *[!0-9]*) continue ;; esac
        printf '%s\n' "$host"
        return 0
    done
    return 1
}

# A node other than this one that says it is a master (when no sentinel answers).
master_from_nodes() {
    for h in $(topology redis-hosts); do
        [ "$h" = "$SELF_HOST" ] && continue
        role=$(cli "$h" "$REDIS_PORT" ROLE | sed -n 1p) || continue
        if [ "$role" = "master" ]; then
            printf '%s\n' "$h"
            return 0
        fi
    done
    return 1
}

# The current master: the sentinels' view first, then the nodes', then the seed (first start).
find_master() {
    master_from_sentinels || master_from_nodes || printf '%s\n' "$SEED_HOST"
}
`;
