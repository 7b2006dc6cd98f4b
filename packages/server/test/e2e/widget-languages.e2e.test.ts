/// <reference lib="dom" />
// (evaluate callbacks run in the browser)
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipped, untranslated } from './pseudo-support.js';
import { RealtimeClient } from './support.js';
import { brandSite, type Demo, expectAccessible, launchBrowser, patchAccount, poll, startDemo } from './workspace-support.js';

/**
 * The widget in the pseudo-locale (docs/i18n.md): the brand's page asks for `data-lang="en-XA"`, and
 * through its screens — the launcher, the start (welcome, topic), the waiting line, an agent's
 * messages and a file (and the file failing to load), a message not sent, typing, a refused photo, the connection lost, ending the chat, the survey and
 * its thanks, closed hours — no visible text of ours is untranslated and none is clipped, in a
 * desktop page (the 380 px panel) and at 400 px (the chat fills the screen). Then the conversation
 * screen in English, Spanish, French, German and Brazilian Portuguese, for the screenshots
 * docs/screenshots/widget-<lang>.png.
 */
const SHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

// People's words without Latin letters, so the check can tell our strings from theirs.
const NAME = 'Ζωή Παππά';
const ASKED = 'Γεια σας, πού είναι η παραγγελία μου;';
const ANSWER = 'Καλησπέρα! Η παραγγελία σας φεύγει σήμερα.';
const ASKED_AGAIN = 'Ευχαριστώ πολύ!';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[] /Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** The frame's catalogue of a language (what the screen must say). */
const catalogue = (lang: string) =>
  JSON.parse(readFileSync(new URL(`../../../widget/src/i18n/frame/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;

/** A conversation in each language, for its screenshot: the consumer's question and the agent's answer. */
const CHATS: Record<string, { name: string; asked: string; answer: string }> = {
  en: { name: 'Emma Clarke', asked: 'Hi, where is my order #1042?', answer: 'Hi Emma! It ships today: the tracking link comes by email.' },
  es: { name: 'Lucía Gómez', asked: 'Hola, ¿dónde está mi pedido n.º 1042?', answer: '¡Hola, Lucía! Sale hoy: recibirá el enlace de seguimiento por correo.' },
  // (French puts a no-break space before ? ! : so they never start a line)
  fr: {
    name: 'Marie Dubois',
    asked: 'Bonjour, où en est ma commande n°\u00a01042\u00a0?',
    answer: 'Bonjour Marie\u00a0! Elle part aujourd’hui\u00a0: le lien de suivi arrive par e-mail.',
  },
  de: {
    name: 'Jonas Weber',
    asked: 'Hallo, wo ist meine Bestellung Nr. 1042?',
    answer: 'Hallo Jonas! Sie geht heute raus, den Link zur Sendungsverfolgung bekommen Sie per E-Mail.',
  },
  'pt-BR': { name: 'Ana Souza', asked: 'Olá, onde está o meu pedido nº 1042?', answer: 'Olá, Ana! Ele sai hoje: o link de rastreamento chega por e-mail.' },
};

const SURVEY = {
  enabled: true,
  questions: [
    { id: 'csat', type: 'csat', text: 'Πόσο ικανοποιημένοι είστε;' },
    { id: 'nps', type: 'nps', text: 'Θα μας προτείνατε σε έναν φίλο;' },
    { id: 'more', type: 'text', text: 'Κάτι άλλο;' },
  ],
};

describe('the widget in the pseudo-locale and in every language', () => {
  let demo: Demo;
  let browser: Browser;
  let bob: string;
  let brand: Awaited<ReturnType<typeof brandSite>>;
  const agents: RealtimeClient[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    mkdirSync(SHOTS, { recursive: true });
    await patchAccount(demo, { survey: SURVEY });
    bob = await demo.api.login(demo.accountId, 'bob', demo.password('bob'));
    // The brand's page, on another origin than Parley's, asks for the pseudo-locale.
    brand = await brandSite(`<!doctype html><html lang="en"><head><title>Brand</title></head><body><h1>Brand</h1>
      <script src="${demo.url}/widget.js" data-account="${demo.accountId}" data-name="${NAME}" data-lang="en-XA"></script></body></html>`);
  }, 60_000);
  afterAll(async () => {
    await brand?.close();
    for (const a of agents) a.socket?.close();
    await browser?.close();
    await demo?.stop();
  });

  const setBob = (status: 'online' | 'offline') => demo.api.ok('PUT', '/api/v1/me/status', { token: bob, body: { status } });
  const allowed = () => [
    'Parley',
    NAME,
    ASKED,
    ANSWER,
    'Bob Chen',
    'B',
    'invoice.pdf',
    ...demo.skills.map((s) => s.name),
    ...SURVEY.questions.map((q) => q.text),
  ];

  /** The chat frame inside the brand's page, once it has loaded. */
  async function chatFrame(page: Page): Promise<Frame> {
    await poll(() => page.frames().some((f) => f.url().includes('/widget/frame.html'))).toBe(true);
    const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'));
    if (!frame) throw new Error('no chat frame');
    return frame;
  }

  async function expectPseudo(where: Frame, screen: string): Promise<void> {
    if (process.env.TMP_SHOTS) await where.page().screenshot({ path: `/tmp/wp-${where.page().viewportSize()?.width}-${screen.replace(/ /g, '-')}.png` });
    expect(await untranslated(where, allowed()), `${screen}: untranslated`).toEqual([]);
    // A file's name may end in an ellipsis: the button's label says it in full.
    expect(await clipped(where, { containers: true, mayTruncate: '.file-name' }), `${screen}: clipped`).toEqual([]);
  }

  /** The consumer's conversation, as the widget stored it. */
  const conversationOf = async (frame: Frame) => {
    const raw = await frame.evaluate((k) => localStorage.getItem(k), `parley:session:${demo.accountId}`);
    return raw ? ((JSON.parse(raw) as { conversationId: string | null }).conversationId ?? '') : '';
  };

  async function agentSays(conversationId: string, text: string, id: string): Promise<void> {
    await poll(
      async () => (await demo.api.req('POST', `/api/v1/conversations/${conversationId}/messages`, { token: bob, body: { text, clientMessageId: id } })).status,
    ).toBe(201);
  }

  it('the checks can fail: English text, a label cut by its box, a placeholder taller than its box', async () => {
    const context = await browser.newContext({ viewport: { width: 400, height: 700 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}&lang=en`);
    await page.locator('#topic option').nth(1).waitFor({ state: 'attached' });
    const frame = page.mainFrame();
    expect(await untranslated(frame, allowed())).toEqual(expect.arrayContaining(['Chat with us', 'placeholder="Ask us anything…"']));
    await page.evaluate(() => {
      const sub = document.getElementById('subtitle') as HTMLElement;
      Object.assign(sub.style, { whiteSpace: 'nowrap', overflow: 'hidden', width: '40px' });
      const box = document.getElementById('text') as HTMLTextAreaElement;
      box.style.height = '42px';
      box.placeholder = 'A placeholder far too long to fit on one line of the message box at this width';
    });
    expect(await clipped(frame, { containers: true })).toEqual(
      expect.arrayContaining(['We usually reply within a few minutes', expect.stringMatching(/^placeholder="A placeholder/)]),
    );
    await context.close();
  });

  it.each([1280, 400])(
    'en-XA at %i px: every screen pseudo-localized, nothing clipped',
    async (width) => {
      await setBob('offline');
      const context = await browser.newContext({ viewport: { width, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[widget page error] ${e.message}`));
      await page.goto(brand.url);

      // ---- the launcher and the panel's name, on the brand's page
      // (at 400 px the open chat fills the screen and hides the launcher: its name is still read)
      const launcher = page.locator('parley-widget button.launcher');
      await launcher.waitFor();
      expect(await launcher.getAttribute('aria-label')).toMatch(/^⟦[^A-Za-z]+⟧$/);
      expect(await page.locator('parley-widget iframe').getAttribute('title')).toMatch(/^⟦[^A-Za-z]+⟧$/);
      await launcher.click();
      const frame = await chatFrame(page);
      await poll(() => frame.evaluate(() => document.documentElement.lang)).toBe('en');
      const composer = frame.getByRole('textbox');
      await poll(() => composer.getAttribute('placeholder')).toMatch(/^⟦/);
      expect(await launcher.getAttribute('aria-label')).toMatch(/^⟦[^A-Za-z]+⟧$/); // "Close chat"

      // ---- the start: welcome and topic choice
      await frame.locator('#topic option').nth(1).waitFor({ state: 'attached' });
      await expectPseudo(frame, 'start');

      // ---- a refused photo: the notice
      await frame.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await frame.locator('#notice').waitFor();
      await expectPseudo(frame, 'refused photo');

      // ---- the first message: the waiting line and the urgent button
      await frame.locator('#topic').selectOption({ label: 'Support' });
      await composer.fill(ASKED);
      await composer.press('Enter');
      await frame.locator('.queue').waitFor();
      await frame.locator('.urgent-btn').waitFor();
      await expectPseudo(frame, 'waiting line');
      await frame.locator('.urgent-btn').click();
      await frame.locator('.urgent-note').waitFor();
      await expectPseudo(frame, 'marked urgent');

      // ---- Bob takes it: typing, his answer and a file
      await setBob('online');
      await poll(() => frame.locator('#title').textContent()).toBe('Bob Chen');
      const conversationId = await conversationOf(frame);
      const agent = new RealtimeClient(() => demo.url, '/agent', bob);
      agents.push(agent);
      await agent.connect();
      agent.socket?.emit('typing', { conversationId });
      await frame.locator('#typing .dots').waitFor();
      await expectPseudo(frame, 'agent typing');
      await agentSays(conversationId, ANSWER, `pseudo-${width}-1`);
      await frame.getByText(ANSWER).waitFor();
      const form = new FormData();
      form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'invoice.pdf');
      form.append('clientMessageId', `pseudo-${width}-file`);
      const sent = await fetch(`${demo.url}/api/v1/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob}` },
        body: form,
      });
      expect(sent.status).toBe(201);
      await frame.locator('button.file').waitFor();
      await expectPseudo(frame, 'conversation with an agent');
      await page.screenshot({ path: `${SHOTS}widget-pseudo${width === 400 ? '-400' : ''}.png` });

      // ---- the file does not load: the notice says so
      await page.route(/\/api\/v1\/files\//, (route) => route.fulfill({ status: 500, body: '' }));
      await frame.locator('button.file').click();
      await poll(() => frame.locator('#notice').textContent()).toMatch(/500/);
      await expectPseudo(frame, 'file not loaded');
      await page.unroute(/\/api\/v1\/files\//);

      // ---- a message the server refuses: "not sent, retry" and the notice; the retry sends it
      const sending = /\/api\/v1\/consumer\/conversations\/[^/]+\/messages$/;
      await page.route(sending, (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'unavailable' }) })
          : route.continue(),
      );
      await composer.fill(ASKED_AGAIN);
      await composer.press('Enter');
      await frame.locator('.msg.failed .retry').waitFor();
      await expectPseudo(frame, 'message not sent');
      await page.unroute(sending);
      await frame.locator('.msg.failed .retry').click();
      await poll(() => frame.locator('.msg.failed').count()).toBe(0);

      // ---- the connection lost: "reconnecting"
      await context.setOffline(true);
      await frame.locator('.offline').waitFor({ timeout: 20_000 });
      await expectPseudo(frame, 'offline');
      await context.setOffline(false);
      await poll(() => frame.locator('.offline').count(), 30_000).toBe(0);

      // ---- ending it: the confirmation, then the survey and its thanks
      await frame.locator('#end').click();
      await frame.locator('#confirm').waitFor();
      await expectPseudo(frame, 'end confirmation');
      await frame.locator('#confirm-yes').click();
      const survey = frame.locator('form.survey');
      await survey.waitFor();
      await expectPseudo(frame, 'survey');
      await survey.locator('input[name=csat][value="5"]').check();
      await survey.locator('input[name=nps][value="9"]').check();
      await survey.locator('button[type=submit]').click();
      await frame.locator('.survey-done').waitFor();
      await expectPseudo(frame, 'survey thanks');
      await expectAccessible(page, `widget in en-XA at ${width} px`);

      // ---- closed hours: one quarter-hour a week, three days from now
      const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
      const opening = new Date(Date.now() + 3 * 86_400_000);
      const weekly = Object.fromEntries(days.map((d) => [d, d === days[opening.getUTCDay()] ? [['09:00', '09:15']] : []]));
      const hours = await demo.api.ok<Record<string, unknown>>('GET', '/api/v1/business-hours', { token: demo.managerToken });
      await demo.api.ok('PUT', '/api/v1/business-hours', { token: demo.managerToken, body: { timeZone: 'UTC', weekly, holidays: [] } });
      try {
        await page.reload();
        await page.locator('parley-widget button.launcher').click();
        const again = await chatFrame(page);
        await again.locator('.closed-hours').waitFor();
        await again.getByText(ANSWER).waitFor();
        await expectPseudo(again, 'closed hours');
      } finally {
        await demo.api.ok('PUT', '/api/v1/business-hours', { token: demo.managerToken, body: hours });
        await context.close();
      }
    },
    120_000,
  );

  it.each(Object.keys(CHATS))(
    '%s: the conversation screen speaks it, with a screenshot',
    async (lang) => {
      const chat = CHATS[lang] as (typeof CHATS)[string];
      const words = catalogue(lang);
      await setBob('online');
      const context = await browser.newContext({ viewport: { width: 400, height: 700 }, locale: 'en-GB', timezoneId: 'UTC' });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const name = encodeURIComponent(chat.name);
      await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}&skill=${demo.skill('Support')}&name=${name}&lang=${lang}`);
      const composer = page.getByRole('textbox', { name: words['composer.label'] });
      await composer.fill(chat.asked);
      await composer.press('Enter');
      await page.getByRole('heading', { name: 'Bob Chen' }).waitFor();
      const conversationId = await conversationOf(page.mainFrame());
      await agentSays(conversationId, chat.answer, `lang-${lang}`);
      await page.getByText(chat.answer).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([lang, 'ltr']);
      expect(await page.locator('#subtitle').textContent()).toBe(words['head.helping']);
      expect(await page.getByRole('button', { name: words.end, exact: true }).isVisible()).toBe(true);
      expect(await composer.getAttribute('placeholder')).toBe(words['composer.write']);
      await expectAccessible(page, `widget in ${lang}`);
      await page.screenshot({ path: `${SHOTS}widget-${lang}.png` });
      await demo.api.ok('POST', `/api/v1/conversations/${conversationId}/close`, { token: bob }); // Bob's hands free for the next
      await context.close();
    },
    60_000,
  );
});
