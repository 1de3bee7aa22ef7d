#!/usr/bin/env bash
# A real node beside the local control plane's kwok nodes (scripts/cluster.sh up --real-node runs this):
# containerd (its own root, state, socket and config; CRI; cgroupfs; the locally built pause image), a CNI
# bridge, kubelet (client certificate CN=system:node:<node>, O=system:nodes from the cluster's CA), kube-proxy
# (iptables mode, for ClusterIP Services) and CoreDNS answering cluster.local to the pods (nothing else: no
# forward to any resolver). The node is tainted, so only pods that tolerate the taint run there; StorageClasses
# with local PersistentVolumes on the node hold their data.
#
#   scripts/real-node.sh up        start (idempotent; the control plane must be up)
#   scripts/real-node.sh down      stop everything, unmount, remove the bridge, iptables chains, cgroups, restore sysctls
#   scripts/real-node.sh restart   restart kubelet and containerd (containers keep running, as on a node's service restart)
#   scripts/real-node.sh reboot    as a power cut: every container killed, pod mounts and network namespaces gone, then
#                                  containerd and kubelet start again and recreate the pods (local volumes keep their data)
#   scripts/real-node.sh status    print what runs
#
# Environment: the STATEFUL_K8S_* variables of scripts/cluster.sh, and STATEFUL_K8S_NODE_NAME (default real-node),
# STATEFUL_K8S_POD_SUBNET (a /24, default 10.244.0.0/24; its first address is the bridge, the node's address and
# the cluster DNS address), STATEFUL_K8S_LOCAL_PVS (local volumes per StorageClass, default 6).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${STATEFUL_K8S_CLUSTER:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/cluster}
TOOLCHAIN=${STATEFUL_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain}
BIN=$TOOLCHAIN/bin
API_PORT=${STATEFUL_K8S_API_PORT:-16443}
NODE=${STATEFUL_K8S_NODE_NAME:-real-node}
SUBNET=${STATEFUL_K8S_POD_SUBNET:-10.244.0.0/24}
NET_PREFIX=${SUBNET%.*}
GATEWAY=$NET_PREFIX.1
LOCAL_PVS=${STATEFUL_K8S_LOCAL_PVS:-6}
# The control plane's Service range (cluster.sh): the pods' only route off the bridge, to kube-proxy's DNAT.
# No default route: nothing a pod sends can leave the machine.
SERVICE_CIDR=10.0.0.0/24
RN=$STATE/real-node
PKI=$STATE/pki
ADMIN_KUBECONFIG=$STATE/kubeconfig
SOCK=$RN/containerd/containerd.sock
BRIDGE=sk8s0
CGROUP_ROOT=stateful-k8s-node
# The taint and label that steer workloads: tolerate the taint and select the label to run here.
TAINT_KEY=stateful-k8s.io/real-node
LABEL_KEY=stateful-k8s.io/node
LABEL_VALUE=real
STORAGE_CLASSES=(real-node-local real-node-local-alt)
DNS_HEALTH_PORT=$((API_PORT + 5))
DNS_READY_PORT=$((API_PORT + 6))
PROXY_HEALTH_PORT=$((API_PORT + 7))
PROXY_METRICS_PORT=$((API_PORT + 8))
KUBELET_HEALTH_PORT=$((API_PORT + 9))
PROCS=(containerd coredns kubelet kube-proxy)

say() { echo "real-node: $*" >&2; }
die() {
    say "$*"
    exit 1
}

# A process that has exited but whose parent (here often PID 1, which reaps slowly) has not collected it yet
# is a zombie: kill -0 still succeeds on it, so it counts as gone here.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }

running() { [ -f "$RN/$1.pid" ] && alive "$(cat "$RN/$1.pid")"; }

start() { # <name> <binary> <args...>
    local name=$1 bin=$2
    shift 2
    if running "$name"; then
        say "$name already running (pid $(cat "$RN/$name.pid"))"
        return
    fi
    "$bin" "$@" >>"$RN/$name.log" 2>&1 &
    echo $! >"$RN/$name.pid"
    say "started $name (pid $!, log $RN/$name.log)"
}

stop() { # <name> [seconds]
    local name=$1 seconds=${2:-10}
    if running "$name"; then
        local pid
        pid=$(cat "$RN/$name.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 $((seconds * 10))); do alive "$pid" || break; sleep 0.1; done
        if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
        for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$RN/$name.pid"
}

wait_for() { # <what> <seconds> <command...>
    local what=$1 seconds=$2
    shift 2
    for _ in $(seq 1 "$((seconds * 4))"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    die "$what did not become ready in $seconds s (logs in $RN)"
}

# Writes stdin to a file only when it differs: kube-proxy exits when its config file changes, and an
# idempotent `up` must not disturb what runs.
put() {
    local tmp
    tmp=$(mktemp "$1.XXXX")
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

kubectl() { "$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }
ctr_() { ctr --address "$SOCK" -n k8s.io "$@"; }

# Every piece, with what to do when it is missing.
check_pieces() {
    local missing=()
    for pair in kubelet:kubelet kube-proxy:kubelet coredns:coredns kubectl:kube prometheus:prometheus-operator prometheus-config-reloader:prometheus-operator; do
        [ -x "$BIN/${pair%%:*}" ] || missing+=("$BIN/${pair%%:*} (scripts/toolchain.sh ${pair#*:})")
    done
    for c in containerd ctr runc iptables ip6tables ip conntrack; do
        command -v "$c" >/dev/null || missing+=("$c (scripts/real-node-deps.sh)")
    done
    for p in bridge host-local loopback; do
        [ -x "/usr/lib/cni/$p" ] || missing+=("/usr/lib/cni/$p (scripts/real-node-deps.sh)")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "the real node needs root (containers, network namespaces, iptables, cgroups)"
    [ -d /sys/fs/cgroup/memory ] || die "needs the cgroup v1 hierarchy at /sys/fs/cgroup (this script configures kubelet for cgroup v1)"
    [ -f "$ADMIN_KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1 ||
        die "the control plane is not running: scripts/cluster.sh up first (or scripts/cluster.sh up --real-node)"
}

# Sysctls the node changes, saved once so that down restores them.
SYSCTLS=(net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables)
save_sysctls() {
    [ -f "$RN/sysctls.orig" ] && return
    for s in "${SYSCTLS[@]}"; do
        [ -f "/proc/sys/$s" ] && echo "$s $(cat "/proc/sys/$s")"
    done >"$RN/sysctls.orig"
}
restore_sysctls() {
    [ -f "$RN/sysctls.orig" ] || return 0
    while read -r s v; do echo "$v" >"/proc/sys/$s" 2>/dev/null || true; done <"$RN/sysctls.orig"
}

network() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
    fi
    # The address list is read whole before it is searched: under pipefail, grep -q leaving early can fail
    # the pipeline with SIGPIPE, and the address would be added twice ("Address already assigned").
    addresses=$(ip addr show dev "$BRIDGE")
    case "$addresses" in *"inet $GATEWAY/"*) ;; *) ip addr add "$GATEWAY/24" dev "$BRIDGE" ;; esac
    ip link set "$BRIDGE" up
    # Routing between pods and Services (kube-proxy's DNAT), and bridged traffic through iptables.
    echo 1 >/proc/sys/net/ipv4/ip_forward
    [ -f /proc/sys/net/bridge/bridge-nf-call-iptables ] && echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
    mkdir -p "$RN/cni/net.d" "$RN/cni/ipam"
    put "$RN/cni/net.d/10-stateful-k8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "stateful-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$SUBNET", "gateway": "$GATEWAY", "rangeStart": "$NET_PREFIX.10" }]],
        "routes": [{ "dst": "$SERVICE_CIDR" }],
        "dataDir": "$RN/cni/ipam"
      }
    }
  ]
}
EOF
}

cgroups() { # the kubelet's cgroup root, in every v1 hierarchy (kubelet refuses a root that does not exist)
    local h
    for h in /sys/fs/cgroup/*/; do
        [ -f "$h/cgroup.procs" ] || continue
        mkdir -p "$h$CGROUP_ROOT"
    done
    # A new cpuset group starts with no CPUs or memory nodes.
    local c=/sys/fs/cgroup/cpuset
    if [ -d "$c/$CGROUP_ROOT" ] && [ -z "$(cat "$c/$CGROUP_ROOT/cpuset.cpus")" ]; then
        cat "$c/cpuset.cpus" >"$c/$CGROUP_ROOT/cpuset.cpus"
        cat "$c/cpuset.mems" >"$c/$CGROUP_ROOT/cpuset.mems"
    fi
}

containerd_up() {
    mkdir -p "$RN/containerd"
    put "$RN/containerd/config.toml" <<EOF
version = 2
root = "$RN/containerd/root"
state = "$RN/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$(image_ref pause)"
  # Root here lacks CAP_SYS_RESOURCE: runc could not lower oom_score_adj to the sandbox's -998.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
        Root = "$RN/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RN/cni/net.d"
EOF
    start containerd "$(command -v containerd)" --config "$RN/containerd/config.toml"
    wait_for containerd 30 ctr --address "$SOCK" version
}

image_ref() { bash "$ROOT/scripts/images.sh" refs | awk -v n="$1" '$1 == n { print $2 }'; }

images() {
    # Import what containerd does not hold yet (its store lives under $RN, so a fresh node imports all).
    local ref tar id
    while read -r ref tar; do
        id=$(cat "${tar%.tar}.id")
        grep -qx "$ref $id" "$RN/images.imported" 2>/dev/null && continue
        ctr_ images import "$tar" >/dev/null
        echo "$ref $id" >>"$RN/images.imported"
        say "imported $ref (sha256:${id:0:12})"
    done < <(bash "$ROOT/scripts/images.sh" build)
}

node_credentials() {
    [ -f "$RN/pki/kubelet.crt" ] && return
    mkdir -p "$RN/pki"
    openssl req -newkey rsa:2048 -nodes -keyout "$RN/pki/kubelet.key" -out "$RN/pki/kubelet.csr" \
        -subj "/O=system:nodes/CN=system:node:$NODE" 2>/dev/null
    openssl x509 -req -in "$RN/pki/kubelet.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
        -out "$RN/pki/kubelet.crt" -days 3650 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$RN/pki/kube-proxy.key" -out "$RN/pki/kube-proxy.csr" \
        -subj "/CN=system:kube-proxy" 2>/dev/null
    openssl x509 -req -in "$RN/pki/kube-proxy.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
        -out "$RN/pki/kube-proxy.crt" -days 3650 2>/dev/null
    for who in kubelet kube-proxy; do
        cat >"$RN/$who.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster: { server: "https://127.0.0.1:$API_PORT", certificate-authority: "$PKI/ca.crt" }
users:
  - name: $who
    user: { client-certificate: "$RN/pki/$who.crt", client-key: "$RN/pki/$who.key" }
contexts:
  - name: local
    context: { cluster: local, user: $who }
current-context: local
EOF
    done
}

coredns_up() {
    mkdir -p "$RN/coredns"
    # Only the cluster's zones: anything else is refused, never forwarded. A short cache, so that a recreated
    # pod's name follows its new address within seconds.
    put "$RN/coredns/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
    bind $GATEWAY
    errors
    health 127.0.0.1:$DNS_HEALTH_PORT
    ready 127.0.0.1:$DNS_READY_PORT
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $ADMIN_KUBECONFIG local
        pods insecure
        ttl 5
    }
    cache 5
    loadbalance
}
EOF
    start coredns "$BIN/coredns" -conf "$RN/coredns/Corefile"
    wait_for coredns 30 curl -sf "http://127.0.0.1:$DNS_READY_PORT/ready"
}

kubelet_up() {
    mkdir -p "$RN/kubelet" "$RN/pod-logs"
    : >"$RN/resolv.conf" # pods inherit no host resolver or search domain
    put "$RN/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $GATEWAY
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTH_PORT
readOnlyPort: 0
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: "$PKI/ca.crt" }
authorization: { mode: AlwaysAllow }
containerRuntimeEndpoint: unix://$SOCK
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
failCgroupV1: false
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [$GATEWAY]
resolvConf: $RN/resolv.conf
registerWithTaints:
  - { key: $TAINT_KEY, value: "true", effect: NoSchedule }
# Nothing can be pulled again: never collect images, never evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: "100Mi" }
podLogsDir: $RN/pod-logs
maxPods: 110
serializeImagePulls: false
staticPodPath: ""
EOF
    start kubelet "$BIN/kubelet" --config="$RN/kubelet.yaml" --kubeconfig="$RN/kubelet.kubeconfig" \
        --root-dir="$RN/kubelet" --cert-dir="$RN/pki/kubelet-serving" --hostname-override="$NODE" --node-ip="$GATEWAY" \
        --node-labels="$LABEL_KEY=$LABEL_VALUE" --v=1
    wait_for "node $NODE" 90 sh -c "'$BIN/kubectl' --kubeconfig '$ADMIN_KUBECONFIG' get node '$NODE' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -q True"
}

kube_proxy_up() {
    put "$RN/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: "$RN/kube-proxy.kubeconfig" }
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $SUBNET
bindAddress: $GATEWAY
healthzBindAddress: 127.0.0.1:$PROXY_HEALTH_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
nodePortAddresses: ["$GATEWAY/32"]
iptables: { localhostNodePorts: false, masqueradeAll: false }
# Zero: leave the host's conntrack limits and timeouts as they are.
conntrack: { maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s }
EOF
    # kube-proxy's user needs its ClusterRole (the API server's bootstrap policy has it, unbound).
    kubectl apply --server-side -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: stateful-k8s:kube-proxy }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node-proxier }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: system:kube-proxy }]
EOF
    start kube-proxy "$BIN/kube-proxy" --config="$RN/kube-proxy.yaml"
    wait_for kube-proxy 30 curl -sf "http://127.0.0.1:$PROXY_HEALTH_PORT/healthz"
}

# Pods reach the API server as in any cluster: through the `kubernetes` Service, whose address the kubelet gives
# them (KUBERNETES_SERVICE_HOST, the first of the Service range, in the API server's certificate). The API server
# listens on 127.0.0.1 only and has no endpoint for that Service (--endpoint-reconciler-type=none), so this
# node translates pod connections to that address straight to it; route_localnet on the bridge (gone with the
# bridge) lets the kernel deliver them to a loopback address. Only pods' traffic, on this bridge, is touched.
API_CHAIN=STATEFUL-K8S-API
API_SERVICE_IP=${SERVICE_CIDR%.*}.1
api_for_pods() {
    echo 1 >"/proc/sys/net/ipv4/conf/$BRIDGE/route_localnet"
    iptables -t nat -N "$API_CHAIN" 2>/dev/null || true
    iptables -t nat -C "$API_CHAIN" -i "$BRIDGE" -d "$API_SERVICE_IP" -p tcp --dport 443 -j DNAT --to-destination "127.0.0.1:$API_PORT" 2>/dev/null ||
        iptables -t nat -A "$API_CHAIN" -i "$BRIDGE" -d "$API_SERVICE_IP" -p tcp --dport 443 -j DNAT --to-destination "127.0.0.1:$API_PORT"
    iptables -t nat -C PREROUTING -j "$API_CHAIN" 2>/dev/null || iptables -t nat -I PREROUTING 1 -j "$API_CHAIN"
}
remove_api_for_pods() {
    while iptables -t nat -D PREROUTING -j "$API_CHAIN" 2>/dev/null; do :; done
    iptables -t nat -F "$API_CHAIN" 2>/dev/null || true
    iptables -t nat -X "$API_CHAIN" 2>/dev/null || true
}

storage() {
    mkdir -p "$RN/volumes"
    {
        for class in "${STORAGE_CLASSES[@]}"; do
            printf -- '---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: %s }\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Retain\n' "$class"
            for i in $(seq 0 $((LOCAL_PVS - 1))); do
                local dir=$RN/volumes/$class-$i
                mkdir -p "$dir"
                printf -- '---\napiVersion: v1\nkind: PersistentVolume\nmetadata: { name: %s-%s }\nspec:\n  capacity: { storage: 1Gi }\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: %s\n  local: { path: "%s" }\n  nodeAffinity:\n    required:\n      nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [%s] }] }]\n' \
                    "$class" "$i" "$class" "$dir" "$NODE"
            done
        done
    } | kubectl apply --server-side -f - >/dev/null
}

up() {
    local t0=$SECONDS
    check_pieces
    mkdir -p "$RN"
    save_sysctls
    network
    cgroups
    images_t=$SECONDS
    containerd_up
    images
    say "images ready in $((SECONDS - images_t)) s"
    node_credentials
    coredns_up
    kubelet_up
    kube_proxy_up
    api_for_pods
    storage
    say "up in $((SECONDS - t0)) s: node $NODE (taint $TAINT_KEY=true:NoSchedule, label $LABEL_KEY=$LABEL_VALUE), pods on $SUBNET, cluster DNS $GATEWAY, API at https://$API_SERVICE_IP:443, StorageClasses ${STORAGE_CLASSES[*]}"
}

# Kills every container and sandbox containerd runs for the node, then its shims.
kill_containers() {
    [ -S "$SOCK" ] || return 0
    running containerd || return 0
    local ids
    ids=$(ctr_ tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    for _ in $(seq 1 40); do
        [ -z "$(ctr_ tasks ls 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"')" ] && break
        sleep 0.25
    done
    for id in $ids; do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
}

kill_shims() { # shims that outlived containerd: by the pid files under our state directory only
    local f pid
    for f in "$RN"/containerd/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        if [ -n "$pid" ] && grep -q "containerd-shim" "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done
}

kill_cgroup_procs() { # any container process left (a shim killed before its container): the kubelet's cgroup tree is ours
    local f pid
    for _ in 1 2 3; do
        local left=0
        for f in $(find /sys/fs/cgroup/pids/"$CGROUP_ROOT" -name cgroup.procs 2>/dev/null); do
            for pid in $(cat "$f"); do
                kill -9 "$pid" 2>/dev/null || true
                left=1
            done
        done
        [ $left = 1 ] || return 0
        sleep 0.5
    done
}

unmount_all() { # every mount under the node's state, deepest first
    local m
    for _ in 1 2 3; do
        mapfile -t mounts < <(awk -v p="$RN" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
        [ ${#mounts[@]} -gt 0 ] || return 0
        for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    done
}

remove_chains() { # the chains kubelet and kube-proxy leave (kube-proxy --cleanup misses the kubelet's)
    local cmd table chain
    for cmd in iptables ip6tables; do
        command -v "$cmd" >/dev/null || continue
        for table in filter nat mangle; do
            # Rules in built-in chains that jump to KUBE-* chains, then the chains themselves.
            local rules
            rules=$("$cmd" -t "$table" -S 2>/dev/null | grep -E '^-A [A-Z]+ .*-j KUBE-' | sed 's/^-A /-D /' || true)
            while read -r rule; do
                [ -n "$rule" ] && eval "$cmd -t $table $rule" 2>/dev/null || true
            done <<<"$rules"
            for chain in $("$cmd" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
                "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
            done
            for chain in $("$cmd" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
                "$cmd" -t "$table" -X "$chain" 2>/dev/null || true
            done
        done
    done
}

remove_cgroups() {
    local h
    for h in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do
        [ -d "$h" ] || continue
        find "$h" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
}

down() {
    local t0=$SECONDS
    [ -d "$RN" ] || {
        say "not set up ($RN does not exist)"
        return 0
    }
    stop kube-proxy
    stop kubelet
    kill_containers
    stop containerd 15
    kill_shims
    kill_cgroup_procs
    stop coredns
    if [ -x "$BIN/kube-proxy" ]; then "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true; fi
    remove_chains
    remove_api_for_pods
    unmount_all
    ip link del "$BRIDGE" 2>/dev/null || true
    # containerd 1.6 puts shim sockets and I/O fifos under /run/containerd whatever its state dir: remove the
    # folders if they are empty (a system containerd's are left alone).
    rmdir /run/containerd/s /run/containerd/fifo /run/containerd/runc/k8s.io /run/containerd/runc /run/containerd 2>/dev/null || true
    restore_sysctls
    remove_cgroups
    rm -rf "$RN"
    # The node object and its volumes are the control plane's; cluster.sh down removes them with etcd.
    if [ -f "$ADMIN_KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1; then
        kubectl delete node "$NODE" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    fi
    say "down in $((SECONDS - t0)) s"
}

restart() { # as a node's service restart: containers keep running in their shims
    [ -d "$RN" ] || die "not set up"
    local t0=$SECONDS
    stop kubelet
    stop containerd 15
    containerd_up
    kubelet_up
    say "kubelet and containerd restarted in $((SECONDS - t0)) s"
}

reboot() {
    [ -d "$RN" ] || die "not set up"
    local t0=$SECONDS
    stop kubelet
    kill_containers
    stop containerd 15
    kill_shims
    kill_cgroup_procs
    unmount_all
    containerd_up
    kubelet_up
    say "rebooted in $((SECONDS - t0)) s (pods are being recreated)"
}

status() {
    for p in "${PROCS[@]}"; do
        if running "$p"; then echo "$p running (pid $(cat "$RN/$p.pid"))"; else echo "$p stopped"; fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    restart) restart ;;
    reboot) reboot ;;
    status) status ;;
    *)
        echo "usage: scripts/real-node.sh up|down|restart|reboot|status" >&2
        exit 2
        ;;
esac
