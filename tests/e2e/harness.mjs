// Shared set-up for the browser tests: a static server for dist/ on a free loopback port,
// Debian's chromium driven by playwright-core, the CLI for reference figures, and a log of
// every request the page makes (the page must talk to nothing but its own origin).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const cli = path.join(root, 'target', 'debug', 'hotline');

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.csv': 'text/csv' };

/// Serves dist/ on a free port; `extra` maps more URL paths (`/months/a.csv`) to files, as a
/// month published beside the app.
export async function serve(extra = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('dist/ is missing: run `trunk build --release` first');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const beside = extra[decodeURIComponent(url.pathname)];
    if (beside) {
      res.writeHead(200, { 'content-type': types[path.extname(beside)] || 'application/octet-stream' });
      return fs.createReadStream(beside).pipe(res);
    }
    let file = path.join(dist, decodeURIComponent(url.pathname));
    if (!file.startsWith(dist)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

export async function browser() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return { ctx, close: async () => { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/// Opens the page, records every request, and fails on a page error.
export async function open(ctx, url) {
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  // One view is on screen at a time: before acting on a control, go to its view through the
  // navigation bar, as a user would (the navigation itself is tested in app.test.mjs).
  for (const method of ['click', 'selectOption', 'fill', 'press', 'check']) {
    const act = page[method].bind(page);
    page[method] = async (selector, ...rest) => {
      await reveal(page, selector);
      return act(selector, ...rest);
    };
  }
  // Waiting for an element means waiting for it to exist: it may be in a view not on screen.
  const waitFor = page.waitForSelector.bind(page);
  page.waitForSelector = (selector, options) => waitFor(selector, { state: 'attached', ...options });
  return { page, requests, errors };
}

/// Shows the view that holds `selector`'s element, by clicking its link in the navigation bar.
export async function reveal(page, selector) {
  const view = await page.locator(selector).first().evaluate((el) => {
    const v = el.closest('.view');
    return v && v.hidden ? v.id.replace(/^view-/, '') : null;
  });
  if (view) {
    await page.locator(`#nav-${view}`).click();
    await page.waitForFunction((id) => !document.getElementById(id).hidden, `view-${view}`);
  }
}

/// The CLI's report for a file (the reference the page must equal).
export function cliReport(file, ...args) {
  const out = execFileSync(cli, [file, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString('utf8'));
}

/// The CLI's shortfall lists (扣分工单) of one unit, as JSON.
export function cliShortfalls(file, ...args) {
  const out = execFileSync(cli, ['shortfalls', file, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString('utf8'));
}

export function generate(file, ...args) {
  execFileSync(cli, ['generate', '--out', file, ...args], { stdio: 'ignore' });
}

export function toGbk(utf8File, gbkFile) {
  fs.writeFileSync(gbkFile, execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', utf8File], { maxBuffer: 1 << 30 }));
}

export function tmp(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-'));
  return path.join(dir, name);
}

/// How the page shows a JSON value: a rate as "96.16%" or "—", a count as its digits.
export function shown(v) {
  if (v !== null && typeof v === 'object' && 'den' in v) return v.percent === null ? '—' : `${v.percent}%`;
  return String(v);
}

export async function waitReady(page, rowsRead) {
  await page.waitForFunction((n) => document.querySelector('#rows-read')?.textContent === String(n), rowsRead, { timeout: 60000 });
}

/// Opens the page, waits for its sample month, reads `file` through the file input (waiting for
/// `report`, the CLI's report of it) and, when `preset` is given, scores it by that preset.
export async function openMonth(ctx, url, file, report, preset) {
  const opened = await open(ctx, url);
  const { page } = opened;
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await waitReady(page, report.source.rows_read);
  if (preset) {
    await page.selectOption('#rules-preset', preset);
    await page.waitForSelector('#scores table.score-table');
  }
  return opened;
}
