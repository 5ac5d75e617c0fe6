// Print and phone: each view printed to PDF (A4, as Chromium prints it) with its page count,
// no text past the page or out of its cell in print emulation, "print all" as one document, and
// no view wider than a 390 px phone. With SHOTS=<dir> (scripts/screenshots.sh) it also keeps a
// screenshot of every view at 1366 and 390 px and an image of each view's first printed page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, browser, openMonth, cliReport, generate, tmp, root } from './harness.mjs';

let server;
let chrome;
before(async () => { server = await serve(); chrome = await browser(); });
after(async () => { await chrome?.close(); await server?.close(); });

const VIEWS = ['data', 'overview', 'units', 'audit', 'scores', 'rules'];
// The printable width of A4 at 96 px an inch, less 10 mm margins: landscape for the wide views.
const WIDE = new Set(['data', 'units', 'audit', 'scores']);
const PRINT_WIDTH = { wide: Math.floor((297 - 20) / 25.4 * 96), tall: Math.floor((210 - 20) / 25.4 * 96) };

function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

/// What sticks out in print emulation: elements past the right edge of the page, and table
/// cells whose text is wider than the cell.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > width + 1) out.push(`${el.tagName}#${el.id}.${el.className} right ${Math.round(r.right)} > ${width}`);
      else if ((el.tagName === 'TD' || el.tagName === 'TH') && el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName} "${el.textContent.slice(0, 20)}" overflows its cell`);
    }
    return out.slice(0, 10);
  });
}

async function show(page, view) {
  await page.locator(`#nav-${view}`).click();
  await page.waitForFunction((id) => !document.getElementById(id).hidden, `view-${view}`);
}

test('print: each view on A4 with nothing cut off, the 60-unit table on at most 4 pages, "print all" as one report; no view wider than a phone', async () => {
  const file = tmp('sixty.csv');
  generate(file, '--month', '2021-03', '--tickets', '6000', '--seed', '3');
  // More units, one ticket each, for a 60-unit month (the generator makes fewer).
  const extra = Array.from({ length: 60 - cliReport(file).units.length }, (_, i) => `X${i},2021-03-10 09:00:00,微信,求助,道路破损,转办,连云港市测试街道办事处${i + 1},,否,否,2021-03-10 09:10:00,2021-03-10 11:10:00,2021-03-10 09:30:00,2021-03-11 09:10:00,2021-03-10 10:00:00,2021-03-15 23:59:59,2021-03-12 10:00:00,0,满意,2021-03-13 10:00:00,,,`);
  fs.appendFileSync(file, extra.join('\n') + '\n');
  const report = cliReport(file);
  assert.equal(report.units.length, 60);
  const { page, errors } = await openMonth(chrome.ctx, server.url, file, report, 'lyg2021');
  const shots = process.env.SHOTS;
  // 本单位自查 open on a district, as its staff would have it.
  await show(page, 'audit');
  await page.locator('#unit-search').fill('海州区');
  await page.locator('#unit-search').press('Enter');
  await page.waitForSelector('#audit-view .audit-body[data-unit="海州区"]', { timeout: 60000 });

  const pages = {};
  for (const view of VIEWS) {
    await show(page, view);
    const width = WIDE.has(view) ? PRINT_WIDTH.wide : PRINT_WIDTH.tall;
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ media: 'print' });
    assert.deepEqual(await overflow(page), [], `${view}: nothing past the page or out of a cell when printed`);
    // Nothing only for the screen is printed: no button but the unit names, no input, no timing.
    const screenOnly = await page.evaluate(() => [...document.querySelectorAll('button:not(.unit-link):not(.sort), input, select, textarea, #load-ms, #score-ms')]
      .filter((el) => el.getClientRects().length > 0).map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(screenOnly, [], `${view}: no screen-only element printed`);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    pages[view] = pageCount(pdf);
    assert.ok(pages[view] >= 1, `${view} prints`);
    if (shots) {
      const pdfFile = path.join(shots, `print-${view}.pdf`);
      fs.writeFileSync(pdfFile, pdf);
      execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-singlefile', pdfFile, path.join(shots, `print-${view}`)]);
      fs.rmSync(pdfFile);
    }
    await page.emulateMedia({ media: 'screen' });
  }
  console.log('printed pages', JSON.stringify(pages));
  assert.ok(pages.units <= 4, `the 60-unit table prints on ${pages.units} pages (at most 4)`);

  // "打印全部": the page is marked while the dialog is open, and prints every view.
  await page.evaluate(() => { window.print = () => { window.printedAs = document.body.dataset.print; }; });
  await page.click('#print-all');
  assert.equal(await page.evaluate(() => window.printedAs), 'all');
  assert.equal(await page.evaluate(() => document.body.dataset.print), undefined, 'the mark is gone after printing');
  await page.evaluate(() => { document.body.dataset.print = 'all'; });
  await page.emulateMedia({ media: 'print' });
  const allPdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  if (process.env.DEBUG_PDF) fs.writeFileSync(process.env.DEBUG_PDF, allPdf);
  const all = pageCount(allPdf);
  await page.evaluate(() => { delete document.body.dataset.print; });
  await page.emulateMedia({ media: 'screen' });
  const sum = Object.values(pages).reduce((a, b) => a + b, 0);
  assert.ok(all >= sum - VIEWS.length && all <= sum + VIEWS.length, `print all: ${all} pages, the views ${JSON.stringify(pages)}`);

  // Phone and desktop: no view makes the page itself wider than the screen.
  for (const width of [390, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    for (const view of VIEWS) {
      await show(page, view);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(wide <= 0, `${view} at ${width} px: the page overflows by ${wide} px`);
      if (shots) await page.screenshot({ path: path.join(shots, `${view}-${width}.png`), fullPage: false });
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});
