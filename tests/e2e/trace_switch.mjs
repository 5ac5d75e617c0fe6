// Temporary probe: a Chrome trace of month switches at 1M tickets.
import fs from 'node:fs';
import { serve, browser, open } from './harness.mjs';
const file = process.argv[2];
const server = await serve();
const chrome = await browser();
const { page } = await open(chrome.ctx, server.url);
await page.waitForSelector('#overview');
await page.setInputFiles('#ticket-file', file);
await page.waitForSelector('#load-ms', { timeout: 600000 });
await page.selectOption('#rules-preset', 'lyg2021');
await page.waitForSelector('#scores');
const months = await page.$$eval('#period-last option', (o) => o.map((x) => x.value));
console.log('months', months);
const cdp = await chrome.ctx.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((r) => cdp.on('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing', transferMode: 'ReportEvents' });
const res = [];
for (let i = 0; i < 6; i++) {
  const v = months[i % 2 === 0 ? 0 : months.length - 1];
  res.push(await page.evaluate(async ([val]) => {
    const watched = document.querySelector('#overview');
    const el = document.querySelector('#period-last');
    let changedAt = null;
    const obs = new MutationObserver(() => { if (changedAt === null) changedAt = performance.now(); });
    obs.observe(watched, { subtree: true, childList: true, characterData: true });
    performance.mark('switch-start');
    const t0 = performance.now();
    el.value = val;
    el.dispatchEvent(new Event('change', { bubbles: true }));
    const until = performance.now() + 5000; while (changedAt === null && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
    obs.disconnect();
    performance.mark('switch-end');
    return changedAt - t0;
  }, [v]));
  console.log(i, v, res[res.length-1]);
  await page.waitForTimeout(300);
}
console.log('switch ms', res.map((x) => x.toFixed(1)).join(' '));
await cdp.send('Tracing.end');
await done;
fs.writeFileSync('/tmp/probe/trace.json', JSON.stringify(events));
await chrome.close();
await server.close();
