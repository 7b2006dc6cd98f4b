import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, expectAccessible, launchBrowser, startDemo } from './workspace-support.js';

/**
 * The widget while the business is closed (business hours, docs/contact-center.md): it says when
 * it opens next, in the visitor's time zone, and still takes messages. PARLEY_SCREENSHOTS=1
 * refreshes docs/screenshots/widget-closed-hours(.png|-400.png).
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

describe('web widget in closed hours', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('says it is closed with the next opening in the visitor’s zone, takes a message, and is accessible (desktop and 400 px)', async () => {
    // Open one quarter-hour a week, on the weekday three days from now: closed now, whatever the time.
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
    const opening = new Date(Date.now() + 3 * 86_400_000);
    const day = days[opening.getUTCDay()] ?? 'mon';
    const weekly = Object.fromEntries(days.map((d) => [d, d === day ? [['09:00', '09:15']] : []]));
    await demo.api.ok('PUT', '/api/v1/business-hours', { token: demo.managerToken, body: { timeZone: 'UTC', weekly, holidays: [] } });
    const a = await demo.api.ok<{ open: boolean; nextOpenAt: string }>('GET', `/api/v1/consumer/availability?accountId=${demo.accountId}`);
    expect(a.open).toBe(false);

    for (const width of [1280, 400]) {
      const context = await browser.newContext({ viewport: { width, height: 640 }, locale: 'en-GB', timezoneId: 'Europe/Paris' });
      const page = await context.newPage();
      await page.goto(`${demo.url}/widget/frame.html?account=${demo.accountId}`);
      // 09:00 UTC is 10:00 in Paris in December
      const notice = page.getByRole('status').getByText(/We're closed right now and open again .* at 10:00 \(your time\)/);
      await notice.waitFor();
      await expectAccessible(page, `chat frame, closed, ${width} px`);
      const composer = page.getByRole('textbox', { name: 'Message' });
      await composer.fill('Are you there tomorrow?');
      await composer.press('Enter');
      await page.getByRole('log').getByText('Are you there tomorrow?').waitFor();
      await expect.poll(() => page.getByText(/Sending/).count()).toBe(0); // stored
      await notice.waitFor();
      if (process.env.PARLEY_SCREENSHOTS) await page.screenshot({ path: shotPath(width === 400 ? 'widget-closed-hours-400' : 'widget-closed-hours') });
      await context.close();
    }
  }, 120_000);
});
