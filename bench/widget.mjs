#!/usr/bin/env node
// Web widget benchmark: transfer size of the loader and the chat frame, and first render time in
// Chromium on /demo, side by side with the same page without the widget.
//
//   npm run build && node bench/widget.mjs [--runs 15] [--no-write] [--screenshots]
//
// Writes the "Widget" section of bench/RESULTS.md (between the widget:start/end markers; the rest
// of the file is left as it is). --screenshots also writes docs/screenshots/widget-*.png.
// Everything runs on 127.0.0.1; the server is a child of this process, stopped at the end.
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startDemoServer } from '../packages/server/scripts/demo-server.mjs';
import { writeSection } from './sections.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, 'no-write': { type: 'boolean', default: false }, screenshots: { type: 'boolean', default: false } },
  strict: true,
});
const runs = Number(opts.runs);
const say = (s) => process.stderr.write(`widget-bench: ${s}\n`);
const dist = join(root, 'packages/widget/dist');
if (!existsSync(join(dist, 'widget.js')) || !existsSync(join(root, 'packages/server/dist/cli/main.js'))) {
  throw new Error('build first: npm run build');
}

// ------------------------------------------------------------------ server
const demo = await startDemoServer({ name: 'parley-widget-bench', env: { DATABASE_URL: '', REDIS_URL: '' } });
const { url, password } = demo;

try {
  // ---------------------------------------------------------------- sizes (what /widget.js and the frame cost a visitor)
  const frameHtml = await (await fetch(`${url}/widget/frame.html`)).text();
  const files = [
    ['loader `/widget.js`', '/widget.js'],
    ['frame `frame.html`', '/widget/frame.html'],
    ...[...frameHtml.matchAll(/(?:src|href)="(\/widget\/assets\/[^"]+)"/g)].map((m) => [`frame \`${m[1].split('/').pop()}\``, m[1]]),
  ];
  const sizes = [];
  for (const [label, path] of files) {
    const raw = Buffer.from(await (await fetch(`${url}${path}`)).arrayBuffer());
    const wire = await fetch(`${url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
    sizes.push({ label, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, encoding: wire.headers.get('content-encoding') ?? 'identity' });
  }
  const total = { raw: sizes.reduce((a, s) => a + s.raw, 0), gzip: sizes.reduce((a, s) => a + s.gzip, 0) };

  // ---------------------------------------------------------------- first render in Chromium
  const browser = await chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Marks, in the host page's clock (ms since navigation start): the launcher attached and painted,
  // and the chat frame's "ready" (its UI rendered, config requested).
  const probe = () => {
    window.__marks = {};
    new MutationObserver((_, obs) => {
      if (document.querySelector('parley-widget')) {
        obs.disconnect();
        requestAnimationFrame(() => setTimeout(() => (window.__marks.launcher = performance.now()), 0));
      }
    }).observe(document, { childList: true, subtree: true });
    window.addEventListener('message', (e) => {
      if (e.data?.source === 'parley-widget' && e.data.type === 'ready') window.__marks.frame = performance.now();
    });
  };
  const sample = async (withWidget) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } }); // cold cache each time
    if (!withWidget) await context.route('**/widget.js', (r) => r.abort());
    await context.addInitScript(probe);
    const page = await context.newPage();
    await page.goto(`${url}/demo`, { waitUntil: 'load' });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 15_000 });
    if (withWidget) await page.waitForFunction(() => window.__marks.launcher && window.__marks.frame, null, { timeout: 15_000 });
    const m = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp, ...window.__marks };
    });
    let open;
    if (withWidget) {
      // Click → the message box focused inside the open panel, both stamped in epoch-based
      // high-resolution time (performance.timeOrigin + now) so the two documents' clocks agree.
      const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
      await frame.evaluate(() => {
        document
          .getElementById('text')
          .addEventListener('focus', () => requestAnimationFrame(() => (window.__focusAt = performance.timeOrigin + performance.now())), {
            once: true,
          });
      });
      const t0 = await page.evaluate(() => {
        const t = performance.timeOrigin + performance.now();
        document.querySelector('parley-widget').shadowRoot.querySelector('button').click();
        return t;
      });
      await frame.waitForFunction(() => window.__focusAt, null, { timeout: 10_000 });
      open = (await frame.evaluate(() => window.__focusAt)) - t0;
    }
    await context.close();
    return { ...m, open };
  };
  say(`${runs} cold loads of /demo with and without the widget…`);
  await sample(true); // warm the server's file cache
  const withW = [];
  const without = [];
  for (let i = 0; i < runs; i++) {
    without.push(await sample(false));
    withW.push(await sample(true));
  }

  // ---------------------------------------------------------------- screenshots
  if (opts.screenshots) await screenshots(browser);
  await browser.close();

  const med = (xs) => {
    const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
  };
  const p90 = (xs) => {
    const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] : Number.NaN;
  };
  const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '–');
  const kb = (b) => `${(b / 1024).toFixed(1)} kB`;
  const row = (label, key, set) => `| ${label} | ${ms(med(set.map((r) => r[key])))} | ${ms(p90(set.map((r) => r[key])))} |`;
  const machine = `${cpus().length} CPU(s), Node ${process.version}, Chromium (Debian, headless); load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')}`;
  const md = `## Widget

Written by \`node bench/widget.mjs\` (after \`npm run build\`); ${new Date().toISOString().slice(0, 19)}Z, ${machine}.

**Size** — what a visitor downloads for the loader and the chat frame (gzip level 9; the server sends these gzipped). Budget: 50 kB.

| file | raw | gzip |
| --- | ---: | ---: |
${sizes.map((s) => `| ${s.label} | ${kb(s.raw)} | ${kb(s.gzip)} |`).join('\n')}
| **total** | **${kb(total.raw)}** | **${kb(total.gzip)}** (${Math.round((total.gzip / 51_200) * 100)} % of the budget) |

The loader alone (what runs on the brand's page) is ${kb(sizes[0].gzip)} gzipped; the frame's JavaScript is mostly socket.io-client.

**First render** — ${runs} cold loads of \`/demo\` (fresh browser context each, 127.0.0.1), times from navigation start, median and p90.

| metric | median | p90 |
| --- | ---: | ---: |
${row('page first contentful paint, without the widget', 'fcp', without)}
${row('page first contentful paint, with the widget', 'fcp', withW)}
${row('page load event, without the widget', 'load', without)}
${row('page load event, with the widget', 'load', withW)}
${row('launcher on screen', 'launcher', withW)}
${row('chat frame rendered and ready (hidden until opened)', 'frame', withW)}
${row('click on the launcher → panel painted with the message box focused', 'open', withW)}

${interpretation(without, withW, med)}
`;
  process.stdout.write(`\n${md}`);
  if (!opts['no-write']) {
    writeSection('widget', md);
    say('wrote the Widget section of bench/RESULTS.md');
  }
} finally {
  await demo.stop();
}

/** docs/screenshots/widget-desktop.png and widget-phone.png: a conversation answered by an agent, on /demo. */
async function screenshots(browser) {
  const api = async (method, path, token, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? undefined : r.json();
  };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  await page.goto(`${url}/demo?name=Jo`);
  await page.getByRole('button', { name: /^Open chat/ }).click();
  const frame = page.frameLocator('iframe[title="Chat with us"]');
  await frame.getByLabel('Topic').selectOption({ label: 'Support' });
  const box = frame.getByRole('textbox', { name: 'Message' });
  await box.fill('Hi! My Ridge boots arrived in the wrong size. Can I swap them for a 43?');
  await box.press('Enter');
  await frame.getByText('in line').waitFor();
  const { token } = await api('POST', '/api/v1/auth/login', undefined, { accountId: 'demo', username: 'bob', password: password('bob') });
  await api('PUT', '/api/v1/me/status', token, { status: 'online' });
  await frame.getByRole('heading', { name: 'Bob Chen' }).waitFor();
  const active = await api('GET', '/api/v1/workspace/active', token);
  const id = active.items[0].id;
  await api('POST', `/api/v1/conversations/${id}/messages`, token, {
    text: 'Hi Jo, Bob here. Of course! I have reserved a pair in 43 for you.',
    clientMessageId: 'shot-1',
  });
  await frame.getByText('reserved a pair').waitFor();
  await box.fill('Wonderful, thank you!');
  await box.press('Enter');
  await api('POST', `/api/v1/conversations/${id}/messages`, token, {
    text: 'You will get a prepaid return label by email within the hour.',
    clientMessageId: 'shot-2',
  });
  await frame.getByText('prepaid return label').waitFor();
  const { io } = await import('socket.io-client');
  const s = io(`${url}/agent`, { auth: { token }, transports: ['websocket'] });
  await new Promise((r) => s.once('hello', r));
  s.emit('typing', { conversationId: id });
  await frame.getByText('is typing').waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(root, 'docs/screenshots/widget-desktop.png') });
  await page.setViewportSize({ width: 390, height: 780 });
  await page.reload();
  await page.getByRole('button', { name: /^Open chat/ }).click();
  await frame.getByText('prepaid return label').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'docs/screenshots/widget-phone.png') });
  s.close();
  await context.close();
  say('wrote docs/screenshots/widget-desktop.png and widget-phone.png');
}

function interpretation(without, withW, med) {
  const m = (set, key) => med(set.map((r) => r[key]));
  const lines = [
    `- The launcher is on screen ${Math.round(m(withW, 'launcher') - m(withW, 'fcp'))} ms (median) after the page's own first paint, and the chat frame is ready ${Math.round(m(withW, 'frame'))} ms after navigation start, in the background, before a visitor could click; opening it is a show-and-focus (${Math.round(m(withW, 'open'))} ms median to the focused message box).`,
    `- The page's own first contentful paint and load event move by ${Math.round(m(withW, 'fcp') - m(without, 'fcp'))} ms and ${Math.round(m(withW, 'load') - m(without, 'load'))} ms (medians; noise): the loader draws the launcher after the page's first frame and loads the chat frame after the page's load event (or at once if the visitor opens the chat first).`,
  ];
  const load = loadavg()[0];
  if (load > cpus().length) {
    lines.push(
      `- **Noisy machine:** the load average was ${load.toFixed(1)} on ${cpus().length} cores while this ran (other processes), so the spread between runs is wide and these times overstate a quiet machine; re-run when it is idle.`,
    );
  }
  return lines.join('\n');
}
