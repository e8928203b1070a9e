#!/usr/bin/env bash
# Build the offline install bundle for closed networks (망분리: no pip index, no apt at the target):
#
#   bash scripts/make_bundle.sh [OUTDIR]      # default dist/
#
# writes OUTDIR/kdim-offline-<version>.tar.gz (version from pyproject.toml), its .sha256, and
# install_bundle.sh beside it. Run it where PyPI is reachable. Inside, under kdim-offline-<version>/:
#   wheelhouse/   every wheel of requirements.txt (and pip) for THIS machine's platform:
#                 CPython 3.11 on Linux x86_64 (the target must match; install_bundle.sh checks)
#   app/          app.py, ui/, geo/, data/ (with the built GeoPackage), static/ (with Leaflet in
#                 static/vendor), .streamlit/, requirements.txt, pyproject.toml, README.md
#   fonts/        Noto Sans CJK (Debian's fonts-noto-cjk, OFL) for the PNG/PDF briefing sheets
#   run.sh        starts the installed app;  install.sh  a copy of install_bundle.sh
#   BUNDLE_INFO, SHA256SUMS (every other file's SHA-256: install_bundle.sh checks them all)
# The tarball is written under a temporary name and renamed when complete.
set -euo pipefail
cd "$(dirname "$0")/.."
PROG=make_bundle.sh
PIP_VERSION=25.3  # the pip the target's venv is bootstrapped with (from the wheelhouse)
FONT_DIR=/usr/share/fonts/opentype/noto
FONTS=(NotoSansCJK-Regular.ttc NotoSansCJK-Bold.ttc)  # what geo/briefing.py loads (FONT_FILES)

die() {
  echo "$PROG: $*" >&2
  exit 2
}
[ $# -le 1 ] || die "usage: $PROG [OUTDIR]"
out=${1:-dist}

python3 - <<'PY' || die "the bundle is built for the platform it is built on, and must be CPython 3.11 on Linux x86_64"
import platform, sys
sys.exit(0 if sys.version_info[:2] == (3, 11) and sys.platform == "linux" and platform.machine() == "x86_64" else 1)
PY
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
name=kdim-offline-$version
[ -f data/shapefiles/korea_admin_2024.gpkg ] ||
  die "data/shapefiles/korea_admin_2024.gpkg missing: build it with python -m geo build-boundaries"
for f in "${FONTS[@]}"; do
  [ -f "$FONT_DIR/$f" ] || die "$FONT_DIR/$f missing: install Debian's fonts-noto-cjk (bash scripts/setup_system.sh --app)"
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "$out/.$name.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
mkdir -p "$root/app" "$root/wheelhouse" "$root/fonts"
t0=$SECONDS

echo "[bundle] static files and app"
python3 -m geo prepare-static >/dev/null
tar -c --exclude=__pycache__ --exclude='*.pyc' --exclude=data/cache \
  app.py ui geo data static .streamlit requirements.txt pyproject.toml README.md | tar -x -C "$root/app"
ls "$root"/app/static/vendor/kdim-*/map.js >/dev/null 2>&1 || die "static/vendor has no map.js (Leaflet and the map's code) after prepare-static"

echo "[bundle] wheelhouse (pip wheel -r requirements.txt, pip==$PIP_VERSION)"
if ! python3 -m pip wheel --quiet --no-input -r requirements.txt -w "$root/wheelhouse" >"$stage/pip.log" 2>&1 ||
  ! python3 -m pip download --quiet --no-input --no-deps -d "$root/wheelhouse" "pip==$PIP_VERSION" >>"$stage/pip.log" 2>&1; then
  grep -v "is ignored: it is neither a file nor a directory" "$stage/pip.log" | tail -n 30 >&2
  die "pip could not fetch or build the wheels of requirements.txt (log above)"
fi
not_wheels=$(find "$root/wheelhouse" -type f ! -name '*.whl' -printf '%f ')
[ -z "$not_wheels" ] || die "the wheelhouse holds files that are not wheels: $not_wheels"

echo "[bundle] fonts from $FONT_DIR ($(dpkg-query -W -f '${Package} ${Version}' fonts-noto-cjk 2>/dev/null || echo 'fonts-noto-cjk'))"
for f in "${FONTS[@]}"; do cp "$FONT_DIR/$f" "$root/fonts/"; done
[ ! -f /usr/share/doc/fonts-noto-cjk/copyright ] || cp /usr/share/doc/fonts-noto-cjk/copyright "$root/fonts/LICENSE-fonts-noto-cjk"

cp scripts/install_bundle.sh "$root/install.sh"
cat >"$root/run.sh" <<'SH'
#!/usr/bin/env bash
# Start the installed app (scripts/install_bundle.sh put the venv beside app/). Arguments go to
# `streamlit run`, e.g. --server.port 8501 --server.address 0.0.0.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The bundled Korean font, for the PNG/PDF briefing sheets: geo/briefing.py does not read this
# variable yet (it looks in /usr/share/fonts/opentype/noto); see README "Offline install".
export KDIM_FONT_DIR="$here/fonts"
cd "$here/app"
exec "$here/venv/bin/python" -m geo serve "$@"
SH
chmod 755 "$root/run.sh" "$root/install.sh"
{
  echo "name=$name"
  echo "version=$version"
  echo "python=cp311"
  echo "platform=linux_x86_64 ($(python3 -c 'import sysconfig; print(sysconfig.get_platform())'))"
  echo "commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "wheels=$(find "$root/wheelhouse" -name '*.whl' | wc -l)"
} >"$root/BUNDLE_INFO"
(cd "$root" && find . -type f ! -name SHA256SUMS -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum) >"$root/SHA256SUMS"

echo "[bundle] tar.gz"
tmp_tar=$stage/$name.tar.gz
# gzip -1: the wheels are compressed already; a higher level costs time for a few MB.
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -1 >"$tmp_tar"
gzip -t "$tmp_tar"
(cd "$stage" && sha256sum "$name.tar.gz") >"$stage/$name.tar.gz.sha256"
cp scripts/install_bundle.sh "$stage/install_bundle.sh.tmp"
mv "$tmp_tar" "$out/$name.tar.gz"
mv "$stage/$name.tar.gz.sha256" "$out/$name.tar.gz.sha256"
mv "$stage/install_bundle.sh.tmp" "$out/install_bundle.sh"
size=$(du -m "$out/$name.tar.gz" | cut -f1)
echo "[bundle] wrote $out/$name.tar.gz (${size} MB, $((SECONDS - t0)) s); copy it with install_bundle.sh to the target and run:"
echo "  bash install_bundle.sh $name.tar.gz /opt/kdim"
