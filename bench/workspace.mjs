#!/usr/bin/env node
// Agent workspace benchmark: JavaScript and CSS shipped (gzipped), first load over loopback,
// (a) an agent's Active list with 300 conversations, 100 open and 200 closed (render time, long
// tasks while it ticks and scrolls, and interaction to next paint: the slowest of 20 clicks and
// key presses on the list, from the browser's Event Timing entries, as the INP web-vital counts
// it), and (b) a manager's
// All tab over 100,000 conversations (time to first rows, INP over 24 clicks and key presses,
// scrolling deep into the list as it loads page after page, long tasks, DOM nodes). Both lists
// are virtualized: the DOM holds the rows in view, not the list.
//
//   npm run build && node bench/workspace.mjs [--runs 10] [--all 100000] [--deep 20000] [--no-write]
//
// Writes bench/RESULTS-workspace.md. The server is a child of this process on 127.0.0.1.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { startDemoServer } from '../packages/server/scripts/demo-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    all: { type: 'string', default: '100000' },
    deep: { type: 'string', default: '20000' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
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
// What an agent downloads: the entry script(s) index.html names, plus their language's catalogue
// (the largest one counted); the other languages and the dashboard's charts load only on demand.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entryFiles = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const gz = (f) => gzipSync(readFileSync(join(dist, 'assets', f)), { level: 9 }).length;
const entryGz = entryFiles.reduce((n, f) => n + gz(f), 0);
const languageGz = Math.max(0, ...assets.filter((f) => /^(es|fr|de|pt-BR|ja|ar)-[\w-]+\.js$/.test(f)).map(gz));
say(`JS ${(js.gz / 1024).toFixed(1)} kB gzipped, CSS ${(css.gz / 1024).toFixed(1)} kB`);

// ------------------------------------------------------------------ server
const demo = await startDemoServer({ name: 'parley-workspace-bench', env: { DATABASE_URL: '', REDIS_URL: '' } });
const { url, data, password, call, login } = demo;
/** A UUIDv7 for the instant `ms` (as the server makes them: time-ordered). */
function idAt(ms) {
  const t = ms.toString(16).padStart(12, '0');
  const r = randomBytes(10).toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(0, 3)}-${'89ab'[Number.parseInt(r[3], 16) % 4]}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}
/** Long tasks and Event Timing entries (the longest per interaction) from now on, in the page. */
const observe = (page) =>
  page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    window.__inp = new Map();
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.interactionId) window.__inp.set(e.interactionId, Math.max(window.__inp.get(e.interactionId) ?? 0, e.duration));
    }).observe({ type: 'event', durationThreshold: 16, buffered: false });
  });
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

  // ---------------------------------------------------------------- (a) 200 conversations in Alice's Active list
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

  /** The sign-in page opened and filled in for one of the demo's users (the click is the caller's: it times it). */
  const fillSignIn = async (p, username) => {
    await p.goto(`${url}/`);
    await p.getByLabel('Account').fill('demo');
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password(username));
  };
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await fillSignIn(page, 'alice');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The list is virtualized: its first row says how many there are (aria-setsize), the DOM holds those in view.
  await page.waitForFunction((n) => Number(document.querySelector('ul.rows > li')?.getAttribute('aria-setsize') ?? 0) >= n, active.items.length);
  const listMs = Date.now() - t0;
  const activeRows = await page.locator('ul.rows > li').first().getAttribute('aria-setsize');
  const activeDom = await page.evaluate(() => ({ rows: document.querySelectorAll('ul.rows > li').length, nodes: document.querySelectorAll('*').length }));
  say(`sign in to the Active list of ${activeRows} on screen: ${listMs} ms (${activeDom.rows} rows in the DOM, ${activeDom.nodes} elements)`);
  // Long tasks while the countdowns tick, the list scrolls and live upserts arrive (and Event Timing for later).
  await observe(page);
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
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  const interactions = 20;
  for (let i = 0; i < interactions / 2; i++) {
    // Open a conversation from the list (the i-th row from the top, one in view), and move on by keyboard.
    await page.locator(`ul.rows > li[aria-posinset="${i * 2 + 1}"] button.row-button`).click();
    await page.waitForTimeout(200);
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(500);
  const slow = await page.evaluate(() => [...window.__inp.values()]);
  const inp = slow.length ? Math.round(Math.max(...slow)) : null;
  say(`interaction to next paint over ${interactions} clicks and key presses: ${inp === null ? '< 16' : inp} ms (${slow.length} slower than 16 ms)`);
  await ctx.close();

  // ---------------------------------------------------------------- (b) a manager's All tab over 100,000 conversations
  // Bulk-inserted into the server's SQLite file (WAL: the running server reads them on its next
  // list): clones of one real closed conversation (its row, its consumer's row, its first message),
  // each with its own ids, consumer name and text, spread over the last 6 days (the All tab's
  // default window is 7), so the list pages through all of them by cursor.
  const allTotal = Number(opts.all);
  const seedStart = Date.now();
  const db = new SQLite(join(data, 'parley.db'));
  let seeded;
  try {
    db.pragma('busy_timeout = 10000');
    const tmpl = db.prepare("SELECT * FROM conversations WHERE account_id = 'demo' AND state = 'closed' ORDER BY created_at LIMIT 1").get();
    const consumerTmpl = db.prepare('SELECT * FROM consumers WHERE id = ?').get(tmpl.consumer_id);
    const messageTmpl = db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq LIMIT 1').get(tmpl.id);
    const existing = db.prepare("SELECT count(*) AS n FROM conversations WHERE account_id = 'demo'").get().n;
    const insert = (table, row) => {
      const cols = Object.keys(row);
      const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
      return (values) => stmt.run({ ...row, ...values });
    };
    const addConsumer = insert('consumers', consumerTmpl);
    const addConversation = insert('conversations', tmpl);
    const addMessage = messageTmpl ? insert('messages', messageTmpl) : null;
    const n = Math.max(0, allTotal - existing);
    const span = 6 * 86_400_000;
    const base = Date.now() - span;
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const at = base + Math.floor((i * span) / n);
        const cid = idAt(at);
        const id = idAt(at + 1);
        const text = `Question ${i} about order ${100000 + i}`;
        addConsumer({ id: cid, name: `Visitor ${i}`, created_at: at });
        const times = { created_at: at, awaiting_since: at, queued_at: at, assigned_at: at + 1000, closed_at: at + 60_000, updated_at: at + 60_000 };
        addConversation({ ...times, id, consumer_id: cid, last_message_text: text, last_message_at: at + 2, last_message_sender_id: cid });
        addMessage?.({ id: idAt(at + 2), conversation_id: id, sender_id: cid, text, client_message_id: `bench-${i}`, created_at: at + 2 });
      }
    })();
    seeded = existing + n;
  } finally {
    db.close();
  }
  const seedSec = (Date.now() - seedStart) / 1000;
  say(`${seeded} conversations in the account (bulk insert: ${seedSec.toFixed(1)} s)`);

  const mctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const mpage = await mctx.newPage();
  await fillSignIn(mpage, 'manager');
  await mpage.getByRole('button', { name: 'Sign in' }).click();
  await mpage.getByRole('heading', { name: 'Manager console' }).waitFor();
  await observe(mpage);
  const a0 = Date.now();
  await mpage.getByRole('button', { name: 'All', exact: true }).click();
  await mpage.locator('.all ul.rows > li').first().waitFor();
  const firstRowsMs = Date.now() - a0;
  say(`All tab: first rows ${firstRowsMs} ms after the click`);
  const all = mpage.locator('.all ul.rows');
  const loaded = () => all.evaluate((el) => Number(el.querySelector('li')?.getAttribute('aria-setsize') ?? 0));
  const dom = () => mpage.evaluate(() => ({ rows: document.querySelectorAll('.all ul.rows > li').length, nodes: document.querySelectorAll('*').length }));
  const domFirst = await dom();
  const pageSize = await loaded();

  // Interactions: clicks on rows (each opens the conversation beside the list), arrow keys, End
  // (to the last row loaded: the next page comes) and Home; then again deep in the list.
  const row = (n) => mpage.locator(`.all ul.rows > li[aria-posinset="${n}"] button.row-button`);
  const pause = () => mpage.waitForTimeout(150);
  let allInteractions = 0;
  const act = async (fn) => {
    await fn();
    allInteractions++;
    await pause();
  };
  for (let i = 0; i < 4; i++) {
    await act(() => row(i * 2 + 1).click());
    await act(() => mpage.keyboard.press('ArrowDown'));
    await act(() => mpage.keyboard.press('ArrowDown'));
  }
  await act(() => mpage.keyboard.press('End'));
  await act(() => mpage.keyboard.press('Home'));

  // Scrolling deep: the wheel over the list, the next page fetched as the end comes near, until
  // --deep conversations are loaded.
  const deep = Math.min(Number(opts.deep), seeded);
  const box = await all.boundingBox();
  await mpage.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const s0 = Date.now();
  let wheels = 0;
  while ((await loaded()) < deep && Date.now() - s0 < 600_000) {
    await mpage.mouse.wheel(0, 20_000);
    wheels++;
    await mpage.waitForTimeout(50);
  }
  const deepLoaded = await loaded();
  const deepSec = (Date.now() - s0) / 1000;
  const domDeep = await dom();
  say(
    `scrolled to ${deepLoaded} conversations loaded in ${deepSec.toFixed(1)} s (${wheels} wheel turns); ${domDeep.rows} rows in the DOM, ${domDeep.nodes} elements`,
  );
  // Deep in the list: clicks on rows in view and arrow keys.
  for (let i = 0; i < 4; i++) {
    const inView = await all.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const li = [...el.querySelectorAll('li')].find((x) => x.getBoundingClientRect().top >= top);
      return Number(li?.getAttribute('aria-posinset') ?? 1);
    });
    await act(() => row(inView + 1).click());
    await act(() => mpage.keyboard.press('ArrowDown'));
  }
  await act(() => mpage.keyboard.press('ArrowUp'));
  await act(() => mpage.keyboard.press('ArrowUp'));
  await mpage.waitForTimeout(500);
  const m = await mpage.evaluate(() => ({ inp: [...window.__inp.values()], long: window.__long }));
  const allInp = m.inp.length ? Math.round(Math.max(...m.inp)) : null;
  const allLong = m.long;
  say(
    `All tab: INP over ${allInteractions} interactions ${allInp === null ? '< 16' : allInp} ms (${m.inp.length} over 16 ms); long tasks ${allLong.length} (longest ${Math.round(Math.max(0, ...allLong))} ms)`,
  );
  await mctx.close();
  const load = loadavg()[0].toFixed(1);

  const results = `# Agent workspace benchmark

Measured by \`node bench/workspace.mjs\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load average ${load} at the end; Chromium headless over loopback, 1440 × 900. Both lists are virtualized (@tanstack/react-virtual): the DOM holds the rows in view plus a few around them.

| what | result | target |
| --- | --- | --- |
| JavaScript an agent downloads (gzipped, level 9): the entry script and one language's catalogue (the largest) | ${((entryGz + languageGz) / 1024).toFixed(1)} kB (entry ${(entryGz / 1024).toFixed(1)} kB + language ${(languageGz / 1024).toFixed(1)} kB) | < 250 kB |\n| all JavaScript chunks, the six other catalogues and the charts (loaded on demand) included | ${(js.gz / 1024).toFixed(1)} kB (${(js.raw / 1024).toFixed(0)} kB raw) | |
| CSS shipped (gzipped) | ${(css.gz / 1024).toFixed(1)} kB | |
| first load, cold cache, navigation start to the sign-in form painted (first contentful paint) (median of ${loads.length}) | ${median(loads)} ms (min ${Math.min(...loads)}, max ${Math.max(...loads)}) | < 1 s |
| sign in to the Active list of ${activeRows} on screen | ${listMs} ms (${activeDom.rows} rows in the DOM, ${activeDom.nodes} elements in the page) | |
| long tasks (> 50 ms) over 5 s of ticking countdowns, scrolling and live upserts with ${activeRows} rows | ${long.length} (longest ${Math.round(Math.max(0, ...long))} ms) | none |
| interaction to next paint: slowest of ${interactions} clicks on rows (opening the conversation) and ↓ key presses, ${activeRows} rows | ${inp === null ? '< 16' : inp} ms (${slow.length} of ${interactions} over 16 ms) | ≤ 200 ms ("good") |

## A manager's All tab over ${seeded.toLocaleString('en')} conversations

Bulk-inserted into the server's SQLite database (${seedSec.toFixed(1)} s), spread over the last 6 days; the All tab pages through them by cursor, ${pageSize} at a time.

| what | result | target |
| --- | --- | --- |
| click on the All tab to its first rows on screen | ${firstRowsMs} ms (${domFirst.rows} rows in the DOM, ${domFirst.nodes} elements in the page) | |
| scrolling deep (mouse wheel; the next page is fetched as the end comes near) | ${deepLoaded.toLocaleString('en')} conversations loaded in ${deepSec.toFixed(1)} s (${wheels} wheel turns) | |
| DOM after scrolling deep | ${domDeep.rows} rows, ${domDeep.nodes} elements in the page (${deepLoaded.toLocaleString('en')} loaded) | flat |
| long tasks (> 50 ms) from the click on the tab to the end, scrolling included | ${allLong.length} (longest ${Math.round(Math.max(0, ...allLong))} ms) | none |
| interaction to next paint: slowest of ${allInteractions} clicks on rows (opening the conversation), ↑/↓, Home and End, at the top and deep in the list | ${allInp === null ? '< 16' : allInp} ms (${m.inp.length} of ${allInteractions} over 16 ms) | ≤ 200 ms ("good") |
`;
  if (!opts['no-write']) writeFileSync(join(root, 'bench/RESULTS-workspace.md'), results);
  process.stdout.write(results);
} finally {
  await browser.close();
  await demo.stop();
}
