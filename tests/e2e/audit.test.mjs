// 本单位自查 against the CLI's `hotline audit`: the unit found by the search, its standing, items
// and lists; ticks give the CLI's what-if; the fix-first list for a chosen "as of"; a streamed
// file by a second read; the unit remembered on the device.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, browser, open, cliReport, waitReady, root } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

const sample = path.join(root, 'public', 'sample.csv');
const cli = path.join(root, 'target', 'debug', 'hotline');

/// The CLI's audit of `unit` (a member unit) in the sample, under lyg2021.
function cliAudit(unit, ...args) {
  const out = execFileSync(cli, ['audit', sample, '--unit', unit, '--member', '--rules', 'lyg2021', ...args],
    { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString('utf8'));
}

/// What the page's audit shows: standing rows, items, lists with their rows, fix-first, overdue.
async function shownAudit(page) {
  return page.$eval('#audit-view', (v) => {
    const rows = (sel) => [...v.querySelectorAll(sel)];
    const standing = Object.fromEntries(rows('#audit-standing tbody tr').map((r) => [r.dataset.case,
      { score: r.querySelector('[data-score]')?.dataset.score, rank: r.querySelector('[data-rank]')?.dataset.rank }]));
    const items = rows('#audit-items tbody tr').map((r) => ({ item: r.dataset.item, value: r.cells[1].textContent,
      points: r.querySelector('[data-points]').textContent, formula: r.cells[6].textContent }));
    const lists = rows('.audit-list').map((s) => ({ kind: s.dataset.kind,
      count: Number(s.querySelector('h4').textContent.match(/：(\d+) 张/)[1]),
      rows: [...s.querySelectorAll('tbody tr')].map((r) => ({ id: r.dataset.id, points: r.cells[r.cells.length - 1].textContent })) }));
    const due = (id) => rows(`#${id} tbody tr`).map((r) => `${r.dataset.id} ${r.cells[3].textContent} ${r.cells[4].textContent} ${r.cells[6].textContent}`);
    return { unit: v.querySelector('.audit-body')?.dataset.unit, standing, items, lists, fixFirst: due('audit-fix-first'), overdue: due('audit-overdue') };
  });
}

function assertEqualsCli(got, a) {
  assert.equal(got.unit, a.name);
  assert.deepEqual(got.standing.now, { score: a.standing.score, rank: String(a.standing.rank) });
  assert.deepEqual(got.standing['open-met'], { score: a.if_open_met.score, rank: String(a.if_open_met.rank) });
  assert.deepEqual(got.items.map((i) => [i.item, i.value, i.formula]), a.items.map((i) => [i.item, i.value, i.formula]));
  assert.deepEqual(got.lists.map((l) => l.count), a.lists.map((l) => l.count));
  got.lists.forEach((l, i) => {
    assert.deepEqual(l.rows, a.lists[i].rows.slice(0, 300).map((r) => ({ id: r.id, points: r.points_text })), l.kind);
  });
  const due = (list) => list.map((d) => `${d.id} ${d.deadline_kind} ${d.deadline} ${d.points_text}`);
  assert.deepEqual(got.fixFirst, due(a.fix_first).slice(0, 300));
  assert.deepEqual(got.overdue, due(a.overdue).slice(0, 300));
}

async function openAudit(page, part, name) {
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.waitForSelector('#scores table.score-table');
  await page.locator('#nav-audit').click();
  await page.waitForSelector('#audit-title');
  await page.locator('#unit-search').fill(part);
  await page.locator('#unit-search').press('Enter');
  await page.waitForSelector(`#audit-view .audit-body[data-unit="${name}"]`, { timeout: 60000 });
}

async function tick(page, selector, n) {
  await page.locator(selector).first().check();
  await page.waitForSelector(`#audit-whatif [data-whatif="${n}"]`);
  return page.getAttribute(`#audit-whatif [data-whatif="${n}"]`, 'data-score');
}

test('本单位自查: found by the search, its figures equal the CLI audit; ticks give the CLI what-if; fix-first as of a chosen time', async () => {
  const report = cliReport(sample);
  const unit = '海州区';
  const a = cliAudit(unit);
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, report.source.rows_read);
  // The search, in this view, opens the unit at the level the rules score (海州区 is both).
  await openAudit(page, '海州', unit);
  // The address says the view, the unit and the rules (a share link: docs/share-links.md).
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#view=audit&unit=${unit}&preset=lyg2021`);
  assertEqualsCli(await shownAudit(page), a);

  // One ticket ticked, then a second: the CLI's --fix of the same tickets.
  const costly = a.lists.find((l) => l.points !== '0');
  const key = await page.$eval('.audit-list', (s, i) => document.querySelectorAll('.audit-list')[i].dataset.kind, a.lists.indexOf(costly));
  const [r1, r2] = costly.rows;
  const one = await tick(page, `input[data-fix="${r1.id}:${key}"]`, 1);
  assert.equal(one, cliAudit(unit, '--fix', `${r1.id}:${key}`).what_if.score);
  const two = await tick(page, `input[data-fix="${r2.id}:${key}"]`, 2);
  assert.equal(two, cliAudit(unit, '--fix', `${r1.id}:${key},${r2.id}:${key}`).what_if.score);
  // The whole list.
  await page.locator(`input[data-list="${key}"]`).check();
  await page.waitForSelector(`#audit-whatif [data-whatif="${costly.count}"]`);
  const all = costly.rows.map((r) => `${r.id}:${key}`).join(',');
  assert.equal(await page.getAttribute('#audit-whatif .whatif', 'data-score'), cliAudit(unit, '--fix', all).what_if.score);
  // Cleared: the real figures again.
  await page.click('#audit-view button[data-action=clear]');
  await page.waitForSelector('#audit-whatif [data-whatif=none]');
  assert.equal(await page.getAttribute('#audit-standing [data-case=now] [data-score]', 'data-score'), a.standing.score);

  // As of a time within the month: the fix-first list is the CLI's for the same time.
  await page.fill('#audit-as-of', '2021-02-20T12:00');
  await page.waitForFunction(() => document.querySelector('#audit-as-of')?.value.startsWith('2021-02-20T12:00'));
  const asOf = cliAudit(unit, '--as-of', '2021-02-20 12:00:00');
  assert.ok(asOf.fix_first.length > 0, 'open tickets fall due after the 20th');
  assertEqualsCli(await shownAudit(page), asOf);
  // The fix-first list downloads as the CLI writes it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-view button[data-action=csv-due]')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(csv.trim().split('\n').length, 1 + asOf.fix_first.length + asOf.overdue.length);
  assert.deepEqual(errors, []);
  await page.close();

  // Remembered on the device: the audit view opens on the unit last audited.
  const again = await open(chrome.ctx, `${server.url}#view=audit`);
  await waitReady(again.page, report.source.rows_read);
  await again.page.selectOption('#rules-preset', 'lyg2021');
  await again.page.waitForSelector(`#audit-view .audit-body[data-unit="${unit}"]`, { timeout: 60000 });
  assert.deepEqual(again.errors, []);
  await again.page.close();
});

test('本单位自查 of a streamed file: its tickets by a second read, the same figures and what-if', async () => {
  const report = cliReport(sample);
  const unit = '连云区';
  const a = cliAudit(unit);
  const { page, errors } = await open(chrome.ctx, `${server.url}?stream=1`);
  await waitReady(page, report.source.rows_read);
  assert.equal(await page.getAttribute('#load-ms', 'data-readers'), 'stream');
  await openAudit(page, unit, unit);
  assertEqualsCli(await shownAudit(page), a);
  const costly = a.lists.find((l) => l.points !== '0');
  const key = await page.$eval('.audit-list', (s, i) => document.querySelectorAll('.audit-list')[i].dataset.kind, a.lists.indexOf(costly));
  const r1 = costly.rows[0];
  assert.equal(await tick(page, `input[data-fix="${r1.id}:${key}"]`, 1), cliAudit(unit, '--fix', `${r1.id}:${key}`).what_if.score);
  assert.deepEqual(errors, []);
  await page.close();
});
