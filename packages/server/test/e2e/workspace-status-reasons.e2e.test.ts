import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, launchBrowser, signIn, startDemo } from './workspace-support.js';

/**
 * The status menu with the manager's status reasons (docs/contact-center.md): keyboard only, the
 * reason shown on the button and kept by the server. PARLEY_SCREENSHOTS=1 refreshes
 * docs/screenshots/status-reasons(.png|-400.png).
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

describe('status menu with reasons', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    for (const body of [
      { name: 'Lunch', status: 'away' },
      { name: 'Training', status: 'away' },
      { name: 'Coffee', status: 'back_soon' },
    ]) {
      await demo.api.ok('POST', '/api/v1/status-reasons', { token: demo.managerToken, body });
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('offers each reason under its status; arrows and Enter pick "Away · Lunch"; the button and GET /me show it; accessible at 1280 and 400 px', async () => {
    const agent = demo.users.find((u) => u.role === 'agent')?.username ?? 'alice';
    for (const width of [1280, 400]) {
      const { context, page } = await agentPage(browser, demo, { width, height: 720 });
      await signIn(page, demo, agent);
      const button = page.getByRole('button', { name: /^Status:/ });
      await button.focus();
      await page.keyboard.press('Enter');
      const menu = page.getByRole('menu', { name: 'Set your status' });
      await menu.waitFor();
      await expect
        .poll(() => menu.getByRole('menuitemradio').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))))
        .toEqual(['Online', 'Back soon', 'Back soon · Coffee', 'Away', 'Away · Lunch', 'Away · Training', 'Offline']);
      await expectAccessible(page, `status menu with reasons, ${width} px`);
      if (process.env.PARLEY_SCREENSHOTS) await page.screenshot({ path: shotPath(width === 400 ? 'status-reasons-400' : 'status-reasons') });
      // keyboard: from the current entry down to "Away · Lunch"
      const target = width === 400 ? 'Away · Training' : 'Away · Lunch';
      for (let i = 0; i < 10; i++) {
        if ((await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) === target) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await expect.poll(() => button.getAttribute('aria-label')).toBe(`Status: ${target}. Change status`);
      const token = await demo.api.login(demo.accountId, agent, demo.password(agent));
      const me = await demo.api.ok<{ status: string; statusReasonId: string | null }>('GET', '/api/v1/me', { token });
      expect(me.status).toBe('away');
      expect(me.statusReasonId).toEqual(expect.any(String));
      await context.close();
    }
  }, 120_000);
});
