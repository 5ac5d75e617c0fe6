// Privacy you can check: every request of a whole session (open, load a month, open a unit, score
// it, its self-audit, an export, a share link, a reload) stays on the page's own origin, is a
// plain GET, and carries nothing of the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, browser, open, cliReport, generate, tmp, waitReady } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('a whole session makes no request off the origin, and none carries the file', async () => {
  const month = tmp('private.csv');
  generate(month, '--month', '2021-04', '--tickets', '2500', '--seed', '11');
  const report = cliReport(month);
  // A ticket number of the file: no request may carry it (in its address, headers or body).
  const secret = fs.readFileSync(month, 'utf8').split('\n')[1].split(',')[0];
  assert.ok(secret.length > 6, secret);
  const seen = [];
  // The context sees the page's requests and its workers'.
  chrome.ctx.on('request', (r) => seen.push({ url: r.url(), method: r.method(), body: r.postData() ?? '', headers: JSON.stringify(r.headers()) }));
  const { page, errors } = await open(chrome.ctx, server.url);
  await page.setInputFiles('#ticket-file', month);
  await waitReady(page, report.source.rows_read);
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.waitForSelector('#scores table.score-table');
  await page.locator('#unit-search').fill('海州区');
  await page.locator('#unit-search').press('Enter');
  await page.waitForSelector('#shortfalls-title');
  await page.locator('#nav-audit').click();
  await page.waitForSelector('#audit-view .audit-body');
  await page.locator('#nav-units').click();
  await Promise.all([page.waitForEvent('download'), page.locator('#view-units .table-export').first().click()]);
  await page.locator('#share-link').click();
  await page.waitForFunction(() => /链接/.test(document.getElementById('share-message').textContent));
  await page.reload();
  await page.waitForSelector('#rows-read');
  const origin = new URL(server.url).origin;
  const off = seen.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(off, [], 'no request leaves the origin');
  assert.deepEqual(seen.filter((r) => r.method !== 'GET'), [], 'only GETs (nothing is sent)');
  const carrying = seen.filter((r) => [r.url, r.body, r.headers].some((t) => t.includes(secret) || t.includes(encodeURIComponent('海州区'))));
  assert.deepEqual(carrying, [], 'no request carries the file or a unit of it');
  assert.ok(seen.some((r) => r.url.includes('worker_bg.wasm')), 'the workers\' requests are seen too');
  assert.deepEqual(errors, []);
  await page.close();
});
