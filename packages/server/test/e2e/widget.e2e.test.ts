/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { gzipSync } from 'node:zlib';
import type { Message } from '@parley/contract';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Demo,
  expectAccessible,
  launchBrowser,
  patchAccount,
  row,
  brandSite as serveBrandPage,
  setStatus,
  signIn,
  startDemo,
} from './workspace-support.js';

/**
 * The web widget in a real browser against the built server: /demo (a brand page with hostile
 * CSS) and a cross-origin brand page, the chat in Parley's iframe, an agent in the workspace.
 */

// A 2×2 PNG and a minimal PDF: the server decides file types by content.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const BUDGET_BYTES = 50 * 1024;

describe('web widget', () => {
  let demo: Demo;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    // The survey this test answers: CSAT and NPS (the demo account's own asks CSAT and a text question).
    await patchAccount(demo, {
      survey: {
        enabled: true,
        questions: [
          { id: 'csat', type: 'csat', text: 'How satisfied are you with this conversation?' },
          { id: 'nps', type: 'nps', text: 'How likely are you to recommend us to a friend?' },
        ],
      },
    });
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const close of closers) await close();
    await browser?.close();
    await demo?.stop();
  });

  async function visitor(opts: { width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[widget page error] ${e.message}`));
    return { context, page };
  }

  /** A brand's own site: another origin (another port) than Parley, serving one page. */
  async function brandSite(html: string): Promise<string> {
    const site = await serveBrandPage(html);
    closers.push(site.close);
    return site.url;
  }

  const chat = (page: Page): FrameLocator => page.frameLocator('iframe[title="Chat with us"]');
  const launcher = (page: Page) => page.getByRole('button', { name: /^Open chat/ });
  const stored = async (page: Page, accountId = demo.accountId) => {
    const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
    const raw = await frame?.evaluate((k) => localStorage.getItem(k), `parley:session:${accountId}`);
    return raw ? (JSON.parse(raw) as { consumerToken: string; consumerId: string; conversationId: string | null }) : undefined;
  };

  it('serves /widget.js to any origin, and loader + frame stay under 50 kB gzipped', async () => {
    const res = await fetch(`${demo.url}/widget.js`, { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const loader = Buffer.from(await res.arrayBuffer());

    const frameRes = await fetch(`${demo.url}/widget/frame.html`);
    expect(frameRes.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await frameRes.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/widget\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    let total = gzipSync(loader, { level: 9 }).length + gzipSync(html, { level: 9 }).length;
    for (const a of assets) {
      const r = await fetch(`${demo.url}${a}`);
      expect(r.status, a).toBe(200);
      expect(r.headers.get('cache-control')).toContain('immutable');
      total += gzipSync(Buffer.from(await r.arrayBuffer()), { level: 9 }).length;
    }
    expect(total).toBeLessThan(BUDGET_BYTES);

    const page = await fetch(`${demo.url}/demo`).then((r) => r.text());
    expect(page).toContain('<script src="/widget.js" data-account="demo"');
  });

  it('on /demo: waits in line, marks it urgent, an agent answers from the workspace, photos and files go both ways, a reload keeps it all, close → survey → CSAT', async () => {
    const { page } = await visitor();
    await page.goto(`${demo.url}/demo?name=Wanda%20Widget`);
    await launcher(page).click();
    const frame = chat(page);

    // ---- start: topic choice (no data-skill on the page), first message
    await frame.getByLabel('Topic').selectOption({ label: 'Sales' });
    const composer = frame.getByRole('textbox', { name: 'Message' });
    await composer.fill('Hi, where is my order #1042?');
    await composer.press('Enter');
    await frame.getByText('Hi, where is my order #1042?').waitFor();

    // ---- nobody is online: place in the queue and the expected wait, then urgent
    const status = frame.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/You are (next|number \d+) in line\..*Expected reply in (about \d+ minutes?|less than a minute)/);
    const convId = (await stored(page))?.conversationId;
    expect(convId).toBeTruthy();
    await frame.getByRole('button', { name: 'Mark as urgent' }).click();
    await frame.getByText('Marked as urgent').waitFor();
    const details = await demo.api.ok<{ urgent: boolean; consumer: { name: string } }>('GET', `/api/v1/conversations/${convId}`, { token: demo.managerToken });
    expect(details).toMatchObject({ urgent: true, consumer: { name: 'Wanda Widget' } });

    // ---- Alice goes online in the workspace: the conversation is hers, the widget names her
    const aliceCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    contexts.push(aliceCtx);
    aliceCtx.setDefaultTimeout(10_000);
    const alice = await aliceCtx.newPage();
    await signIn(alice, demo, 'alice');
    await setStatus(alice, 'Online');
    await row(alice, 'Wanda Widget').waitFor();
    await frame.getByRole('heading', { name: 'Alice Martin' }).waitFor();
    await expect.poll(() => status.isVisible()).toBe(false); // no more waiting line

    const aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    // ---- "Alice is typing…" (typing in the workspace composer signals over /agent), then her answer
    await row(alice, 'Wanda Widget').click();
    const reply = alice.getByRole('textbox', { name: 'Message' });
    await reply.pressSequentially('Hi Wanda');
    await frame.getByText('Alice Martin is typing…').waitFor();
    await reply.fill('Hi Wanda, it ships today!');
    await reply.press('Enter');
    await frame.getByText('Hi Wanda, it ships today!').waitFor();
    await expect.poll(() => frame.getByText('Alice Martin is typing…').count()).toBe(0);

    // ---- a photo from the consumer: preview in the widget, image in the workspace
    await frame.locator('input[type=file]').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG });
    const photo = frame.getByRole('img', { name: 'parcel.png' });
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
    const agentView = alice.getByRole('img', { name: 'parcel.png' });
    await agentView.waitFor();
    await expect.poll(() => agentView.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
    const onServer = await demo.api.ok<{ items: Message[] }>('GET', `/api/v1/conversations/${convId}/messages`, { token: demo.managerToken });
    expect(onServer.items.find((m) => m.file)?.file).toMatchObject({ name: 'parcel.png', contentType: 'image/png', size: PNG.length });

    // ---- a PDF from the agent: a download link in the widget
    await alice.getByLabel('File to send').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    await alice.getByRole('button', { name: 'Send file' }).click(); // shown first, sent on Send
    const fileButton = frame.getByRole('button', { name: /Download invoice\.pdf/ });
    await fileButton.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), fileButton.click()]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(path)).subarray(0, 5).toString()).toBe('%PDF-');

    // ---- a reload keeps the conversation, with everything in it
    const before = await stored(page);
    await page.reload();
    await launcher(page).click();
    await frame.getByText('Hi, where is my order #1042?').waitFor();
    await frame.getByText('Hi Wanda, it ships today!').waitFor();
    await frame.getByRole('img', { name: 'parcel.png' }).waitFor();
    await frame.getByRole('heading', { name: 'Alice Martin' }).waitFor();
    expect(await stored(page)).toEqual(before);
    await composer.fill('Great, thanks!');
    await composer.press('Enter');
    await alice.getByText('Great, thanks!').first().waitFor();

    // ---- the consumer ends the chat; the survey comes; answering it moves Alice's CSAT
    const kpisBefore = await demo.api.ok<{ csat: number | null; csatResponses: number }>('GET', '/api/v1/me/kpis', { token: aliceToken });
    await frame.getByRole('button', { name: 'End chat' }).click();
    await frame.getByRole('alertdialog').getByRole('button', { name: 'End chat' }).click();
    await frame.getByText('You ended the conversation').waitFor();
    const survey = frame.getByRole('form', { name: 'How did we do?' });
    await survey.waitFor();
    await survey.getByRole('radio', { name: '5: Very satisfied' }).check();
    await survey
      .getByRole('group', { name: /recommend/ })
      .getByRole('radio', { name: '9', exact: true })
      .check();
    await survey.getByRole('button', { name: 'Send feedback' }).click();
    await frame.getByText('Thank you for your feedback!').waitFor();
    await expect
      .poll(async () => (await demo.api.ok<{ csat: number | null; csatResponses: number }>('GET', '/api/v1/me/kpis', { token: aliceToken })).csatResponses)
      .toBe(kpisBefore.csatResponses + 1);
    const kpisAfter = await demo.api.ok<{ csat: number | null }>('GET', '/api/v1/me/kpis', { token: aliceToken });
    expect(kpisAfter.csat).not.toBe(kpisBefore.csat);
    expect(kpisAfter.csat).toBe(100);

    // ---- writing again starts a new conversation; the earlier one stays above it
    await composer.fill('One more question');
    await composer.press('Enter');
    await expect.poll(async () => (await stored(page))?.conversationId).not.toBe(convId);
    await expect
      .poll(() =>
        frame
          .getByRole('separator')
          .filter({ hasText: /^Conversation ·/ })
          .count(),
      )
      .toBe(2);
    await frame.getByText('Hi Wanda, it ships today!').waitFor();
  }, 120_000);

  it("the host page's CSS does not leak in; keyboard only: open, focus stays in the panel, Esc closes back to the launcher", async () => {
    const { page } = await visitor();
    await page.goto(`${demo.url}/demo`);
    await launcher(page).waitFor();

    // The hostile CSS is live on the page…
    const pageStyle = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector('.hero h1') as Element);
      return { color: s.color, font: s.fontFamily };
    });
    expect(pageStyle.color).toBe('rgb(255, 0, 0)');
    expect(pageStyle.font).toMatch(/Comic Sans/);
    // …and does not reach the launcher or the panel's frame element.
    const shell = await page.evaluate(() => {
      const root = document.querySelector('parley-widget')?.shadowRoot;
      const b = root?.querySelector('button') as Element;
      const svg = root?.querySelector('svg') as Element;
      const s = getComputedStyle(b);
      return {
        background: s.backgroundColor,
        border: s.borderTopStyle,
        font: s.fontFamily,
        radius: s.borderTopLeftRadius,
        svg: getComputedStyle(svg).display,
        iframes: document.querySelectorAll('iframe').length,
      };
    });
    expect(shell).toEqual({
      background: 'rgb(35, 87, 214)',
      border: 'none',
      font: expect.not.stringMatching(/Comic/),
      radius: '50%',
      svg: expect.not.stringMatching(/^none$/),
      iframes: 0,
    });

    // Keyboard: focus the launcher, Enter opens and puts the caret in the message box.
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    // The chat frame is created after the page's load event: wait for it rather than race it.
    await expect.poll(() => page.frames().some((f) => f.url().includes('/widget/frame.html')), { timeout: 15_000 }).toBe(true);
    const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
    if (!frame) throw new Error('no chat frame');
    await expect.poll(() => frame.evaluate(() => document.activeElement?.id)).toBe('text');
    const inside = await frame.evaluate(() => {
      const t = getComputedStyle(document.getElementById('text') as Element);
      const h = getComputedStyle(document.querySelector('h1') as Element);
      return { font: t.fontFamily, color: t.color, background: t.backgroundColor, size: t.fontSize, title: h.color };
    });
    expect(inside.font).not.toMatch(/Comic/);
    expect(inside).toMatchObject({ color: 'rgb(31, 41, 51)', size: '15px', title: 'rgb(255, 255, 255)' });
    expect(inside.background).not.toBe('rgb(255, 255, 0)');
    const panel = await page.evaluate(() => {
      const f = document.querySelector('parley-widget')?.shadowRoot?.querySelector('iframe') as Element;
      const s = getComputedStyle(f);
      return { border: s.borderTopStyle, filter: s.filter };
    });
    expect(panel).toEqual({ border: 'none', filter: 'none' });

    // Tab and Shift+Tab cycle inside the open panel.
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const where = await frame.evaluate(() => (document.hasFocus() ? document.activeElement?.id || document.activeElement?.tagName : 'outside'));
      expect(where).not.toBe('outside');
      seen.add(where ?? '');
    }
    expect(seen).toContain('minimize');
    expect(seen).toContain('text');
    await page.keyboard.press('Shift+Tab');
    expect(await frame.evaluate(() => document.hasFocus())).toBe(true);

    // Esc closes and gives the focus back to the launcher.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => (document.querySelector('parley-widget')?.shadowRoot?.querySelector('iframe') as HTMLElement | null)?.hidden))
      .toBe(true);
    expect(await page.evaluate(() => document.querySelector('parley-widget')?.shadowRoot?.activeElement?.getAttribute('aria-expanded'))).toBe('false');

    // axe on the chat UI itself (the demo page's own hostile red text is not ours to check), empty and in a conversation.
    const { page: standalone } = await visitor({ width: 400, height: 640 });
    await standalone.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}`);
    await standalone.getByRole('textbox', { name: 'Message' }).waitFor();
    await expectAccessible(standalone, 'chat frame, empty');
    await standalone.getByRole('textbox', { name: 'Message' }).fill('Is this accessible?');
    await standalone.getByRole('textbox', { name: 'Message' }).press('Enter');
    await standalone.getByRole('log').getByText('Is this accessible?').waitFor();
    await standalone.getByRole('button', { name: 'End chat' }).waitFor();
    await expectAccessible(standalone, 'chat frame, in a conversation');
  }, 120_000);

  it('on a phone-sized screen the open chat fills the screen and closes with its own button', async () => {
    const { page } = await visitor({ width: 390, height: 800 });
    await page.goto(`${demo.url}/demo`);
    await launcher(page).click();
    const box = await page.evaluate(() => {
      const r = document.querySelector('parley-widget')?.shadowRoot?.querySelector('iframe')?.getBoundingClientRect();
      if (!r) return [];
      return [r.x, r.y, r.width, r.height];
    });
    expect(box).toEqual([0, 0, 390, 800]);
    await chat(page).getByRole('button', { name: 'Close chat window' }).click();
    await launcher(page).waitFor();
  }, 60_000);

  it('on a brand page of another origin with an identity token: the same person on two devices is in one conversation', async () => {
    const { secret } = await demo.api.ok<{ secret: string }>('GET', '/api/v1/account/identity-secret', { token: demo.managerToken });
    const token = await new SignJWT({ name: 'Kim Known' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('shop-user-77')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
    // The brand's own site: another origin (another port) than Parley.
    const brandPage = `<!doctype html><html lang="en"><head><title>Brand</title></head><body><h1>Brand</h1>
      <script src="${demo.url}/widget.js" data-account="${demo.accountId}" data-skill="${demo.skill('Support')}" data-identity-token="${token}"></script></body></html>`;
    const brandUrl = await brandSite(brandPage);
    const device = async () => {
      const { page } = await visitor();
      await page.goto(brandUrl);
      await launcher(page).click();
      return page;
    };
    const laptop = await device();
    await chat(laptop).getByRole('textbox', { name: 'Message' }).fill('Asked on my laptop');
    await chat(laptop).getByRole('textbox', { name: 'Message' }).press('Enter');
    await chat(laptop).getByText('Asked on my laptop').waitFor();
    // No topic choice: the page names the skill.
    expect(await chat(laptop).getByLabel('Topic').isVisible()).toBe(false);

    const phone = await device();
    await chat(phone).getByText('Asked on my laptop').waitFor();
    await chat(phone).getByRole('textbox', { name: 'Message' }).fill('Followed up on my phone');
    await chat(phone).getByRole('textbox', { name: 'Message' }).press('Enter');
    await chat(laptop).getByText('Followed up on my phone').waitFor();
    const [a, b] = [await stored(laptop), await stored(phone)];
    expect(a?.consumerId).toBe(b?.consumerId);
    expect(a?.consumerToken).not.toBe(b?.consumerToken);
    const convId = b?.conversationId ?? '';
    const details = await demo.api.ok<{ consumer: { name: string }; skillId: string }>('GET', `/api/v1/conversations/${convId}`, { token: demo.managerToken });
    expect(details).toMatchObject({ consumer: { name: 'Kim Known' }, skillId: demo.skill('Support') });

    // With the panel closed, an agent's message shows as an unread count on the launcher.
    await chat(phone).getByRole('button', { name: 'Close chat window' }).click();
    const manager = demo.managerToken;
    await demo.api.ok(
      'POST',
      `/api/v1/conversations/${convId}/messages`,
      { token: manager, body: { text: 'We are on it.', clientMessageId: 'unread-1' } },
      [201],
    );
    await phone.getByRole('button', { name: 'Open chat, 1 unread' }).waitFor();
    await phone.getByRole('button', { name: 'Open chat, 1 unread' }).click();
    await chat(phone).getByText('We are on it.').waitFor();
    await launcher(phone)
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    expect(await phone.getByRole('button', { name: 'Close chat' }).getAttribute('aria-expanded')).toBe('true');
  }, 120_000);

  it('the script API: calls queued before the script loads, init() and open() at once', async () => {
    const url = await brandSite(`<!doctype html><html lang="en"><head><title>Brand</title>
      <script>window.ParleyWidget = { q: [{ accountId: ${JSON.stringify(demo.accountId)}, name: 'Ivy', open: true }] };</script></head>
      <body><h1>Brand</h1><script src="${demo.url}/widget.js" async></script></body></html>`);
    const { page } = await visitor();
    await page.goto(url);
    // Opened by the queued options: the panel shows and the message box has the focus.
    await chat(page).getByText('Hi Ivy!').waitFor();
    await expect
      .poll(() =>
        page
          .frames()
          .find((f) => f.url().includes('/widget/frame.html'))
          ?.evaluate(() => document.activeElement?.id),
      )
      .toBe('text');
    await page.evaluate(() => (window as unknown as { ParleyWidget: { close(): void } }).ParleyWidget.close());
    await launcher(page).waitFor();
    // destroy() removes it; init() right away with open() before the launcher is drawn opens it again.
    await page.evaluate((accountId) => {
      const w = (window as unknown as { ParleyWidget: { destroy(): void; init(o: unknown): void; open(): void } }).ParleyWidget;
      w.destroy();
      w.init({ accountId, name: 'Ivy' });
      w.open();
    }, demo.accountId);
    await page.getByRole('button', { name: 'Close chat' }).waitFor();
    expect(await page.locator('parley-widget').count()).toBe(1);
  }, 60_000);

  it("after a transfer each agent's messages keep their author's name, also after a reload", async () => {
    // A skill of its own, so only Tess gets the conversation; Uma (no skill) gets it by transfer.
    const m = demo.managerToken;
    const skill = await demo.api.ok<{ id: string }>('POST', '/api/v1/skills', { token: m, body: { name: 'Transfers' } });
    const agent = async (username: string, displayName: string, skills: string[]) => {
      const u = await demo.api.ok<{ id: string }>('POST', '/api/v1/users', { token: m, body: { username, password: 'transfer-pass-1', displayName, skills } });
      const token = await demo.api.login(demo.accountId, username, 'transfer-pass-1');
      await demo.api.ok('PUT', '/api/v1/me/status', { token, body: { status: 'online' } });
      return { id: u.id, token };
    };
    const tess = await agent('tess', 'Tess Transfer', [skill.id]);
    const uma = await agent('uma', 'Uma Later', []);

    const { page } = await visitor();
    await page.goto(`${demo.url}/demo?skill=${skill.id}&name=Tom`);
    await launcher(page).click();
    const frame = chat(page);
    const composer = frame.getByRole('textbox', { name: 'Message' });
    await composer.fill('Can someone help with a refund?');
    await composer.press('Enter');
    await frame.getByRole('heading', { name: 'Tess Transfer' }).waitFor();
    const convId = (await stored(page))?.conversationId ?? '';
    const answer = (token: string, text: string) =>
      demo.api.ok('POST', `/api/v1/conversations/${convId}/messages`, { token, body: { text, clientMessageId: text } });
    await answer(tess.token, 'Tess here, let me pass you on.');
    await demo.api.ok('POST', `/api/v1/conversations/${convId}/transfer`, { token: tess.token, body: { agentId: uma.id } });
    await frame.getByRole('heading', { name: 'Uma Later' }).waitFor();
    await answer(uma.token, 'Uma here, the refund is on its way.');

    const said = (text: string) => frame.locator('.msg').filter({ hasText: text }).locator('.sr-only').textContent();
    await expect.poll(() => said('Uma here')).toBe('Uma Later said:');
    expect(await said('Tess here')).toBe('Tess Transfer said:');
    await page.reload();
    await launcher(page).click();
    await frame.getByText('Uma here, the refund is on its way.').waitFor();
    expect(await said('Tess here')).toBe('Tess Transfer said:');
    expect(await said('Uma here')).toBe('Uma Later said:');
  }, 60_000);

  it('the survey of a close goes away when the agent resumes the conversation, and when the consumer writes again', async () => {
    const m = demo.managerToken;
    const skill = await demo.api.ok<{ id: string }>('POST', '/api/v1/skills', { token: m, body: { name: 'Resumes' } });
    await demo.api.ok('POST', '/api/v1/users', {
      token: m,
      body: { username: 'rita', password: 'resume-pass-1', displayName: 'Rita Resume', skills: [skill.id] },
    });
    const rita = await demo.api.login(demo.accountId, 'rita', 'resume-pass-1');
    await demo.api.ok('PUT', '/api/v1/me/status', { token: rita, body: { status: 'online' } });

    const { page } = await visitor();
    await page.goto(`${demo.url}/demo?skill=${skill.id}&name=Rhea`);
    await launcher(page).click();
    const frame = chat(page);
    const composer = frame.getByRole('textbox', { name: 'Message' });
    await composer.fill('My parcel is late');
    await composer.press('Enter');
    await frame.getByRole('heading', { name: 'Rita Resume' }).waitFor();
    const session = await stored(page);
    const convId = session?.conversationId ?? '';
    const agent = (path: string, body?: unknown) =>
      demo.api.ok('POST', `/api/v1/conversations/${convId}${path}`, { token: rita, ...(body !== undefined && { body }) });
    await agent('/messages', { text: 'Let me check, Rhea.', clientMessageId: 'rita-1' });
    await frame.getByText('Let me check, Rhea.').waitFor();

    // Rita closes: the survey comes; she resumes: it goes, the conversation goes on
    const survey = frame.getByRole('form', { name: 'How did we do?' });
    await agent('/close');
    await survey.waitFor();
    await agent('/resume');
    await expect.poll(() => survey.count()).toBe(0);
    await agent('/messages', { text: 'Found it: it arrives tomorrow.', clientMessageId: 'rita-2' });
    await frame.getByText('Found it: it arrives tomorrow.').waitFor();
    expect(await survey.count()).toBe(0);
    const surveyOf = (id: string) => demo.api.ok<{ status: string }>('GET', `/api/v1/consumer/conversations/${id}/survey`, { token: session?.consumerToken });
    expect((await surveyOf(convId)).status).toBe('withdrawn');

    // closed again: the survey again; Rhea writes instead: a new conversation, and the form goes
    await agent('/close');
    await survey.waitFor();
    await composer.fill('Actually, one more thing');
    await composer.press('Enter');
    await expect.poll(async () => (await stored(page))?.conversationId).not.toBe(convId);
    await expect.poll(() => survey.count()).toBe(0);
    await expect.poll(async () => (await surveyOf(convId)).status).toBe('withdrawn');
    // …also after a reload
    await page.reload();
    await launcher(page).click();
    await frame.getByText('Actually, one more thing').waitFor();
    expect(await survey.count()).toBe(0);
  }, 60_000);
});
