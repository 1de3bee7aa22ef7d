# Sourced by scripts/toolchain.sh and scripts/cluster.sh: sets SHARED to the read-only shared folder (the
# upstream CRDs in crds/, vendored sources in vendor/): $STATEFUL_K8S_SHARED, or the first shared/ beside
# the checkout ($ROOT) or beside one of its parents, else $ROOT/../shared.
find_shared() {
    local dir=$ROOT
    while [ "$dir" != "/" ]; do
        if [ -d "$(dirname "$dir")/shared/crds" ] || [ -d "$(dirname "$dir")/shared/vendor" ]; then
            echo "$(dirname "$dir")/shared"
            return
        fi
        dir=$(dirname "$dir")
    done
    echo "$ROOT/../shared"
}
SHARED=${STATEFUL_K8S_SHARED:-$(find_shared)}
