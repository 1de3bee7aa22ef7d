# Image recipe (sourced by scripts/images.sh): the Prometheus server of Debian 12's `prometheus` package, as
# prometheus-operator runs it: the binary at /bin/prometheus (the operator gives only arguments, upstream's
# image has that entrypoint), user nobody (65534, upstream's), /prometheus for the TSDB.
IMAGE_REF=localhost/stateful-k8s/prometheus:2.42.0-debian12
IMAGE_PACKAGES=(prometheus)
IMAGE_USER=65534:65534
IMAGE_WORKDIR=/prometheus
IMAGE_ENTRYPOINT='["/bin/prometheus"]'

recipe() {
    require_version prometheus '2.42.0+'
    add_passwd
    printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
    add_dir /tmp 0:0 1777
    add_bin /usr/bin/prometheus /bin/prometheus
    add_dir /etc/prometheus
    add_dir /prometheus 65534:65534 0755
}
