import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipped, untranslated } from './pseudo-support.js';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, startDemo } from './workspace-support.js';

/**
 * Languages (issue 19) in a real browser: the sign-in page follows the browser, the agent's choice
 * is kept across sign-ins, Arabic lays the workspace out right to left, axe passes in Arabic and
 * English, the pseudo-locale finds no untranslated or clipped text on the main screens, and the
 * widget follows its `lang`. Screenshots go to docs/screenshots/.
 */
const SHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

const workspaceCatalogue = (lang: string) =>
  JSON.parse(readFileSync(new URL(`../../../workspace/src/i18n/locales/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;

/**
 * Installed before the page's own scripts: from the first frame on, every text (and name) the
 * workspace puts in the document is recorded, once its shell (the left bar) is there. A
 * MutationObserver's callback runs before the browser paints, so nothing painted escapes it.
 */
function recordWorkspaceText(): void {
  const seen = new Set<string>();
  const painted: string[] = [];
  (window as unknown as { __painted: string[] }).__painted = painted;
  const note = (text: string | null | undefined) => {
    const t = text?.trim();
    if (t && !seen.has(t)) {
      seen.add(t);
      painted.push(t);
    }
  };
  const record = () => {
    if (!document.querySelector('nav.leftbar')) return;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) note(n.textContent);
    for (const el of Array.from(document.querySelectorAll('[aria-label],[title],[placeholder]'))) {
      for (const attr of ['aria-label', 'title', 'placeholder']) note(el.getAttribute(attr));
    }
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

// Consumer data without Latin letters, so the pseudo-locale check can tell our strings from theirs.
const NAME = 'Ζωή Παππά';
const TEXT = 'Γεια σας, έχω μια ερώτηση για την παραγγελία μου.';

describe('workspace and widget in seven languages', () => {
  let demo: Demo;
  let browser: Browser;
  let bobToken: string;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    mkdirSync(SHOTS, { recursive: true });
    bobToken = await demo.api.login(demo.accountId, 'bob', demo.password('bob'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: bobToken, body: { status: 'online' } });
    await consumer(demo, NAME, 'Support', TEXT);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const setLanguage = (language: string | null) => demo.api.ok('PATCH', '/api/v1/me/settings', { token: bobToken, body: { language } });

  /** Signs Bob in and waits for his language to be on the page (the catalogue follows the settings). */
  async function bobIn(page: Page, language = 'en') {
    await page.goto(`${demo.url}/`);
    await page.locator('input[name="account"]').fill(demo.accountId);
    await page.locator('input[name="username"]').fill('bob');
    await page.locator('input[name="password"]').fill(demo.password('bob'));
    await page.locator('button[type="submit"]').click();
    await page.locator('#active-title').waitFor();
    await poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
  }

  it('the sign-in page follows the browser; the agent’s language is kept across sign-ins; Arabic is right to left', async () => {
    await setLanguage(null);
    const fr = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
    const frPage = await fr.newPage();
    await frPage.goto(`${demo.url}/`);
    await frPage.getByRole('heading', { name: 'Connectez-vous à votre espace de travail' }).waitFor();
    expect(await frPage.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fr', 'ltr']);
    await fr.close();

    const { page } = await agentPage(browser, demo);
    await bobIn(page);
    await expectAccessible(page, 'Active list in English');
    // Pick Arabic in Settings.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption('ar');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { name: 'الإعدادات' }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect((await demo.api.ok<{ language: string }>('GET', '/api/v1/me/settings', { token: bobToken })).language).toBe('ar');

    // Signed out, the sign-in page is the browser's (English here); signed in again, Arabic.
    await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await page.getByLabel('Account').fill(demo.accountId);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(demo.password('bob'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'المحادثات النشطة' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');

    // The layout mirrors: the left bar is on the right, the list starts at the right edge.
    const bar = await page.locator('nav.leftbar').boundingBox();
    expect(bar && bar.x > 640).toBe(true);
    await row(page, NAME).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    await page.locator('.transcript').getByText(TEXT).waitFor();
    await expectAccessible(page, 'conversation in Arabic');
    await page.screenshot({ path: `${SHOTS}lang-ar.png` });
    await page.setViewportSize({ width: 400, height: 800 });
    await page.screenshot({ path: `${SHOTS}lang-ar-400.png` });
    await expectAccessible(page, 'conversation in Arabic at 400 px');
    await page.context().close();
  }, 90_000);

  it.each(['en', 'es', 'fr', 'de', 'pt-BR', 'ja'])(
    '%s: the conversation screen in that language, with a screenshot',
    async (language) => {
      await setLanguage(language);
      const { page } = await agentPage(browser, demo);
      await bobIn(page, language);
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([language, 'ltr']);
      await row(page, NAME).click();
      await page.locator('.transcript').getByText(TEXT).waitFor();
      await page.screenshot({ path: `${SHOTS}lang-${language}.png` });
      if (language === 'ja') {
        await expectAccessible(page, 'conversation in Japanese');
        await page.setViewportSize({ width: 400, height: 800 });
        await page.screenshot({ path: `${SHOTS}lang-ja-400.png` });
      }
      await page.context().close();
    },
    60_000,
  );

  it('the pseudo-locale: no untranslated and no clipped text on the sign-in page, the Active list and the conversation', async () => {
    await setLanguage(null);
    const { page } = await agentPage(browser, demo);
    await page.goto(`${demo.url}/?lang=en-XA`);
    await page.locator('h1').waitFor();
    const allowed = ['Parley', 'P', demo.accountId, NAME, TEXT, 'Bob Chen', 'bob', 'Support', 'Web', 'UTC'];
    expect(await untranslated(page, allowed), 'sign-in page').toEqual([]);
    await page.locator('input[name="account"]').fill(demo.accountId);
    await page.locator('input[name="username"]').fill('bob');
    await page.locator('input[name="password"]').fill(demo.password('bob'));
    await page.locator('button[type="submit"]').click();
    await page.locator('#active-title').waitFor();
    await row(page, NAME).waitFor();
    expect(await untranslated(page, allowed), 'Active list').toEqual([]);
    expect(await clipped(page), 'Active list').toEqual([]);
    await row(page, NAME).click();
    await page.locator('.transcript').getByText(TEXT).waitFor();
    expect(await untranslated(page, allowed), 'conversation').toEqual([]);
    expect(await clipped(page), 'conversation').toEqual([]);
    await page.screenshot({ path: `${SHOTS}lang-pseudo.png` });
    await page.context().close();
  }, 60_000);

  it('an agent with a saved language never sees the workspace in English: not after signing in, not after a reload', async () => {
    await setLanguage('ja');
    const en = workspaceCatalogue('en');
    const ja = workspaceCatalogue('ja');
    // The workspace's English words (those Japanese says otherwise), as whole texts.
    const english = new Set(Object.keys(en).flatMap((k) => (en[k] !== ja[k] && !/[{}]/.test(en[k] ?? '') ? [en[k] as string] : [])));
    const paintedEnglish = async (page: Page) =>
      (await page.evaluate(() => (window as unknown as { __painted: string[] }).__painted)).filter((t) => english.has(t));

    const { page } = await agentPage(browser, demo); // the browser speaks English (en-GB): so does the sign-in page
    await page.addInitScript(recordWorkspaceText);
    await page.goto(`${demo.url}/`);
    await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
    await page.locator('input[name="account"]').fill(demo.accountId);
    await page.locator('input[name="username"]').fill('bob');
    await page.locator('input[name="password"]').fill(demo.password('bob'));
    await page.locator('button[type="submit"]').click();
    await page.getByRole('heading', { name: ja['active.title'] }).waitFor();
    await row(page, NAME).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __painted: string[] }).__painted.length)).toBeGreaterThan(10);
    expect(await paintedEnglish(page), 'after signing in').toEqual([]);

    // A reload with the session, this device not yet knowing the language (changed elsewhere, or storage cleared).
    await page.evaluate(() => localStorage.removeItem('parley.ui-language'));
    await page.reload();
    await page.getByRole('heading', { name: ja['active.title'] }).waitFor();
    await row(page, NAME).waitFor();
    expect(await paintedEnglish(page), 'after a reload').toEqual([]);
    await setLanguage(null);
    await page.context().close();
  }, 60_000);

  it('the widget speaks its lang (Arabic right to left, Japanese), else the browser', async () => {
    for (const lang of ['ar', 'ja']) {
      const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 400, height: 700 } });
      const page = await ctx.newPage();
      await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}&lang=${lang}`);
      const title = lang === 'ar' ? 'تحدّث معنا' : 'チャットでお問い合わせ';
      await page.getByRole('heading', { name: title }).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([lang, lang === 'ar' ? 'rtl' : 'ltr']);
      await page.getByRole('textbox', { name: lang === 'ar' ? 'الرسالة' : 'メッセージ' }).waitFor();
      await expectAccessible(page, `widget in ${lang}`);
      await page.screenshot({ path: `${SHOTS}widget-${lang}.png` });
      await ctx.close();
    }
    // No lang: the browser's.
    const de = await browser.newContext({ locale: 'de-DE', viewport: { width: 400, height: 700 } });
    const page = await de.newPage();
    await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}`);
    await page.getByRole('heading', { name: 'Chatten Sie mit uns' }).waitFor();
    await de.close();
  }, 60_000);

  it('keeps working after a status change in Japanese (the status menu speaks it)', async () => {
    await setLanguage('ja');
    const { page } = await agentPage(browser, demo);
    await bobIn(page, 'ja');
    await page.getByRole('button', { name: /^ステータス:/ }).click();
    await page.getByRole('menuitemradio', { name: '離席中', exact: true }).click();
    await poll(() => page.getByRole('button', { name: /^ステータス:/ }).getAttribute('aria-label')).toContain('離席中');
    await page.getByRole('button', { name: /^ステータス:/ }).click();
    await page.getByRole('menuitemradio', { name: 'オンライン', exact: true }).click();
    await setLanguage(null);
    await page.context().close();
  }, 60_000);
});
