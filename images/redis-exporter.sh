# Image recipe (sourced by scripts/images.sh): the redis_exporter metrics sidecar, Debian 12's
# prometheus-redis-exporter (it reads REDIS_ADDR and REDIS_PASSWORD, serves /metrics and /health on :9121).
IMAGE_REF=localhost/stateful-k8s/redis-exporter:1.45.0-debian12
IMAGE_PACKAGES=(prometheus-redis-exporter)
IMAGE_USER=999:999
IMAGE_WORKDIR=/
IMAGE_ENTRYPOINT='["/usr/bin/prometheus-redis-exporter"]'

recipe() {
    require_version prometheus-redis-exporter '1.45.0-'
    add_passwd
    add_bin /usr/bin/prometheus-redis-exporter
}
