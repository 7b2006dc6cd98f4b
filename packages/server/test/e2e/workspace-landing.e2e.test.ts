import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/** Where a sign-in lands (issue 11, point 10): managers on the console, agents on the Active list. */
describe('workspace: the screen a sign-in lands on', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('a manager lands on the console; the Active tab and back by keyboard', async () => {
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'manager');
    await page.getByRole('heading', { name: 'Manager console' }).waitFor();
    await page.getByRole('heading', { name: 'Live dashboard' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Active conversations' }).count()).toBe(0);
    const views = page.getByRole('navigation', { name: 'Views' });
    const consoleTab = views.getByRole('button', { name: 'Console' });
    const activeTab = views.getByRole('button', { name: /^Active/ });
    expect(await consoleTab.getAttribute('aria-current')).toBe('page');
    expect(await activeTab.getAttribute('aria-current')).toBeNull();
    await page.screenshot({ path: '/tmp/landing-manager.png' });
    await expectAccessible(page, 'manager landing on the console');

    // Keyboard: Active shows the list; Console brings the console back, and pressing it again keeps it.
    await activeTab.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Active conversations' }).waitFor();
    expect(await activeTab.getAttribute('aria-current')).toBe('page');
    await consoleTab.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Manager console' }).waitFor();
    await page.keyboard.press('Enter');
    // The key's click is a discrete React event, rendered before the next frame is painted: after two
    // frames, whatever the second press did to the page is on it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await page.getByRole('heading', { name: 'Manager console' }).count()).toBe(1);
    expect(await consoleTab.getAttribute('aria-current')).toBe('page');
    await page.context().close();
  }, 60_000);

  it('an agent lands on the Active list and has no console', async () => {
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'bob');
    await page.getByRole('heading', { name: 'Active conversations' }).waitFor();
    const views = page.getByRole('navigation', { name: 'Views' });
    await poll(() => views.getByRole('button', { name: /^Active/ }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('heading', { name: 'Manager console' }).count()).toBe(0);
    expect(await views.getByRole('button', { name: 'Console' }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/landing-agent.png' });
    await expectAccessible(page, 'agent landing on the Active list');
    await page.context().close();
  }, 60_000);
});
