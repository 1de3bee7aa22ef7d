# Image recipe (sourced by scripts/images.sh): the Prometheus server prometheus-operator v0.93.0 runs by default
# (v3.13.1, Kubernetes service discovery only, no embedded web UI), the static binary
# `scripts/toolchain.sh prometheus-operator` builds, as the operator runs it: at /bin/prometheus (the operator
# gives only arguments; upstream's image has that entrypoint), user nobody (65534, upstream's), /prometheus for
# the TSDB. (Debian's prometheus 2.42.0 is built without Kubernetes service discovery: no ServiceMonitor works.)
IMAGE_REF=localhost/stateful-k8s/prometheus:v3.13.1
IMAGE_PACKAGES=()
IMAGE_USER=65534:65534
IMAGE_WORKDIR=/prometheus
IMAGE_ENTRYPOINT='["/bin/prometheus"]'
IMAGE_BINARY=${STATEFUL_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain}/bin/prometheus

recipe() {
    [ -x "$IMAGE_BINARY" ] || die "$IMAGE_BINARY is missing: run scripts/toolchain.sh prometheus-operator"
    "$IMAGE_BINARY" --version 2>&1 | grep -q 'version 3\.13\.1 ' || die "$IMAGE_BINARY is not version 3.13.1: run scripts/toolchain.sh prometheus-operator"
    add_passwd
    add_dir /tmp 0:0 1777
    add_file "$IMAGE_BINARY" /bin/prometheus
    add_dir /etc/prometheus
    add_dir /prometheus 65534:65534 0755
}
