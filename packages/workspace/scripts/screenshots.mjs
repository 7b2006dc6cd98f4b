#!/usr/bin/env node
// Takes the README screenshots (docs/screenshots/) from the built server with demo data:
//   node packages/workspace/scripts/screenshots.mjs      (after `npm run build`; needs /usr/bin/chromium)
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemoServer } from '../../server/scripts/demo-server.mjs';

const root = join(import.meta.dirname, '../../..');
const out = join(root, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const demo = await startDemoServer({ name: 'parley-shots' });
const { url, password, call, login } = demo;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  const manager = await login('manager');
  const skills = (await call('GET', '/api/v1/consumer/skills?accountId=demo')).items;
  const sales = skills.find((s) => s.name === 'Sales').id;
  const support = skills.find((s) => s.name === 'Support').id;
  for (const [title, text] of [
    ['Greeting', 'Hello! Thanks for reaching out. How can I help you today?'],
    ['Shipping times', 'Orders ship within 2 business days; delivery takes 3 to 5 days.'],
    ['Refund policy', 'You can return any item within 30 days for a full refund.'],
    ['Address change', 'I have updated the delivery address on your order.'],
  ]) {
    await call('POST', '/api/v1/content', { title, text }, manager);
  }
  const alice = await login('alice');
  const aliceId = (await call('GET', '/api/v1/me', undefined, alice)).id;
  await call('PATCH', `/api/v1/users/${aliceId}`, { maxConcurrent: 12 }, manager);
  await call('PUT', '/api/v1/me/status', { status: 'online' }, alice);
  await call('PATCH', '/api/v1/me/settings', { timeZone: 'UTC', timeFormat: '24h', dateFormat: 'DD/MM/YYYY' }, alice);

  const consumer = async (name, skillId, text, customVariables) => {
    const s = await call('POST', '/api/v1/consumer/session', { accountId: 'demo', name, customVariables });
    const c = await call('POST', '/api/v1/consumer/conversations', { skillId, text }, s.consumerToken);
    return {
      id: c.id,
      token: s.consumerToken,
      say: (t) => call('POST', `/api/v1/consumer/conversations/${c.id}/messages`, { text: t, clientMessageId: randomUUID() }, s.consumerToken),
    };
  };
  const assigned = async (id) => {
    for (let i = 0; i < 100; i++) {
      if ((await call('GET', '/api/v1/workspace/active', undefined, alice)).items.some((x) => x.id === id && x.state === 'open')) return;
      await sleep(50);
    }
    throw new Error(`${id} never reached alice`);
  };
  const answer = async (id, text) => {
    await assigned(id);
    return call('POST', `/api/v1/conversations/${id}/messages`, { text, clientMessageId: randomUUID() }, alice);
  };

  // A returning consumer: an earlier, closed conversation, then a new one.
  const s = await call('POST', '/api/v1/consumer/session', {
    accountId: 'demo',
    name: 'Priya Raman',
    customVariables: { customerId: 'C-20817', plan: 'Gold', city: 'Lyon' },
  });
  const first = await call('POST', '/api/v1/consumer/conversations', { skillId: sales, text: 'Hi! Do you ship to France?' }, s.consumerToken);
  await sleep(300);
  await answer(first.id, 'Hello Priya! Yes, we ship to France: delivery takes 3 to 5 days.');
  await call('POST', `/api/v1/conversations/${first.id}/close`, undefined, alice);

  // Two that will be overdue: a short SLA for a moment.
  await call('PATCH', '/api/v1/account/settings', { sla: { defaultSec: 8, firstTimeSec: 8 } }, manager);
  await consumer('Hugo Moreau', support, 'My invoice shows the wrong amount', { customerId: 'C-11872' });
  await consumer('Mia Schulz', sales, 'Is the blue jacket back in stock?');
  await call('PATCH', '/api/v1/account/settings', { sla: { defaultSec: 1200, firstTimeSec: 900 } }, manager);
  const priya = await call(
    'POST',
    '/api/v1/consumer/conversations',
    { skillId: sales, text: 'Hello again! My order #A-1042 has not arrived yet.' },
    s.consumerToken,
  );
  await call('POST', `/api/v1/consumer/conversations/${priya.id}/messages`, { text: 'It was due on Monday.', clientMessageId: randomUUID() }, s.consumerToken);
  const ben = await consumer('Ben Lowe', support, 'How do I reset my password?');
  await consumer('Chloé Martin', sales, 'Can I change my delivery address?');
  const noah = await consumer('Noah Kim', support, 'The app keeps logging me out');
  const olga = await consumer('Olga Ivanova', sales, 'What are your opening hours?');
  await sleep(200);
  await answer(ben.id, 'Go to Settings → Security → Reset password; a link will arrive by email.');
  await answer(olga.id, 'We are open 9:00 to 18:00, Monday to Saturday.');
  await answer(noah.id, 'Sorry about that! Which version of the app do you have?');
  await noah.say('Version 4.2 on Android');
  await call('POST', `/api/v1/conversations/${olga.id}/close`, undefined, alice);
  await sleep(9000); // Hugo and Mia turn overdue

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1, timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByLabel('Account').fill('demo');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(password('alice'));
  await page.screenshot({ path: join(out, 'sign-in.png') });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Active conversations' }).waitFor();
  await page.locator('ul.rows > li', { hasText: 'Hugo Moreau' }).waitFor();
  await page.locator('ul.rows > li', { hasText: 'Priya Raman' }).first().getByRole('button').click();
  await page.getByRole('log').getByText('It was due on Monday.').waitFor();
  await page.locator('ul.rows > li', { hasText: 'Noah Kim' }).getByRole('button').click();
  await page.locator('ul.rows > li', { hasText: 'Priya Raman' }).first().getByRole('button').click();
  await page.getByRole('log').getByText('Do you ship to France?').waitFor();
  await page.getByRole('textbox', { name: 'Message' }).fill('Hi Priya, sorry for the wait! Let me check order #A-1042.');
  await page.mouse.move(0, 0);
  await sleep(500);
  await page.screenshot({ path: join(out, 'workspace.png') });

  await page.getByRole('tab', { name: 'Consumer info' }).click();
  await sleep(300);
  await page.screenshot({ path: join(out, 'consumer-info.png') });
  await page.getByRole('tab', { name: 'Transcript' }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('');
  await page.getByRole('button', { name: 'Predefined content' }).click();
  await page.getByRole('combobox', { name: 'Search predefined content' }).fill('days');
  await page.getByRole('option').first().waitFor();
  await sleep(300);
  await page.screenshot({ path: join(out, 'predefined-content.png') });
  await page.keyboard.press('Escape');

  // Embedded: a CRM page framing the workspace at 400 px.
  await call('PATCH', '/api/v1/account/settings', { allowedFrameAncestors: ['http://localhost:4411'] }, manager);
  const host = createServer((_q, r) => {
    r.setHeader('content-type', 'text/html; charset=utf-8');
    r.end(`<!doctype html><html lang="en"><head><title>Acme CRM</title></head>
<body style="margin:0;display:flex;height:100vh;font-family:system-ui,sans-serif;background:#eef1f5">
<main style="flex:1;padding:24px 28px;color:#1d2430"><p style="margin:0;color:#5f6b7a;font-size:13px">Acme CRM · Contacts</p>
<h1 id="name" style="margin:6px 0 16px;font-size:22px">No record</h1>
<div style="background:#fff;border:1px solid #dde2e8;border-radius:10px;padding:16px;max-width:520px" id="rec">Open a conversation in Parley: its consumer's record shows here.</div></main>
<iframe title="Parley" src="${url.replace('localhost', '127.0.0.1')}/?account=demo" style="width:400px;height:100%;border:0;border-left:1px solid #cfd5dd;background:#fff"></iframe>
<script>addEventListener('message', (e) => { const m = e.data; if (!m || m.source !== 'parley-workspace' || m.type !== 'conversation.opened') return;
const c = m.data.consumer; document.getElementById('name').textContent = c.name;
document.getElementById('rec').innerHTML = '<b>Channel</b> ' + c.channel + '<br>' + Object.entries(c.customVariables).map(([k, v]) => '<b>' + k + '</b> ' + v).join('<br>'); });</script>
</body></html>`);
  });
  await new Promise((r) => host.listen(4411, '127.0.0.1', r));
  const embed = await browser.newContext({ viewport: { width: 1100, height: 760 }, timezoneId: 'UTC' });
  const hp = await embed.newPage();
  await hp.goto('http://localhost:4411/');
  const frame = hp.frameLocator('iframe');
  await frame.getByLabel('Username').fill('alice');
  await frame.getByLabel('Password').fill(password('alice'));
  await frame.getByRole('button', { name: 'Sign in' }).click();
  await frame.locator('ul.rows > li', { hasText: 'Hugo Moreau' }).waitFor();
  await sleep(500);
  await hp.screenshot({ path: join(out, 'embedded-list.png') });
  await frame.locator('ul.rows > li', { hasText: 'Priya Raman' }).first().getByRole('button').click();
  await frame.getByRole('log').getByText('It was due on Monday.').waitFor();
  await hp.getByText('C-20817').waitFor();
  await sleep(500);
  await hp.screenshot({ path: join(out, 'embedded-conversation.png') });
  host.close();

  // Ring mode: an offer ringing.
  await call('PATCH', '/api/v1/account/settings', { acceptMode: 'ring', ringTimeoutSec: 45 }, manager);
  await consumer('Farid Haddad', sales, 'Do you ship to Canada?');
  await page.getByRole('button', { name: 'Home' }).click();
  await page.getByRole('article', { name: /Incoming conversation/ }).waitFor();
  await sleep(1200);
  await page.screenshot({ path: join(out, 'ring.png') });
  await browser.close();
  console.log(`screenshots written to ${out}`);
} finally {
  await demo.stop();
}
