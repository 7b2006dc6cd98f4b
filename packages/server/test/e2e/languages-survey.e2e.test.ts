import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, growToConsoleContent, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * API.md "Languages" in a real browser: a manager writes a survey question and a choice question's
 * choices in French too (console → Survey: "Add a language"), and a consumer whose widget speaks
 * French is asked them in French; the choice picked is kept as its English (default) label.
 * Screenshots: docs/screenshots/console-survey-languages(-400).png, widget-survey-fr(-400).png.
 */
const SHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const FRENCH = 'Êtes-vous satisfait de cet échange ?';
const SOLVED = 'Votre problème est-il résolu ?';
/** A choice question's choices: number, English label (the account's default), French label. */
const CHOICES: [number, string, string][] = [
  [1, 'Yes', 'Oui'],
  [2, 'No', 'Non'],
  [3, 'Partly', 'En partie'],
];

describe('survey questions per language', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('the manager adds a French question text in the console; the widget in French asks it', async () => {
    const { page: boss } = await agentPage(browser, demo);
    await signIn(boss, demo, 'manager');
    await boss.getByRole('button', { name: 'Console' }).click();
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Survey' }).click();
    const enabled = boss.getByRole('checkbox', { name: /Send the survey/ });
    await enabled.waitFor();
    await enabled.check();
    const first = boss.locator('.survey-question').first();
    await first.getByLabel('Add a language').selectOption('fr');
    await first.getByRole('button', { name: 'Add', exact: true }).click();
    await first.getByLabel('Question text (Français)').fill(FRENCH);
    // the default language's text stays, labelled with its language
    const english = await first.getByLabel('Question text (English)').inputValue();
    expect(english).not.toBe('');
    // a choice question whose choices are written in French too
    await boss.getByRole('button', { name: 'Add question' }).click();
    const topic = boss.locator('.survey-question').last();
    await topic.getByLabel('Type').selectOption('choice');
    const topicText = topic.locator(':scope > .localized-text');
    await topicText.getByLabel('Question text', { exact: true }).fill('Was your issue solved?');
    await topicText.getByLabel('Add a language').selectOption('fr');
    await topicText.getByRole('button', { name: 'Add', exact: true }).click();
    await topicText.getByLabel('Question text (Français)').fill(SOLVED);
    for (const [n, en, fr] of CHOICES) {
      if (n > 2) await topic.getByRole('button', { name: 'Add a choice' }).click(); // a new choice question starts with two
      await topic.getByLabel(`Choice ${n}`, { exact: true }).fill(en);
      const choice = topic.locator('.survey-choice').nth(n - 1);
      await choice.getByLabel('Add a language').selectOption('fr');
      await choice.getByRole('button', { name: 'Add', exact: true }).click();
      await choice.getByLabel(`Choice ${n} (Français)`).fill(fr);
    }
    await topic.locator('.survey-preview').getByText('No', { exact: true }).waitFor();
    await boss.getByRole('button', { name: 'Save survey' }).click();
    await poll(async () => {
      const s = await demo.api.ok<{ survey: { enabled: boolean; questions: { text: unknown; choices?: unknown }[] } }>('GET', '/api/v1/account/settings', {
        token: demo.managerToken,
      });
      return [s.survey.enabled, s.survey.questions[0]?.text, s.survey.questions.at(-1)?.choices];
    }).toEqual([true, { en: english, fr: FRENCH }, CHOICES.map(([, en, fr]) => ({ en, fr }))]);
    await expectAccessible(boss, 'console: survey with a French text');
    await growToConsoleContent(boss, 1280);
    await boss.screenshot({ path: `${SHOTS}console-survey-languages.png` });
    await growToConsoleContent(boss, 400);
    await expectAccessible(boss, 'console: survey with a French text at 400 px');
    await boss.screenshot({ path: `${SHOTS}console-survey-languages-400.png` });

    // ---- Account: the closed-hours reply in French too, beside the default consumer language
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Account' }).click();
    await boss.getByLabel('Default consumer language').waitFor();
    await boss.getByLabel('Add a language').selectOption('fr');
    await boss.getByRole('button', { name: 'Add', exact: true }).click();
    await boss.getByLabel('Closed-hours reply (Français)').fill('Nous sommes fermés : nous vous répondons dès l’ouverture.');
    await boss.getByRole('button', { name: 'Save settings' }).click();
    await poll(async () => {
      const s = await demo.api.ok<{ closedHoursReply: { text: unknown } }>('GET', '/api/v1/account/settings', { token: demo.managerToken });
      return (s.closedHoursReply.text as Record<string, string>).fr;
    }).toBe('Nous sommes fermés : nous vous répondons dès l’ouverture.');
    await expectAccessible(boss, 'console: account with a French closed-hours reply');
    await growToConsoleContent(boss, 1280);
    await boss.locator('form[aria-labelledby="console-account"]').screenshot({ path: `${SHOTS}console-account-languages.png` });

    // ---- a consumer in French: bob answers and closes, the survey comes in French
    const bob = await demo.api.login(demo.accountId, 'bob', demo.password('bob'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: bob, body: { status: 'online' } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}&skill=${demo.skill('Support')}&name=Marie&lang=fr`);
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Bonjour, une question sur ma commande.');
    await composer.press('Enter');
    const storedConversation = async () => {
      const raw = await page.evaluate((k) => localStorage.getItem(k), `parley:session:${demo.accountId}`);
      return raw ? ((JSON.parse(raw) as { conversationId: string | null }).conversationId ?? '') : '';
    };
    await poll(storedConversation).not.toBe('');
    const conversationId = await storedConversation();
    await poll(async () => (await demo.api.req('GET', `/api/v1/conversations/${conversationId}`, { token: bob })).status).toBe(200);
    await poll(
      async () =>
        (await demo.api.req('POST', `/api/v1/conversations/${conversationId}/messages`, { token: bob, body: { text: 'Bien sûr !', clientMessageId: 'fr-1' } }))
          .status,
    ).toBe(201);
    await page.getByText('Bien sûr !').waitFor();
    await demo.api.ok('POST', `/api/v1/conversations/${conversationId}/close`, { token: bob });
    await page.getByText(FRENCH).waitFor();
    // the choice question and its choices in French, none in English
    await page.getByText(SOLVED).waitFor();
    for (const [, en, fr] of CHOICES) {
      await page.getByRole('radio', { name: fr, exact: true }).waitFor();
      expect(await page.getByRole('radio', { name: en, exact: true }).count()).toBe(0);
    }
    await page.getByRole('radio', { name: 'Non', exact: true }).scrollIntoViewIfNeeded();
    await expectAccessible(page, 'widget: the survey in French');
    await page.screenshot({ path: `${SHOTS}widget-survey-fr.png` });
    await page.setViewportSize({ width: 400, height: 800 });
    await expectAccessible(page, 'widget: the survey in French at 400 px');
    await page.screenshot({ path: `${SHOTS}widget-survey-fr-400.png` });
    // answered in French, kept as the default language's label
    await page.locator('fieldset.q-csat label.opt').nth(4).click();
    await page.locator('fieldset.q-choice label.opt', { hasText: /^Non$/ }).click();
    await page.getByRole('button', { name: 'Envoyer l’avis' }).click();
    await page.getByText('Merci pour votre avis !').waitFor();
    const consumerId = (await demo.api.ok<{ consumer: { id: string } }>('GET', `/api/v1/conversations/${conversationId}`, { token: bob })).consumer.id;
    const exported = await demo.api.ok<{ conversations: { surveyAnswers: { questionId: string; value: unknown }[] }[] }>(
      'GET',
      `/api/v1/consumers/${consumerId}/export`,
      { token: demo.managerToken },
    );
    expect(exported.conversations.flatMap((c) => c.surveyAnswers).find((a) => a.questionId === 'q3')?.value).toBe('No');
    await context.close();
  });
});
