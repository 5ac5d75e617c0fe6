#!/usr/bin/env bash
# Fuzzes every target (or those named) for $FUZZ_SECONDS each (default 900 = 15 minutes), two at a
# time on this 2-core machine, on stable Rust with `--sanitizer none`; prints each target's
# executions, coverage and result, and leaves crashes in fuzz/artifacts/<target>/. Found inputs
# are minimised into fuzz/corpus/<target>/ (cargo fuzz cmin), which `cargo test` replays.
#   bash scripts/fuzz.sh                 # every target, 15 minutes each
#   FUZZ_SECONDS=60 bash scripts/fuzz.sh ingest datetime
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-900}
jobs=${FUZZ_JOBS:-2}
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ingest reencoded datetime rules side_files partial cells link)
cargo run -q -p hotline-fuzz --example write_seeds
mkdir -p target/fuzz-logs
flags=(--features libfuzzer --sanitizer none --release --debug-assertions)
for t in "${targets[@]}"; do cargo fuzz build "${flags[@]}" "$t" || exit 1; done
run() {
  local t=$1 log=target/fuzz-logs/$1.log
  cargo fuzz run "${flags[@]}" "$t" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 >"$log" 2>&1
  local rc=$?
  local execs cov
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then result=clean; else result="CRASH (rc $rc; see $log and fuzz/artifacts/$t/)"; fi
  printf '%-11s %5ss  execs %-10s coverage %-6s %s\n' "$t" "$seconds" "${execs:-?}" "${cov:-?}" "$result"
}
i=0
for t in "${targets[@]}"; do
  run "$t" &
  i=$((i + 1))
  if [ $((i % jobs)) -eq 0 ]; then wait; fi
done
wait
for t in "${targets[@]}"; do cargo fuzz cmin "${flags[@]}" "$t" >/dev/null 2>&1 || true; done
