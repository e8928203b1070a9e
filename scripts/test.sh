#!/usr/bin/env bash
# Install what the tests need (apt: chromium, fonts-noto-cjk, poppler-utils, nginx, iproute2, postgresql;
# pip: requirements-dev.txt)
# and run the whole suite: lint, unit, app and real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_system.sh
python3 -m pip install -q -r requirements-dev.txt
python3 -m geo prepare-static
python3 -m ruff check .
python3 -m ruff format --check .
for f in geo/web/*.js; do node --check "$f"; done  # a syntax error fails here, not as a blank map
python3 -m pytest "$@"
