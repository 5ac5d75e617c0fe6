#!/usr/bin/env bash
# Remakes docs/screenshots/: every view at 1366 and 390 px, and the first printed page of each
# (A4, as Chromium prints it), from the print test on a generated 60-unit month.
#   bash scripts/screenshots.sh        (after `trunk build --release` and `cargo build -p hotline-cli`)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/screenshots
SHOTS="$PWD/docs/screenshots" node --test --test-concurrency=1 tests/e2e/print.test.mjs
ls docs/screenshots
