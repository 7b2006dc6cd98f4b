import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StubServer, startStubServer } from '../stub-server.js';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The console's API keys and Webhooks screens in a real browser against the built server
 * (docs/console.md): a key created with scopes is shown once, copied, works with its scopes only
 * and stops when revoked; a webhook created is signed with the secret shown once, its delivery log
 * shows the failed attempt (status, attempts, response code, time) and Redeliver sends it again,
 * edit, rotate and delete work. axe-checked at 1280 and 400 px; PARLEY_SCREENSHOTS=1 writes
 * docs/screenshots/console-api-keys(-400).png and console-webhooks(-400).png.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

async function shoot(page: Page, name: string): Promise<void> {
  await page.locator('.toasts').evaluate((el) => el.style.setProperty('display', 'none'));
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.screenshot({ path: shotPath(name), fullPage: true });
  await page.locator('.toasts').evaluate((el) => el.style.removeProperty('display'));
}

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, exact: true, level: 3 }).waitFor();
}

describe('console: API keys and webhooks', () => {
  let demo: Demo;
  let browser: Browser;
  let stub: StubServer;
  /** What the brand's endpoint answers: 500 until the test says otherwise. */
  let answer = 500;

  beforeAll(async () => {
    [demo, browser, stub] = await Promise.all([startDemo(), launchBrowser(), startStubServer()]);
    stub.handle = (_req, res) => {
      res.statusCode = answer;
      res.end();
    };
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await stub?.close();
  });

  for (const width of [1280, 400]) {
    it(`API keys at ${width} px: create with scopes (shown once, copied), used, revoked`, async () => {
      const { context, page } = await agentPage(browser, demo, { width });
      page.on('dialog', (d) => void d.accept());
      try {
        await signIn(page, demo, 'manager');
        await openScreen(page, 'API keys');
        const form = page.getByRole('form', { name: 'New API key' });
        const name = `CRM sync ${width}`;
        await form.getByLabel('Key name').fill(name);
        await form.getByRole('checkbox', { name: /webhooks:manage/ }).check();
        await form.getByRole('button', { name: 'Create key' }).click();
        const once = page.getByTestId('api-key-once');
        await once.waitFor();
        const key = (await once.textContent()) ?? '';
        expect(key.length).toBeGreaterThan(20);
        // Copy has the focus: Enter copies.
        await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Copy key');
        await page.keyboard.press('Enter');
        await poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
        const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: name });
        await row.waitFor();
        expect(await row.textContent()).toContain('webhooks:manage');
        expect(await row.textContent()).toContain(key.slice(0, 8));
        await expectAccessible(page, `API keys at ${width}`);
        if (SHOOT) await shoot(page, width === 400 ? 'console-api-keys-400' : 'console-api-keys');
        // The key works within its scope, and only there.
        expect((await demo.api.req('GET', '/api/v1/webhooks', { token: key })).status).toBe(200);
        expect((await demo.api.req('GET', '/api/v1/reports/live', { token: key })).status).toBe(403);
        // Done puts the key away; Revoke stops it at once.
        await page.getByRole('button', { name: 'Done' }).click();
        await once.waitFor({ state: 'detached' });
        await row.getByRole('button', { name: `Revoke ${name}` }).click();
        await poll(() => row.textContent()).toContain('Revoked');
        expect((await demo.api.req('GET', '/api/v1/webhooks', { token: key })).status).toBe(401);
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  for (const width of [1280, 400]) {
    it(`webhooks at ${width} px: create (secret once), delivery log with Redeliver, edit, rotate, delete`, async () => {
      answer = 500;
      const { context, page } = await agentPage(browser, demo, { width });
      page.on('dialog', (d) => void d.accept());
      try {
        await signIn(page, demo, 'manager');
        await openScreen(page, 'Webhooks');
        const url = `${stub.url}/in-${width}`;
        const form = page.getByRole('form', { name: 'New webhook' });
        // Bad input: no event → the API's error next to the field, nothing created.
        await form.getByLabel('Endpoint URL').fill(url);
        await form.getByRole('button', { name: 'Create webhook' }).click();
        await form.locator('.field-error[data-path="events"]').waitFor();
        await form.getByRole('checkbox', { name: 'message.created' }).check();
        await form.getByRole('button', { name: 'Create webhook' }).click();
        const once = page.getByTestId('webhook-secret-once');
        await once.waitFor();
        const secret = (await once.textContent()) ?? '';
        expect(secret).toMatch(/^whsec_/);
        await page.getByRole('button', { name: 'Done' }).click();
        const table = page.getByRole('table', { name: 'Webhooks' });
        const row = table.getByRole('row').filter({ hasText: url });
        await row.waitFor();

        // A consumer message makes a delivery; the endpoint answers 500.
        const before = stub.requests.filter((r) => r.url === `/in-${width}`).length;
        await consumer(demo, `Hook ${width}`, 'Support', 'hello hook');
        await poll(() => stub.requests.filter((r) => r.url === `/in-${width}`).length, 20_000).toBeGreaterThan(before);
        await row.getByRole('button', { name: `Delivery log of ${url}` }).click();
        const log = page.getByRole('table', { name: 'Deliveries' });
        const first = log.getByRole('row').filter({ hasText: 'message.created' }).first();
        await poll(async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return (await first.textContent().catch(() => '')) ?? '';
        }, 20_000).toContain('500');
        expect(await first.textContent()).toMatch(/Pending|Failed/);
        await expectAccessible(page, `webhooks at ${width}`);
        if (SHOOT) await shoot(page, width === 400 ? 'console-webhooks-400' : 'console-webhooks');

        // The endpoint is fixed: Redeliver sends it again with the same webhook-id.
        answer = 200;
        const ids = () => stub.requests.filter((r) => r.url === `/in-${width}`).map((r) => String(r.headers['webhook-id']));
        const firstId = ids()[0];
        await first.getByRole('button', { name: /^Redeliver/ }).click();
        await poll(async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return (await first.textContent()) ?? '';
        }, 20_000).toContain('Delivered');
        expect(await first.textContent()).toContain('200');
        expect(ids().filter((id) => id === firstId).length).toBeGreaterThan(1);

        // Edit: inactive, another event.
        await row.getByRole('button', { name: `Edit ${url}` }).click();
        const edit = page.getByRole('form', { name: `Edit webhook ${url}` });
        await edit.getByRole('checkbox', { name: 'conversation.closed' }).check();
        await edit.getByRole('checkbox', { name: /^Active/ }).uncheck();
        await edit.getByRole('button', { name: 'Save webhook' }).click();
        await edit.waitFor({ state: 'detached' });
        await poll(() => row.textContent()).toContain('Inactive');
        expect(await row.textContent()).toContain('conversation.closed');

        // Rotate: a new secret, shown once; the old one signs for 24 hours more.
        await row.getByRole('button', { name: `Rotate the secret of ${url}` }).click();
        await once.waitFor();
        const rotated = (await once.textContent()) ?? '';
        expect(rotated).toMatch(/^whsec_/);
        expect(rotated).not.toBe(secret);
        await poll(() => row.textContent()).toContain('old secret until');
        await page.getByRole('button', { name: 'Done' }).click();

        // Delete.
        await row.getByRole('button', { name: `Delete ${url}` }).click();
        await row.waitFor({ state: 'detached' });
        const left = await demo.api.ok<{ items: { url: string }[] }>('GET', '/api/v1/webhooks', { token: demo.managerToken });
        expect(left.items.map((w) => w.url)).not.toContain(url);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
