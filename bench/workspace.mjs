#!/usr/bin/env node
// Agent workspace benchmark: JavaScript and CSS shipped (gzipped), first load over loopback, and
// the Active list with 300 conversations (render time, long tasks while it ticks and scrolls, and
// interaction to next paint: the slowest of 20 clicks and key presses on the list, from the
// browser's Event Timing entries, as the INP web-vital counts it).
//
//   npm run build && node bench/workspace.mjs [--runs 10] [--no-write]
//
// Writes bench/RESULTS-workspace.md. The server is a child of this process on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startDemoServer } from '../packages/server/scripts/demo-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '10' }, 'no-write': { type: 'boolean', default: false } }, strict: true });
const say = (s) => process.stderr.write(`workspace-bench: ${s}\n`);
const dist = join(root, 'packages/workspace/dist');
if (!existsSync(join(dist, 'index.html'))) throw new Error('build first: npm run build');

// ------------------------------------------------------------------ sizes
const assets = readdirSync(join(dist, 'assets'));
const size = (ext) =>
  assets
    .filter((f) => f.endsWith(ext))
    .reduce(
      (acc, f) => {
        const b = readFileSync(join(dist, 'assets', f));
        return { raw: acc.raw + b.length, gz: acc.gz + gzipSync(b, { level: 9 }).length };
      },
      { raw: 0, gz: 0 },
    );
const js = size('.js');
const css = size('.css');
say(`JS ${(js.gz / 1024).toFixed(1)} kB gzipped, CSS ${(css.gz / 1024).toFixed(1)} kB`);

// ------------------------------------------------------------------ server
const demo = await startDemoServer({ name: 'parley-workspace-bench', env: { DATABASE_URL: '', REDIS_URL: '' } });
const { url, password, call, login } = demo;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'] });
try {
  // ---------------------------------------------------------------- first load (cold cache each run)
  const loads = [];
  for (let i = 0; i < Number(opts.runs); i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // First contentful paint: the sign-in form is the first thing the app paints.
    loads.push(Math.round(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now())));
    await ctx.close();
  }
  say(`first load (first contentful paint of the sign-in form): median ${median(loads)} ms`);

  // ---------------------------------------------------------------- 300 conversations in Alice's Active list
  const manager = await login('manager');
  const alice = await login('alice');
  const me = await call('GET', '/api/v1/me', undefined, alice);
  await call('PATCH', `/api/v1/users/${me.id}`, { maxConcurrent: 100 }, manager);
  await call('PUT', '/api/v1/me/status', { status: 'online' }, alice);
  const skill = (await call('GET', '/api/v1/consumer/skills?accountId=demo')).items.find((s) => s.name === 'Sales').id;
  // 100 consumers (session creation is rate limited), each with three conversations: two closed, one open.
  const tokens = [];
  for (let i = 0; i < 100; i++) tokens.push((await call('POST', '/api/v1/consumer/session', { accountId: 'demo', name: `Consumer ${i}` })).consumerToken);
  const open = async (n, k) => {
    const ids = [];
    for (let i = 0; i < n; i++) ids.push((await call('POST', '/api/v1/consumer/conversations', { skillId: skill, text: `Question ${k}.${i}` }, tokens[i])).id);
    return ids;
  };
  for (let round = 0; round < 2; round++) {
    const ids = await open(100, round);
    for (const id of ids) {
      for (let t = 0; t < 100; t++) {
        try {
          await call('POST', `/api/v1/conversations/${id}/close`, undefined, alice);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }
  await open(100, 2);
  const active = await call('GET', '/api/v1/workspace/active', undefined, alice);
  say(`Alice's Active list: ${active.items.length} conversations`);

  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/`);
  await page.getByLabel('Account').fill('demo');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(password('alice'));
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('ul.rows > li').length >= n, active.items.length);
  const listMs = Date.now() - t0;
  say(`sign in to ${active.items.length} rows on screen: ${listMs} ms`);
  // Long tasks while the countdowns tick, the list scrolls and live upserts arrive.
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const scroller = page.locator('ul.rows');
  for (let i = 0; i < 20; i++) {
    await scroller.evaluate((el, y) => el.scrollTo(0, y), (i % 10) * 1500);
    if (i % 4 === 0) {
      // A consumer writes: an upsert re-sorts the list live.
      const c = active.items.find((x) => x.state === 'open' && x.consumer.name === `Consumer ${i}`);
      if (c)
        await call('POST', `/api/v1/consumer/conversations/${c.id}/messages`, { text: 'Any news?', clientMessageId: randomUUID() }, tokens[i]).catch(
          () => undefined,
        );
    }
    await page.waitForTimeout(250);
  }
  const long = await page.evaluate(() => window.__long);
  say(`long tasks over 5 s of ticking, scrolling and upserts: ${long.length} (max ${Math.round(Math.max(0, ...long))} ms)`);

  // Interaction to next paint: Event Timing entries of each interaction (input delay + handlers +
  // the paint after), the longest entry per interaction; with fewer than 50 interactions INP is
  // the slowest one. Entries under 16 ms (the API's floor) are not reported: those count as < 16.
  await page.evaluate(() => {
    window.__inp = new Map();
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.interactionId) window.__inp.set(e.interactionId, Math.max(window.__inp.get(e.interactionId) ?? 0, e.duration));
    }).observe({ type: 'event', durationThreshold: 16, buffered: false });
  });
  const rowsOnScreen = page.locator('ul.rows > li');
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  const interactions = 20;
  for (let i = 0; i < interactions / 2; i++) {
    await rowsOnScreen.nth(i * 3).click(); // open a conversation from the list
    await page.waitForTimeout(200);
    await page.keyboard.press('Tab'); // and move on by keyboard
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(500);
  const slow = await page.evaluate(() => [...window.__inp.values()]);
  const inp = slow.length ? Math.round(Math.max(...slow)) : null;
  say(`interaction to next paint over ${interactions} clicks and key presses: ${inp === null ? '< 16' : inp} ms (${slow.length} slower than 16 ms)`);

  const results = `# Agent workspace benchmark

Measured by \`node bench/workspace.mjs\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end; Chromium headless over loopback.

| what | result | target |
| --- | --- | --- |
| JavaScript shipped (gzipped, level 9) | ${(js.gz / 1024).toFixed(1)} kB (${(js.raw / 1024).toFixed(0)} kB raw) | < 250 kB |
| CSS shipped (gzipped) | ${(css.gz / 1024).toFixed(1)} kB | |
| first load, cold cache, navigation start to the sign-in form painted (first contentful paint) (median of ${loads.length}) | ${median(loads)} ms (min ${Math.min(...loads)}, max ${Math.max(...loads)}) | < 1 s |
| sign in to ${active.items.length} Active rows rendered | ${listMs} ms | |
| long tasks (> 50 ms) over 5 s of ticking countdowns, scrolling and live upserts with ${active.items.length} rows | ${long.length} (longest ${Math.round(Math.max(0, ...long))} ms) | none |
| interaction to next paint: slowest of ${interactions} clicks on rows (opening the conversation) and key presses, ${active.items.length} rows | ${inp === null ? '< 16' : inp} ms (${slow.length} of ${interactions} over 16 ms) | ≤ 200 ms ("good") |
`;
  if (!opts['no-write']) writeFileSync(join(root, 'bench/RESULTS-workspace.md'), results);
  process.stdout.write(results);
} finally {
  await browser.close();
  await demo.stop();
}
