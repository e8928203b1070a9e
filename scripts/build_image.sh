#!/usr/bin/env bash
# Build the app's container image on this machine, with no registry and no Dockerfile:
#
#   bash scripts/build_image.sh OUT.tar        # an OCI archive of localhost/kdim:<version>
#   bash scripts/build_image.sh --print-image  # only print the image name (deploy/k8s uses it)
#   bash scripts/build_image.sh --print-config # image, CMD, user and port as JSON (tests/test_k8s.py)
#
# 1. a Debian bookworm root filesystem by mmdebstrap, from the Debian mirror configured on this
#    machine (/etc/apt/sources.list.d/debian.sources, or DEBIAN_SOURCES=FILE|URL): python3 (3.11),
#    nginx-light (serves the briefing site in Kubernetes), no apt, no documentation;
# 2. the offline bundle (scripts/make_bundle.sh: the app with its data, the pinned wheels of
#    requirements.txt, Noto Sans CJK) installed into it at /opt/kdim by its own install_bundle.sh,
#    run inside the new root (pip --no-index: nothing is downloaded twice); KDIM_BUNDLE=FILE.tar.gz
#    reuses a bundle already made;
# 3. the user kdim (UID/GID 10001, HOME /home/kdim), the app's Python files compiled;
# 4. imported with podman (its own storage under a temporary directory, vfs driver: nothing is
#    left in /var/lib/containers) with CMD `python3 -m geo serve --server.port 8501 --server.address
#    0.0.0.0`, USER 10001, WORKDIR /opt/kdim/app, EXPOSE 8501, and saved as an OCI archive
#    (`podman save --format oci-archive`), written under a temporary name and renamed when complete.
#
# Needs root (mmdebstrap --mode=root, podman import), mmdebstrap and podman (Debian packages:
# bash scripts/setup_system.sh --image installs them), the network to the Debian mirror (and to PyPI when
# no KDIM_BUNDLE is given). Prints the image's size and the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
PROG=build_image.sh
UID_KDIM=10001
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
IMAGE=localhost/kdim:$version
PORT=8501
CMD=(python3 -m geo serve --server.port "$PORT" --server.address 0.0.0.0)

die() {
  echo "$PROG: $*" >&2
  exit 2
}
cmd_json=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${CMD[@]}")
case "${1:-}" in
  --print-image)
    echo "$IMAGE"
    exit 0
    ;;
  --print-config)
    echo "{\"image\": \"$IMAGE\", \"cmd\": $cmd_json, \"user\": $UID_KDIM, \"port\": $PORT}"
    exit 0
    ;;
esac
[ $# -eq 1 ] || die "usage: $PROG OUT.tar (an OCI archive of $IMAGE) | $PROG --print-image"
out=$1
[[ "$out" == *.tar ]] || die "$out: the output is an OCI archive and must end in .tar"
out_dir=$(dirname "$out")
[ -d "$out_dir" ] && [ -w "$out_dir" ] || die "$out_dir (where $out would go) is not a writable directory"
out=$(cd "$out_dir" && pwd)/$(basename "$out")
[ "$(id -u)" -eq 0 ] || die "run it as root (mmdebstrap --mode=root and podman import need it)"
for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || die "$tool not found: install Debian's $tool (bash scripts/setup_system.sh --image)"
done
sources=${DEBIAN_SOURCES:-/etc/apt/sources.list.d/debian.sources}
if [[ "$sources" != *://* ]] && [ ! -f "$sources" ]; then
  die "$sources not found: set DEBIAN_SOURCES to a sources file or a mirror URL (http://deb.debian.org/debian)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kdim-image.XXXXXX")
cleanup() {
  # podman's vfs layers are plain directories; its storage is ours alone.
  podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs rmi -a -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
t0=$SECONDS
step() {
  echo "[image] $* ($((SECONDS - t0)) s)"
}

bundle=${KDIM_BUNDLE:-}
if [ -z "$bundle" ]; then
  step "the offline bundle (scripts/make_bundle.sh)"
  bash scripts/make_bundle.sh "$work/bundle" >"$work/bundle.log" 2>&1 || {
    tail -n 20 "$work/bundle.log" >&2
    die "make_bundle.sh failed (log above)"
  }
  bundle=$(find "$work/bundle" -maxdepth 1 -name "kdim-offline-$version.tar.gz")
fi
[ -f "$bundle" ] || die "${bundle:-the bundle}: no such file (expected kdim-offline-$version.tar.gz from make_bundle.sh)"

step "Debian bookworm root filesystem (mmdebstrap, mirror: $sources)"
rootfs=$work/rootfs
# The customize hooks run with the root's /proc, /sys and /dev mounted: the bundle is installed by
# its own installer, with the image's python3, from its wheels only.
mmdebstrap --mode=root --variant=essential --format=directory --quiet \
  --include=python3,python3-venv,libstdc++6,nginx-light,ca-certificates,tzdata \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='mkdir -p "$1/opt" "$1/tmp/kdim-install"' \
  --customize-hook="cp '$bundle' scripts/install_bundle.sh \"\$1/tmp/kdim-install/\"" \
  --customize-hook="chroot \"\$1\" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root bash /tmp/kdim-install/install_bundle.sh /tmp/kdim-install/$(basename "$bundle") /opt/kdim" \
  --customize-hook='rm -rf "$1/tmp/kdim-install" "$1/root/.cache"' \
  --customize-hook="chroot \"\$1\" /opt/kdim/venv/bin/python -m compileall -q -j 2 /opt/kdim/app/geo /opt/kdim/app/ui /opt/kdim/app/app.py >/dev/null" \
  --customize-hook="echo 'kdim:x:$UID_KDIM:$UID_KDIM:kdim:/home/kdim:/usr/sbin/nologin' >>\"\$1/etc/passwd\"" \
  --customize-hook="echo 'kdim:x:$UID_KDIM:' >>\"\$1/etc/group\"" \
  --customize-hook="echo 'kdim:!:20000::::::' >>\"\$1/etc/shadow\"" \
  --customize-hook="install -d -m 750 -o $UID_KDIM -g $UID_KDIM \"\$1/home/kdim\"" \
  --customize-hook='rm -rf "$1/var/lib/apt/lists"/* "$1/var/cache/apt"/* "$1/var/log"/*.log' \
  bookworm "$rootfs" "$sources" 2>"$work/mmdebstrap.log" || {
  tail -n 30 "$work/mmdebstrap.log" >&2
  die "mmdebstrap failed (log above)"
}
[ -x "$rootfs/opt/kdim/venv/bin/python" ] || die "the bundle was not installed in the root filesystem"

step "OCI image $IMAGE (podman import, vfs storage in $work)"
tar -C "$rootfs" --numeric-owner --xattrs -cf "$work/rootfs.tar" .
rm -rf "$rootfs"
pm=(podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs)
"${pm[@]}" import --quiet \
  --change "ENV PATH=/opt/kdim/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" --change "ENV HOME=/home/kdim" --change "ENV KDIM_FONT_DIR=/opt/kdim/fonts" \
  --change "ENV PYTHONDONTWRITEBYTECODE=1" \
  --change "USER $UID_KDIM:$UID_KDIM" --change "WORKDIR /opt/kdim/app" --change "EXPOSE $PORT/tcp" \
  --change "LABEL org.opencontainers.image.title=kdim org.opencontainers.image.version=$version" \
  --change "CMD $cmd_json" \
  "$work/rootfs.tar" "$IMAGE" >/dev/null
rm -f "$work/rootfs.tar"
"${pm[@]}" save --quiet --format oci-archive -o "$work/image.tar" "$IMAGE" >/dev/null
mv "$work/image.tar" "$out"
size=$(du -m "$out" | cut -f1)
step "wrote $out: $IMAGE, ${size} MB"
echo "  load it: podman load -i $out   |   ctr -n k8s.io images import $out   |   skopeo copy oci-archive:$out docker://registry.internal/kdim:$version"
