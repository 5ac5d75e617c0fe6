// The page, driven as a user would: it opens on the sample month, takes files through its file
// input, and shows exactly the CLI's figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { serve, browser, open, cliReport, cliShortfalls, generate, toGbk, tmp, shown, waitReady, root } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

const OVERVIEW_KEYS = ['accepted', 'received', 'carried_over', 'direct', 'direct_rate', 'transferred',
  'dispatched', 'due', 'closed', 'close_rate', 'on_time', 'on_time_rate', 'closed_late', 'open_overdue',
  'reworked', 'rework_rate', 'first_time_rate', 'no_sign_due', 'sign_rate', 'contact_rate', 'rated',
  'satisfaction_rate', 'effective_callback_rate', 'audit_rate', 'feedback_rate'];

async function overview(page) {
  return page.$$eval('#overview tbody tr', (rows) => rows.map((r) => ({
    key: r.dataset.row,
    all: r.querySelector('[data-col=all]').textContent,
    municipal: r.querySelector('[data-col=municipal]').textContent,
    province: r.querySelector('[data-col=province]').textContent,
  })));
}

async function unitTable(page) {
  return page.$$eval('#unit-table tbody tr', (rows) => rows.map((r) => ({
    name: r.dataset.row,
    cells: Object.fromEntries([...r.querySelectorAll('td')].map((td) => [td.dataset.col, td.textContent])),
  })));
}

function assertOverview(rows, report) {
  assert.deepEqual(rows.map((r) => r.key), OVERVIEW_KEYS);
  for (const r of rows) {
    for (const scope of ['all', 'municipal', 'province']) {
      assert.equal(r[scope], shown(report.city[scope][r.key]), `overview ${r.key} (${scope})`);
    }
  }
}

function assertUnits(rows, entities, scope) {
  assert.equal(rows.length, entities.length, 'one row per entity');
  for (const row of rows) {
    const e = entities.find((x) => x.name === row.name);
    assert.ok(e, `unit ${row.name} is in the CLI's report`);
    for (const [key, text] of Object.entries(row.cells)) {
      assert.equal(text, shown(e[scope][key]), `${row.name} ${key} (${scope})`);
    }
  }
}

test('opens on the sample month, renders, and requests nothing from elsewhere', async () => {
  const { page, requests, errors } = await open(chrome.ctx, server.url);
  const report = cliReport(path.join(root, 'public', 'sample.csv'));
  await waitReady(page, report.source.rows_read);
  assert.equal(await page.textContent('#rows-scored'), String(report.source.rows_scored));
  assertOverview(await overview(page), report);
  assertUnits(await unitTable(page), report.units, 'all');
  assert.equal(await page.textContent('#period-why'), report.period.why);
  const origin = new URL(server.url).origin;
  const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'no request leaves the page origin');
  assert.deepEqual(errors, []);
  fs.mkdirSync(path.join(root, 'target', 'e2e'), { recursive: true });
  // Sections below the first screen are drawn only when scrolled to (content-visibility): all
  // of them for a picture of the whole page.
  await page.addStyleTag({ content: 'section { content-visibility: visible !important; }' });
  await page.screenshot({ path: path.join(root, 'target', 'e2e', 'sample.png'), fullPage: true });
  await page.close();
});

test('a GBK file with rejects: every overview figure, unit cell and reject equals the CLI', async () => {
  const utf8 = tmp('month.csv');
  generate(utf8, '--month', '2021-03', '--tickets', '2500', '--seed', '42');
  // Messy rows: one per rejection reason, plus an extra column on every row.
  let text = fs.readFileSync(utf8, 'utf8').trimEnd().split('\n');
  text[0] += ',备注';
  text = text.map((l, i) => (i === 0 ? l : `${l},`));
  const good = text[text.length - 1];
  const id = good.split(',')[0];
  text.push('BAD1,2021-03-02 08:00,微信,,,直接答复,,,,,,,,,,,,,,,,,,');
  text.push('BAD2,2021-03-02 08:00,微信,咨询,,转 办,市住建局,,,,,,,,,,,,,,,,,');
  text.push('BAD3,2021.03.02,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,,');
  text.push(`${id},2021-03-02 08:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,,`);
  text.push('BAD5,2021-03-02 08:00,微信');
  fs.writeFileSync(utf8, text.join('\n') + '\n');
  const gbk = utf8.replace('.csv', '-gbk.csv');
  toGbk(utf8, gbk);
  const report = cliReport(gbk);
  assert.equal(report.source.encoding, 'GB18030');
  assert.equal(report.source.rows_rejected, 5);

  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', gbk);
  await waitReady(page, report.source.rows_read);
  assert.equal(await page.textContent('#rows-scored'), String(report.source.rows_scored));
  assert.equal(await page.textContent('#rows-rejected'), '5');
  assert.equal(await page.textContent('#encoding'), 'GB18030');
  assert.equal(await page.textContent('#extra-columns'), '备注');
  assertOverview(await overview(page), report);
  assertUnits(await unitTable(page), report.units, 'all');
  // Member units, 省派 only.
  await page.click('button[data-level=成员单位]');
  await page.click('button[data-scope=省派]');
  assertUnits(await unitTable(page), report.members, 'province');
  const rejects = await page.$$eval('#reject-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((td) => td.textContent)));
  assert.deepEqual(rejects.map((r) => [Number(r[0]), r[1], r[2], r[4]]), report.rejects.map((j) => [j.line, j.id ?? '', j.column, j.message]));
  assert.deepEqual(rejects.map((r) => r[1]).filter((id) => id.startsWith('BAD')), ['BAD1', 'BAD2', 'BAD3', 'BAD5'], 'each reject names its 工单编号');
  // The reject download carries every rejected row.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-rejects')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(csv.trim().split('\n').length, 1 + 5);
  // ... each with its raw row (the 原始行 column), as the file has it.
  for (const raw of text.slice(-5)) assert.ok(csv.includes(raw.includes(',') ? `"${raw}"` : raw), `raw row ${raw}`);
  // Every table in one zip, Chinese names, each file the CLI's CSV of the same table.
  const [zipped] = await Promise.all([page.waitForEvent('download'), page.click('#download-tables')]);
  assert.match(zipped.suggestedFilename(), /^12345考评表格.*\.zip$/);
  const zipFile = tmp('tables.zip');
  fs.copyFileSync(await zipped.path(), zipFile);
  const names = execFileSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(names.includes('承办单位指标.csv') && names.includes('拒收行.csv') && names.includes('概况摘要.csv'), names.join(' '));
  const csvDir = tmp('csv-out');
  execFileSync(path.join(root, 'target', 'debug', 'hotline'), [gbk, '--format', 'csv', '--out', csvDir], { stdio: 'ignore' });
  assert.equal(execFileSync('unzip', ['-p', zipFile, '承办单位指标.csv'], { encoding: 'utf8' }), fs.readFileSync(path.join(csvDir, 'units.csv'), 'utf8'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('choosing another period re-counts from memory and matches the CLI', async () => {
  const file = tmp('two-months.csv');
  generate(file, '--month', '2021-05', '--tickets', '1500', '--seed', '9');
  const { page } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  const full = cliReport(file);
  await waitReady(page, full.source.rows_read);
  assert.equal(full.period.period.first, '2021-05');
  // "从 2021年4月" while May is shown: the range April–May, counted once over both months.
  const both = cliReport(file, '--period', '2021-04..2021-05');
  await page.selectOption('#period-first', '2021-04');
  await page.waitForFunction((t) => document.querySelector('#period-why')?.textContent === t, both.period.why);
  assertOverview(await overview(page), both);
  // Then "至 2021年4月": April alone.
  await page.selectOption('#period-last', '2021-04');
  const april = cliReport(file, '--period', '2021-04');
  await page.waitForFunction((t) => document.querySelector('#period-why')?.textContent === t, april.period.why);
  assertOverview(await overview(page), april);
  assertUnits(await unitTable(page), april.units, 'all');
  // "从 2021年5月" after April: refused with a message; April stays, and so do the selects.
  await page.selectOption('#period-first', '2021-05');
  await page.waitForFunction(() => document.querySelector('#period-error')?.textContent.includes('晚于结束月份'));
  assert.equal(await page.textContent('#period-why'), april.period.why);
  assert.equal(await page.inputValue('#period-first'), '2021-04');
  assertOverview(await overview(page), april);
  // Then "至 2021年5月": both months again, the message gone.
  await page.selectOption('#period-last', '2021-05');
  await page.waitForFunction((t) => document.querySelector('#period-why')?.textContent === t, both.period.why);
  assert.equal(await page.textContent('#period-error'), '');
  assertOverview(await overview(page), both);
  assertUnits(await unitTable(page), both.units, 'all');
  await page.close();
});

test('dates over more months than the month tables serve: each period is counted by the worker, like the CLI', async () => {
  const file = tmp('wide.csv');
  generate(file, '--month', '2021-05', '--tickets', '800', '--seed', '4');
  // 150 直接答复 tickets, one a month from 2005: the file spans over 120 distinct months.
  const extra = Array.from({ length: 150 }, (_, i) => `W${i},${2005 + Math.floor(i / 12)}-${String(i % 12 + 1).padStart(2, '0')}-15 10:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,`);
  fs.appendFileSync(file, extra.join('\n') + '\n');
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  const full = cliReport(file);
  assert.ok(full.months.length > 120);
  await waitReady(page, full.source.rows_read);
  assertOverview(await overview(page), full);
  await page.selectOption('#period-first', '2010-03');
  await page.selectOption('#period-last', '2010-03');
  const march = cliReport(file, '--period', '2010-03');
  await page.waitForFunction((t) => document.querySelector('#period-why')?.textContent === t, march.period.why);
  assertOverview(await overview(page), march);
  assertUnits(await unitTable(page), march.units, 'all');
  assert.deepEqual(errors, []);
  await page.close();
});

test('another layout goes through the mapping step, which is remembered', async () => {
  const file = tmp('other-layout.csv');
  const rows = [
    '工单号,来电时间,受理渠道,诉求类别,处理方式,责任单位,交办时间,办理期限,办结日期,内容',
    'X1,2021/06/01 08:00,微信,投诉,转办,海州区,2021/06/01 09:00,2021/06/08,2021/06/05 10:00,噪音',
    'X2,2021/06/02 08:00,微信,咨询,直接答复,,,,,咨询',
    'X3,2021/06/03 08:00,12345热线电话,投诉,转办,海州区,2021/06/03 09:00,2021/06/10,,占道',
  ];
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const mappingFile = tmp('mapping.json');
  const { page } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await page.waitForSelector('#mapping');
  // The guess maps every required column; the user confirms.
  assert.equal(await page.inputValue('select[data-column=unit]'), '责任单位');
  // Each choice shows the column's first values.
  assert.equal(await page.textContent('span.sample[data-column=unit]'), '例：海州区、海州区');
  assert.equal(await page.textContent('span.sample[data-column=id]'), '例：X1、X2、X3');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=保存映射文件')]);
  fs.copyFileSync(await download.path(), mappingFile);
  await page.click('#mapping-confirm');
  await waitReady(page, 3);
  const report = cliReport(file, '--mapping', mappingFile);
  assertOverview(await overview(page), report);
  assert.equal(await page.textContent('#extra-columns'), '内容');
  // The same header again: no mapping step this time.
  await page.reload();
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await waitReady(page, 3);
  assert.match(await page.textContent('.file-name'), /已自动使用/);
  // A GBK file in a third layout: its samples decoded; cancel leaves the month shown as it was.
  const gbkSource = tmp('third-layout.csv');
  fs.writeFileSync(gbkSource, rows.map((r, i) => (i === 0 ? r.replace('内容', '诉求内容') : r)).join('\n') + '\n');
  const gbk = gbkSource.replace('.csv', '-gbk.csv');
  toGbk(gbkSource, gbk);
  await page.setInputFiles('#ticket-file', gbk);
  await page.waitForSelector('#mapping');
  assert.equal(await page.textContent('span.sample[data-column=channel]'), '例：微信、微信、12345热线电话');
  await page.click('#mapping-cancel');
  await page.waitForSelector('#mapping', { state: 'detached' });
  assert.equal(await page.textContent('#rows-read'), '3');
  assert.match(await page.textContent('.file-name'), /other-layout/);
  await page.close();
});

test('a file missing required columns names them all', async () => {
  const file = tmp('broken.csv');
  fs.writeFileSync(file, '编号,时间\n1,2\n');
  const { page } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await page.waitForSelector('#mapping');
  const problem = await page.textContent('#mapping .error');
  for (const col of ['受理时间', '来源渠道', '诉求类型', '办理方式', '承办单位', '派单时间']) {
    assert.ok(problem.includes(col), `${col} named in: ${problem}`);
  }
  await page.close();
});

test('side files in GBK: a unit registry regroups member units and an adjustments file moves scores, like the CLI; a bad registry is named', async () => {
  const file = tmp('side.csv');
  generate(file, '--month', '2021-03', '--tickets', '2000', '--seed', '5');
  // 市自来水公司 rolls up into 市住建局 (its rows leave 上级单位 empty); 市档案馆 has no tickets.
  const registry = ['单位,分组,满分,上级单位', '海州区,县区组,150,', '连云区,县区组,150,', '东海县,县区组,150,',
    '市住建局,市直部门组,100,', '市自来水公司,市直部门组,100,市住建局', '市城管局,市直部门组,100,', '市档案馆,市直部门组,100,'];
  const adjustments = ['单位,项目,分值,说明', '海州区,加分,1.5,典型经验', '市城管局,扣分,-2,省平台督办'];
  const units = tmp('units.csv');
  const adj = tmp('adjustments.csv');
  fs.writeFileSync(units.replace('.csv', '-utf8.csv'), registry.join('\n') + '\n');
  fs.writeFileSync(adj.replace('.csv', '-utf8.csv'), adjustments.join('\r\n') + '\r\n');
  toGbk(units.replace('.csv', '-utf8.csv'), units);
  toGbk(adj.replace('.csv', '-utf8.csv'), adj);
  const cli = cliReport(file, '--units', units, '--adjustments', adj, '--rules', 'lyg2021');
  // The side files matter: 市自来水公司 is no member unit of its own, and the points move scores.
  assert.ok(cliReport(file).members.some((m) => m.name === '市自来水公司'));
  assert.ok(!cli.members.some((m) => m.name === '市自来水公司'));
  const plain = cliReport(file, '--units', units, '--rules', 'lyg2021');
  assert.notDeepEqual(cli.scores, plain.scores, 'the adjustments change a score');

  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await waitReady(page, cli.source.rows_read);
  await page.click('details.side-files summary');
  await page.setInputFiles('#units-file', units);
  await page.waitForFunction(() => document.querySelector('#side-message')?.textContent.includes('单位名录'));
  assert.match(await page.textContent('#side-message'), /已载入单位名录 units\.csv：7 个单位/);
  await page.setInputFiles('#adjustments-file', adj);
  await page.waitForFunction(() => document.querySelector('#side-message')?.textContent.includes('加减分'));
  assert.match(await page.textContent('#side-message'), /2 条/);
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.waitForSelector('#scores');
  // Member units as the registry rolls them up (a re-count in the worker), then the scores.
  await page.click('button[data-level=成员单位]');
  await page.waitForFunction((n) => document.querySelectorAll('#unit-table tbody tr').length === n, cli.members.length);
  assertUnits(await unitTable(page), cli.members, 'all');
  const shownScores = await page.$$eval('#scores table.score-table tbody tr', (rows) => rows.map((r) => [r.dataset.row, (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent)]));
  const expected = cli.scores.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score]), ...g.unscored.map((u) => [u.name, null])]);
  assert.deepEqual(shownScores, expected);
  // A registry naming a unit twice: refused with its line and column, the registry in force stays.
  const bad = tmp('bad-units.csv');
  fs.writeFileSync(bad, '单位,分组\n海州区,县区组\n海州区,县区组\n');
  await page.setInputFiles('#units-file', bad);
  await page.waitForFunction(() => document.querySelector('#side-message')?.textContent.includes('第 3 行'));
  assert.match(await page.textContent('#side-message'), /单位名录第 3 行，列“单位”：“海州区”已在第 2 行出现/);
  assert.deepEqual(await page.$$eval('#scores table.score-table tbody tr', (rows) => rows.map((r) => [r.dataset.row, (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent)])), expected);
  assert.deepEqual(errors, []);
  await page.close();
});

test('rules: a preset scores like the CLI, a form edit re-scores at once, a bad file is refused', async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(sample).source.rows_read);
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.waitForSelector('#scores');
  const cli = cliReport(sample, '--rules', 'lyg2021');
  const shownScores = async () => page.$$eval('#scores table.score-table tbody tr', (rows) => rows.map((r) => [r.dataset.row, (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent)]));
  const expected = (scores) => scores.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score]), ...g.unscored.map((u) => [u.name, null])]);
  assert.deepEqual(await shownScores(), expected(cli.scores));
  // Edit a threshold in the form: 按时办结率 threshold 95 → 99. The page re-scores from its tallies.
  const rules = JSON.parse(fs.readFileSync(path.join(root, 'engine', 'presets', 'lyg2021.json'), 'utf8'));
  const i = rules.items.findIndex((x) => x.name === '按时办结率');
  rules.items[i].threshold = 99;
  const edited = tmp('edited.json');
  fs.writeFileSync(edited, JSON.stringify(rules));
  const cliEdited = cliReport(sample, '--rules', edited);
  assert.notDeepEqual(expected(cliEdited.scores), expected(cli.scores), 'the edit changes some score');
  await page.fill(`[data-field="items.${i}.threshold"]`, '99');
  await page.press(`[data-field="items.${i}.threshold"]`, 'Tab');
  await page.waitForFunction(() => !!document.querySelector('#score-ms'));
  await page.waitForFunction((exp) => {
    const rows = [...document.querySelectorAll('#scores table.score-table tbody tr')];
    return rows.length > 0 && rows.map((r) => (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent)).join('|') === exp;
  }, expected(cliEdited.scores).map((x) => x[1]).join('|'));
  assert.deepEqual(await shownScores(), expected(cliEdited.scores));
  // A weight that is not a number: refused with the field named; the scores stay.
  await page.fill(`[data-field="items.${i}.threshold"]`, 'abc');
  await page.press(`[data-field="items.${i}.threshold"]`, 'Tab');
  await page.waitForFunction(() => document.querySelector('#rules-error')?.textContent.includes('items['));
  const msg = await page.textContent('#rules-error');
  assert.match(msg, /threshold/);
  assert.match(msg, /仍使用原有规则/);
  assert.deepEqual(await shownScores(), expected(cliEdited.scores));
  // The edited preset is marked wherever its name shows: the header, the rules and the scores.
  const marked = `基于 ${rules.name} 修改`;
  assert.equal(await page.textContent('#status-rules'), marked);
  assert.equal(await page.textContent('#rules-name'), marked);
  assert.match(await page.textContent('#scores h2'), new RegExp(marked.replace(/[()（）〔〕]/g, '.')));
  // Choosing the preset again asks first: dismissed, the edit stays; accepted, the preset is back.
  page.once('dialog', (d) => d.dismiss());
  await page.selectOption('#rules-preset', '');
  assert.equal(await page.textContent('#status-rules'), marked);
  assert.equal(await page.inputValue('#rules-preset'), 'lyg2021');
  page.once('dialog', (d) => d.accept());
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.waitForFunction((n) => document.querySelector('#status-rules')?.textContent === n, rules.name);
  assert.deepEqual(await shownScores(), expected(cli.scores));
  // A rule file with three problems: every one listed, the rules in force kept.
  const broken = JSON.parse(JSON.stringify(rules));
  broken.items[0].indicator = 'speed';
  broken.items[1].indicator = 'pace';
  broken.groups.push({ name: broken.groups[0].name, full_score: 100 });
  const brokenFile = tmp('broken.json');
  fs.writeFileSync(brokenFile, JSON.stringify(broken));
  await page.setInputFiles('#rules-file', brokenFile);
  await page.waitForFunction(() => document.querySelectorAll('#rules-error li').length === 3);
  const listed = await page.$$eval('#rules-error li', (li) => li.map((l) => l.textContent));
  assert.ok(listed.some((m) => m.includes('items[0].indicator')) && listed.some((m) => m.includes('items[1].indicator')) && listed.some((m) => m.includes('.name')), listed.join(' | '));
  assert.equal(await page.textContent('#status-rules'), rules.name);
  assert.deepEqual(errors, []);
  await page.close();
});

test('rules: a rule file loaded through the page, and the no-ticket rule changed in the form', async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  const doc = fs.readFileSync(path.join(root, 'docs', 'rules.md'), 'utf8');
  const example = doc.slice(doc.indexOf('```json\n') + 8, doc.indexOf('```', doc.indexOf('```json\n') + 8));
  const file = tmp('example-rules.json');
  fs.writeFileSync(file, example);
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(sample).source.rows_read);
  await page.setInputFiles('#rules-file', file);
  await page.waitForSelector('#scores');
  const rows = async () => page.$$eval('#scores table.score-table tbody tr', (rs) => rs.map((r) => [r.dataset.row, (r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent), (r.querySelector("[data-col=grade]")?.textContent ?? "")]));
  const expected = (s) => s.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score, r.grade ?? '']), ...g.unscored.map((u) => [u.name, null, ''])]);
  assert.deepEqual(await rows(), expected(cliReport(sample, '--rules', file).scores));
  // 本月无工单 / 无应办结工单 → 取平均分, in the form.
  const rules = JSON.parse(example);
  rules.unscored.no_due = 'mean';
  const edited = tmp('example-mean.json');
  fs.writeFileSync(edited, JSON.stringify(rules));
  const cli = cliReport(sample, '--rules', edited);
  await page.selectOption('[data-field="unscored.no_due"]', 'mean');
  await page.waitForFunction((n) => document.querySelectorAll('#scores tr.unscored').length === n, cli.scores.groups.reduce((a, g) => a + g.unscored.length, 0));
  const shown = await rows();
  const want = cli.scores.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score]), ...g.unscored.map((u) => [u.name, null])]);
  assert.deepEqual(shown.map((r) => [r[0], r[1]]), want);
  assert.deepEqual(errors, []);
  await page.close();
});

test('cancel really stops a load, and the month shown before stays', async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  // Big enough that the load (two workers from 32 MiB) is still running when cancel is clicked.
  const big = tmp('cancel.csv');
  generate(big, '--month', '2021-06', '--tickets', '800000', '--seed', '5');
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(sample).source.rows_read);
  await page.setInputFiles('#ticket-file', big);
  // Clicked the moment it shows (in the page, not after Playwright's checks, which can take
  // longer than a fast load): a run on an idle machine otherwise finished the load first.
  await page.waitForFunction(() => {
    const b = document.getElementById('cancel');
    if (b) b.click();
    return Boolean(b);
  }, null, { polling: 'raf' });
  await page.waitForSelector('#progress', { state: 'detached', timeout: 30000 });
  // The load stopped before its end: the sample month is still what the page shows.
  assert.equal(await page.textContent('#rows-read'), String(cliReport(sample).source.rows_read));
  assert.equal(await page.$('#file-error'), null);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a partial-aggregates file is scored without tickets, like the CLI; a broken one is named', async () => {
  const jan = tmp('jan.csv');
  const feb = tmp('feb.csv');
  generate(jan, '--month', '2021-01', '--tickets', '1500', '--seed', '4');
  generate(feb, '--month', '2021-02', '--tickets', '1500', '--seed', '4');
  const merged = tmp('merged.json');
  const full = cliReport(jan, feb, '--partial', merged);
  assert.equal(cliReport(merged).city.all.accepted, full.city.all.accepted);
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', merged);
  await waitReady(page, full.source.rows_read);
  assertOverview(await overview(page), full);
  assertUnits(await unitTable(page), full.units, 'all');
  // Another period re-counts from the partial in the worker.
  await page.selectOption('#period-first', '2021-01');
  await page.selectOption('#period-last', '2021-01');
  const january = cliReport(merged, '--period', '2021-01');
  await page.waitForFunction((t) => document.querySelector('#period-why')?.textContent === t, january.period.why);
  assertOverview(await overview(page), january);
  // Counts only: a unit's shortfall lists cannot be made, and the page says why.
  await page.click(`#unit-table tr[data-row="${january.units[0].name}"] .unit-link`);
  await page.waitForSelector('#shortfall-error');
  assert.match(await page.textContent('#shortfall-error'), /不含工单/);
  // A hand-made table with a typo: the message names the field.
  const bad = tmp('bad.json');
  fs.writeFileSync(bad, JSON.stringify({ format: 'hotline-eval.partial/1', sources: [],
    cells: [{ unit: '海州区', by_month: [{ by: 'sent', month: '2021-02', counts: {} }] }] }));
  await page.setInputFiles('#ticket-file', bad);
  await page.waitForSelector('#file-error');
  assert.match(await page.textContent('#file-error'), /cells\[0\]\.by_month\[0\]\.by/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a big file is read by two workers at once, with the CLI figures and reject lines; a number in both halves is read again by one', async () => {
  const big = tmp('big.csv');
  generate(big, '--month', '2021-04', '--tickets', '200000', '--seed', '8');
  const lines = fs.readFileSync(big, 'utf8').trimEnd().split('\n');
  assert.ok(fs.statSync(big).size > 33 * 1024 * 1024, 'big enough for two readers (32 MiB)');
  // Rejected rows in both halves: their lines and messages must count from the file's start.
  lines.splice(100, 0, 'BADA,2021.04.02,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,');
  lines.splice(lines.length - 50, 0, 'BADB,2021-04-31 08:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,', 'BADC,2021-04-02 08:00');
  fs.writeFileSync(big, lines.join('\n') + '\n');
  // The same with the first ticket's number again near the end (a duplicate across the halves).
  const dup = tmp('big-dup.csv');
  const firstId = lines[1].split(',')[0];
  fs.writeFileSync(dup, [...lines, `${firstId},2021-04-02 08:00,微信,咨询,,直接答复,,,,,,,,,,,,,,,,,`].join('\n') + '\n');

  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  for (const [file, readers, rejected] of [[big, '2', 3], [dup, '2→1', 4]]) {
    const report = cliReport(file);
    assert.equal(report.source.rows_rejected, rejected);
    await page.setInputFiles('#ticket-file', file);
    await waitReady(page, report.source.rows_read);
    assert.equal(await page.getAttribute('#load-ms', 'data-readers'), readers, file);
    assert.equal(await page.textContent('#rows-scored'), String(report.source.rows_scored));
    assertOverview(await overview(page), report);
    assertUnits(await unitTable(page), report.units, 'all');
    const rejects = await page.$$eval('#reject-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((td) => td.textContent)));
    assert.deepEqual(rejects.map((r) => [Number(r[0]), r[1], r[2], r[4]]), report.rejects.map((j) => [j.line, j.id ?? '', j.column, j.message]));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

const KINDS = ['signed_late', 'contact_late', 'closed_late', 'open_overdue', 'reworked', 'unsatisfied',
  'basically_satisfied', 'non_compliant', 'feedback_late'];
const KIND_OF = { SignedLate: 'signed_late', ContactLate: 'contact_late', ClosedLate: 'closed_late',
  OpenOverdue: 'open_overdue', Reworked: 'reworked', Unsatisfied: 'unsatisfied',
  BasicallySatisfied: 'basically_satisfied', NonCompliant: 'non_compliant', FeedbackLate: 'feedback_late' };

/// Opens a unit's shortfall lists from the unit table and checks them against the CLI's: every
/// count, and the ticket numbers of every list (all of them: the sample's lists are short).
async function checkShortfalls(page, name, cli) {
  await page.click(`#unit-table tr[data-row="${name}"] .unit-link`);
  await page.waitForSelector(`#shortfalls[data-unit="${name}"] #shortfall-kinds`, { timeout: 60000 });
  const counts = await page.$$eval('#shortfall-kinds button', (bs) => Object.fromEntries(bs.map((b) => [b.dataset.kind, Number(b.querySelector('.n').textContent)])));
  assert.deepEqual(counts, Object.fromEntries(KINDS.map((k, i) => [k, cli.counts[i]])), `${name}: counts`);
  assert.ok(cli.counts.reduce((a, b) => a + b) > 0, 'a unit with shortfalls');
  for (const kind of KINDS.filter((k, i) => cli.counts[i] > 0)) {
    await page.click(`#shortfall-kinds button[data-kind=${kind}]`);
    await page.waitForSelector(`.shortfall-list[data-kind=${kind}] #shortfall-table`);
    const ids = await page.$$eval('#shortfall-table tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
    const want = cli.rows.filter((r) => r.kinds.some((k) => KIND_OF[k] === kind)).map((r) => r.id);
    assert.deepEqual(ids, want, `${name}: ${kind} tickets`);
  }
  return counts;
}

test("a unit's shortfall lists equal its figures and the CLI's tickets; a streamed file finds them by reading it again", async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  const report = cliReport(sample);
  const busiest = report.units[0];
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, report.source.rows_read);
  const counts = await checkShortfalls(page, busiest.name, cliShortfalls(sample, '--unit', busiest.name));
  // The lists behind the unit table's own cells.
  assert.equal(String(counts.closed_late), shown(busiest.all.closed_late));
  assert.equal(String(counts.open_overdue), shown(busiest.all.open_overdue));
  // Every row of every list is in the download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#shortfall-csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(csv.trim().split('\n').length, 1 + Object.values(counts).reduce((a, b) => a + b));
  // A member unit, 省派 only.
  await page.click('button[data-level=成员单位]');
  await page.click('button[data-scope=省派]');
  const member = report.members.find((m) => m.province.dispatched > 0);
  await checkShortfalls(page, member.name, cliShortfalls(sample, '--member', member.name, '--scope', 'province'));
  assert.deepEqual(errors, []);
  await page.close();

  // Streamed (as a file beyond memory is): the same figures, and the lists by a second read.
  const streamed = await open(chrome.ctx, `${server.url}?stream=1`);
  await waitReady(streamed.page, report.source.rows_read);
  assert.equal(await streamed.page.getAttribute('#load-ms', 'data-readers'), 'stream');
  assertOverview(await overview(streamed.page), report);
  assertUnits(await unitTable(streamed.page), report.units, 'all');
  await checkShortfalls(streamed.page, busiest.name, cliShortfalls(sample, '--unit', busiest.name));
  // Rules with their own deadlines: the streamed file is read again, figures and lists follow.
  const rules = JSON.parse(fs.readFileSync(path.join(root, 'engine', 'presets', 'lyg2021.json'), 'utf8'));
  rules.deadlines = { sign_within_hours: 1, close_within_working_days: 3, override_export: true };
  const ruleFile = tmp('rules-with-deadlines.json');
  fs.writeFileSync(ruleFile, JSON.stringify(rules));
  const withRules = cliReport(sample, '--rules', ruleFile);
  assert.notEqual(shown(withRules.city.all.sign_rate), shown(report.city.all.sign_rate), 'the deadlines change a figure');
  await streamed.page.setInputFiles('#rules-file', ruleFile);
  await streamed.page.waitForFunction((want) => document.querySelector('#overview tr[data-row=sign_rate] [data-col=all]')?.textContent === want,
    shown(withRules.city.all.sign_rate), { timeout: 60000 });
  assertOverview(await overview(streamed.page), withRules);
  await checkShortfalls(streamed.page, busiest.name, cliShortfalls(sample, '--unit', busiest.name, '--rules', ruleFile));
  assert.deepEqual(streamed.errors, []);
  await streamed.page.close();
});

test('thousands of rejected rows: the page lists the first 200, the download (from the worker; of a streamed file, by a second read) has every one', async () => {
  const sample = path.join(root, 'public', 'sample.csv');
  const lines = fs.readFileSync(sample, 'utf8').trimEnd().split('\n');
  // The sample's rows twice: every repeated ticket number is rejected.
  const file = tmp('repeated.csv');
  fs.writeFileSync(file, [...lines, ...lines.slice(1)].join('\n') + '\n');
  const report = cliReport(file);
  assert.ok(report.source.rows_rejected > 1000, 'more rejects than the page is sent');
  for (const query of ['', '?stream=1']) {
    const { page, errors } = await open(chrome.ctx, server.url + query);
    await waitReady(page, cliReport(sample).source.rows_read);
    await page.setInputFiles('#ticket-file', file);
    await waitReady(page, report.source.rows_read);
    assert.equal(await page.getAttribute('#load-ms', 'data-readers'), query ? 'stream' : '1');
    assert.equal(await page.textContent('#rows-rejected'), String(report.source.rows_rejected));
    assert.match(await page.textContent('#rejects summary'), new RegExp(`拒收的行（${report.source.rows_rejected}）`));
    assert.equal(await page.$$eval('#reject-table tbody tr', (r) => r.length), 200);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-rejects')]);
    // Rows end in CRLF; a quoted field may hold a bare LF.
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(csv.length, 1 + report.source.rows_rejected, query);
    assert.deepEqual(csv.slice(1).map((l) => Number(l.split(',')[0])), report.rejects.map((j) => j.line));
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a stray quote costs its line alone; the reconciliation and the warnings are shown as the CLI gives them', async () => {
  // A generated month with a stray quote in one row and a ticket closed before it was received.
  const base = tmp('robust-base.csv');
  generate(base, '--month', '2021-02', '--tickets', '400', '--seed', '5');
  const lines = fs.readFileSync(base, 'utf8').split('\n');
  const header = lines[0].split(',');
  const unit = header.indexOf('承办单位');
  const handling = header.indexOf('办理方式');
  const received = header.indexOf('受理时间');
  const closed = header.indexOf('办结时间');
  const rows = lines.slice(1).filter((l) => l && !l.includes('"'));
  const transferred = rows.findIndex((l) => l.split(',')[handling] === '转办' && l.split(',')[closed]);
  const cells = rows[transferred].split(',');
  cells[closed] = '2021-01-01 00:00:00';
  cells[received] = '2021-02-03 08:00:00';
  rows[transferred] = cells.join(',');
  const stray = rows.findIndex((l, i) => i > transferred + 5 && l.split(',')[handling] === '转办');
  const strayCells = rows[stray].split(',');
  strayCells[unit] = '"' + strayCells[unit];
  rows[stray] = strayCells.join(',');
  const file = tmp('robust.csv');
  fs.writeFileSync(file, [lines[0], ...rows].join('\n') + '\n');
  const report = cliReport(file);
  assert.equal(report.source.rows_read, rows.length, 'every line is a row: the stray quote cost its own line only');
  assert.deepEqual(report.source.rejected_by_reason, [['unclosed_quote', 1]]);
  const kinds = report.warnings.map((w) => w.kind);
  assert.ok(kinds.includes('closed_before_received'), JSON.stringify(report.warnings));

  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', file);
  await waitReady(page, report.source.rows_read);
  assert.equal(await page.textContent('#rows-rejected'), '1');
  const r = report.reconciliation;
  const rejected = r.rejected.reduce((n, [, k]) => n + k, 0);
  assert.equal(
    await page.textContent('#reconciliation'),
    `对账：读取 ${r.rows_read} 行 = 拒收 ${rejected} + 本期直接答复 ${r.direct_in_period} + 本期转办 ${r.transferred_in_period} + 上月结转 ${r.carried_over} + 不在本期 ${r.outside_period}`,
  );
  const shownKinds = await page.$$eval('#warnings li', (li) => li.map((l) => l.dataset.kind));
  assert.deepEqual(shownKinds, kinds);
  const rejects = await page.$$eval('#reject-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((td) => td.textContent)));
  assert.deepEqual(rejects.map((x) => [Number(x[0]), x[1], x[4]]), report.rejects.map((j) => [j.line, j.id ?? '', j.message]));
  if (process.env.SHOTS) {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator('#summary').screenshot({ path: `${process.env.SHOTS}/summary-${width}.png` });
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('views: the navigation bar shows one view at a time; the unit search opens a unit in view, focused; a link opens a unit', async () => {
  const { page, errors } = await open(chrome.ctx, server.url);
  const report = cliReport(path.join(root, 'public', 'sample.csv'));
  await waitReady(page, report.source.rows_read);
  const visible = () => page.$$eval('.view', (vs) => vs.filter((v) => !v.hidden).map((v) => v.id));
  assert.deepEqual(await visible(), ['view-overview'], 'the overview first');
  assert.equal(await page.textContent('#status-period'), report.period.label);
  assert.equal(await page.getAttribute('#nav-overview', 'aria-current'), 'page');
  for (const v of ['data', 'units', 'scores', 'rules', 'overview']) {
    await page.locator(`#nav-${v}`).click();
    await page.waitForFunction((id) => !document.getElementById(id).hidden, `view-${v}`);
    assert.deepEqual(await visible(), [`view-${v}`], `only ${v}`);
    assert.equal(new URL(page.url()).hash, `#view=${v}`);
    assert.equal(await page.getAttribute(`#nav-${v}`, 'aria-current'), 'page');
  }
  // The back button returns to the view before.
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById('view-rules').hidden);
  // Any part of a name finds the unit: opened in the 单位 view, its title in view and focused.
  const unit = report.units[report.units.length - 1].name;
  const part = [...unit].slice(1, 3).join('');
  const expected = [...report.units, ...report.members].find((u) => u.name.includes(part)).name;
  await page.locator('#unit-search').fill(part);
  await page.locator('#unit-search').press('Enter');
  await page.waitForSelector(`#shortfalls[data-unit="${expected}"] #shortfall-kinds`);
  assert.deepEqual(await visible(), ['view-units']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'shortfalls-title');
  const inView = await page.$eval('#shortfalls-title', (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'the opened unit is scrolled into view');
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#view=units&unit=${expected}`);
  // Not found: said in the search's live region.
  await page.locator('#unit-search').fill('不存在的单位名');
  await page.locator('#unit-search').press('Enter');
  await page.waitForFunction(() => document.getElementById('search-message').textContent.includes('没有名称含'));
  // Closing the unit drops it from the address.
  await page.locator('#shortfall-close').click();
  await page.waitForFunction(() => !document.getElementById('shortfalls'));
  assert.equal(new URL(page.url()).hash, '#view=units');
  await page.close();
  // A link that names a unit opens straight onto it.
  const linked = report.units[0].name;
  const second = await open(chrome.ctx, `${server.url}#view=units&unit=${encodeURIComponent(linked)}`);
  await waitReady(second.page, report.source.rows_read);
  await second.page.waitForSelector(`#shortfalls[data-unit="${linked}"] #shortfall-kinds`);
  assert.deepEqual(await second.page.$$eval('.view', (vs) => vs.filter((v) => !v.hidden).map((v) => v.id)), ['view-units']);
  assert.deepEqual([...errors, ...second.errors], []);
  await second.page.close();
});

test('several files at once: listed in order, reorderable, combined as the CLI combines them, the overlap reported', async () => {
  const jan = tmp('jan.csv');
  const feb = tmp('feb.csv');
  generate(jan, '--month', '2021-01', '--tickets', '1200', '--seed', '6');
  generate(feb, '--month', '2021-02', '--tickets', '1200', '--seed', '7');
  // The February export repeats 40 January tickets (as consecutive exports repeat open ones).
  const janRows = fs.readFileSync(jan, 'utf8').trimEnd().split('\n').slice(1, 41);
  fs.appendFileSync(feb, janRows.join('\n') + '\n');
  const both = cliReport(jan, feb);
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.setInputFiles('#ticket-file', [feb, jan]);
  await page.waitForSelector('#file-queue');
  const order = () => page.$$eval('#file-queue li', (li) => li.map((l) => l.dataset.name));
  assert.deepEqual(await order(), ['feb.csv', 'jan.csv'], 'listed in the order chosen');
  // Oldest first: January up.
  await page.click('#file-queue li[data-name="jan.csv"] .queue-up');
  assert.deepEqual(await order(), ['jan.csv', 'feb.csv']);
  await page.click('#read-files');
  await waitReady(page, both.source.rows_read);
  assertOverview(await overview(page), both);
  assertUnits(await unitTable(page), both.units, 'all');
  const notes = await page.$$eval('#combined-files li', (li) => li.map((l) => l.textContent));
  assert.equal(notes.length, 2);
  // The count of January tickets a later export replaced is the CLI's.
  const cliLog = spawnSync(path.join(root, 'target', 'debug', 'hotline'), [jan, feb], { encoding: 'utf8', maxBuffer: 1 << 30 }).stderr;
  const replaced = cliLog.match(/jan\.csv：(\d+) 张工单在之后的导出中也有/)[1];
  assert.ok(Number(replaced) >= 40, cliLog);
  assert.match(notes[0], new RegExp(`^jan\\.csv：.*其中 ${replaced} 张工单在之后的导出中也有，以之后的为准`));
  assert.match(notes[1], /^feb\.csv：/);
  assert.match(await page.textContent('#status-file'), /jan\.csv \+ feb\.csv/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a ticket export chosen with a registry and an adjustments file (GBK): the side files are told by their headers', async () => {
  const file = tmp('with-side.csv');
  generate(file, '--month', '2021-03', '--tickets', '2000', '--seed', '5');
  const units = tmp('名录.csv');
  const adj = tmp('加减分.csv');
  fs.writeFileSync(`${units}.utf8`, ['单位,分组,满分,上级单位', '海州区,县区组,150,', '市住建局,市直部门组,100,', '市自来水公司,市直部门组,100,市住建局'].join('\n') + '\n');
  fs.writeFileSync(`${adj}.utf8`, ['单位,项目,分值,说明', '海州区,加分,1.5,典型经验'].join('\n') + '\n');
  toGbk(`${units}.utf8`, units);
  toGbk(`${adj}.utf8`, adj);
  const cli = cliReport(file, '--units', units, '--adjustments', adj, '--rules', 'lyg2021');
  const { page, errors } = await open(chrome.ctx, server.url);
  await waitReady(page, cliReport(path.join(root, 'public', 'sample.csv')).source.rows_read);
  await page.selectOption('#rules-preset', 'lyg2021');
  await page.setInputFiles('#ticket-file', [units, file, adj]);
  // One ticket export: read at once, no list to order.
  await waitReady(page, cli.source.rows_read);
  assert.equal(await page.$('#file-queue'), null);
  await page.click('button[data-level=成员单位]');
  await page.waitForFunction((n) => document.querySelectorAll('#unit-table tbody tr').length === n, cli.members.length);
  const expected = cli.scores.groups.flatMap((g) => [...g.rows.map((r) => [r.name, r.score]), ...g.unscored.map((u) => [u.name, null])]).map((x) => x.join(':')).join('|');
  await page.waitForFunction((exp) => [...document.querySelectorAll('#scores table.score-table tbody tr')]
    .map((r) => [r.dataset.row, r.classList.contains('unscored') ? null : r.querySelector('[data-col=score]').textContent].join(':')).join('|') === exp, expected);
  assert.deepEqual(errors, []);
  await page.close();
});
