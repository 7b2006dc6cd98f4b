import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The console's Consumer data screen in a real browser, by keyboard only: find a consumer, download
 * their export, erase them through the confirmation dialog. axe-checked with and without the dialog;
 * PARLEY_SCREENSHOTS=1 writes docs/screenshots/console-consumers(.png|-400.png|-erase-400.png).
 * Then the console in Arabic (the manager's language setting), right to left: the frame, its tabs,
 * Channels and Consumer data speak it and pass axe (console-channels-ar.png, console-consumers-ar.png).
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  await page.locator('.toasts').evaluate((el) => el.style.setProperty('display', 'none'));
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.screenshot({ path: shotPath(name) });
  await page.locator('.toasts').evaluate((el) => el.style.removeProperty('display'));
}

/** Press Tab until the focused element has this accessible name (at most 60 presses). */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    });
    if (name.test(label)) return;
  }
  throw new Error(`no focusable element named ${name}`);
}

describe('console: consumer data (find, export, erase)', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  for (const width of [1280, 400]) {
    it(`by keyboard at ${width} px: search, export download, erase with confirmation`, async () => {
      const name = width === 400 ? 'Nora Narrow' : 'Dana Wide';
      const c = await consumer(demo, name, 'Sales', 'my private question', { plan: 'gold' });
      const { context, page } = await agentPage(browser, demo, { width });
      try {
        await signIn(page, demo, 'manager');
        await page
          .getByRole('button', { name: 'Console' })
          .click()
          .catch(() => undefined);
        await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Consumer data' }).click();
        await page.getByRole('heading', { name: 'Consumer data' }).waitFor();

        // Search by keyboard: type into the field and press Enter.
        await page.getByRole('searchbox', { name: 'Name, identity, phone number or id' }).focus();
        await page.keyboard.type(name.split(' ')[0] ?? name);
        await page.keyboard.press('Enter');
        const table = page.getByRole('table', { name: 'Consumers' });
        await table.getByText(name, { exact: true }).waitFor();
        await expectAccessible(page, `consumer data at ${width}`);
        if (SHOOT) await shoot(page, width === 400 ? 'console-consumers-400' : 'console-consumers', width);

        // Export: Enter on the row's button downloads the JSON.
        const downloaded = page.waitForEvent('download');
        await tabTo(page, new RegExp(`^Export ${name}$`));
        await page.keyboard.press('Enter');
        const file = await (await downloaded).path();
        const exported = JSON.parse(await readFile(file, 'utf8'));
        expect(exported.consumer).toMatchObject({ id: expect.any(String), name, customVariables: { plan: 'gold' } });
        expect(exported.conversations[0].messages[0].text).toBe('my private question');

        // Erase: the dialog waits for the tick; Escape cancels; then confirmed by keyboard.
        await tabTo(page, new RegExp(`^Erase ${name}$`));
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: `Erase ${name}?` });
        await dialog.waitFor();
        const confirm = dialog.getByRole('button', { name: 'Erase consumer' });
        expect(await confirm.isDisabled()).toBe(true);
        await expectAccessible(page, `erase dialog at ${width}`);
        if (SHOOT && width === 400) await shoot(page, 'console-consumers-erase-400', width);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        expect((await c.messages()).find((m) => m.senderType === 'consumer')?.text).toBe('my private question');

        await page.getByRole('button', { name: `Erase ${name}` }).focus();
        await page.keyboard.press('Enter');
        await dialog.waitFor();
        // Focus starts on the tick box.
        await page.keyboard.press('Space');
        await poll(() => confirm.isDisabled()).toBe(false);
        await tabTo(page, /^Erase consumer$/);
        await page.keyboard.press('Enter');
        await dialog.waitFor({ state: 'detached' });
        await table.getByText('Erased consumer').waitFor();
        // Keyboard focus lands on the row's Export button (the Erase button that opened the dialog is gone).
        await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Export Erased consumer');
        await expect(page.getByRole('button', { name: `Erase ${name}` }).count()).resolves.toBe(0);

        // The server did it: the consumer's words are gone, and their session ended.
        const r = await demo.api.req('GET', `/api/v1/consumer/conversations/${c.conversationId}/messages`, { token: c.token });
        expect(r.status).toBe(401);
        const transcript = await demo.api.ok<{ items: { text: string | null; senderType: string }[] }>(
          'GET',
          `/api/v1/conversations/${c.conversationId}/messages`,
          { token: demo.managerToken },
        );
        expect(transcript.items.filter((m) => m.senderType === 'consumer').map((m) => m.text)).toEqual(['[erased]']);
      } finally {
        await context.close();
      }
    }, 90_000);
  }

  // Last: it sets the manager's language (back to the browser's at the end).
  it('in Arabic, right to left: the console frame, channels and consumer data speak it and pass axe (1280 px)', async () => {
    await consumer(demo, 'Dana Arabic', 'Sales', 'hello');
    await demo.api.ok('POST', '/api/v1/channels', {
      token: demo.managerToken,
      body: { type: 'webhook', name: 'Brand app', skillId: demo.skill('Sales'), outboundUrl: 'https://brand.example/parley' },
    });
    const { context, page } = await agentPage(browser, demo);
    try {
      await signIn(page, demo, 'manager');
      await demo.api.ok('PATCH', '/api/v1/me/settings', { token: demo.managerToken, body: { language: 'ar' } });
      await page.reload();
      await page.getByRole('heading', { name: 'وحدة تحكم المدير' }).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
      const tabs = page.getByRole('navigation', { name: 'أقسام وحدة التحكم' });

      await tabs.getByRole('button', { name: 'القنوات', exact: true }).click();
      await page.getByRole('heading', { name: 'القنوات', level: 3 }).waitFor();
      const channels = page.getByRole('table', { name: 'القنوات' });
      await channels.getByRole('button', { name: 'تعديل Brand app' }).waitFor();
      await page.getByRole('form', { name: 'قناة جديدة' }).getByRole('combobox', { name: 'النوع' }).selectOption('sms');
      await page.getByRole('group', { name: 'بيانات اعتماد Twilio' }).waitFor();
      // Right to left: the table's first column (the name) is at the right edge.
      const name = await channels.getByRole('columnheader', { name: 'الاسم' }).boundingBox();
      const sendsTo = await channels.getByRole('columnheader', { name: 'يرسل إلى' }).boundingBox();
      expect(name && sendsTo && name.x > sendsTo.x).toBe(true);
      await expectAccessible(page, 'channels in Arabic');
      await shoot(page, 'console-channels-ar', 1280);

      await tabs.getByRole('button', { name: 'بيانات العملاء', exact: true }).click();
      await page.getByRole('searchbox', { name: 'الاسم أو الهوية أو رقم الهاتف أو المعرّف' }).fill('Dana Arabic');
      await page.getByRole('button', { name: 'بحث', exact: true }).click();
      const table = page.getByRole('table', { name: 'العملاء' });
      await table.getByRole('button', { name: 'تصدير Dana Arabic' }).waitFor();
      await expect(page.getByRole('status').filter({ hasText: 'عميل واحد' }).count()).resolves.toBe(1);
      await expectAccessible(page, 'consumer data in Arabic');
      await shoot(page, 'console-consumers-ar', 1280);
    } finally {
      await demo.api.ok('PATCH', '/api/v1/me/settings', { token: demo.managerToken, body: { language: null } });
      await context.close();
    }
  }, 60_000);
});
