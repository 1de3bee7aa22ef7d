#!/usr/bin/env bash
# Installs the system packages the test suite runs for real: redis-server and redis-sentinel (Debian),
# promtool (Debian's prometheus package) for the alert-rule tests, and rclone (the S3 client of the Redis
# backups). Idempotent: does nothing when all are present.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-sentinel >/dev/null && command -v redis-cli >/dev/null &&
    command -v promtool >/dev/null && command -v rclone >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "test-deps: redis-server, redis-sentinel, redis-cli, promtool and rclone are needed; install them with your package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "test-deps: installing redis-server, redis-sentinel, redis-tools, prometheus (for promtool) and rclone (Debian packages)"
$SUDO apt-get update -qq
# The packages' init scripts do not start services in containers (policy-rc.d); the tests start their own processes.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server redis-sentinel redis-tools prometheus rclone >/dev/null
redis-server --version
promtool --version | head -1
