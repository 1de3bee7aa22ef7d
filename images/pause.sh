# Image recipe (sourced by scripts/images.sh): the pod sandbox image of the real node's containerd, a static
# program built from images/pause (holds the pod's namespaces, reaps children, exits on TERM).
IMAGE_REF=localhost/stateful-k8s/pause:1.0
IMAGE_PACKAGES=()
IMAGE_USER=65535:65535
IMAGE_WORKDIR=/
IMAGE_ENTRYPOINT='["/pause"]'

recipe() {
    CGO_ENABLED=0 go build -C "$ROOT/images/pause" -trimpath -ldflags "-s -w -buildid=" -o "$ROOTFS/pause" .
}
