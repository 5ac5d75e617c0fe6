// Share links (docs/share-links.md): the address says what is on screen; a link opens a month
// published beside the app with its rules, unit and view; rules travel inside the link; what a
// link asks for and cannot be used is said, and the rest opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, open, cliReport, generate, tmp, waitReady, root } from './harness.mjs';

const month = tmp('2021-03.csv');
const units = tmp('units.csv');
let server;
let chrome;
before(async () => {
  generate(month, '--month', '2021-03', '--tickets', '3000', '--seed', '7');
  fs.writeFileSync(units, ['单位,分组,满分,上级单位', '海州区,县区组,150,', '连云区,县区组,150,', '东海县,县区组,150,',
    '市住建局,市直部门组,100,', '市自来水公司,市直部门组,100,市住建局', '市城管局,市直部门组,100,'].join('\n') + '\n');
  server = await serve({ '/months/2021-03.csv': month, '/side/units.csv': units });
  chrome = await browser();
});
after(async () => { await chrome?.close(); await server?.close(); });

const scoreRows = (page) => page.$$eval('#scores table.score-table tbody tr', (rows) => rows.map((r) => [r.dataset.row, (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent)]));
const expected = (scores) => scores.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score]), ...g.unscored.map((u) => [u.name, null])]);
const shownView = (page) => page.evaluate(() => [...document.querySelectorAll('.view')].find((v) => !v.hidden)?.id);
const hash = (page) => page.evaluate(() => decodeURIComponent(location.hash.slice(1)));

test('a share link opens the month beside the app, its rules, unit, sort and view; back, forward and reload', async () => {
  const report = cliReport(month, '--units', units, '--rules', 'lyg2021');
  const link = `${server.url}?data=months/2021-03.csv&units=side/units.csv#view=units&unit=${encodeURIComponent('海州区')}&period=2021-03&preset=lyg2021&sort=unit-table:closed:asc`;
  const { page, errors, requests } = await open(chrome.ctx, link);
  await waitReady(page, report.source.rows_read);
  assert.equal(await shownView(page), 'view-units');
  assert.match(await page.textContent('#status-rules'), /连云港/);
  assert.match(await page.textContent('#status-period'), /2021年3月/);
  await page.waitForSelector('#shortfalls-title');
  assert.match(await page.textContent('#shortfalls-title'), /海州区/);
  assert.equal(await page.getAttribute('#unit-table th[data-col=closed]', 'aria-sort'), 'ascending');
  // The link's files, and nothing else, came from the server: the sample month was not loaded.
  assert.ok(requests.some((r) => r.endsWith('/months/2021-03.csv')));
  assert.ok(!requests.some((r) => r.endsWith('/sample.csv')), 'a link with data does not load the sample');
  // The scores are the CLI's for the month, the registry and the preset.
  await page.locator('#nav-scores').click();
  await page.waitForSelector('#scores table.score-table');
  assert.deepEqual(await scoreRows(page), expected(report.scores));
  assert.match(await hash(page), /^view=scores&unit=海州区&period=2021-03&preset=lyg2021&sort=unit-table:closed:asc$/);
  // Back and forward move between views; the address says which.
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById('view-units').hidden);
  assert.match(await hash(page), /^view=units&/);
  await page.goForward();
  await page.waitForFunction(() => !document.getElementById('view-scores').hidden);
  // A reload keeps the view, the rules, the period and the table's sort.
  await page.reload();
  await waitReady(page, report.source.rows_read);
  await page.waitForSelector('#scores table.score-table');
  assert.equal(await shownView(page), 'view-scores');
  assert.deepEqual(await scoreRows(page), expected(report.scores));
  assert.equal(await page.getAttribute('#unit-table th[data-col=closed]', 'aria-sort'), 'ascending');
  // A filter typed in a table goes into the address.
  await page.locator('#nav-units').click();
  await page.locator('#unit-table').locator('xpath=ancestor::div[contains(@class,"data-table")]').locator('.table-filter').fill('街道');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('filter=unit-table:街道'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('rules inside the link reproduce their scores and are marked as coming from the link', async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  const rules = JSON.parse(fs.readFileSync(path.join(root, 'engine', 'presets', 'lyg2021.json'), 'utf8'));
  rules.name = '某市 2026（链接测试）';
  rules.items[1].name = '改过名称的项目';
  const file = tmp('own-rules.json');
  fs.writeFileSync(file, JSON.stringify(rules));
  const cli = cliReport(sample, '--rules', file);
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cli.source.rows_read);
  await page.setInputFiles('#rules-file', file);
  await page.waitForSelector('#scores table.score-table');
  assert.equal(await page.locator('.link-mark').count(), 0, 'a file chosen here is not marked');
  await page.waitForFunction(() => location.hash.includes('rules='));
  const href = await page.evaluate(() => location.href);
  assert.ok(href.length <= 2000, `the link has ${href.length} characters`);
  await page.locator('#share-link').click();
  await page.waitForFunction(() => /链接/.test(document.getElementById('share-message').textContent));
  await page.close();

  const opened = await open(chrome.ctx, href);
  await waitReady(opened.page, cli.source.rows_read);
  await opened.page.waitForFunction((name) => document.getElementById('status-rules').textContent.includes(name), rules.name);
  await opened.page.waitForSelector('#scores table.score-table');
  assert.deepEqual(await scoreRows(opened.page), expected(cli.scores));
  assert.match(await opened.page.textContent('#status-rules'), /规则来自链接/);
  // Choosing a preset removes the mark; the address names the preset instead.
  await opened.page.selectOption('#rules-preset', 'lyg2021');
  await opened.page.waitForFunction(() => location.hash.includes('preset=lyg2021') && !location.hash.includes('rules='));
  assert.equal(await opened.page.locator('.link-mark').count(), 0);
  assert.deepEqual([...errors, ...opened.errors], []);
  await opened.page.close();
});

test('a link to another origin, a path out of the folder and broken parameters are refused and said; the rest opens', async () => {
  const link = `${server.url}?data=https://evil.example/a.csv&data=../secret.csv&units=%2e%2e/x.csv&from=chat#view=overview&period=2021-13&preset=nocity&rules=%%%`;
  const { page, requests } = await open(chrome.ctx, link);
  await page.waitForSelector('#link-problems li');
  await page.waitForFunction(() => document.querySelectorAll('#link-problems li').length >= 7);
  const said = await page.$$eval('#link-problems li', (li) => li.map((l) => l.textContent));
  for (const part of ['data=https://evil.example/a.csv', 'data=../secret.csv', 'units=../x.csv', 'from=chat', 'period=2021-13', 'preset=nocity', 'rules=']) {
    assert.ok(said.some((s) => s.includes(`链接参数“${part}`) && s.includes('未采用')), `${part} is said: ${said.join(' | ')}`);
  }
  assert.ok(said.some((s) => s.includes('其他网站')), 'another origin is named as such');
  assert.ok(said.some((s) => s.includes('离开本页所在的目录')), 'an escaping path is named as such');
  const fetched = requests.filter((r) => !r.startsWith(`${server.url}?`));
  assert.ok(!fetched.some((r) => r.includes('evil.example') || r.includes('secret')), `nothing refused was fetched: ${fetched}`);
  // Never a blank page: the view the link named, and a message where the data would be.
  assert.equal(await shownView(page), 'view-overview');
  await page.locator('#nav-data').click();
  await page.waitForFunction(() => /链接中的数据文件都未能载入/.test(document.body.textContent));
  // The address keeps only what was used.
  assert.equal(await hash(page), 'view=data');
  await page.close();
});

test('a link whose period the file does not hold, or whose sort names no column, says so and opens the rest', async () => {
  const report = cliReport(month);
  const { page } = await open(chrome.ctx, `${server.url}?data=months/2021-03.csv#view=units&period=2020-01&sort=unit-table:nocolumn:desc`);
  await waitReady(page, report.source.rows_read);
  const problems = () => page.evaluate(() => document.getElementById('link-problems')?.textContent ?? '');
  await page.waitForFunction(() => /2020年1月.*不在此文件的数据中/.test(document.getElementById('link-problems')?.textContent ?? ''));
  await page.waitForFunction(() => /sort=unit-table:nocolumn.*没有这一列/.test(document.getElementById('link-problems')?.textContent ?? ''));
  assert.match(await problems(), /未采用/);
  assert.match(await page.textContent('#status-period'), /2021年3月/);
  // The table keeps its own first sort, and the address drops what was not used.
  assert.equal(await page.getAttribute('#unit-table th[data-col=dispatched]', 'aria-sort'), 'descending');
  await page.waitForFunction(() => location.hash === '#view=units');
  // "知道了" closes the list.
  await page.locator('#link-problems button').click();
  await page.waitForFunction(() => !document.getElementById('link-problems'));
  await page.close();
});
