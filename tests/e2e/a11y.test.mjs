// Accessibility: an axe-core audit (the wcag2a and wcag2aa rules, none disabled) of every view,
// with a month, a rule set, a unit's lists and a reject list on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, openMonth, cliReport, generate, tmp, root } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

const axeSource = fs.readFileSync(path.join(root, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

async function audit(page) {
  // evaluate, not a script tag: the page's CSP rightly refuses scripts from elsewhere.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('axe (wcag2a, wcag2aa): no violation on any view, at 1366 and 390 px', async () => {
  const file = tmp('month.csv');
  generate(file, '--month', '2021-03', '--tickets', '1500', '--seed', '8');
  fs.appendFileSync(file, 'BAD1,2021-03-02 08:00,微信,,,直接答复,,,,,,,,,,,,,,,,,\n');
  const report = cliReport(file);
  const { page, errors } = await openMonth(chrome.ctx, server.url, file, report, 'lyg2021');
  await page.click(`#unit-table tr[data-row="${report.units[0].name}"] .unit-link`);
  await page.waitForSelector('#shortfall-kinds');
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const view of ['data', 'overview', 'units', 'scores', 'rules']) {
      await page.locator(`#nav-${view}`).click();
      await page.waitForFunction((id) => !document.getElementById(id).hidden, `view-${view}`);
      assert.deepEqual(await audit(page), [], `${view} at ${width} px`);
    }
  }
  // The audit does find things: an input without a label is reported.
  await page.evaluate(() => { const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').append(i); });
  assert.ok((await audit(page)).some((v) => v.startsWith('label')), 'axe reports an unlabelled input');
  assert.deepEqual(errors, []);
  await page.close();
});
