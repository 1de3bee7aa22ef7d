#!/usr/bin/env bash
# A local Kubernetes control plane on loopback, from the binaries scripts/toolchain.sh builds: etcd,
# kube-apiserver (TLS, RBAC, a service-account issuer), kube-controller-manager, kube-scheduler and kwok
# (fake nodes that run every scheduled pod as Running and Ready; no container runs).
#
#   scripts/cluster.sh up [--metrics] [--real-node]   start (idempotent), write the kubeconfig, install the CRDs
#                                         from ../shared/crds; the options combine, in either order:
#     --real-node   also a real kubelet node on containerd (scripts/real-node.sh)
#     --metrics     also resource metrics: kwok emulates each fake pod's CPU/memory (annotations
#                   kwok.x-k8s.io/usage-cpu, kwok.x-k8s.io/usage-memory) on its fake kubelet endpoints,
#                   metrics-server scrapes them and serves metrics.k8s.io (kubectl top, the HPA controller);
#                   STATEFUL_K8S_METRICS=1 does the same. With both, metrics-server also tries the real node's
#                   kubelet, whose serving certificate is self-signed (not from the cluster CA that metrics-server
#                   checks kubelets against): that node's pods are expected to have no metrics (untested here).
#   scripts/cluster.sh down   stop every process it started (the real node's too) and delete its state
#   scripts/cluster.sh env    print `export KUBECONFIG=...`
#
# Environment: STATEFUL_K8S_CLUSTER (state dir, default ${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/cluster),
# STATEFUL_K8S_API_PORT (default 16443), STATEFUL_K8S_ETCD_PORT (default 12379), STATEFUL_K8S_SHARED (../shared),
# STATEFUL_K8S_NODES (fake nodes, default 10), STATEFUL_K8S_METRICS=1 (as up --metrics),
# STATEFUL_K8S_METRIC_RESOLUTION (metrics-server's scrape interval, default 15s).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${STATEFUL_K8S_CLUSTER:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/cluster}
API_PORT=${STATEFUL_K8S_API_PORT:-16443}
ETCD_PORT=${STATEFUL_K8S_ETCD_PORT:-12379}
ETCD_PEER_PORT=$((ETCD_PORT + 1))
KCM_PORT=$((API_PORT + 1))
SCHED_PORT=$((API_PORT + 2))
KWOK_PORT=$((API_PORT + 3))
METRICS_PORT=$((API_PORT + 4))
METRICS=${STATEFUL_K8S_METRICS:-0}
NODES=${STATEFUL_K8S_NODES:-10}
# shellcheck source=scripts/shared-folder.sh
. "$ROOT/scripts/shared-folder.sh"
PKI=$STATE/pki
KUBECONFIG_FILE=$STATE/kubeconfig
PROCS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok metrics-server)

say() { echo "cluster: $*" >&2; }
die() {
    say "$*"
    exit 1
}

bin_dir() {
    local bin=${STATEFUL_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain}/bin
    for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
        [ -x "$bin/$b" ] || die "missing $bin/$b: run scripts/toolchain.sh first"
    done
    echo "$bin"
}

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() { # <name> <args...>: runs bin/<name> in the background, logging to $STATE/<name>.log
    local name=$1
    shift
    if running "$name"; then
        say "$name already running (pid $(cat "$STATE/$name.pid"))"
        return
    fi
    "$BIN/$name" "$@" >"$STATE/$name.log" 2>&1 &
    echo $! >"$STATE/$name.pid"
    say "started $name (pid $!, log $STATE/$name.log)"
}

wait_for() { # <what> <seconds> <command...>
    local what=$1 seconds=$2
    shift 2
    for _ in $(seq 1 "$((seconds * 2))"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    die "$what did not become ready in $seconds s (logs in $STATE)"
}

pki() {
    [ -f "$PKI/admin.crt" ] && return
    mkdir -p "$PKI"
    local o="openssl"
    $o req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -subj "/CN=stateful-k8s-local-ca" 2>/dev/null
    $o req -newkey rsa:2048 -nodes -keyout "$PKI/apiserver.key" -out "$PKI/apiserver.csr" -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' >"$PKI/apiserver.ext"
    $o x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -out "$PKI/apiserver.crt" -days 3650 -extfile "$PKI/apiserver.ext" 2>/dev/null
    $o req -newkey rsa:2048 -nodes -keyout "$PKI/admin.key" -out "$PKI/admin.csr" -subj "/O=system:masters/CN=admin" 2>/dev/null
    $o x509 -req -in "$PKI/admin.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -out "$PKI/admin.crt" -days 3650 2>/dev/null
    $o genrsa -out "$PKI/sa.key" 2048 2>/dev/null
}

# The aggregation layer's certificates (for metrics-server): the client certificate the API server proxies
# with (only its CN may assert a user in request headers) and metrics-server's serving certificate, named
# as the API server checks it (<service>.<namespace>.svc).
aggregation_pki() {
    [ -f "$PKI/metrics-server.crt" ] && return
    local o="openssl"
    $o req -newkey rsa:2048 -nodes -keyout "$PKI/front-proxy-client.key" -out "$PKI/front-proxy-client.csr" -subj "/CN=front-proxy-client" 2>/dev/null
    $o x509 -req -in "$PKI/front-proxy-client.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -out "$PKI/front-proxy-client.crt" -days 3650 2>/dev/null
    $o req -newkey rsa:2048 -nodes -keyout "$PKI/metrics-server.key" -out "$PKI/metrics-server.csr" -subj "/CN=metrics-server" 2>/dev/null
    printf 'subjectAltName=DNS:metrics-server.kube-system.svc,DNS:localhost,IP:127.0.0.1\n' >"$PKI/metrics-server.ext"
    $o x509 -req -in "$PKI/metrics-server.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -out "$PKI/metrics-server.crt" -days 3650 -extfile "$PKI/metrics-server.ext" 2>/dev/null
}

# Resource metrics (up --metrics): metrics-server scraping kwok's emulated kubelet endpoints, registered
# as the metrics.k8s.io APIService. The API server reaches it through an ExternalName service (localhost),
# since endpoints may not hold a loopback address.
metrics() {
    [ -x "$BIN/metrics-server" ] || die "missing $BIN/metrics-server: run scripts/toolchain.sh metrics-server first"
    start metrics-server --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
        --authorization-kubeconfig="$KUBECONFIG_FILE" --bind-address=127.0.0.1 --secure-port="$METRICS_PORT" \
        --tls-cert-file="$PKI/metrics-server.crt" --tls-private-key-file="$PKI/metrics-server.key" \
        --kubelet-preferred-address-types=InternalIP --kubelet-use-node-status-port \
        --kubelet-certificate-authority="$PKI/ca.crt" --metric-resolution="${STATEFUL_K8S_METRIC_RESOLUTION:-15s}"
    local ca
    ca=$(base64 -w0 <"$PKI/ca.crt")
    printf 'apiVersion: v1\nkind: Service\nmetadata: { name: metrics-server, namespace: kube-system }\nspec: { type: ExternalName, externalName: localhost, ports: [{ name: https, port: %s }] }\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: { name: v1beta1.metrics.k8s.io }\nspec:\n  group: metrics.k8s.io\n  version: v1beta1\n  groupPriorityMinimum: 100\n  versionPriority: 100\n  caBundle: %s\n  service: { name: metrics-server, namespace: kube-system, port: %s }\n' \
        "$METRICS_PORT" "$ca" "$METRICS_PORT" | "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply --server-side --force-conflicts -f - >/dev/null
    wait_for "the metrics.k8s.io APIService" 60 sh -c "'$BIN/kubectl' --kubeconfig '$KUBECONFIG_FILE' get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type==\"Available\")].status}' | grep -q True"
    # Through the aggregation layer. (A node shows in kubectl top only once a pod on it uses something:
    # metrics-server drops samples of zero usage; a pod shows after two scrapes, a rate needs two samples.)
    wait_for "the metrics API through the API server" 60 "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" get --raw /apis/metrics.k8s.io/v1beta1/pods
    say "metrics: metrics-server on 127.0.0.1:$METRICS_PORT, serving metrics.k8s.io"
}

kubeconfig() {
    cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:$API_PORT
      certificate-authority: $PKI/ca.crt
users:
  - name: admin
    user:
      client-certificate: $PKI/admin.crt
      client-key: $PKI/admin.key
contexts:
  - name: local
    context: { cluster: local, user: admin }
current-context: local
EOF
}

up() {
    BIN=$(bin_dir)
    if [ "$METRICS" = 1 ]; then # every part of --metrics, before anything starts
        [ -x "$BIN/metrics-server" ] || die "missing $BIN/metrics-server: run scripts/toolchain.sh metrics-server first"
        [ -f "$BIN/../kwok-metrics/metrics-resource.yaml" ] && [ -f "$BIN/../kwok-metrics/usage-from-annotation.yaml" ] ||
            die "kwok's metrics configuration is missing from $BIN/../kwok-metrics: run scripts/toolchain.sh metrics-server"
        command -v base64 >/dev/null || die "--metrics needs base64 (coreutils)"
    fi
    mkdir -p "$STATE"
    for p in "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT"; do
        if ! port_free "$p" && ! running kube-apiserver && ! running etcd; then
            die "port $p on 127.0.0.1 is busy; set STATEFUL_K8S_API_PORT / STATEFUL_K8S_ETCD_PORT"
        fi
    done
    pki
    aggregation_pki
    kubeconfig
    start etcd --name=local --data-dir="$STATE/etcd" \
        --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true --log-level=warn
    wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
    start kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
        --authorization-mode=Node,RBAC --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$PKI/sa.key" --service-account-signing-key-file="$PKI/sa.key" \
        --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true --enable-priority-and-fairness=false \
        --kubelet-preferred-address-types=InternalIP,Hostname \
        --kubelet-client-certificate="$PKI/admin.crt" --kubelet-client-key="$PKI/admin.key" \
        --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
        --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key"
    wait_for kube-apiserver 90 "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz
    start kube-controller-manager --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
        --authorization-kubeconfig="$KUBECONFIG_FILE" --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
        --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" --use-service-account-credentials=false \
        --leader-elect=false
    start kube-scheduler --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
        --authorization-kubeconfig="$KUBECONFIG_FILE" --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false
    local stages=()
    for f in "$BIN"/../kwok-stages/*.yaml; do stages+=("--config=$f"); done
    [ ${#stages[@]} -gt 0 ] || die "kwok's stages are missing: run scripts/toolchain.sh kwok"
    if [ "$METRICS" = 1 ]; then
        # kwok serves each fake node's /metrics/resource (at the path the node's annotation names) from
        # the pods' emulated usage; the node initializer gives nodes this address and port.
        if running kwok && [ ! -f "$STATE/metrics" ]; then
            die "the cluster in $STATE is up without metrics: run scripts/cluster.sh down first"
        fi
        for f in "$BIN"/../kwok-metrics/*.yaml; do stages+=("--config=$f"); done
        stages+=(--node-ip=127.0.0.1 --node-port="$KWOK_PORT" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key")
        touch "$STATE/metrics"
    fi
    start kwok "${stages[@]}" --kubeconfig="$KUBECONFIG_FILE" --manage-all-nodes=false \
        --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake --node-lease-duration-seconds=40 \
        --server-address="127.0.0.1:$KWOK_PORT"
    # Fake nodes (several, so that required pod anti-affinity can place every member on its own node), with
    # local (ephemeral) storage to offer, since every container the components render requests some.
    for i in $(seq 0 $((NODES - 1))); do
        printf -- '---\napiVersion: v1\nkind: Node\nmetadata:\n  name: kwok-node-%s\n  annotations: { kwok.x-k8s.io/node: fake, metrics.k8s.io/resource-metrics-path: /metrics/nodes/kwok-node-%s/metrics/resource }\n  labels: { kubernetes.io/hostname: kwok-node-%s, type: kwok }\nstatus:\n  allocatable: { cpu: "64", memory: 256Gi, ephemeral-storage: 1Ti, pods: "500" }\n  capacity: { cpu: "64", memory: 256Gi, ephemeral-storage: 1Ti, pods: "500" }\n' "$i" "$i" "$i"
    done | "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply --server-side -f - >/dev/null
    # Storage: no kubelet writes data here, but claims must bind for pods to schedule. A StorageClass
    # "standard" (the class our stacks name) without a provisioner, and pre-created volumes that the
    # persistent-volume controller binds to claims.
    {
        printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: standard }\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: Immediate\nreclaimPolicy: Retain\n'
        for i in $(seq -w 0 63); do
            printf -- '---\napiVersion: v1\nkind: PersistentVolume\nmetadata: { name: local-pv-%s }\nspec:\n  capacity: { storage: 1Ti }\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: standard\n  hostPath: { path: /tmp/stateful-k8s-pv/%s }\n' "$i" "$i"
        done
    } | "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply --server-side -f - >/dev/null
    [ -d "$SHARED/crds" ] || die "CRDs not found at $SHARED/crds: set STATEFUL_K8S_SHARED"
    for dir in strimzi tidb-operator-v2 prometheus-operator keda; do
        "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply --server-side --force-conflicts -f "$SHARED/crds/$dir" >/dev/null
    done
    # Upstream CRDs the shared folder lacks, unmodified (crds/README.md says where each comes from).
    for dir in "$ROOT"/crds/*/; do
        "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" apply --server-side --force-conflicts -f "$dir" >/dev/null
    done
    "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" wait --for=condition=Established crd --all --timeout=60s >/dev/null
    wait_for "the fake nodes" 60 sh -c "'$BIN/kubectl' --kubeconfig '$KUBECONFIG_FILE' get node kwok-node-0 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -q True"
    if [ "$METRICS" = 1 ]; then metrics; fi
    say "up: KUBECONFIG=$KUBECONFIG_FILE ($("$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" version -o json | grep -m1 gitVersion | tr -d ' ,'))"
    echo "$KUBECONFIG_FILE"
}

down() {
    local stopped=0
    # The real node first: its containers, mounts, bridge and iptables chains outlive its processes otherwise.
    if [ -d "$STATE/real-node" ]; then bash "$ROOT/scripts/real-node.sh" down; fi
    for ((i = ${#PROCS[@]} - 1; i >= 0; i--)); do
        local name=${PROCS[$i]}
        if running "$name"; then
            local pid
            pid=$(cat "$STATE/$name.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            kill -9 "$pid" 2>/dev/null || true
            stopped=$((stopped + 1))
        fi
        rm -f "$STATE/$name.pid"
    done
    rm -rf "$STATE"
    say "down: stopped $stopped processes, removed $STATE"
}

case "${1:-}" in
    up)
        shift
        real_node=0
        for option in "$@"; do
            case "$option" in
                --metrics) METRICS=1 ;;
                --real-node) real_node=1 ;;
                *)
                    echo "usage: scripts/cluster.sh up [--metrics] [--real-node]" >&2
                    exit 2
                    ;;
            esac
        done
        up
        if [ "$real_node" = 1 ]; then bash "$ROOT/scripts/real-node.sh" up; fi
        ;;
    down) down ;;
    env) echo "export KUBECONFIG=$KUBECONFIG_FILE" ;;
    *)
        echo "usage: scripts/cluster.sh up [--metrics] [--real-node]|down|env" >&2
        exit 2
        ;;
esac
