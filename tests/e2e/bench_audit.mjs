// In-browser benchmark of 本单位自查: opening a unit (search → audit painted) and a what-if with 1
// and with 100 ticks (the tick → the what-if painted, the page's own `data-ms`), at each size.
// Medians of `--samples` runs. Not a test: the numbers go into docs/performance.md.
//
//   node tests/e2e/bench_audit.mjs [--sizes 70000,1000000] [--samples 5] [--stream 1]
//
// Needs dist/ (trunk build --release) and the release CLI (built here if missing).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, execSync } from 'node:child_process';
import { serve, browser, open, root } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : dflt; };
const sizes = opt('--sizes', '70000,1000000').split(',').filter(Boolean).map(Number);
const samples = Number(opt('--samples', '5'));
const query = opt('--stream', '0') === '1' ? '?stream=1' : '';
const unit = '海州区';

const cli = path.join(root, 'target', 'release', 'hotline');
if (!fs.existsSync(cli)) execSync('cargo build --release -p hotline-cli', { cwd: root, stdio: 'inherit' });
const dataDir = path.join(root, 'bench-data');
fs.mkdirSync(dataDir, { recursive: true });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/// Ticks `n` boxes of the longest list at once (one change event) and waits for the painted what-if.
async function whatIf(page, n) {
  const seq = await page.evaluate((n) => {
    const root = document.getElementById('audit-view');
    const lists = [...root.querySelectorAll('.audit-list')].sort((a, b) => b.querySelectorAll('input[data-fix]').length - a.querySelectorAll('input[data-fix]').length);
    const boxes = [...lists[0].querySelectorAll('input[data-fix]')].slice(0, n);
    root.querySelectorAll('input:checked').forEach((b) => { b.checked = false; });
    document.getElementById('audit-whatif').removeAttribute('data-ms');
    boxes.forEach((b) => { b.checked = true; });
    boxes[boxes.length - 1].dispatchEvent(new Event('change', { bubbles: true }));
    return boxes.length;
  }, n);
  await page.waitForSelector(`#audit-whatif[data-ms] [data-whatif="${seq}"]`, { timeout: 60000 });
  const answered = Number(await page.getAttribute('#audit-whatif', 'data-answer-ms'));
  const painted = Number(await page.getAttribute('#audit-whatif', 'data-ms'));
  console.error(`  ${n} ticks: answered ${answered.toFixed(1)} ms, painted ${painted.toFixed(1)} ms`);
  return painted;
}

const server = await serve();
const rows = [];
for (const n of sizes) {
  const file = path.join(dataDir, `month-${n}.csv`);
  if (!fs.existsSync(file)) execFileSync(cli, ['generate', '--month', '2021-02', '--tickets', String(n), '--seed', '1', '--out', file]);
  const times = { open: [], one: [], hundred: [] };
  for (let s = 0; s < samples; s++) {
    const chrome = await browser();
    const { page } = await open(chrome.ctx, server.url + query);
    await page.waitForSelector('#rows-read');
    await page.setInputFiles('#ticket-file', file);
    await page.waitForFunction((n) => Number(document.querySelector('#rows-read')?.textContent) >= n, n, { timeout: 120000 });
    await page.selectOption('#rules-preset', 'lyg2021');
    await page.waitForSelector('#scores table.score-table');
    // A re-count the rules asked for (their deadlines) has finished: the audit is asked once.
    await page.waitForFunction(() => !document.getElementById('counting'), null, { timeout: 120000 });
    await page.locator('#nav-audit').click();
    const started = await page.evaluate(() => performance.now());
    await page.locator('#unit-search').fill(unit);
    await page.locator('#unit-search').press('Enter');
    await page.waitForSelector(`#audit-view .audit-body[data-unit="${unit}"]`, { timeout: 120000 });
    // Painted: a task queued from the next frame's callback runs after that frame is drawn.
    times.open.push(await page.evaluate((t) => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t), 0))), started));
    console.error(`  ${n}: opened in ${times.open.at(-1).toFixed(0)} ms`);
    times.one.push(await whatIf(page, 1));
    times.hundred.push(await whatIf(page, 100));
    await page.close();
    await chrome.close();
  }
  const row = { tickets: n, open_ms: median(times.open), tick1_ms: median(times.one), tick100_ms: median(times.hundred), samples };
  console.log(JSON.stringify(row));
  rows.push(row);
}
await server.close();
console.log('| tickets | open a unit (ms) | what-if, 1 tick (ms) | what-if, 100 ticks (ms) |');
console.log('|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.tickets.toLocaleString('en')} | ${r.open_ms.toFixed(0)} | ${r.tick1_ms.toFixed(1)} | ${r.tick100_ms.toFixed(1)} |`);
