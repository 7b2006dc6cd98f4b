#!/usr/bin/env node
// Screenshots of the Parley utility item in a mock Service Console (docs/screenshots/salesforce-*.png):
//   node salesforce/dev/screenshots.mjs      (from the repo root, after `npm run build`; needs /usr/bin/chromium)
// The built server runs with its demo account; salesforce/dev/mock-console.html is served from
// another origin (127.0.0.2), which the account allows in allowedFrameAncestors, and hosts the
// workspace through /embed.js exactly as the LWC does.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
// The demo server helper of the Parley server package (this script already needs its build).
import { startDemoServer } from '../../packages/server/scripts/demo-server.mjs';

const root = join(import.meta.dirname, '../..');
const out = join(root, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const demo = await startDemoServer({ name: 'parley-sf-shots', args: ['--host', '127.0.0.1'] });
const { password, call, login } = demo;
const parley = new URL(demo.url).origin;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const html = readFileSync(join(import.meta.dirname, 'mock-console.html'));
const host = createServer((_req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(html);
});
await new Promise((resolve) => host.listen(0, '127.0.0.2', resolve));
const hostOrigin = `http://127.0.0.2:${host.address().port}`;

let browser;
try {
  const manager = await login('manager');
  await call('PATCH', '/api/v1/account/settings', { allowedFrameAncestors: [hostOrigin] }, manager);
  const skills = (await call('GET', '/api/v1/consumer/skills?accountId=demo')).items;
  const support = skills.find((s) => s.name === 'Support').id;

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--hide-scrollbars'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1, timezoneId: 'UTC', locale: 'en-GB' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${hostOrigin}/?parley=${encodeURIComponent(parley)}&account=demo`);
  const frame = page.frameLocator('#frame iframe');

  // 1. The utility opened for the first time: the agent signs in inside it.
  await frame.getByLabel('Username').fill('bob');
  await frame.getByLabel('Password').fill(password('bob'));
  await sleep(300);
  await page.screenshot({ path: join(out, 'salesforce-sign-in.png') });
  await frame.getByRole('button', { name: 'Sign in' }).click();
  await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
  await page.evaluate("embed.setStatus('online')"); // the host sets the status, as a CRM could
  await frame.getByRole('button', { name: /^Status: Online/ }).waitFor();

  // 2. A known customer writes; the agent opens the conversation: her Contact pops in a console tab.
  const s = await call('POST', '/api/v1/consumer/session', {
    accountId: 'demo',
    name: 'Emma Stone',
    customVariables: { email: 'emma@example.com', orderId: 'A-2291' },
  });
  const c = await call('POST', '/api/v1/consumer/conversations', { skillId: support, text: 'Hi, my parcel arrived damaged. Order A-2291.' }, s.consumerToken);
  const row = frame.locator('ul.rows > li', { hasText: 'Emma Stone' });
  await row.waitFor();
  await row.getByRole('button').click();
  await frame.getByRole('heading', { name: 'Emma Stone', level: 2 }).waitFor();
  await page.getByRole('heading', { name: 'Emma Stone', level: 1 }).waitFor();
  const composer = frame.getByRole('textbox', { name: 'Message' });
  await composer.fill('Hello Emma, I am sorry to hear that! Could you send a photo of the box?');
  await composer.press('Enter');
  await call(
    'POST',
    `/api/v1/consumer/conversations/${c.id}/messages`,
    { text: 'Sure, here it is. The corner is crushed.', clientMessageId: randomUUID() },
    s.consumerToken,
  );
  await frame.getByRole('log').getByText('The corner is crushed.').waitFor();
  await composer.fill('Thank you. A replacement ships today, no need to return the damaged one.');
  await page.mouse.move(0, 0);
  await sleep(400);
  await page.screenshot({ path: join(out, 'salesforce-console.png') });

  // 3. Save transcript: a completed Task in the Contact's activity.
  await composer.press('Enter');
  await frame.getByRole('log').getByText('A replacement ships today').waitFor();
  await page.getByRole('button', { name: 'Save transcript' }).click();
  await page.getByText('Transcript saved to Emma Stone.').waitFor();
  await sleep(300);
  await page.screenshot({ path: join(out, 'salesforce-transcript.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser?.close();
  host.close();
  await demo.stop();
}
