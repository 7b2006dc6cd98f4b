import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, growToConsoleContent, launchBrowser, poll, startDemo } from './workspace-support.js';

/**
 * The console's dashboard and content screens in Arabic (issue 19): right to left, their text from
 * the catalogue, axe passes at 1280 and 400 px. Screenshots: docs/screenshots/console-*-ar*.png.
 */
const SHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
// The console's tabs in their order (their labels are another screen's strings: found by position).
const TABS = [
  ...readFileSync(fileURLToPath(new URL('../../../workspace/src/features/console/screens.ts', import.meta.url)), 'utf8').matchAll(/\{ id: '([^']+)'/g),
].map((m) => m[1]);

describe('the console in Arabic', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    mkdirSync(SHOTS, { recursive: true });
    const token = demo.managerToken;
    await demo.api.ok('PATCH', '/api/v1/me/settings', { token, body: { language: 'ar' } });
    const cat = await demo.api.ok<{ id: string }>('POST', '/api/v1/content/categories', { token, body: { name: 'الفواتير' } }, [201]);
    await demo.api.ok('POST', '/api/v1/content', { token, body: { title: 'رد الأموال', text: 'يُعاد المبلغ خلال خمسة أيام عمل.', categoryId: cat.id } }, [201]);
    await demo.api.ok('POST', '/api/v1/content', { token, body: { title: 'ساعات العمل', text: 'نعمل من الأحد إلى الخميس.', categoryId: null } }, [201]);
    await consumer(demo, 'ليلى', 'Support', 'مرحبًا، لدي سؤال عن طلبي.');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  async function managerIn(page: Page) {
    await page.goto(`${demo.url}/`);
    await page.locator('input[name="account"]').fill(demo.accountId);
    await page.locator('input[name="username"]').fill('manager');
    await page.locator('input[name="password"]').fill(demo.password('manager'));
    await page.locator('button[type="submit"]').click();
    await page.locator('#console-title').waitFor();
    await poll(() => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir].join(' '))).toBe('ar rtl');
  }

  async function shoot(page: Page, name: string) {
    await page.mouse.move(0, 0);
    for (const width of [1280, 400]) {
      await growToConsoleContent(page, width);
      await expectAccessible(page, `${name} at ${width} px`);
      await page.screenshot({ path: `${SHOTS}${name}${width === 400 ? '-400' : ''}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('the dashboard and the content screen speak Arabic, right to left, and pass axe', async () => {
    const { page } = await agentPage(browser, demo);
    await managerIn(page);

    await page.getByRole('heading', { name: 'لوحة المتابعة المباشرة' }).waitFor();
    const queues = page.getByRole('table', { name: 'قوائم الانتظار حسب المهارة' });
    await queues.getByRole('columnheader', { name: 'أطول انتظار' }).waitFor();
    await page.getByRole('table', { name: 'الوكلاء' }).waitFor();
    await page.getByRole('heading', { name: 'اليوم حسب الساعة (UTC)' }).waitFor();
    // Right to left: the first column (the skill) is at the right edge of the table.
    const [table, first] = await Promise.all([queues.boundingBox(), queues.getByRole('columnheader').first().boundingBox()]);
    expect(table && first && Math.abs(table.x + table.width - (first.x + first.width))).toBeLessThan(2);
    await shoot(page, 'console-dashboard-ar');

    await page.locator('.console-tabs button').nth(TABS.indexOf('content')).click();
    await page.getByRole('heading', { name: 'المحتوى المُعدّ مسبقًا' }).waitFor();
    await page.getByRole('heading', { name: 'الفواتير' }).waitFor();
    await page.getByRole('heading', { name: 'بلا فئة' }).waitFor();
    await page.getByRole('button', { name: 'تعديل رد الأموال' }).click();
    await page.getByRole('heading', { name: 'تعديل «رد الأموال»' }).waitFor();
    expect(await page.getByLabel('الفئة').inputValue()).not.toBe('');
    await shoot(page, 'console-content-ar');
  });
});
