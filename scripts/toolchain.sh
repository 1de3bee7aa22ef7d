#!/usr/bin/env bash
# Builds the end-to-end toolchain from Go modules (the only way here: no binary downloads, no Docker)
# into a cache outside the checkout, keyed by version and by the wrapper module's content, so that a
# warm machine takes seconds and a fresh one builds once. Never writes a binary into the repository.
#
#   scripts/toolchain.sh [pulumi|nodejs-host|yaml-host|k8s-provider|etcd|kube|kwok|metrics-server|kubelet|coredns|prometheus-operator|versitygw ...]   (default: all, in turn)
#
# kubelet (with kube-proxy) and coredns are the real node's (scripts/real-node.sh); prometheus-operator (with
# prometheus-config-reloader and prometheus, packed as images by scripts/images.sh) runs the Prometheus that scrapes it.
# versitygw is the loopback S3-compatible store of the real Redis backup test (tests/components/redis-backup.real.test.ts).
#
# Prints the cache's bin directory on the last line. Environment:
#   STATEFUL_K8S_TOOLCHAIN  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain)
#   STATEFUL_K8S_SHARED     the read-only shared folder holding vendor/pulumi-language-nodejs (default ../shared)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${STATEFUL_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain}
BIN=$CACHE/bin
STAMPS=$CACHE/stamps
mkdir -p "$BIN" "$STAMPS"

PULUMI_VERSION=3.274.1
PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
PROVIDER_VERSION=4.25.0 # the commit the module proxy serves (v4.0.0-20260115033456-f47bc2d6f199)
ETCD_VERSION=3.6.16
KUBE_VERSION=1.34.4
KWOK_VERSION=0.8.0
METRICS_SERVER_VERSION=0.8.0
COREDNS_VERSION=1.15.0
PROMETHEUS_OPERATOR_VERSION=0.93.0 # the release of the CRDs in ../shared/crds/prometheus-operator
PROMETHEUS_VERSION=3.13.1          # the operator's default, and the version its module requires (v0.313.1)
NODEJS_HOST_VERSION=3.259.0 # the vendored source's tag (not served by the module proxy)
YAML_HOST_VERSION=1.25.0
VERSITYGW_VERSION=1.8.0
# shellcheck source=scripts/shared-folder.sh
. "$ROOT/scripts/shared-folder.sh"

export CGO_ENABLED=0
command -v go >/dev/null || {
    echo "toolchain: go is not installed (needs Go >= 1.26)" >&2
    exit 1
}

# The key of a build: what is built and from which wrapper module.
key_of() { # <name> <version> <wrapper dir>
    printf '%s %s %s' "$1" "$2" "$(cat "$3"/go.mod "$3"/go.sum "$3"/*.go 2>/dev/null | sha256sum | cut -c1-16)"
}

# Runs a build unless the cache holds the same key and every listed binary.
cached_build() { # <stamp name> <key> <binaries...> -- <command...>
    local name=$1 key=$2
    shift 2
    local binaries=()
    while [ "$1" != "--" ]; do
        binaries+=("$1")
        shift
    done
    shift
    local fresh=1
    [ "$(cat "$STAMPS/$name" 2>/dev/null)" = "$key" ] || fresh=0
    for b in "${binaries[@]}"; do [ -x "$BIN/$b" ] || fresh=0; done
    if [ $fresh = 1 ]; then
        echo "toolchain: $name cached ($key)" >&2
        return
    fi
    echo "toolchain: building $name ($key)" >&2
    local start=$SECONDS
    "$@"
    echo "$key" >"$STAMPS/$name"
    echo "toolchain: built $name in $((SECONDS - start)) s" >&2
}

build_pulumi() {
    local dir=$ROOT/tools/pulumi
    cached_build pulumi "$(key_of pulumi "$PULUMI_VERSION" "$dir")" pulumi -- \
        go build -C "$dir" -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# The Node.js language host: runs `pulumi up` of stacks/, policy packs given as folders and the component
# package. Built from a temporary copy of the vendored upstream source (read-only, outside the
# repository) with its one-line patch, without which CLI 3.274 cannot start a Node.js plugin folder.
build_nodejs_host() {
    local src=$SHARED/vendor/pulumi-language-nodejs
    if [ ! -f "$src/main.go" ]; then
        # A copy of the project away from the shared folder can still use a host built before.
        if [ -x "$BIN/pulumi-language-nodejs" ] && [ -n "$(cat "$STAMPS/nodejs-host" 2>/dev/null)" ]; then
            echo "toolchain: nodejs-host cached (source not found at $src; using the binary built from it before)" >&2
            return
        fi
        echo "toolchain: no Node.js language host source at $src (set STATEFUL_K8S_SHARED to the shared folder)" >&2
        exit 1
    fi
    local key
    key="nodejs-host $NODEJS_HOST_VERSION $(cat "$src"/go.mod "$src"/go.sum "$src"/*.go "$src"/*.patch | sha256sum | cut -c1-16)"
    build() {
        local tmp
        tmp=$(mktemp -d)
        cp "$src"/go.mod "$src"/go.sum "$src"/*.go "$src"/*.patch "$tmp"/
        (cd "$tmp" && patch -s -p1 <accept-root-flag.patch)
        go build -C "$tmp" -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$NODEJS_HOST_VERSION" \
            -o "$BIN/pulumi-language-nodejs" .
        rm -rf "$tmp"
    }
    cached_build nodejs-host "$key" pulumi-language-nodejs -- build
}

# The YAML language host: runs the Pulumi YAML program that consumes the component package (e2e).
build_yaml_host() {
    local dir=$ROOT/tools/pulumi-yaml
    cached_build yaml-host "$(key_of yaml-host "$YAML_HOST_VERSION" "$dir")" pulumi-language-yaml -- \
        go build -C "$dir" -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_HOST_VERSION" \
        -o "$BIN/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

build_k8s_provider() {
    local dir=$ROOT/tools/k8s-provider
    build() {
        # Upstream's main embeds generated copies of these two files, which the module does not ship.
        go mod download -C "$dir" "$PROVIDER_MODULE"
        local src
        src=$(go list -C "$dir" -m -f '{{.Dir}}' "$PROVIDER_MODULE")/cmd/pulumi-resource-kubernetes
        node -e '
            const fs = require("fs");
            const schema = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
            schema.version = process.argv[3];
            fs.writeFileSync(process.argv[2] + "/schema-embed.json", JSON.stringify(schema));
            fs.copyFileSync(process.argv[4], process.argv[2] + "/terraform-mapping-embed.json");
        ' "$src/schema.json" "$dir" "$PROVIDER_VERSION" "$src/terraform-mapping.json"
        go build -C "$dir" -trimpath \
            -ldflags "-s -w -X $PROVIDER_MODULE/pkg/version.Version=$PROVIDER_VERSION" \
            -o "$BIN/pulumi-resource-kubernetes" .
    }
    cached_build k8s-provider "$(key_of k8s-provider "$PROVIDER_VERSION" "$dir")" pulumi-resource-kubernetes -- build
}

build_etcd() {
    local dir=$ROOT/tools/etcd
    cached_build etcd "$(key_of etcd "$ETCD_VERSION" "$dir")" etcd -- \
        go build -C "$dir" -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
}

# The version stamp of every Kubernetes binary: without it a server reports v0.0.0 and the Pulumi provider
# misjudges it as pre-1.24.
kube_ldflags() {
    local minor=${KUBE_VERSION#*.}
    minor=${minor%%.*}
    local v=k8s.io/component-base/version
    echo "-s -w -X $v.gitVersion=v$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
}

build_kube() {
    local dir=$ROOT/tools/kube
    local ldflags
    ldflags=$(kube_ldflags)
    build() {
        for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
            go build -C "$dir" -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$BIN/$cmd" "k8s.io/kubernetes/cmd/$cmd"
        done
    }
    cached_build kube "$(key_of kube "$KUBE_VERSION" "$dir")" kube-apiserver kube-controller-manager kube-scheduler kubectl -- build
}

build_kwok() {
    local dir=$ROOT/tools/kwok
    cached_build kwok "$(key_of kwok "$KWOK_VERSION" "$dir")" kwok -- \
        go build -C "$dir" -trimpath -ldflags "-s -w" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok
    # kwok's stock "fast" stages (nodes become Ready; scheduled pods Running and Ready; deleted pods go),
    # taken from its module as kwokctl's default configuration does.
    local src
    src=$(go list -C "$dir" -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
    mkdir -p "$CACHE/kwok-stages"
    cp "$src"/node/fast/node-initialize.yaml "$src"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
        "$src"/pod/fast/pod-ready.yaml "$src"/pod/fast/pod-complete.yaml "$src"/pod/fast/pod-delete.yaml "$CACHE/kwok-stages/"
}

# metrics-server: serves metrics.k8s.io (kubectl top, the HPA controller's CPU/memory signal) from the
# kubelets' /metrics/resource endpoints, which kwok emulates for its fake nodes (scripts/cluster.sh --metrics).
build_metrics_server() {
    local dir=$ROOT/tools/metrics-server
    cached_build metrics-server "$(key_of metrics-server "$METRICS_SERVER_VERSION" "$dir")" metrics-server -- \
        go build -C "$dir" -trimpath -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=v$METRICS_SERVER_VERSION" \
        -o "$BIN/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server
    # kwok's stock emulation of the kubelet's /metrics/resource and of pod usage read from the pods'
    # annotations (kwok.x-k8s.io/usage-cpu, kwok.x-k8s.io/usage-memory), as kwokctl configures them.
    local src
    src=$(go list -C "$ROOT/tools/kwok" -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/metrics
    mkdir -p "$CACHE/kwok-metrics"
    cp "$src"/resource/metrics-resource.yaml "$src"/usage/usage-from-annotation.yaml "$CACHE/kwok-metrics/"
}

# The real node's kubelet and kube-proxy, from the same wrapper module (and so the same build cache) as
# kube-apiserver, with the same version stamp.
build_kubelet() {
    local dir=$ROOT/tools/kube
    local ldflags
    ldflags=$(kube_ldflags)
    build() {
        for cmd in kubelet kube-proxy; do
            go build -C "$dir" -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$BIN/$cmd" "k8s.io/kubernetes/cmd/$cmd"
        done
    }
    cached_build kubelet "$(key_of kubelet "$KUBE_VERSION" "$dir")" kubelet kube-proxy -- build
}

# The real node's cluster DNS: a slim CoreDNS (tools/coredns/main.go lists its plugins; no forward plugin).
build_coredns() {
    local dir=$ROOT/tools/coredns
    cached_build coredns "$(key_of coredns "$COREDNS_VERSION" "$dir")" coredns -- \
        go build -C "$dir" -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=v$COREDNS_VERSION" \
        -o "$BIN/coredns" .
}

# prometheus-operator and its config reloader (the sidecar that unpacks the generated configuration for
# Prometheus and tells it to reload), and the Prometheus server the operator's release requires as a library
# and runs by default (v3.13.1, module version v0.313.1), all from one wrapper module, so one dependency graph.
# Prometheus is built with Kubernetes service discovery only (upstream's remove_all_sd/enable_*_sd tags; a
# ServiceMonitor needs no other) and without the embedded web UI (its HTTP API is all the tests use).
# Debian's prometheus 2.42.0 cannot stand in: it is built without Kubernetes service discovery.
build_prometheus_operator() {
    local dir=$ROOT/tools/prometheus-operator
    local v=github.com/prometheus/common/version
    build() {
        go build -C "$dir" -trimpath -ldflags "-s -w -X $v.Version=$PROMETHEUS_OPERATOR_VERSION" \
            -o "$BIN/prometheus-operator" github.com/prometheus-operator/prometheus-operator/cmd/operator
        go build -C "$dir" -trimpath -ldflags "-s -w -X $v.Version=$PROMETHEUS_OPERATOR_VERSION" \
            -o "$BIN/prometheus-config-reloader" github.com/prometheus-operator/prometheus-operator/cmd/prometheus-config-reloader
        go build -C "$dir" -trimpath -tags remove_all_sd,enable_kubernetes_sd -ldflags "-s -w -X $v.Version=$PROMETHEUS_VERSION" \
            -o "$BIN/prometheus" github.com/prometheus/prometheus/cmd/prometheus
    }
    cached_build prometheus-operator "$(key_of prometheus-operator "$PROMETHEUS_OPERATOR_VERSION $PROMETHEUS_VERSION" "$dir")" \
        prometheus-operator prometheus-config-reloader prometheus -- build
    # Every CRD of that release (the cluster installs three from ../shared/crds, byte for byte the same files;
    # the operator also needs Prometheus and the others it watches), from its module as upstream ships them.
    local src
    src=$(go list -C "$dir" -m -f '{{.Dir}}' github.com/prometheus-operator/prometheus-operator)/example/prometheus-operator-crd
    mkdir -p "$CACHE/prometheus-operator-crds"
    cp "$src"/*.yaml "$CACHE/prometheus-operator-crds/"
    chmod u+w "$CACHE"/prometheus-operator-crds/*.yaml
}

# versitygw: an S3-compatible gateway whose POSIX backend stores objects as files in a directory; the real
# Redis backup and restore test uploads to it and downloads from it on loopback.
build_versitygw() {
    local dir=$ROOT/tools/versitygw
    cached_build versitygw "$(key_of versitygw "$VERSITYGW_VERSION" "$dir")" versitygw -- \
        go build -C "$dir" -trimpath -ldflags "-s -w -X main.Version=v$VERSITYGW_VERSION" \
        -o "$BIN/versitygw" github.com/versity/versitygw/cmd/versitygw
}

# kube-score v1.20.0, the peer the policy pack is compared with (docs/policies.md); only on request
# (scripts/toolchain.sh kube-score), not part of the default set.
build_kube_score() {
    local dir=$ROOT/tools/kube-score version=1.20.0
    cached_build kube-score "$(key_of kube-score "$version" "$dir")" kube-score -- \
        go build -C "$dir" -trimpath -ldflags "-s -w -X main.version=v$version" -o "$BIN/kube-score" github.com/zegl/kube-score/cmd/kube-score
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pulumi nodejs-host yaml-host k8s-provider etcd kube kwok metrics-server kubelet coredns prometheus-operator versitygw)
for t in "${targets[@]}"; do
    case "$t" in
        pulumi) build_pulumi ;;
        nodejs-host) build_nodejs_host ;;
        yaml-host) build_yaml_host ;;
        k8s-provider) build_k8s_provider ;;
        etcd) build_etcd ;;
        kube) build_kube ;;
        kwok) build_kwok ;;
        metrics-server) build_metrics_server ;;
        kubelet) build_kubelet ;;
        coredns) build_coredns ;;
        prometheus-operator) build_prometheus_operator ;;
        versitygw) build_versitygw ;;
        kube-score) build_kube_score ;;
        *)
            echo "toolchain: unknown target \"$t\"; allowed: pulumi, nodejs-host, yaml-host, k8s-provider, etcd, kube, kwok, metrics-server, kubelet, coredns, prometheus-operator, versitygw, kube-score" >&2
            exit 2
            ;;
    esac
done
echo "$BIN"
