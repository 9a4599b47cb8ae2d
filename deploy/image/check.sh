#!/usr/bin/env bash
# Builds the Dockerfile without Docker and without a registry, then runs `make demo`'s voting app
# with the controller taken from the image. For machines (like kro-cpp's CI) that reach Debian's
# package mirror but no container registry: the `debian:bookworm` / `bookworm-slim` base images
# are made locally with debootstrap, the image is built by buildah (chroot isolation, rootful).
# Takes ~15 min on 2 cores; not part of `make test`.
#
#   deploy/image/check.sh            needs root (apt-get, debootstrap, buildah)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export STORAGE_DRIVER=vfs
IMAGE=localhost/kro-cpp:dev
log() { echo "image-check: $*" >&2; }

command -v buildah >/dev/null && command -v debootstrap >/dev/null \
  || apt-get install -y -qq --no-install-recommends buildah debootstrap >/dev/null

WORK="$(mktemp -d /tmp/kro-image.XXXXXX)"
CTR=""
cleanup() {
  [[ -n "$CTR" ]] && buildah rm "$CTR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The base images, from Debian's mirror.
if ! buildah inspect docker.io/library/debian:bookworm >/dev/null 2>&1; then
  log "debootstrap bookworm (minbase) ..."
  debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >/dev/null
  rm -f "$WORK"/rootfs/var/cache/apt/archives/*.deb
  base="$(buildah from scratch)"
  cp -a "$WORK/rootfs/." "$(buildah mount "$base")/"
  buildah umount "$base" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$base"
  buildah commit -q "$base" docker.io/library/debian:bookworm >/dev/null
  buildah rm "$base" >/dev/null
  buildah tag docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim
fi

# 2. The image, from the committed tree (what a clean clone would send).
mkdir "$WORK/context"
git -C "$ROOT" archive HEAD | tar -x -C "$WORK/context"
log "buildah bud (the Dockerfile) ..."
(cd "$WORK/context" && buildah bud --pull=never --isolation=chroot --layers=false -t "$IMAGE" . | tail -n 40)
log "image: $(buildah inspect --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Entrypoint}}' "$IMAGE")"

# 3. The demo with the controller from the image (root inside: the local control plane's
#    client key is root-only; in a cluster the ServiceAccount token is readable by 65532).
CTR="$(buildah from "$IMAGE")"
cat >"$WORK/kro" <<WRAP
#!/usr/bin/env bash
exec buildah run --user 0:0 --isolation chroot --net host -v /tmp:/tmp -v "$ROOT:$ROOT:ro" \
  "$CTR" -- /usr/local/bin/kro "\$@"
WRAP
chmod +x "$WORK/kro"
KRO="$WORK/kro" "$ROOT/scripts/demo"
log "the voting app demo passed with the controller from $IMAGE"
