import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Close with a wrap-up (docs/contact-center.md): the dialog opens on Close when the account has
 * dispositions; type to filter, Enter closes with the first match; the wrap-up is kept.
 * PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/close-dialog(.png|-400.png).
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

describe('close dialog with dispositions', () => {
  let demo: Demo;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    for (const name of ['Sale', 'Refund', 'Question answered', 'Spam']) {
      ids[name] = (await demo.api.ok<{ id: string }>('POST', '/api/v1/dispositions', { token: demo.managerToken, body: { name } })).id;
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('keyboard: Close opens it, typing filters, Enter closes with the first match; accessible at 1280 and 400 px', async () => {
    const agent = demo.users.find((u) => u.role === 'agent')?.username ?? 'alice';
    for (const [width, name, typed, expected] of [
      [1280, 'Wendy Wrapup', 'ref', 'Refund'],
      [400, 'Nina Narrow', 'quest', 'Question answered'],
    ] as const) {
      const { context, page } = await agentPage(browser, demo, { width, height: 760 });
      await signIn(page, demo, agent);
      await setStatus(page, 'Online');
      const c = await consumer(demo, name, 'Support', 'Can I return this?');
      await row(page, name).click();
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Close conversation' });
      await dialog.waitFor();
      const filter = dialog.getByRole('searchbox', { name: 'Disposition' });
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
      await page.keyboard.type(typed);
      await poll(() => dialog.getByRole('checkbox').count()).toBe(1);
      await dialog.getByText(`Enter closes with “${expected}”`).waitFor();
      await expectAccessible(page, `close dialog, ${width} px`);
      if (process.env.PARLEY_SCREENSHOTS) await page.screenshot({ path: shotPath(width === 400 ? 'close-dialog-400' : 'close-dialog') });
      await filter.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      const details = await demo.api.ok<{ state: string; wrapUp: { dispositions: { id: string }[] } | null }>(
        'GET',
        `/api/v1/conversations/${c.conversationId}`,
        {
          token: demo.managerToken,
        },
      );
      expect(details.state).toBe('closed');
      expect(details.wrapUp?.dispositions.map((d) => d.id)).toEqual([ids[expected]]);
      await context.close();
    }
  }, 120_000);
});
