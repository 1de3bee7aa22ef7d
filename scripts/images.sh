#!/usr/bin/env bash
# Builds the real node's container images locally, with no registry: each recipe in images/<name>.sh lists
# the files of a one-layer root filesystem (binaries from installed Debian packages with the shared
# libraries they load, or a static Go program); this script packs it as a docker-archive tar that
# `ctr -n k8s.io images import` reads. Reproducible: fixed file order, owners and times (epoch 0), so the
# same packages give the same image ID. Cached by the recipe's, this script's and the packages' versions.
#
#   scripts/images.sh [build] [name ...]   build (default: every recipe); prints one "<ref> <tar>" line per image
#   scripts/images.sh refs                 prints each recipe's "<name> <ref>"
#
# Environment: STATEFUL_K8S_IMAGES (cache, default ${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/images).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${STATEFUL_K8S_IMAGES:-${XDG_CACHE_HOME:-$HOME/.cache}/stateful-k8s/images}
RECIPES=$ROOT/images
# Every image's tools come first from Debian's own binaries (as the host's real-process tests run them); busybox
# provides any other applet a script might call.
BASE_PACKAGES=(dash coreutils sed grep mawk libc-bin busybox-static)
COREUTILS=(cat chmod chown cp cut date echo env false head id ln ls mkdir mv printf readlink rm seq sleep sort stat
    tail tee test timeout touch tr true uname uniq wc basename dirname expr)

say() { echo "images: $*" >&2; }
die() {
    say "$*"
    exit 1
}

names() { for f in "$RECIPES"/*.sh; do basename "$f" .sh; done; }

# --- helpers for recipes: they write into $ROOTFS ---------------------------------------------------------

require_version() { # <package> <version prefix>
    local v
    v=$(dpkg-query -W -f '${Version}' "$1" 2>/dev/null) || die "package $1 is not installed: run scripts/real-node-deps.sh"
    case "$v" in "$2"*) ;; *) die "$IMAGE_REF needs $1 $2*, found $v (update the recipe's tag)" ;; esac
}

add_dir() { # <path> [uid:gid] [mode]
    mkdir -p "$ROOTFS$1"
    chown "${2:-0:0}" "$ROOTFS$1"
    chmod "${3:-0755}" "$ROOTFS$1"
}

add_link() { # <path> <target>
    mkdir -p "$ROOTFS$(dirname "$1")"
    ln -sfn "$2" "$ROOTFS$1"
}

add_file() { # <source> [destination] : a copy of the file, not of a link
    local src=$1 dst=${2:-$1}
    [ -e "$src" ] || die "$src is missing (is its package installed? scripts/real-node-deps.sh)"
    mkdir -p "$ROOTFS$(dirname "$dst")"
    cp -L --preserve=mode "$src" "$ROOTFS$dst"
}

add_bin() { # <source> [destination] : the binary and every shared library the dynamic loader resolves for it
    add_file "$@"
    local lib
    while read -r lib; do
        [ -n "$lib" ] && [ ! -e "$ROOTFS$lib" ] && add_file "$lib"
    done < <(ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
    return 0
}

add_passwd() { # root, the redis user the pods run as (999) and nobody
    add_dir /etc
    printf 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:999:redis:/data:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$ROOTFS/etc/passwd"
    printf 'root:x:0:\nredis:x:999:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
    chmod 0644 "$ROOTFS/etc/passwd" "$ROOTFS/etc/group"
}

add_base() { # /bin/sh (dash), coreutils, sed, grep, awk, getent, the busybox applets for the rest, /etc, /tmp
    add_passwd
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
    add_dir /tmp 0:0 1777
    add_dir /root 0:0 0700
    add_bin /bin/dash
    add_link /bin/sh dash
    for c in "${COREUTILS[@]}"; do
        if [ -e "/usr/bin/$c" ]; then add_bin "/usr/bin/$c"; else add_bin "/bin/$c"; fi
    done
    add_bin /bin/sed
    add_bin /bin/grep
    add_bin /usr/bin/mawk
    add_link /usr/bin/awk mawk
    add_bin /usr/bin/getent
    add_file /bin/busybox
    local applet
    for applet in $(/bin/busybox --list); do
        [ -e "$ROOTFS/bin/$applet" ] || [ -e "$ROOTFS/usr/bin/$applet" ] || [ -e "$ROOTFS/sbin/$applet" ] ||
            [ -e "$ROOTFS/usr/sbin/$applet" ] || add_link "/bin/$applet" busybox
    done
}

# --- packing ---------------------------------------------------------------------------------------------

TAR_OPTS=(--sort=name --mtime=@0 --numeric-owner --format=gnu)

json_or_null() { if [ -n "${1:-}" ]; then printf '%s' "$1"; else printf 'null'; fi; }

pack() { # <rootfs> <ref> <output tar>
    local rootfs=$1 ref=$2 out=$3 work
    work=$(mktemp -d)
    tar -C "$rootfs" "${TAR_OPTS[@]}" -cf "$work/layer.tar" .
    local diff_id
    diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
    printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"%s","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s,"Cmd":%s,"WorkingDir":"%s"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"stateful-k8s scripts/images.sh"}]}' \
        "$IMAGE_USER" "$(json_or_null "${IMAGE_ENTRYPOINT:-}")" "$(json_or_null "${IMAGE_CMD:-}")" "$IMAGE_WORKDIR" "$diff_id" >"$work/config.json"
    local config_id
    config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    mkdir -p "$work/archive/$diff_id"
    mv "$work/layer.tar" "$work/archive/$diff_id/layer.tar"
    mv "$work/config.json" "$work/archive/$config_id.json"
    printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_id" "$ref" "$diff_id" >"$work/archive/manifest.json"
    tar -C "$work/archive" "${TAR_OPTS[@]}" --owner=0 --group=0 -cf "$out.tmp" .
    mv "$out.tmp" "$out"
    rm -rf "$work"
    echo "$config_id"
}

build_one() { # <name>
    local name=$1 recipe=$RECIPES/$1.sh
    [ -f "$recipe" ] || die "no recipe images/$name.sh (recipes: $(names | tr '\n' ' '))"
    unset IMAGE_ENTRYPOINT IMAGE_CMD IMAGE_BINARY
    IMAGE_PACKAGES=()
    # shellcheck source=/dev/null
    source "$recipe"
    local packages=("${IMAGE_PACKAGES[@]}")
    [ "$name" = pause ] || packages+=("${BASE_PACKAGES[@]}")
    local versions key
    versions=$(for p in "${packages[@]}"; do printf '%s=%s\n' "$p" "$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo missing)"; done)
    [ "$name" != pause ] || versions="$(go version) $(cat "$RECIPES"/pause/go.mod "$RECIPES"/pause/*.go | sha256sum)"
    # A recipe that packs a binary built elsewhere (IMAGE_BINARY, from the toolchain) is keyed by its content.
    [ -z "${IMAGE_BINARY:-}" ] || versions+=" $(sha256sum "$IMAGE_BINARY" 2>/dev/null | cut -d' ' -f1 || echo missing)"
    key=$(printf '%s\n%s\n%s\n%s\n' "$(cat "$recipe")" "$(sed -n '/^# --- helpers/,$p' "$0")" "$versions" "$IMAGE_REF" | sha256sum | cut -c1-16)
    local tar=$CACHE/$name.tar
    if [ -f "$tar" ] && [ "$(cat "$CACHE/$name.key" 2>/dev/null)" = "$key" ]; then
        say "$name cached ($IMAGE_REF, $(cat "$CACHE/$name.id" | cut -c1-12))"
    else
        local start=$SECONDS
        ROOTFS=$(mktemp -d)
        chmod 0755 "$ROOTFS"
        recipe
        local id
        id=$(pack "$ROOTFS" "$IMAGE_REF" "$tar")
        rm -rf "$ROOTFS"
        echo "$id" >"$CACHE/$name.id"
        echo "$key" >"$CACHE/$name.key"
        say "built $name ($IMAGE_REF, image ID sha256:${id:0:12}, $(du -h "$tar" | cut -f1)) in $((SECONDS - start)) s"
    fi
    echo "$IMAGE_REF $tar"
}

cmd=${1:-build}
case "$cmd" in
    build)
        [ $# -eq 0 ] || shift
        mkdir -p "$CACHE"
        command -v dpkg-query >/dev/null || die "dpkg-query is needed (a Debian system)"
        list=("$@")
        [ ${#list[@]} -gt 0 ] || mapfile -t list < <(names)
        for n in "${list[@]}"; do build_one "$n"; done
        ;;
    refs)
        for n in $(names); do
            # shellcheck source=/dev/null
            (source "$RECIPES/$n.sh" && echo "$n $IMAGE_REF")
        done
        ;;
    *)
        # A bare image name builds that image.
        if [ -f "$RECIPES/$cmd.sh" ]; then
            mkdir -p "$CACHE"
            for n in "$@"; do build_one "$n"; done
        else
            echo "usage: scripts/images.sh [build] [name ...] | refs" >&2
            exit 2
        fi
        ;;
esac
