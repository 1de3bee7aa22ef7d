# Image recipe (sourced by scripts/images.sh): prometheus-operator's config reloader (the init container and
# sidecar of every Prometheus pod it creates: it unpacks the generated configuration and tells Prometheus to
# reload), the static binary `scripts/toolchain.sh prometheus-operator` builds, at /bin/prometheus-config-reloader
# (the command the operator gives the container).
IMAGE_REF=localhost/stateful-k8s/prometheus-config-reloader:0.93.0
IMAGE_PACKAGES=()
IMAGE_USER=65534:65534
IMAGE_WORKDIR=/
IMAGE_ENTRYPOINT='["/bin/prometheus-config-reloader"]'
IMAGE_BINARY=${STATEFUL_K8S_TOOLCHAIN:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/toolchain}/bin/prometheus-config-reloader

recipe() {
    [ -x "$IMAGE_BINARY" ] || die "$IMAGE_BINARY is missing: run scripts/toolchain.sh prometheus-operator"
    "$IMAGE_BINARY" --version 2>&1 | grep -q 'version 0\.93\.0' || die "$IMAGE_BINARY is not version 0.93.0: run scripts/toolchain.sh prometheus-operator"
    add_passwd
    add_file "$IMAGE_BINARY" /bin/prometheus-config-reloader
}
