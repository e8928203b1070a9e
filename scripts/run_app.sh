#!/usr/bin/env bash
# Install what the app needs and start it on the bundled data (http://localhost:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_system.sh --app
python3 -m pip install -q -r requirements.txt
exec python3 -m geo serve "$@"
