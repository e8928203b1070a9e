#!/usr/bin/env bash
# Install the offline bundle (scripts/make_bundle.sh) on a machine with no pip index and no apt:
#
#   bash install_bundle.sh kdim-offline-<version>.tar.gz DIR      # DIR must not exist yet
#
# Checks the tarball (gzip integrity, then every file against its SHA256SUMS manifest), builds a
# venv from the bundled wheels only (pip --no-index; no pip configuration or index is read), and
# moves the result to DIR only when all of it worked: the work happens in a temporary directory
# beside DIR, removed on any failure, so there is never a half-installed DIR. Needs CPython 3.11
# on Linux x86_64 (the platform of the wheels; PYTHON=/path/to/python3.11 to choose one) and
# tar, gzip, sha256sum. Prints how to start the app (DIR/run.sh).
set -euo pipefail
PROG=install_bundle.sh
die() {
  echo "$PROG: $*" >&2
  exit 2
}
[ $# -eq 2 ] || die "usage: $PROG BUNDLE.tar.gz DIR (DIR: a new directory to install into)"
bundle=$1 dir=${2%/}
PYTHON=${PYTHON:-python3}

[ -f "$bundle" ] || die "$bundle: no such file (expected the kdim-offline-<version>.tar.gz made by make_bundle.sh)"
[ ! -e "$dir" ] || die "$dir already exists: install into a new directory (or remove it first); nothing was changed"
parent=$(dirname "$dir")
if [ ! -d "$parent" ] || [ ! -w "$parent" ]; then die "$parent (where $dir would go) is not a writable directory"; fi
dir=$(cd "$parent" && pwd)/$(basename "$dir")
command -v "$PYTHON" >/dev/null || die "$PYTHON not found: the bundle needs CPython 3.11 (set PYTHON=/path/to/python3.11)"
"$PYTHON" - <<'PY' || die "$PYTHON is not CPython 3.11 on Linux x86_64, the platform of the bundled wheels"
import platform, sys
ok = sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
sys.exit(0 if ok and sys.platform == "linux" and platform.machine() == "x86_64" else 1)
PY
"$PYTHON" -c 'import venv' 2>/dev/null || die "$PYTHON has no venv module"

t0=$(date +%s)
work=$(mktemp -d "$parent/.$(basename "$dir").installing.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {  # a bad bundle or a failed install: the trap removes the work directory
  echo "$PROG: $*; nothing was installed" >&2
  exit 1
}

echo "[install] checking $bundle"
if ! err=$(gzip -t "$bundle" 2>&1); then
  fail "$bundle is not a complete gzip file (truncated or corrupt: ${err##*: })"
fi
tar -xzf "$bundle" -C "$work" 2>"$work/tar.err" || fail "$bundle cannot be unpacked: $(tail -n 1 "$work/tar.err")"
rm -f "$work/tar.err"
mapfile -t tops < <(find "$work" -mindepth 1 -maxdepth 1)
if [ ${#tops[@]} -ne 1 ] || [ ! -d "${tops[0]}" ] || [[ "$(basename "${tops[0]}")" != kdim-offline-* ]]; then
  fail "$bundle does not hold one kdim-offline-<version>/ directory"
fi
root=${tops[0]}
[ -f "$root/SHA256SUMS" ] || fail "$bundle has no SHA256SUMS manifest"
if ! bad=$(cd "$root" && sha256sum --quiet --strict -c SHA256SUMS 2>&1); then
  fail "$bundle: files differ from its SHA256SUMS manifest: $(echo "$bad" | head -n 5 | tr '\n' ' ')"
fi
extra=$(cd "$root" && comm -13 <(sed 's/^[0-9a-f]*  //' SHA256SUMS | LC_ALL=C sort) \
  <(find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort) | head -n 5 | tr '\n' ' ')
[ -z "$extra" ] || fail "$bundle holds files its SHA256SUMS does not list: $extra"
pip_whl=$(find "$root/wheelhouse" -maxdepth 1 -name 'pip-*.whl' | head -n 1)
[ -n "$pip_whl" ] || fail "$bundle has no pip wheel in wheelhouse/"

echo "[install] venv from the bundled wheels (no index)"
# Only the wheelhouse: no pip.conf, no PIP_* settings, no index, no cache outside DIR.
for v in $(compgen -e | grep '^PIP_' || true); do unset "$v"; done
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1
"$PYTHON" -m venv --without-pip "$root/venv" || fail "$PYTHON -m venv failed"
py=$root/venv/bin/python
if ! "$py" "$pip_whl/pip" install --quiet --no-index --find-links "$root/wheelhouse" "$pip_whl" >"$work/pip.log" 2>&1 ||
  ! "$py" -m pip install --quiet --no-index --find-links "$root/wheelhouse" -r "$root/app/requirements.txt" \
    >>"$work/pip.log" 2>&1; then
  tail -n 30 "$work/pip.log" >&2
  fail "pip install from the bundled wheels failed (log above)"
fi
if ! (cd "$root/app" && "$py" -c 'import streamlit, streamlit_folium, geopandas, folium, matplotlib, geo.cli') \
  >"$work/import.log" 2>&1; then
  tail -n 20 "$work/import.log" >&2
  fail "the installed environment cannot import the app (log above)"
fi

# The venv's scripts name the directory they were made in: point them at DIR, then move in place.
grep -rlI --null -F "$root" "$root/venv/bin" "$root/venv/pyvenv.cfg" | xargs -0 -r sed -i "s|$root|$dir|g"
rm -rf "$root/wheelhouse" "$work/pip.log" "$work/import.log"
mv "$root" "$dir"
echo "[install] installed in $dir ($(($(date +%s) - t0)) s). Start it with:"
echo "  $dir/run.sh --server.port 8501      # then open http://localhost:8501 (add --server.address 0.0.0.0 for other PCs)"
