// Screenshots of a share link as its receiver sees it (docs/screenshots/share-*.png): rules that
// came inside the link, marked, and a part of the link that could not be used, said.
//   node tests/e2e/shots_share.mjs      (after `trunk build --release`)
import fs from 'node:fs';
import path from 'node:path';
import { serve, browser, open, root, tmp } from './harness.mjs';

const out = path.join(root, 'docs', 'screenshots');
const rules = JSON.parse(fs.readFileSync(path.join(root, 'engine', 'presets', 'lyg2021.json'), 'utf8'));
rules.name = '某市 2026 试行（链接测试）';
const file = tmp('own.json');
fs.writeFileSync(file, JSON.stringify(rules));
const server = await serve();
const chrome = await browser();
const { page } = await open(chrome.ctx, server.url);
await page.waitForSelector('#rows-read');
await page.setInputFiles('#rules-file', file);
await page.waitForFunction(() => location.hash.includes('rules='));
const link = (await page.evaluate(() => location.href)).replace('#view=overview', '#view=scores') + '&period=2021-13';
await page.close();
for (const width of [1366, 390]) {
  const { page: p } = await open(chrome.ctx, 'about:blank');
  await p.setViewportSize({ width, height: 900 });
  await p.goto(link);
  await p.waitForSelector('#scores table.score-table');
  await p.waitForSelector('#link-problems li');
  await p.waitForSelector('.link-mark');
  await p.screenshot({ path: path.join(out, `share-${width}.png`) });
  await p.close();
}
await chrome.close();
await server.close();
console.log(`share-1366.png, share-390.png (link of ${link.length} characters)`);
