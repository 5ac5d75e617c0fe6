// In-browser benchmark: the real path a dropped file takes (file input → chunked reads →
// streaming ingest → report → DOM), in headless Chromium, each sample the first run in a freshly
// loaded page. Checks the page's figures against the CLI's JSON before reporting.
//
//   node tests/e2e/bench.mjs [--sizes 70000,300000,1000000] [--samples 5] [--readers 1] [--stream 1] [extra.csv ...]
//
// Needs dist/ (trunk build --release) and the release CLI (built here if missing).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync, execSync } from 'node:child_process';
import { serve, browser, open, shown, root } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
const sizes = opt('--sizes', '70000,300000,1000000').split(',').filter(Boolean).map(Number);
const samples = Number(opt('--samples', '5'));
// `--readers 1`: the page reads every file with one worker (its `?readers=1`), for comparisons.
// `--stream 1`: every file streamed into partial aggregates, as files of 1 GiB or more always are.
const params = [opt('--readers', '2') === '1' && 'readers=1', opt('--stream', '0') === '1' && 'stream=1'].filter(Boolean);
const query = params.length ? `?${params.join('&')}` : '';
const extra = args;

const cli = path.join(root, 'target', 'release', 'hotline');
if (!fs.existsSync(cli)) execSync('cargo build --release -p hotline-cli', { cwd: root, stdio: 'inherit' });
const dataDir = path.join(root, 'bench-data');
fs.mkdirSync(dataDir, { recursive: true });

const files = sizes.map((n) => {
  const f = path.join(dataDir, `month-${n}.csv`);
  if (!fs.existsSync(f)) execFileSync(cli, ['generate', '--month', '2021-02', '--tickets', String(n), '--seed', '1', '--out', f]);
  return f;
}).concat(extra);

function rendererRssKb(profileDir) {
  // Sum over the renderer processes of this browser (the page, its workers and wasm live there).
  const out = execSync('ps -eo pid,args').toString().split('\n');
  let kb = 0;
  for (const line of out) {
    if (!line.includes('--type=renderer') || !line.includes(profileDir)) continue;
    const pid = line.trim().split(/\s+/)[0];
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    } catch { /* exited */ }
  }
  return kb;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const server = await serve();
const rows = [];
for (const file of files) {
  const mb = fs.statSync(file).size / 1048576;
  const report = JSON.parse(execFileSync(cli, [file], { maxBuffer: 2 ** 31 - 1, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  const times = []; const mems = []; const paints = []; const rescores = []; const rescoreFrames = []; const switches = []; const switchFrames = []; const stalls = []; const lists = []; const clickMax = []; const clickCount = []; const readers = [];
  for (let s = 0; s < samples; s++) {
    const chrome = await browser();
    const t0 = Date.now();
    const { page } = await open(chrome.ctx, server.url + query);
    await page.waitForSelector('#overview', { timeout: 60000 });
    paints.push(Date.now() - t0);
    const profile = chrome.ctx._options?.userDataDir || '';
    const psArgs = execSync('ps -eo args').toString();
    const dirMatch = /--user-data-dir=(\S+)/.exec(psArgs.split('\n').find((l) => l.includes('hotline-chromium-')) || '');
    const dir = dirMatch ? dirMatch[1] : profile;
    await page.waitForTimeout(300);
    const base = rendererRssKb(dir);
    let peak = base;
    const poll = setInterval(() => { peak = Math.max(peak, rendererRssKb(dir)); }, 50);
    // Main-thread responsiveness during the load: the longest gap between 20 ms timer ticks
    // (a click waits at most about that long for its handler).
    await page.evaluate(() => {
      window.__stall = 0;
      let last = performance.now();
      window.__tick = setInterval(() => {
        const now = performance.now();
        window.__stall = Math.max(window.__stall, now - last - 20);
        last = now;
      }, 20);
    });
    // Click latency during the load: real clicks (through the browser's input pipeline) on the
    // side-files toggle every 250 ms; latency = from the click event's creation to its handler.
    await page.evaluate(() => {
      window.__clicks = [];
      document.querySelector('details.side-files summary').addEventListener('click',
        (ev) => window.__clicks.push(performance.now() - ev.timeStamp));
    });
    await page.setInputFiles('#ticket-file', file);
    let loading = true;
    const clicking = (async () => {
      while (loading) {
        await page.click('details.side-files summary', { timeout: 5000 }).catch(() => {});
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await page.waitForFunction((n) => document.querySelector('#rows-read')?.textContent === String(n)
      && document.querySelector('#load-ms'), report.source.rows_read, { timeout: 600000 });
    loading = false;
    await clicking;
    const clicks = await page.evaluate(() => window.__clicks);
    clickMax.push(clicks.length ? Math.max(...clicks) : NaN);
    clickCount.push(clicks.length);
    clearInterval(poll);
    stalls.push(await page.evaluate(() => { clearInterval(window.__tick); return window.__stall; }));
    peak = Math.max(peak, rendererRssKb(dir));
    const ms = Number(await page.getAttribute('#load-ms', 'data-ms'));
    readers.push(await page.getAttribute('#load-ms', 'data-readers'));
    // The figures must be the CLI's before the time counts.
    for (const key of ['accepted', 'due', 'on_time_rate', 'satisfaction_rate']) {
      const cell = await page.textContent(`#overview tr[data-row=${key}] [data-col=all]`);
      if (cell !== shown(report.city.all[key])) throw new Error(`${file}: ${key} shows ${cell}, CLI ${shown(report.city.all[key])}`);
    }
    times.push(ms); mems.push((peak - base) / 1024);
    // A rule change (edit → updated score table) and a month switch (re-count → updated page),
    // each timed in the page from the change event to the DOM being different.
    await page.selectOption('#rules-preset', 'lyg2021');
    await page.waitForSelector('#scores');
    // Time from the change event until the watched section's DOM has changed (a MutationObserver,
    // so the probe adds no layout of its own), and until the frame that shows it: the next
    // animation frame after the change, then the task after it (style, layout and paint done).
    const timeChange = (selector, value, watch) => page.evaluate(async ([sel, val, w]) => {
      const watched = document.querySelector(w);
      const el = document.querySelector(sel);
      let changedAt = null;
      const obs = new MutationObserver(() => { if (changedAt === null) changedAt = performance.now(); });
      obs.observe(watched, { subtree: true, childList: true, characterData: true });
      const t0 = performance.now();
      el.value = val;
      el.dispatchEvent(new Event('change', { bubbles: true }));
      obs.takeRecords().length && changedAt === null && (changedAt = performance.now());
      while (changedAt === null) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      obs.disconnect();
      return [changedAt - t0, performance.now() - t0];
    }, [selector, value, watch]);
    const field = await page.getAttribute('[data-field$=".threshold"]', 'data-field');
    const [rescore, rescoreFrame] = await timeChange(`[data-field="${field}"]`, '99', '#scores');
    rescores.push(rescore); rescoreFrames.push(rescoreFrame);
    const months = await page.$$eval('#period-last option', (o) => o.map((x) => x.value));
    if (months.length > 1) {
      // From the earliest month (untimed: a range), then the timed switch to that month alone
      // (the page refuses a "to" before the "from").
      await page.selectOption('#period-first', months[0]);
      await page.waitForFunction(() => !document.querySelector('#counting'));
      const [sw, swFrame] = await timeChange('#period-last', months[0], '#overview');
      switches.push(sw); switchFrames.push(swFrame);
    }
    // The busiest unit's shortfall lists: click on its name → lists on the page (from the
    // tickets in memory, or a second read of a streamed file).
    const busiest = report.units[0].name;
    lists.push(await page.evaluate(async (name) => {
      const t0 = performance.now();
      document.querySelector(`#unit-table tr[data-row="${name}"] .unit-link`).click();
      while (!document.querySelector(`#shortfalls[data-unit="${name}"] #shortfall-kinds`)) await new Promise((r) => setTimeout(r, 2));
      return performance.now() - t0;
    }, busiest));
    await chrome.close();
  }
  const t = median(times) / 1000;
  rows.push({ file: path.basename(file), rows: report.source.rows_read, mb, t, mbps: mb / t, rowsps: report.source.rows_read / t,
    mem: median(mems), paint: median(paints), rescore: median(rescores), rescoreFrame: median(rescoreFrames), switch: switches.length ? median(switches) : NaN, switchFrame: switchFrames.length ? median(switchFrames) : NaN, stall: median(stalls), lists: median(lists), click: median(clickMax), clicks: median(clickCount), readers: [...new Set(readers)].join('/') });
}
await server.close();

const dist = path.join(root, 'dist');
// Before first render: the page's wasm, its JS glue and the CSS. The worker's files load when the
// worker starts, after the page has rendered.
let gz = 0; let workerGz = 0;
for (const f of fs.readdirSync(dist)) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const n = zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
  if (f.startsWith('worker')) workerGz += n; else gz += n;
}
console.log(`| file | rows | MB | load → results (median of ${samples}) | MB/s | rows/s | renderer RSS growth MB (median) | first paint of sample results | rule edit → table (→ next frame) | month switch → page (→ next frame) | longest main-thread stall during load | slowest click answer during load (clicks per load) | busiest unit's shortfall lists | workers reading |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.file} | ${r.rows} | ${r.mb.toFixed(1)} | ${r.t.toFixed(3)} s | ${r.mbps.toFixed(0)} | ${(r.rowsps / 1e6).toFixed(2)}M | ${r.mem.toFixed(0)} | ${r.paint} ms | ${r.rescore.toFixed(1)} ms (${r.rescoreFrame.toFixed(0)} ms) | ${Number.isNaN(r.switch) ? '—' : `${r.switch.toFixed(0)} ms (${r.switchFrame.toFixed(0)} ms)`} | ${r.stall.toFixed(0)} ms | ${r.click.toFixed(0)} ms (${r.clicks}) | ${r.lists.toFixed(0)} ms | ${r.readers} |`);
}
console.log(`\nbundle before first render (wasm + js + css, gzip -9): ${(gz / 1024).toFixed(0)} KB; worker, loaded after: ${(workerGz / 1024).toFixed(0)} KB`);
