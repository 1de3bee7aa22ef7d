#!/usr/bin/env bash
# Installs the Debian packages the local real node (scripts/real-node.sh) and its images (scripts/images.sh)
# are made of: containerd and runc (the container runtime), the CNI plugins (bridge, host-local, loopback),
# iptables (kube-proxy and the kubelet program it), busybox-static (the images' shell and utilities),
# redis-server/redis-sentinel/redis-tools, rclone, ca-certificates and prometheus-redis-exporter (the Redis
# images' binaries).
# Idempotent: does nothing when every command is present.
set -euo pipefail

need=(
    containerd:/usr/bin/containerd
    containerd:/usr/bin/ctr
    runc:/usr/sbin/runc
    containernetworking-plugins:/usr/lib/cni/bridge
    containernetworking-plugins:/usr/lib/cni/host-local
    containernetworking-plugins:/usr/lib/cni/loopback
    iptables:/usr/sbin/iptables
    busybox-static:/bin/busybox
    redis-server:/usr/bin/redis-server
    redis-sentinel:/usr/bin/redis-sentinel
    redis-tools:/usr/bin/redis-cli
    rclone:/usr/bin/rclone
    ca-certificates:/etc/ssl/certs/ca-certificates.crt
    prometheus-redis-exporter:/usr/bin/prometheus-redis-exporter
    conntrack:/usr/sbin/conntrack
)
missing=()
for pair in "${need[@]}"; do
    [ -e "${pair#*:}" ] || missing+=("${pair%%:*}")
done
[ ${#missing[@]} -gt 0 ] || exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if ! command -v apt-get >/dev/null; then
    echo "real-node-deps: missing packages: ${missing[*]}; install them with your package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "real-node-deps: installing ${missing[*]} (Debian packages)"
$SUDO apt-get update -qq
# Package scripts would start containerd's system service where an init system allows it; the real node runs
# its own containerd with its own directories and socket, so a system one is harmless but not used.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for pair in "${need[@]}"; do
    [ -e "${pair#*:}" ] || {
        echo "real-node-deps: ${pair#*:} is still missing after installing ${pair%%:*}" >&2
        exit 1
    }
done
