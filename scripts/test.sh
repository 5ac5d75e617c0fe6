#!/usr/bin/env bash
# Runs every test: native engine and CLI tests, the wasm build, browser tests in headless
# Chromium, and a small benchmark smoke run. Installs what is missing first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"

declare -a times=()
t0=$(date +%s)
run() {
  local name="$1"; shift
  local s; s=$(date +%s)
  printf '\n==== %s\n' "$name"
  "$@"
  local d=$(( $(date +%s) - s ))
  times+=("$(printf '%6ss  %s' "$d" "$name")")
  printf '==== %s: %ss\n' "$name" "$d"
}

run "set-up (pinned tools, chromium)" bash scripts/setup.sh --browser
run "rustfmt check" cargo fmt --all -- --check
run "clippy (native, every target; warnings are errors)" cargo clippy --workspace --all-targets -- -D warnings
run "clippy (the page and its worker for wasm32)" cargo clippy -p hotline-web --target wasm32-unknown-unknown --lib --bins -- -D warnings
run "native tests (engine, CLI, web model, doc tests, import-cycle check)" cargo test --workspace
run "CLI build (used by the browser tests)" cargo build -p hotline-cli
run "wasm build (trunk, release; served and tested)" trunk build --release
run "browser tests (headless chromium)" node --test --test-concurrency=1 tests/e2e/
run "benchmark smoke runs (tiny sizes, debug build)" cargo test -p hotline-engine --bench ingest --bench audit

printf '\n==== step times\n'
printf '%s\n' "${times[@]}"
printf '%6ss  total\n' "$(( $(date +%s) - t0 ))"
