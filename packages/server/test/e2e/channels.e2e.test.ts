/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StubServer, startStubServer } from '../stub-server.js';
import { type Demo, expectAccessible, launchBrowser, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Channels in a real browser against the built server: a WhatsApp conversation in the workspace
 * (receipts ✓ / ✓✓ / read with their spoken labels, a failed send and Retry, buttons from the
 * composer, the template picker), templates in Console → Channels, and quick-reply buttons in the
 * widget; axe on each, screenshots at 1280 and 400 px (docs/screenshots/channels-*.png).
 */

const shot = (name: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${name}.png`, import.meta.url));
const poll = expect.poll;

const APP_SECRET = 'e2e-whatsapp-app-secret-0123';
const TOKEN = 'EAAG-e2e-token';
const PHONE_NUMBER_ID = '106540352242922';
const WA_ID = '16505551234';

describe('channels in the browser', () => {
  let demo: Demo;
  let browser: Browser;
  let graph: StubServer;
  const failures: number[] = [];
  let n = 0;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    // A Graph API on loopback, answering as Meta does (an expired token when told to).
    graph = await startStubServer('127.0.0.1', (_req, res: ServerResponse) => {
      res.writeHead(failures.shift() ?? 200, { 'content-type': 'application/json' });
      if (res.statusCode === 401) return res.end(JSON.stringify({ error: { message: 'Error validating access token: Session has expired', code: 190 } }));
      n++;
      res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: WA_ID, wa_id: WA_ID }], messages: [{ id: `wamid.E2E${n}` }] }));
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await graph?.close();
  });

  const hub = (body: string) => `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
  const envelope = (value: Record<string, unknown>) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value },
              field: 'messages',
            },
          ],
        },
      ],
    });
  const post = async (channelId: string, body: string) => {
    const r = await fetch(`${demo.url}/api/v1/channels/${channelId}/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hub(body) },
      body,
    });
    expect(r.status).toBe(200);
  };
  const status = (wamid: string, s: string) => envelope({ statuses: [{ id: wamid, status: s, timestamp: '1750263773', recipient_id: WA_ID }] });

  async function shots(page: Page, name: string): Promise<void> {
    const size = page.viewportSize() ?? { width: 1280, height: 800 };
    await page.mouse.move(0, 0);
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 860 });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await page.screenshot({ path: shot(`${name}${width === 400 ? '-400' : ''}`) });
    }
    await page.setViewportSize(size);
  }

  it('a WhatsApp conversation: receipts, a failed send retried, buttons, the template picker; templates in the console', async () => {
    const m = demo.managerToken;
    const skill = await demo.api.ok<{ id: string }>('POST', '/api/v1/skills', { token: m, body: { name: 'WhatsApp care' } });
    await demo.api.ok('POST', '/api/v1/users', {
      token: m,
      body: { username: 'wanda', password: 'whatsapp-pass-1', displayName: 'Wanda Wu', skills: [skill.id] },
    });
    const channel = await demo.api.ok<{ id: string }>('POST', '/api/v1/channels', {
      token: m,
      body: {
        type: 'whatsapp',
        name: 'WhatsApp support',
        skillId: skill.id,
        providerBaseUrl: graph.url,
        credentials: { appSecret: APP_SECRET, accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID },
      },
    });
    await demo.api.ok('POST', `/api/v1/channels/${channel.id}/templates`, { token: m, body: { name: 'order_update', language: 'en_US', params: 1 } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, demo, 'wanda', 'whatsapp-pass-1');
    await setStatus(page, 'Online');
    await post(
      channel.id,
      envelope({
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }],
        messages: [{ from: WA_ID, id: 'wamid.IN1', timestamp: '1749416383', type: 'text', text: { body: 'Does it come in another color?' } }],
      }),
    );
    await row(page, 'Sheena Nelson').waitFor();
    await row(page, 'Sheena Nelson').getByRole('button').click();
    await page.getByRole('heading', { name: 'Sheena Nelson', level: 2 }).waitFor();
    const log = page.getByRole('log', { name: /Transcript with Sheena Nelson/ });

    // Buttons from the composer: two quick replies go out as WhatsApp reply buttons
    const composer = page.getByRole('textbox', { name: 'Message' });
    await page.getByRole('button', { name: 'Buttons' }).click();
    await page.getByRole('textbox', { name: 'Button 1' }).fill('Red');
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByRole('textbox', { name: 'Button 2' }).fill('Blue');
    await composer.fill('We have red and blue. Which one?');
    await composer.press('Enter');
    await log.getByText('We have red and blue. Which one?').waitFor();
    await poll(() => graph.requests.length).toBe(1);
    expect(JSON.parse(graph.requests[0]?.body ?? '{}')).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
    const first = log.locator('li.msg').filter({ hasText: 'We have red and blue' });
    await first.getByText('Sent', { exact: true }).waitFor(); // ✓, said as "Sent"
    expect(await first.locator('.msg-quick-replies li').allTextContents()).toEqual(['Red', 'Blue']);

    // The provider's receipts: ✓✓ delivered, then read
    await post(channel.id, status('wamid.E2E1', 'delivered'));
    await first.getByText('Delivered', { exact: true }).waitFor();
    await post(channel.id, status('wamid.E2E1', 'read'));
    await first.locator('.msg-delivery-read').waitFor();
    expect(await first.locator('.msg-delivery').textContent()).toContain('✓✓');

    // An expired token: not delivered, with Meta's reason; a new token, then Retry
    failures.push(401);
    await composer.fill('Shall I reserve one for you?');
    await composer.press('Enter');
    const second = log.locator('li.msg').filter({ hasText: 'Shall I reserve one for you?' });
    await second
      .getByRole('alert')
      .getByText(/Not delivered/)
      .waitFor();
    expect(await second.getByRole('alert').textContent()).toContain('Session has expired');
    await expectAccessible(page, 'WhatsApp conversation with receipts and a failed message');
    await shots(page, 'channels-receipts');
    const answered = page.waitForResponse((r) => r.url().endsWith('/retry'));
    await second.getByRole('button', { name: 'Retry sending this message' }).click();
    const retried = await answered;
    expect(retried.status(), await retried.text()).toBe(202);
    await poll(() => graph.requests.length, { timeout: 10_000 }).toBe(3);
    await second.getByText('Sent', { exact: true }).waitFor();

    // The consumer taps "Red": the choice arrives as a message
    await post(
      channel.id,
      envelope({
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }],
        messages: [
          {
            from: WA_ID,
            id: 'wamid.IN2',
            timestamp: '1749416400',
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'Red', title: 'Red' } },
          },
        ],
      }),
    );
    await log.locator('li.msg').filter({ hasText: 'Chose a button' }).waitFor();

    // The template picker (offered on WhatsApp conversations, and by itself once the window has closed)
    await page.getByRole('button', { name: 'Template' }).click();
    const picker = page.getByRole('group', { name: 'Send a template' });
    await picker.getByRole('combobox', { name: 'Template' }).waitFor();
    await picker.getByRole('textbox', { name: 'Parameter {{1}}' }).fill('A-1042');
    await expectAccessible(page, 'template picker');
    await shots(page, 'channels-template-picker');
    await picker.getByRole('button', { name: 'Send template' }).click();
    await log.getByText('Template order_update (en_US): A-1042').waitFor();
    await poll(() => graph.requests.map((r) => JSON.parse(r.body).type)).toContain('template');

    // Console → Channels: the WhatsApp channel's templates
    const boss = await context.newPage();
    await signIn(boss, demo, 'manager');
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Channels' }).click();
    await boss.getByRole('button', { name: 'Edit WhatsApp support' }).click();
    const templates = boss.getByRole('region', { name: 'Message templates of WhatsApp support' });
    await templates.getByRole('cell', { name: 'order_update' }).first().waitFor();
    await templates.getByRole('textbox', { name: 'Template name' }).fill('delivery_delay');
    await templates.getByRole('spinbutton', { name: 'Body parameters' }).fill('2');
    await templates.getByRole('button', { name: 'Add template' }).click();
    await templates.getByRole('cell', { name: 'delivery_delay' }).first().waitFor();
    await templates.getByRole('textbox', { name: 'Template name' }).fill('Not Valid');
    await templates.getByRole('button', { name: 'Add template' }).click();
    await templates.getByText(/lowercase letters, digits and underscores/).waitFor();
    await expectAccessible(boss, 'console channel templates');
    await templates.scrollIntoViewIfNeeded();
    await shots(boss, 'channels-console-templates');
    await context.close();
  }, 120_000);

  it('the widget shows an agent’s quick replies as buttons; a tap (by keyboard) answers with the payload', async () => {
    const m = demo.managerToken;
    const skill = await demo.api.ok<{ id: string }>('POST', '/api/v1/skills', { token: m, body: { name: 'Quick answers' } });
    await demo.api.ok('POST', '/api/v1/users', {
      token: m,
      body: { username: 'quinn', password: 'quick-pass-12', displayName: 'Quinn Quick', skills: [skill.id] },
    });
    const agentToken = await demo.api.login(demo.accountId, 'quinn', 'quick-pass-12');
    await demo.api.ok('PUT', '/api/v1/me/status', { token: agentToken, body: { status: 'online' } });

    const context = await browser.newContext({ viewport: { width: 400, height: 700 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}&skill=${skill.id}&name=Ivy`);
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Do you ship to Canada?');
    await composer.press('Enter');
    await page.getByRole('heading', { name: 'Quinn Quick' }).waitFor();
    const raw = await page.evaluate((k) => localStorage.getItem(k), `parley:session:${demo.accountId}`);
    const conversationId = (JSON.parse(raw ?? '{}') as { conversationId: string }).conversationId;
    // The agent answers what they have read: the consumer's question is stored first (under load the
    // widget's POST of it can still be in flight when the assignment shows, and it would then land
    // after the answer and rightly take the buttons away).
    await poll(async () => {
      const r = await demo.api.ok<{ items: { text: string }[] }>('GET', `/api/v1/conversations/${conversationId}/messages`, { token: agentToken });
      return r.items.map((m) => m.text);
    }).toContain('Do you ship to Canada?');
    await demo.api.ok('POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: agentToken,
      body: {
        text: 'We do! Shall I check the cost?',
        clientMessageId: randomUUID(),
        quickReplies: [{ title: 'Yes please', payload: 'cost_yes' }, { title: 'No thanks' }],
      },
    });
    const group = page.getByRole('group', { name: 'Suggested answers' });
    await group.getByRole('button', { name: 'Yes please' }).waitFor();
    await expectAccessible(page, 'widget with quick replies');
    await page.screenshot({ path: shot('channels-widget-quick-replies-400') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: shot('channels-widget-quick-replies') });
    await group.getByRole('button', { name: 'Yes please' }).focus();
    await page.keyboard.press('Enter');
    await poll(async () => {
      const r = await demo.api.ok<{ items: { text: string; quickReply?: { payload: string } }[] }>('GET', `/api/v1/conversations/${conversationId}/messages`, {
        token: agentToken,
      });
      return r.items.at(-1);
    }).toMatchObject({ text: 'Yes please', quickReply: { payload: 'cost_yes' } });
    await poll(() => group.count()).toBe(0); // answered: the buttons go
    await context.close();
  }, 60_000);
});
