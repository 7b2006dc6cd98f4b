import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, rowNames, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Labels in the workspace (docs/workspace.md): the chip row under the conversation header, where
 * "Add label" opens a filterable listbox (Enter toggles the label under the cursor) and each chip
 * has a remove button; the label filter of the Active list and of the All tab (`label=`).
 * PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/labels-chips(.png|-400.png) and labels-filter(.png|-400.png).
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));
const SHOOT = !!process.env.PARLEY_SCREENSHOTS;

describe('labels in the workspace', () => {
  let demo: Demo;
  let browser: Browser;
  const ids: Record<string, string> = {};
  const labelsOf = async (conversationId: string) =>
    (await demo.api.ok<{ labels?: string[] }>('GET', `/api/v1/conversations/${conversationId}`, { token: demo.managerToken })).labels ?? [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    for (const [name, color] of [
      ['Billing', '#2e9e5b'],
      ['Bug', '#1a237e'],
      ['VIP', '#f5d142'],
    ] as const) {
      ids[name] = (await demo.api.ok<{ id: string }>('POST', '/api/v1/labels', { token: demo.managerToken, body: { name, color } }, [201])).id;
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** Opens the picker from the keyboard and toggles the label that typing `filter` leaves first. */
  async function toggleByKeyboard(page: Page, filter: string) {
    const add = page.getByRole('button', { name: '+ Add label' });
    await add.focus();
    await page.keyboard.press('Enter');
    const box = page.getByRole('combobox', { name: 'Filter labels' });
    await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(filter);
    await page.keyboard.press('Enter');
  }

  it('chips: Add label opens a listbox, typing filters, Enter toggles; × removes; the row and the API follow; accessible at 1280 and 400 px', async () => {
    const agent = demo.users.find((u) => u.role === 'agent')?.username ?? 'alice';
    for (const [width, name] of [
      [1280, 'Laura Label'],
      [400, 'Nico Narrow'],
    ] as const) {
      const { context, page } = await agentPage(browser, demo, { width, height: 760 });
      await signIn(page, demo, agent);
      await setStatus(page, 'Online');
      const c = await consumer(demo, name, 'Support', 'My invoice is wrong');
      await row(page, name).click();
      const chips = page.getByRole('list', { name: 'Conversation labels' });
      await chips.waitFor();
      await toggleByKeyboard(page, 'bill');
      await poll(() => labelsOf(c.conversationId)).toEqual([ids.Billing]);
      await chips.locator('.label-item', { hasText: 'Billing' }).waitFor();
      // still open: arrows move to another label, Enter adds it; the listbox marks both as selected
      const box = page.getByRole('combobox', { name: 'Filter labels' });
      await box.fill('');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await poll(() => labelsOf(c.conversationId)).toEqual([ids.Billing, ids.VIP]);
      const listbox = page.getByRole('listbox', { name: 'Labels to add or remove' });
      await poll(() => listbox.getByRole('option', { selected: true }).allTextContents()).toEqual(['✓Billing', '✓VIP']);
      await expectAccessible(page, `label picker, ${width} px`);
      if (SHOOT) await page.screenshot({ path: shotPath(width === 400 ? 'labels-chips-400' : 'labels-chips') });
      // Escape closes and gives the focus back to the button
      await page.keyboard.press('Escape');
      await listbox.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('+ Add label');
      // the remove button of a chip
      await chips.getByRole('button', { name: 'Remove label Billing' }).click();
      await poll(() => labelsOf(c.conversationId)).toEqual([ids.VIP]);
      await poll(() => chips.getByRole('listitem').allTextContents()).toEqual(['VIP×', '+ Add label']);
      // the Active row shows the chip too; a new message (a push without labels) keeps it
      await c.say('Any news?');
      await poll(() => row(page, name).locator('.row-labels').textContent()).toBe('VIP');
      await expectAccessible(page, `label chips, ${width} px`);
      await context.close();
    }
  }, 120_000);

  it('filters: the Active list and the All tab show only the conversations with the label chosen; accessible at 1280 and 400 px', async () => {
    // alice again (the agent with both skills): the first test's conversations (labelled VIP) are on her list too
    const agent = demo.users.find((u) => u.role === 'agent')?.username ?? 'alice';
    const { context, page } = await agentPage(browser, demo, { width: 1280, height: 800 });
    await signIn(page, demo, agent);
    await setStatus(page, 'Online');
    const token = await demo.api.login(demo.accountId, agent, demo.password(agent));
    const names = ['Fay Filter', 'Gus Grid', 'Hal Hours'];
    const convs = [];
    for (const n of names) {
      convs.push(await consumer(demo, n, 'Sales', `Hello from ${n}`));
      await row(page, n).waitFor();
    }
    const [fay, gus] = convs;
    if (!fay || !gus) throw new Error('no conversations');
    await demo.api.ok('PUT', `/api/v1/conversations/${fay.conversationId}/labels`, { token, body: { labelIds: [ids.Bug] } });
    await demo.api.ok('PUT', `/api/v1/conversations/${gus.conversationId}/labels`, { token, body: { labelIds: [ids.Bug, ids.Billing] } });
    // the Active list (reloaded, so the labels come from the list itself)
    await page.reload();
    const filter = page.getByRole('combobox', { name: 'Label' });
    await filter.selectOption({ label: 'Bug' });
    await poll(() => rowNames(page)).toEqual(expect.arrayContaining(['Fay Filter', 'Gus Grid']));
    expect(await rowNames(page)).not.toContain('Hal Hours');
    await filter.selectOption({ label: 'Billing' });
    await poll(() => rowNames(page)).toEqual(['Gus Grid']);
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 800 });
      await expectAccessible(page, `Active list label filter, ${width} px`);
      if (SHOOT) await page.screenshot({ path: shotPath(width === 400 ? 'labels-filter-400' : 'labels-filter') });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await filter.selectOption({ label: 'All labels' });
    await poll(() => rowNames(page)).toEqual(expect.arrayContaining(names));
    // the All tab asks the API with label=
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('heading', { name: 'All conversations' }).waitFor();
    const allFilter = page.getByRole('search').getByRole('combobox', { name: 'Label' });
    await allFilter.selectOption({ label: 'Bug' });
    await poll(() => rowNames(page)).toEqual(['Gus Grid', 'Fay Filter']);
    await allFilter.selectOption({ label: 'Billing' });
    await poll(() => rowNames(page)).toEqual(['Gus Grid']);
    await expectAccessible(page, 'All tab label filter, 1280 px');
    await page.setViewportSize({ width: 400, height: 800 });
    await expectAccessible(page, 'All tab label filter, 400 px');
    await context.close();
  }, 120_000);
});
