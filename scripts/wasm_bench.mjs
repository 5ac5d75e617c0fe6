// Times the engine's ingest (and optionally the report, or only the record scan) compiled to bare wasm, in Node's V8:
// the browser's engine without the page. Each sample is a fresh instance (first run, as a user
// sees it). Usage: node scripts/wasm_bench.mjs [--samples N] [--no-report | --cells | --scan-only] FILE...
// (--cells: the ingest, then the cells the page's worker sends the page, instead of the report)
// Build first: cargo build --release -p hotline-engine --example wasm_ingest --target wasm32-unknown-unknown
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
let samples = 5, report = 1, scanOnly = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--samples') samples = Number(args[++i]);
  else if (args[i] === '--no-report') report = 0;
  else if (args[i] === '--cells') report = 2;
  else if (args[i] === '--scan-only') scanOnly = true;
  else files.push(args[i]);
}
const wasm = new URL('../target/wasm32-unknown-unknown/release/examples/wasm_ingest.wasm', import.meta.url);
for (const file of files) {
  const bytes = readFileSync(file);
  const times = [];
  let rows = 0;
  for (let s = 0; s < samples; s++) {
    // A fresh module per sample, as a freshly loaded page compiles it (baseline code first).
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {});
    const ptr = exports.input(bytes.length);
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    const t = performance.now();
    rows = scanOnly ? exports.scan() : exports.run(report);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  const mb = bytes.length / 1048576;
  console.log(`${file}: ${rows} rows, median ${(med / 1000).toFixed(3)} s (${(mb / med * 1000).toFixed(0)} MB/s), samples ${times.map((t) => (t / 1000).toFixed(3)).join(' ')}`);
}
