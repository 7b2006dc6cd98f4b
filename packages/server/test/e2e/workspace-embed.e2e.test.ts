import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support.js';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, patchAccount, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

interface HostEvent {
  origin: string;
  type: string;
  data: Record<string, unknown>;
}

/** A CRM-like host page on another site (localhost vs 127.0.0.1) framing the workspace at 400 px. */
function startHost(workspaceUrl: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme CRM</title></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Acme CRM</h1><p id="record">No record open</p></main>
<iframe id="parley" title="Parley agent workspace" src="${workspaceUrl}" style="width:400px;height:760px;border:0;border-left:1px solid #ccc"></iframe>
<script>
window.events = [];
addEventListener('message', (e) => {
  if (!e.data || e.data.source !== 'parley-workspace') return;
  window.events.push({ origin: e.origin, type: e.data.type, data: e.data.data });
  if (e.data.type === 'conversation.opened') {
    const c = e.data.data.consumer;
    document.getElementById('record').textContent = 'Record: ' + c.name + ' (' + c.channel + ') ' + (c.customVariables.crmId || '');
  }
});
</script></body></html>`);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://localhost:${(server.address() as AddressInfo).port}` }));
  });
}

describe('workspace: ring mode, embedded at 400 px, reconnect', () => {
  let demo: Demo;
  let browser: Browser;
  let host: { server: Server; origin: string };

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    host = await startHost(`${demo.url.replace('localhost', '127.0.0.1')}/?account=${demo.accountId}`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    host?.server.close();
    await demo?.stop();
  });

  afterEach(async () => {
    // Back to a quiet account for the next test: auto accept, the API agent offline.
    await patchAccount(demo, { acceptMode: 'auto' });
    const aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: aliceToken, body: { status: 'offline' } }, [200]);
  });

  it('rings an offer with a countdown; Decline passes it on, Accept opens it', async () => {
    await patchAccount(demo, { acceptMode: 'ring', ringTimeoutSec: 30 });
    const aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: aliceToken, body: { status: 'online' } }, [200]);
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'carol');
    await setStatus(page, 'Online');

    // Carol and Alice are both free: the first offer goes to the one with the fewer conversations.
    const farid = await consumer(demo, 'Farid Haddad', 'Sales', 'Do you ship to Canada?');
    const first = await waitForOffer(demo, [aliceToken], farid.conversationId, page);
    if (first === 'api') {
      // It rang for Alice: she accepts, so the next one rings for Carol.
      await demo.api.ok('POST', `/api/v1/conversations/${farid.conversationId}/accept`, { token: aliceToken }, [200]);
    } else {
      const offer = page.getByRole('article', { name: 'Incoming conversation from Farid Haddad' });
      const t1 = await offer.getByText(/Rings for/).textContent();
      await poll(() => offer.getByText(/Rings for/).textContent()).not.toBe(t1); // the countdown runs
      await offer.getByRole('button', { name: 'Decline' }).click();
      await offer.waitFor({ state: 'detached' });
      // Declined: it rings for Alice now.
      await poll(
        async () => (await demo.api.ok<{ items: { id: string; state: string }[] }>('GET', '/api/v1/workspace/active', { token: aliceToken })).items,
      ).toContainEqual(expect.objectContaining({ id: farid.conversationId, state: 'ringing' }));
      await demo.api.ok('POST', `/api/v1/conversations/${farid.conversationId}/accept`, { token: aliceToken }, [200]);
    }

    const grace = await consumer(demo, 'Grace Ho', 'Sales', 'Hi, is anyone there?');
    const offer = page.getByRole('article', { name: 'Incoming conversation from Grace Ho' });
    await offer.waitFor();
    expect(await offer.textContent()).toMatch(/Incoming conversation.*Web.*Grace Ho.*Hi, is anyone there\?.*Rings for \d+ (s|min)/);
    await row(page, 'Grace Ho')
      .getByRole('button', { name: /^Grace Ho, Ringing, 1 unread message, Web/ })
      .waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { name: 'Grace Ho', level: 2 }).waitFor();
    await offer.waitFor({ state: 'detached' });
    await page.getByRole('textbox', { name: 'Message' }).fill('Yes! Carol here.');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await poll(async () => (await grace.messages()).map((m) => m.text)).toContain('Yes! Carol here.');
    await setStatus(page, 'Offline');
    await page.context().close();
  }, 120_000);

  it('works in a CRM iframe 400 px wide: sign in, compact layout, postMessage bridge, CSP; survives a dropped connection', async () => {
    await patchAccount(demo, { allowedFrameAncestors: [host.origin] });
    // frame-ancestors: 'self' plus the account's origins when the URL names the account.
    const withAccount = await demo.api.req('GET', `/?account=${demo.accountId}`);
    expect(withAccount.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${host.origin}`);
    expect((await demo.api.req('GET', '/')).headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect((await demo.api.req('GET', '/')).headers.get('content-security-policy')).not.toContain(host.origin);

    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await page.goto(host.origin);
    const frame = page.frameLocator('#parley');
    const events = () => page.evaluate<HostEvent[]>('window.events');

    // ---- sign in inside the third-party frame (the account comes from the embed URL)
    expect(await frame.getByLabel('Account').inputValue()).toBe(demo.accountId);
    await frame.getByLabel('Username').fill('bob');
    await frame.getByLabel('Password').fill(demo.password('bob'));
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
    await poll(async () => (await events()).map((e) => e.type)).toEqual(expect.arrayContaining(['ready', 'auth.changed']));
    expect((await events()).every((e) => e.origin === new URL(demo.url).origin)).toBe(true);
    await frame.getByRole('button', { name: /^Status:/ }).click();
    await frame.getByRole('menuitemradio', { name: 'Online' }).click();
    await poll(async () => (await events()).filter((e) => e.type === 'status.changed').map((e) => e.data.status)).toContain('online');

    // ---- a consumer writes; the row appears; opening it tells the host which consumer is open
    const emma = await consumer(demo, 'Emma Stone', 'Support', 'My parcel arrived damaged', { crmId: '0035g00000XyZ' });
    const emmaRow = frame.locator('ul.rows > li', { hasText: 'Emma Stone' });
    await emmaRow.waitFor();
    await poll(async () => (await events()).filter((e) => e.type === 'unread.changed').map((e) => e.data.count)).toContain(1);
    // Single column: the list fills the 400 px frame; the conversation replaces it.
    const listBox = await frame.locator('.list-pane').boundingBox();
    expect(listBox?.width).toBeLessThanOrEqual(400);
    expect(listBox?.width).toBeGreaterThan(360);
    await emmaRow.getByRole('button').click();
    await frame.getByRole('heading', { name: 'Emma Stone', level: 2 }).waitFor();
    expect(await frame.locator('.list-pane').count()).toBe(1);
    expect(await frame.locator('.list-pane').isVisible()).toBe(false);
    await poll(async () => (await events()).find((e) => e.type === 'conversation.opened')?.data).toEqual({
      id: emma.conversationId,
      consumer: { name: 'Emma Stone', channel: 'web', customVariables: { crmId: '0035g00000XyZ' } },
    });
    await page.getByText('Record: Emma Stone (web) 0035g00000XyZ').waitFor();
    await expectAccessible(page, 'embedded conversation');

    // ---- the connection drops: a banner; messages sent meanwhile arrive once when it is back
    await frame.getByRole('textbox', { name: 'Message' }).fill('Sorry to hear that! Could you send a photo?');
    await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
    await frame.getByRole('log').getByText('Could you send a photo?').waitFor();
    await context.setOffline(true);
    await frame.getByRole('status').filter({ hasText: 'Connection lost' }).waitFor();
    await emma.say('Sure, one moment');
    await emma.say('Here it is: the box was crushed');
    await context.setOffline(false);
    await frame.getByText('Connection lost').waitFor({ state: 'detached', timeout: 15_000 });
    const log = frame.getByRole('log');
    await log.getByText('Here it is: the box was crushed').waitFor();
    expect(await log.getByText('Sure, one moment').count()).toBe(1);
    expect(await log.getByText('Here it is: the box was crushed').count()).toBe(1);
    expect(await log.getByText('My parcel arrived damaged').count()).toBe(1);
    // Nothing doubled after a second drop either, and the list caught up.
    await context.setOffline(true);
    await frame.getByText('Connection lost').waitFor();
    await emma.say('Hello again');
    await context.setOffline(false);
    await log.getByText('Hello again').waitFor({ timeout: 15_000 });
    expect(await log.locator('li.msg').count()).toBe(5);

    // ---- files: the agent sends a PDF; the consumer's photo shows inline
    await frame.getByLabel('File to send').setInputFiles({ name: 'return-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
    await frame.getByRole('button', { name: 'Send file' }).click(); // shown first, sent on Send
    await log.getByRole('link', { name: /return-label\.pdf/ }).waitFor();
    await poll(async () => (await emma.messages()).some((m) => (m as { file?: { name: string } }).file?.name === 'return-label.pdf')).toBe(true);
    const form = new FormData();
    form.append('clientMessageId', 'photo-1');
    form.append('file', new Blob([Buffer.from(PNG, 'base64')], { type: 'image/png' }), 'box.png');
    const up = await fetch(`${demo.url}/api/v1/consumer/conversations/${emma.conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emma.token}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const img = log.getByRole('img', { name: 'box.png' });
    await img.waitFor();
    await poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);

    await frame.getByRole('button', { name: 'Back to the list' }).click();
    await poll(() => emmaRow.textContent()).toContain('box.png');

    // ---- closing tells the host too
    await emmaRow.getByRole('button').click();
    await frame.getByRole('button', { name: 'Close', exact: true }).click();
    await poll(async () => (await events()).filter((e) => e.type === 'conversation.closed').map((e) => e.data.id)).toContain(emma.conversationId);
    await context.close();
  }, 120_000);
});

const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Which agent the conversation rings for first: the browser page (Carol) or an API agent. */
async function waitForOffer(demo: Demo, tokens: string[], conversationId: string, page: import('playwright-core').Page): Promise<'page' | 'api'> {
  return waitFor(async (): Promise<'page' | 'api' | undefined> => {
    if ((await page.getByRole('article', { name: /^Incoming conversation from/ }).count()) > 0) return 'page';
    for (const token of tokens) {
      const items = (await demo.api.ok<{ items: { id: string; state: string }[] }>('GET', '/api/v1/workspace/active', { token })).items;
      if (items.some((i) => i.id === conversationId && i.state === 'ringing')) return 'api';
    }
    return undefined;
  }, 'the conversation ringing');
}
