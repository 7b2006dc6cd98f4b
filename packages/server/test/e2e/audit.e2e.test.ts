import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The console's "Audit log" screen in a real browser, by keyboard: filters by actor, action and
 * date, older pages, the CSV download (itself logged), axe. PARLEY_SCREENSHOTS=1 refreshes
 * docs/screenshots/console-audit.png and console-audit-400.png.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

async function shootBoth(page: Page, name: string): Promise<void> {
  await page.locator('.toasts').evaluate((el) => el.style.setProperty('display', 'none'));
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 800 });
    const height = await page.locator('.console-body').evaluate((body) => Math.ceil(body.getBoundingClientRect().top + body.scrollHeight));
    await page.setViewportSize({ width, height: Math.max(800, height) });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: shotPath(`${name}${width === 400 ? '-400' : ''}`) });
    // the long 400 px page: its top (the filters and the first entries) too
    if (width === 400) await page.screenshot({ path: shotPath(`${name}-top-400`), clip: { x: 0, y: 0, width: 400, height: 1100 } });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('.toasts').evaluate((el) => el.style.removeProperty('display'));
}

const today = () => new Date().toISOString().slice(0, 10);

describe('console: audit log', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    // changes to find: two skills by the manager, a settings change, a failed sign-in
    for (const name of ['Audit one', 'Audit two']) await demo.api.ok('POST', '/api/v1/skills', { token: demo.managerToken, body: { name } }, [201]);
    await demo.api.ok('PATCH', '/api/v1/account/settings', { token: demo.managerToken, body: { ringTimeoutSec: 42 } }, [200]);
    await demo.api.ok('POST', '/api/v1/auth/login', { body: { accountId: demo.accountId, username: 'manager', password: 'not the password' } }, [401]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('lists entries newest first, filters by keyboard, downloads the CSV, and passes axe', async () => {
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'manager');
    await page.getByRole('button', { name: 'Console' }).click();
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit log entries' });
    await table.getByText('settings.updated').first().waitFor();
    const actions = () => table.locator('tbody td[data-label="Action"]').allTextContents();
    const all = await actions();
    // this sign-in, then the test's changes (newest first), then the demo account's seeding by the system
    expect(all.slice(0, 5)).toEqual(['auth.login', 'auth.login_failed', 'settings.updated', 'skill.created', 'skill.created']);
    await expect(table.locator('tbody tr').filter({ hasText: 'settings.updated' }).first().textContent()).resolves.toContain('ringTimeoutSec: 30 → 42');
    expect(await table.locator('tbody tr').last().locator('td[data-label="Who"]').textContent()).toBe('System');
    await expectAccessible(page, 'audit log');
    if (SHOOT) await shootBoth(page, 'console-audit');

    // by keyboard: the action filter, then submit with Enter
    const action = page.getByLabel('Action');
    await action.focus();
    await page.keyboard.type('skill.created');
    await expect(action.inputValue()).resolves.toBe('skill.created');
    await page.getByRole('button', { name: 'Show entries' }).focus();
    await page.keyboard.press('Enter');
    await poll(actions).toEqual(['skill.created', 'skill.created', 'skill.created', 'skill.created']);
    const who = await table.locator('tbody td[data-label="Who"]').allTextContents();
    expect(who.slice(2)).toEqual(['System', 'System']);
    expect(who[0]).not.toBe('System');
    expect(who[1]).toBe(who[0]);

    // the actor filter: the demo's own skills were made by the system, the two new ones by the manager
    const actor = page.getByLabel('Actor');
    await actor.selectOption({ label: `${(await actor.locator('option', { hasText: '(manager)' }).textContent())?.trim()}` });
    await page.getByRole('button', { name: 'Show entries' }).press('Enter');
    await poll(() => table.locator('tbody tr').count()).toBe(2);

    // a day with nothing in it
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From (UTC date)').fill(tomorrow);
    await page.getByRole('button', { name: 'Show entries' }).press('Enter');
    await page.getByText('No entries match these filters.').waitFor();
    await page.getByLabel('From (UTC date)').fill(today());
    await page.getByLabel('To (UTC date, included)').fill(today());
    await page.getByRole('button', { name: 'Show entries' }).press('Enter');
    await poll(() => table.locator('tbody tr').count()).toBe(2);

    // the CSV of what the filters show
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).press('Enter')]);
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('id,at,actor_type,actor_id,action,target_type,target_id,ip,details');
    expect(csv).toHaveLength(3);
    await page.getByRole('button', { name: 'Clear filters' }).press('Enter');
    await poll(async () => (await actions())[0]).toBe('report.exported');
    await expectAccessible(page, 'audit log, filtered');
  });

  it('at 400 px wide (the CRM utility bar) the entries stack and stay readable', async () => {
    const { page } = await agentPage(browser, demo, { width: 400, height: 800 });
    await signIn(page, demo, 'manager');
    await page.getByRole('button', { name: 'Console' }).click();
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Audit log' }).click();
    await page.getByRole('table', { name: 'Audit log entries' }).getByText('settings.updated').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'audit log at 400 px');
  });
});
