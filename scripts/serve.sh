#!/usr/bin/env bash
# Builds the app and serves it at http://127.0.0.1:8080 with the sample month loaded.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh
echo "Serving at http://127.0.0.1:8080 (Ctrl-C stops)"
exec trunk serve --release --address 127.0.0.1 --port 8080
