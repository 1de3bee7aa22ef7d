# Image recipe (sourced by scripts/images.sh): Redis server, sentinel and CLI from Debian 12's packages, with
# what the component's start-up scripts, probes and reset Job call (POSIX sh, timeout, cat, chmod, sleep, sed,
# grep, awk, getent) and /etc/passwd with redis:999, the user the pods run as. Also rclone and the CA
# bundle, the S3 client of the backup Job and the restore init container (components/redis/backup.ts).
IMAGE_REF=localhost/stateful-k8s/redis:7.0.15-debian12
IMAGE_PACKAGES=(redis-server redis-sentinel redis-tools rclone ca-certificates)
IMAGE_USER=999:999
IMAGE_WORKDIR=/data
IMAGE_CMD='["redis-server"]'

recipe() {
    require_version redis-server '5:7.0.15-'
    add_base
    # Debian installs redis-server, redis-sentinel and redis-check-rdb (the backups' snapshot check) as links to
    # one binary that picks its mode from argv[0].
    add_bin /usr/bin/redis-check-rdb /usr/bin/redis-server
    add_link /usr/bin/redis-sentinel redis-server
    add_link /usr/bin/redis-check-rdb redis-server
    add_bin /usr/bin/redis-cli
    require_version rclone '1.60.'
    add_bin /usr/bin/rclone
    add_file /etc/ssl/certs/ca-certificates.crt
    add_dir /data 999:999 0755
}
