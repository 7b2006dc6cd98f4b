import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Suggested answers above the composer (docs/workspace.md): the demo account's predefined content
 * ranked for the consumer's latest message; Tab in the empty message box inserts the first, Tab on
 * a focused suggestion inserts that one; sending the answer clears them. axe-checked at 1280 and
 * 400 px; PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/suggestions(.png|-400.png).
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

const box = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const bar = (page: Page) => page.getByRole('group', { name: 'Suggested answers' });

describe('suggested answers in the workspace', () => {
  let demo: Demo;
  let browser: Browser;
  const content = new Map<string, string>();

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    const items = await demo.api.ok<{ items: { title: string; text: string }[] }>('GET', '/api/v1/content?limit=100', { token: demo.managerToken });
    for (const i of items.items) content.set(i.title, i.text);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  for (const width of [1280, 400]) {
    it(`at ${width} px: the top three for the consumer's message, Tab inserts, sending clears; accessible`, async () => {
      const { context, page } = await agentPage(browser, demo, { width, height: 760 });
      try {
        await signIn(page, demo, 'alice');
        await setStatus(page, 'Online');
        const name = width === 400 ? 'Nina Narrow' : 'Walter Wide';
        const c = await consumer(demo, name, 'Support', 'Hello, how can I retrun the jacket I ordered?');
        await row(page, name).click();
        const suggestions = bar(page).getByRole('button');
        await poll(() => suggestions.count()).toBe(3);
        expect(await suggestions.first().textContent()).toContain('How to return an item');
        await expectAccessible(page, `suggestions at ${width} px`);
        if (process.env.PARLEY_SCREENSHOTS) await page.screenshot({ path: shotPath(width === 400 ? 'suggestions-400' : 'suggestions') });

        // Tab in the empty message box takes the first suggestion.
        await box(page).focus();
        await page.keyboard.press('Tab');
        await poll(() => box(page).inputValue()).toBe(content.get('How to return an item'));
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
        // With text in the box, Tab moves on as usual and inserts nothing.
        await page.keyboard.press('Tab');
        expect(await box(page).inputValue()).toBe(content.get('How to return an item'));

        // Tab on a focused suggestion inserts that one, at the caret.
        await box(page).fill('');
        const second = suggestions.nth(1);
        const secondTitle = (await second.locator('.answer-suggestion-title').textContent()) ?? '';
        await second.focus();
        await page.keyboard.press('Tab');
        await poll(() => box(page).inputValue()).toBe(content.get(secondTitle));
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');

        // Sending answers the consumer: no suggestion until they write again.
        await box(page).fill(content.get('How to return an item') ?? '');
        await page.keyboard.press('Enter');
        await poll(async () => (await c.messages()).filter((m) => m.senderType === 'agent').length).toBe(1);
        await poll(() => suggestions.count()).toBe(0);
        await c.say('and how long does the refund take?');
        await poll(() => suggestions.first().textContent()).toContain('Refund timing');
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
