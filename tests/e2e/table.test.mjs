// The one table component, from the keyboard: the file chooser opened with the keyboard, a
// header sorted with Enter (aria-sort, "—" last both ways), the filter, and the export holding
// exactly the rows and columns shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, browser, open, cliReport, generate, tmp, shown, waitReady } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

/// Tabs forward until `id` has focus (at most `limit` presses); fails if it never does.
async function tabTo(page, id, limit = 80) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`#${id} not reached by Tab`);
}

test('keyboard only: choose a file, sort a table ("—" last both ways), open a unit; filter and export what is shown', async () => {
  const file = tmp('month.csv');
  generate(file, '--month', '2021-03', '--tickets', '1200', '--seed', '21');
  // A unit whose one ticket is not yet due by the end of the month: its on-time rate is "—".
  fs.appendFileSync(file, 'T-NODUE,2021-03-31 20:00:00,微信,求助,道路破损,转办,测试无期限单位,,否,否,2021-03-31 20:10:00,2021-04-01 08:00:00,,2021-04-01 20:00:00,,2021-04-20 23:59:59,,0,,,,,\n');
  const report = cliReport(file);
  const nodue = report.units.find((u) => u.name === '测试无期限单位');
  assert.equal(shown(nodue.all.on_time_rate), '—');
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(new URL('../../public/sample.csv', import.meta.url).pathname).source.rows_read);

  // The chooser: reached by Tab from the top of the 数据 view, opened with the space bar.
  await page.locator('#nav-data').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'ticket-file');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(file);
  await waitReady(page, report.source.rows_read);

  // To 单位 by the navigation bar, then to the on-time rate's header.
  await page.locator('#nav-units').focus();
  await page.keyboard.press('Enter');
  const header = '#unit-table thead th[data-col=on_time_rate]';
  await page.locator(`${header} button`).focus();
  const column = () => page.$$eval('#unit-table tbody tr', (rows) => rows.map((r) => r.querySelector('[data-col=on_time_rate]').textContent));
  const value = (t) => Number(t.replace('%', ''));
  assert.equal(await page.getAttribute(header, 'aria-sort'), 'none');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(header, 'aria-sort'), 'descending');
  let cells = await column();
  assert.equal(cells.at(-1), '—', 'missing last when descending');
  const down = cells.filter((c) => c !== '—').map(value);
  assert.deepEqual(down, [...down].sort((a, b) => b - a));
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute(header, 'aria-sort'), 'ascending');
  cells = await column();
  assert.equal(cells.at(-1), '—', 'missing last when ascending');
  const up = cells.filter((c) => c !== '—').map(value);
  assert.deepEqual(up, [...up].sort((a, b) => a - b));

  // The filter keeps the rows with a cell containing the text; the export is exactly those.
  const part = report.units[0].name.slice(0, 2);
  const filter = page.locator('#view-units .table-filter').first();
  await filter.focus();
  await page.keyboard.type(part);
  const want = report.units.filter((u) => u.name.includes(part) || Object.values(u.all).some((v) => shown(v).includes(part)));
  await page.waitForFunction((n) => document.querySelectorAll('#unit-table tbody tr').length === n, want.length);
  const names = await page.$$eval('#unit-table tbody tr', (rows) => rows.map((r) => r.dataset.row));
  assert.deepEqual([...names].sort(), want.map((u) => u.name).sort());
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#view-units .table-export').first().click()]);
  assert.match(download.suggestedFilename(), /^分单位指标.*\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
  const headers = await page.$$eval('#unit-table thead th', (ths) => ths.map((th) => th.textContent.replace(/[▲▼]/g, '')));
  assert.equal(csv[0], headers.join(','));
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), names);
  const first = await page.$$eval('#unit-table tbody tr:first-child > *', (cells) => cells.map((c) => c.textContent));
  assert.equal(csv[1], first.join(','));

  // Open a unit with the keyboard: its name's button, then Enter; focus lands on its lists.
  await page.locator(`#unit-table tr[data-row="${names[0]}"] .unit-link`).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'shortfalls-title');
  assert.equal(await page.getAttribute('#shortfalls', 'data-unit'), names[0]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a browser without WebAssembly SIMD gets a message, not a blank page', async () => {
  const page = await chrome.ctx.newPage();
  // As such a browser answers: the SIMD probe does not validate.
  await page.addInitScript(() => { WebAssembly.validate = () => false; });
  await page.goto(server.url);
  const message = page.locator('#no-simd');
  await message.waitFor({ state: 'visible' });
  assert.match(await message.textContent(), /不支持 WebAssembly SIMD/);
  await page.close();
  // A browser with it never sees the message.
  const { page: ok } = await open(chrome.ctx, server.url);
  await ok.waitForSelector('#rows-read');
  assert.equal(await ok.isVisible('#no-simd'), false);
  await ok.close();
});

test('a message the worker cannot read is reported on the page, not dropped', async () => {
  const page = await chrome.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Once armed, the page's next message to its worker arrives as JSON of no known shape.
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m, ...rest) {
      if (window.corruptNext && m && typeof m.msg === 'string') { window.corruptNext = false; m.msg = '{"NoSuchMessage":1}'; }
      return post.call(this, m, ...rest);
    };
  });
  await page.goto(server.url);
  await page.waitForSelector('#rows-read', { state: 'attached' });
  await page.evaluate(() => { window.corruptNext = true; });
  const file = tmp('month.csv');
  generate(file, '--month', '2021-03', '--tickets', '300', '--seed', '2');
  await page.setInputFiles('#ticket-file', file);
  await page.waitForSelector('#file-error');
  assert.match(await page.textContent('#file-error'), /后台线程收到无法识别的消息/);
  assert.deepEqual(errors, []);
  await page.close();
});
