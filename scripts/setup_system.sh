#!/usr/bin/env bash
# System packages a fresh Debian machine lacks: Noto CJK (Korean glyphs in PNG/PDF briefing
# sheets) and, unless --app, Chromium (real-browser tests) and poppler-utils (PDF checks). Installs only what is missing.
set -euo pipefail
need=()
if [ "${1:-}" != "--app" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftotext >/dev/null || need+=(poppler-utils)  # tests read the PDF sheet's text
  command -v node >/dev/null || need+=(nodejs)  # `node --check` parses geo/web/*.js in CI
fi
if [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then need+=(fonts-noto-cjk); fi
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing with apt: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
