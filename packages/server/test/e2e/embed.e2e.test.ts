import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCE_LISTENER, frameFence, selfFence } from './fences.js';
import { consumer, type Demo, launchBrowser, patchAccount, poll, startDemo } from './workspace-support.js';

/**
 * The host SDK (/embed.js, packages/embed) on a CRM-like page served from ANOTHER origin
 * (127.0.0.2 vs the server's 127.0.0.1): the host gets the typed events, opens a conversation,
 * inserts text, sets the status and asks for the transcript. A page from an origin that is not in
 * the account's allowedFrameAncestors cannot frame the workspace (CSP) and gets no messages.
 */

interface HostEvent {
  type: string;
  data: Record<string, unknown>;
}

/** A page on its own origin that loads /embed.js from Parley and hosts the workspace with it. */
function hostPage(parleyOrigin: string, accountId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme CRM</title>
<script src="${parleyOrigin}/embed.js"></script></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Acme CRM</h1><p id="record">No record open</p></main>
<div id="parley" style="width:420px;height:760px;border-left:1px solid #ccc"></div>
<script>
${FENCE_LISTENER}
window.events = [];
window.parley = ParleyEmbed.create({ url: '${parleyOrigin}/?account=${accountId}', container: document.getElementById('parley') });
for (const type of ['ready', 'auth.changed', 'status.changed', 'conversation.opened', 'conversation.closed', 'unread.changed', 'transcript']) {
  window.parley.on(type, (data) => window.events.push({ type, data }));
}
window.parley.on('conversation.opened', (c) => {
  document.getElementById('record').textContent = 'Record: ' + c.consumer.name + ' <' + (c.consumer.customVariables.email || '') + '>';
});
</script></body></html>`;
}

/** The workspace's frame in the host page. */
const workspaceFrame = (page: Page): Frame => {
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (!frame) throw new Error('no workspace frame');
  return frame;
};

function startHost(host: string, html: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html());
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve({ server, origin: `http://${host}:${(server.address() as AddressInfo).port}` })));
}

describe('embedding SDK: the workspace in a page of another origin', () => {
  let demo: Demo;
  let browser: Browser;
  let crm: { server: Server; origin: string };
  let stranger: { server: Server; origin: string };

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    const parley = new URL(demo.url).origin.replace('localhost', '127.0.0.1');
    crm = await startHost('127.0.0.2', () => hostPage(parley, demo.accountId));
    stranger = await startHost('127.0.0.3', () => hostPage(parley, demo.accountId));
    await patchAccount(demo, { allowedFrameAncestors: [crm.origin] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    crm?.server.close();
    stranger?.server.close();
    await demo?.stop();
  });

  async function open(origin: string): Promise<{ page: Page; events: () => Promise<HostEvent[]> }> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await page.goto(origin);
    return { page, events: () => page.evaluate(() => (window as unknown as { events: HostEvent[] }).events) };
  }

  it('serves /embed.js to any page', async () => {
    const r = await demo.api.req('GET', '/embed.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.text).toContain('ParleyEmbed');
    expect(r.text.length).toBeLessThan(40_000);
  });

  it('talks with an allowed host: typed events in, openConversation / insertText / setStatus / requestTranscript out', async () => {
    const { page, events } = await open(crm.origin);
    const frame = page.frameLocator('#parley iframe');
    const types = async () => (await events()).map((e) => e.type);

    // Nothing crosses the bridge before an agent signs in (the list is the signed-in user's account's).
    await frame.getByLabel('Username').waitFor();
    // The frame shows the sign-in form; a fence it posts now arrives after anything it posted before.
    await frameFence(page, workspaceFrame(page));
    expect(await events()).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { parley: { ready: boolean } }).parley.ready)).toBe(false);

    await frame.getByLabel('Username').fill('bob');
    await frame.getByLabel('Password').fill(demo.password('bob'));
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
    await poll(types).toContain('ready');
    expect((await events()).find((e) => e.type === 'ready')?.data).toEqual({ version: 1 });
    expect((await types()).indexOf('ready')).toBe(0);
    await poll(async () => (await events()).find((e) => e.type === 'auth.changed')?.data).toMatchObject({
      signedIn: true,
      user: { displayName: expect.any(String), accountId: demo.accountId },
    });

    // The host sets the agent online.
    await page.evaluate(() => (window as unknown as { parley: { setStatus(s: string): void } }).parley.setStatus('online'));
    await poll(async () => (await events()).filter((e) => e.type === 'status.changed').map((e) => e.data.status)).toContain('online');
    await poll(() => frame.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain('Status: Online.');

    // A consumer writes: it is routed to Bob, the host hears about the unread conversation.
    const emma = await consumer(demo, 'Emma Stone', 'Support', 'My parcel arrived damaged', { email: 'emma@example.com', crmId: '0035g00000XyZAbAAN' });
    await frame.locator('ul.rows > li', { hasText: 'Emma Stone' }).waitFor();
    await poll(async () => (await events()).filter((e) => e.type === 'unread.changed').map((e) => e.data.count)).toContain(1);

    // The host opens it: the workspace shows it and says who the consumer is.
    await page.evaluate((id) => (window as unknown as { parley: { openConversation(id: string): void } }).parley.openConversation(id), emma.conversationId);
    await frame.getByRole('heading', { name: 'Emma Stone', level: 2 }).waitFor();
    await poll(async () => (await events()).find((e) => e.type === 'conversation.opened')?.data).toEqual({
      id: emma.conversationId,
      consumer: { name: 'Emma Stone', channel: 'web', customVariables: { email: 'emma@example.com', crmId: '0035g00000XyZAbAAN' } },
    });
    await page.getByText('Record: Emma Stone <emma@example.com>').waitFor();

    // The host inserts text into the composer; the agent sends it.
    await page.evaluate(() => (window as unknown as { parley: { insertText(t: string): void } }).parley.insertText('Your replacement ships today.'));
    const composer = frame.getByRole('textbox', { name: 'Message' });
    await poll(() => composer.inputValue()).toBe('Your replacement ships today.');
    await composer.press('Enter');
    await poll(async () => (await emma.messages()).map((m) => m.text)).toContain('Your replacement ships today.');

    // Transcript on request: the promise and the event both carry it.
    const transcript = await page.evaluate(() =>
      (window as unknown as { parley: { requestTranscript(): Promise<{ id: string; text: string }> } }).parley.requestTranscript(),
    );
    expect(transcript.id).toBe(emma.conversationId);
    expect(transcript.text).toContain('Emma Stone: My parcel arrived damaged');
    expect(transcript.text).toContain('Your replacement ships today.');
    expect(await types()).toContain('transcript');

    // Bad commands are refused by the SDK before they are sent.
    const refused = await page.evaluate(() => {
      try {
        (window as unknown as { parley: { setStatus(s: string): void } }).parley.setStatus('asleep');
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(refused).toMatch(/bad setStatus/);

    // Messages from the page itself (not the iframe) never reach the host's listeners.
    await page.evaluate(() =>
      window.postMessage(
        {
          source: 'parley-workspace',
          version: 1,
          type: 'conversation.opened',
          data: { id: 'forged', consumer: { name: 'X', channel: 'web', customVariables: {} } },
        },
        '*',
      ),
    );
    await selfFence(page); // posted after the forgery, to the same window: the forgery has been dispatched
    expect((await events()).filter((e) => e.type === 'conversation.opened').map((e) => e.data.id)).not.toContain('forged');

    // Closing in the workspace tells the host.
    await frame.getByRole('button', { name: 'Close', exact: true }).click();
    await poll(async () => (await events()).filter((e) => e.type === 'conversation.closed').map((e) => e.data.id)).toContain(emma.conversationId);
    await page.evaluate(() => (window as unknown as { parley: { setStatus(s: string): void } }).parley.setStatus('offline'));
    await poll(async () => (await events()).filter((e) => e.type === 'status.changed').map((e) => e.data.status)).toContain('offline');
    await page.context().close();
  }, 120_000);

  it('an origin that is not allowed cannot frame the workspace and gets no messages', async () => {
    // The CSP names only the allowed origin.
    const csp = (await demo.api.req('GET', `/?account=${demo.accountId}`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors 'self' ${crm.origin}`);
    expect(csp).not.toContain(stranger.origin);

    const { page, events } = await open(stranger.origin);
    // Chromium refuses the document: the frame holds its error page instead of the workspace…
    await poll(() =>
      page
        .frames()
        .find((f) => f !== page.mainFrame())
        ?.url(),
    ).toBe('chrome-error://chromewebdata/');
    expect(await page.frameLocator('#parley iframe').getByLabel('Username').count()).toBe(0);
    // …and the host hears nothing, even after a while; commands go nowhere.
    await page.evaluate(() => (window as unknown as { parley: { setStatus(s: string): void } }).parley.setStatus('online'));
    // The frame is Chromium's error page, which runs none of our script; the host's own fence, posted
    // after the command, proves the SDK's listener has seen everything that came in until then.
    await selfFence(page);
    expect(await events()).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { parley: { ready: boolean } }).parley.ready)).toBe(false);
    await page.context().close();
  }, 60_000);
});
