#!/usr/bin/env bash
# npm run test:e2e: builds or finds the toolchain, then runs the end-to-end suites (tests/e2e) in two
# lanes at once. Most of an e2e run is waiting (on the engine, the API server, pods), so two lanes on two
# cores take about half the time of one. Each lane has a local control plane of its own (state folder
# and ports), so the lanes cannot see each other's clusters; the real-node suite picks its own as well.
#
#   scripts/test-e2e.sh [files...]     default: every tests/e2e/*.e2e.ts, split into the two lanes below
#
# A lane's lines are prefixed with its name; the exit status is non-zero if any lane failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/toolchain.sh >/dev/null
mocha=(node_modules/.bin/mocha --no-config --require ts-node/register/transpile-only --timeout 1800000 --exit)

if [ $# -gt 0 ]; then
    exec "${mocha[@]}" "$@"
fi

# The lanes, balanced by measured duration (see docs/development.md, Tests).
# (Measured on a loaded 2-core machine: a ~15 min, b ~18 min before the 3-minute Prometheus real-node suite joined b.)
LANE_A=(tests/e2e/cluster.e2e.ts tests/e2e/faults.e2e.ts tests/e2e/policy-preview.e2e.ts tests/e2e/policy-corpus.e2e.ts tests/e2e/package.e2e.ts tests/e2e/monitoring.e2e.ts
    tests/e2e/redis-backup.e2e.ts)
# The real-node suites (redis-real-node, then prometheus-real-node) share the one real node this machine can
# run: in one lane, one after the other, each bringing it up and down (tests/e2e/real-node.ts).
LANE_B=(tests/e2e/readme.e2e.ts tests/e2e/redis-real-node.e2e.ts tests/e2e/prometheus-real-node.e2e.ts tests/e2e/autoscaling.e2e.ts
    tests/e2e/backup.e2e.ts)
every=$(ls tests/e2e/*.e2e.ts | sort)
laned=$(printf '%s\n' "${LANE_A[@]}" "${LANE_B[@]}" | sort)
[ "$every" = "$laned" ] || {
    echo "test-e2e: every tests/e2e/*.e2e.ts must be in exactly one lane of scripts/test-e2e.sh" >&2
    diff <(echo "$every") <(echo "$laned") >&2 || true
    exit 1
}

cache=${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s
lane() { # <name> <cluster slot: state folder suffix and port offset> <files...>
    local name=$1 slot=$2
    shift 2
    STATEFUL_K8S_CLUSTER=$cache/cluster$slot \
        STATEFUL_K8S_API_PORT=$((16443 + ${slot:-0} * 200)) STATEFUL_K8S_ETCD_PORT=$((12379 + ${slot:-0} * 200)) \
        "${mocha[@]}" "$@" 2>&1 | sed -u "s/^/[$name] /"
    return "${PIPESTATUS[0]}"
}
start=$SECONDS
lane a "" "${LANE_A[@]}" &
a=$!
lane b 1 "${LANE_B[@]}" &
b=$!
status=0
wait $a || status=1
wait $b || status=1
echo "test-e2e: both lanes done in $((SECONDS - start)) s ($([ $status = 0 ] && echo passed || echo FAILED))"
exit $status
