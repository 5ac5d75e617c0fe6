#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) needs; skips what is already at the pinned
# version. Everything comes from package registries: crates.io, npm, Debian.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
browser=0
[ "${1:-}" = "--browser" ] && browser=1

step() { printf '\n== %s\n' "$*"; }

lock_wb=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock 2>/dev/null || true)
if [ -n "$lock_wb" ] && [ "$lock_wb" != "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.lock has wasm-bindgen $lock_wb but scripts/env.sh pins $WASM_BINDGEN_VERSION" >&2
  exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "cargo install trunk $TRUNK_VERSION (about 12 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # Not --locked: its lock file pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Debian's binaryen (108) silently breaks current wasm-bindgen output; npm's is current.
if ! wasm-opt --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  step "npm install binaryen@$BINARYEN_VERSION (wasm-opt)"
  mkdir -p .tools/node
  npm install --silent --no-audit --no-fund --prefix .tools/node "binaryen@$BINARYEN_VERSION"
fi

if [ "$browser" = 1 ]; then
  # fonts-noto-cjk: without it Chinese prints as empty boxes (the print test measures pages);
  # poppler-utils: pdftoppm, for the printed pages' images (scripts/screenshots.sh).
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -d /usr/share/fonts/opentype/noto ] || ! command -v pdftoppm >/dev/null; then
    step "apt-get install chromium chromium-driver fonts-noto-cjk poppler-utils"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null
  fi
  if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ]; then
    step "npm ci (tests/e2e: playwright-core and axe-core, driving Debian's chromium; no browser download)"
    (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
fi
