#!/usr/bin/env bash
# System packages a fresh Debian machine lacks: Noto CJK (Korean glyphs in PNG/PDF briefing
# sheets) and, unless --app, Chromium (real-browser tests), poppler-utils (PDF checks), nginx
# (the replica cluster's tests run it with their own config), iproute2 (`ip`, for the offline
# bundle test's network namespace), postgresql (the store
# tests start a throwaway cluster); with --image also mmdebstrap, podman, runc (scripts/build_image.sh
# and tests/test_image.py, left out of the default test run: the image's root filesystem, its OCI
# archive, a container run with runc, since Debian's crun refuses these machines' hybrid cgroups).
# Installs only what is missing.
# nginx is installed without starting or enabling Debian's service (it would take port 80):
# the cluster starts its own nginx, unprivileged, with `-c` its own config (scripts/run_cluster.sh).
set -euo pipefail
need=()
if [ "${1:-}" != "--app" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftotext >/dev/null || need+=(poppler-utils)  # tests read the PDF sheet's text
  command -v node >/dev/null || need+=(nodejs)  # `node --check` parses geo/web/*.js in CI
  [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v ip >/dev/null || need+=(iproute2)  # the offline-bundle test brings up loopback in its namespace
  # the 보고서 tests preload Debian's FreeType for rhwp-python (its wheel's own lacks FT_Palette_Data_Get)
  [ -e /lib/x86_64-linux-gnu/libfreetype.so.6 ] || need+=(libfreetype6)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)  # the store tests' throwaway cluster
fi
if [ "${1:-}" = "--image" ]; then
  command -v mmdebstrap >/dev/null || need+=(mmdebstrap)  # scripts/build_image.sh: the image's Debian root
  command -v podman >/dev/null || need+=(podman)          # imports it as an OCI image, runs it in tests/test_image.py
  command -v runc >/dev/null || need+=(runc)              # the runtime that starts a container here (crun cannot)
fi
if [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then need+=(fonts-noto-cjk); fi
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing with apt: ${need[*]}"
# Package scripts ask /usr/sbin/policy-rc.d whether they may start a service; 101 = no. Only
# ours if there was none, and removed again however apt ends.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# scripts/setup_system.sh: no service starts while it installs packages\nexit 101\n' |
    $sudo tee "$policy.kdim-tmp" >/dev/null
  $sudo chmod 755 "$policy.kdim-tmp"
  $sudo mv "$policy.kdim-tmp" "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
for service in postgresql; do
  # Debian's postgresql also makes and enables a cluster; the tests start their own in a temporary folder.
  if [[ " ${need[*]} " == *" $service "* ]]; then
    if [ -d /run/systemd/system ]; then
      $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null; then
      $sudo update-rc.d "$service" disable >/dev/null 2>&1 || true
    fi
  fi
done
if [[ " ${need[*]} " == *" nginx "* ]]; then
  # The package enables its boot-time service; nothing here wants it (and nothing may own port 80).
  if [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now nginx >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null; then
    $sudo update-rc.d nginx disable >/dev/null 2>&1 || true
  fi
  /usr/sbin/nginx -v
fi
