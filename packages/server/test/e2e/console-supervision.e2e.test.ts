import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * The console's supervision view and agent performance report (issue 15, docs/console.md): a
 * manager watches the account's conversations live, whispers to an agent who sees the note appear
 * in another browser, takes a conversation over, transfers one; the report's chart. Each at 1280
 * and 400 px with axe. PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/console-supervision*.png and
 * console-performance*.png.
 */
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));
const shot = async (page: Page, name: string, width: number) => {
  if (process.env.PARLEY_SCREENSHOTS) await page.screenshot({ path: shotPath(width === 400 ? `${name}-400` : name) });
};

describe('console: supervision and agent performance', () => {
  let demo: Demo;
  let browser: Browser;
  const id = (username: string) => demo.users.find((u) => u.username === username) as { username: string };
  let userIds: Record<string, string>;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    const users = await demo.api.ok<{ items: { id: string; username: string }[] }>('GET', '/api/v1/users', { token: demo.managerToken });
    userIds = Object.fromEntries(users.items.map((u) => [u.username, u.id]));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /** The manager's console on one of its screens. */
  async function managerOn(screen: string, width: number) {
    const { context, page } = await agentPage(browser, demo, { width, height: 900 });
    await signIn(page, demo, 'manager');
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: screen, exact: true }).click();
    return { context, page };
  }

  const supervisionRow = (page: Page, name: string) => page.getByRole('table', { name: 'Conversations under way' }).getByRole('row').filter({ hasText: name });

  for (const width of [1280, 400]) {
    it(`whisper at ${width} px: the list is live, the transcript follows, and the agent sees the manager's note appear in their own browser`, async () => {
      expect(id('bob')).toBeDefined();
      // Bob (Support) is signed in and online in his own browser.
      const bob = await agentPage(browser, demo, { width: 1280, height: 800 });
      await signIn(bob.page, demo, 'bob');
      await setStatus(bob.page, 'Online');
      const name = `Jo ${width}`;
      const jo = await consumer(demo, name, 'Support', 'My parcel has not arrived');
      await row(bob.page, name).waitFor();
      await row(bob.page, name).click();

      const { context, page } = await managerOn('Supervision', width);
      await page.getByRole('heading', { name: 'Supervision' }).waitFor();
      await supervisionRow(page, name).waitFor();
      await expect.poll(() => supervisionRow(page, name).textContent()).toContain('Bob Chen');

      // Live: a conversation that opens now appears without a reload, and the agent filter narrows the list.
      const late = `Late ${width}`;
      await consumer(demo, late, 'Sales', 'Price of the blue one?');
      await supervisionRow(page, late).waitFor();
      await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Bob Chen' });
      await poll(() => supervisionRow(page, late).count()).toBe(0);
      expect(await supervisionRow(page, name).count()).toBe(1);

      await supervisionRow(page, name)
        .getByRole('button', { name: `Watch the conversation with ${name}` })
        .click();
      const view = page.getByRole('region', { name: new RegExp(`^${name}`) });
      await view
        .getByRole('log', { name: `Transcript with ${name}` })
        .getByText('My parcel has not arrived')
        .waitFor();
      // The transcript follows: the consumer writes, the manager's read-only view shows it.
      await jo.say('It was due on Monday');
      await view.getByText('It was due on Monday').waitFor();
      expect(await view.getByRole('textbox', { name: /message/i }).count()).toBe(0);

      await expectAccessible(page, `supervision with a watched conversation, ${width} px`);
      await shot(page, 'console-supervision', width);

      // Whisper: keyboard only, then it shows in Bob's browser, live, as a toast and in the Notes tab.
      const note = view.getByRole('textbox', { name: 'New note' });
      await note.focus();
      await page.keyboard.type(`Offer a refund (${width})`);
      await page.keyboard.press('Control+Enter');
      // the note in the list (the box may still hold the text until the POST answers: the live note can come first)
      await view
        .getByRole('paragraph')
        .filter({ hasText: `Offer a refund (${width})` })
        .waitFor();
      await bob.page.getByRole('status').getByText(`Note from manager on ${name}: Offer a refund (${width})`).waitFor();
      await bob.page.getByRole('tab', { name: 'Notes' }).click();
      await bob.page.locator('.note-list').getByText(`Offer a refund (${width})`).waitFor();
      // The consumer never sees it.
      expect((await jo.messages()).map((m) => m.text)).not.toContain(`Offer a refund (${width})`);
      await bob.context.close();
      await context.close();
    }, 120_000);
  }

  it('take-over: the conversation leaves the agent’s list and becomes the manager’s; accessible at 1280 and 400 px', async () => {
    const bob = await agentPage(browser, demo, { width: 1280, height: 800 });
    await signIn(bob.page, demo, 'bob');
    await setStatus(bob.page, 'Online');
    const name = 'Ann takeover';
    await consumer(demo, name, 'Support', 'Can a person help me?');
    await row(bob.page, name).waitFor();
    for (const width of [1280, 400]) {
      const { context, page } = await managerOn('Supervision', width);
      await supervisionRow(page, name)
        .getByRole('button', { name: `Watch the conversation with ${name}` })
        .click();
      const view = page.getByRole('region', { name: new RegExp(`^${name}`) });
      await view.getByText('Can a person help me?').waitFor();
      await expectAccessible(page, `supervision before take-over, ${width} px`);
      if (width === 400) {
        await view.getByRole('button', { name: 'Take over' }).click();
        await view.getByRole('button', { name: 'Open in my workspace' }).waitFor();
        await poll(() => row(bob.page, name).count()).toBe(0);
        await expect.poll(() => supervisionRow(page, name).textContent()).toContain('manager');
        await shot(page, 'console-supervision-takeover', width);
        await view.getByRole('button', { name: 'Open in my workspace' }).click();
        await page
          .getByRole('heading', { name: 'Active conversations' })
          .or(page.getByRole('log', { name: `Transcript with ${name}` }))
          .first()
          .waitFor();
      }
      await context.close();
    }
    const list = await demo.api.ok<{ items: { consumer: { name: string }; agentId: string | null }[] }>('GET', '/api/v1/conversations?state=open', {
      token: demo.managerToken,
    });
    expect(list.items.find((c) => c.consumer.name === name)?.agentId).toBe(userIds.manager);
    await bob.context.close();
  }, 120_000);

  it('transfer: the manager hands an agent’s conversation to another agent from the dialog; the row follows live', async () => {
    const name = 'Cy transfer';
    for (const u of ['bob', 'alice']) await demo.api.ok('PUT', `/api/v1/users/${userIds[u]}/status`, { token: demo.managerToken, body: { status: 'online' } });
    await demo.api.ok('PUT', `/api/v1/users/${userIds.carol}/status`, { token: demo.managerToken, body: { status: 'offline' } });
    await consumer(demo, name, 'Support', 'Wrong size delivered');
    const { context, page } = await managerOn('Supervision', 1280);
    await supervisionRow(page, name).waitFor();
    const before = (await supervisionRow(page, name).textContent()) ?? '';
    const target = before.includes('Bob Chen') ? 'Alice Martin' : 'Bob Chen';
    await supervisionRow(page, name)
      .getByRole('button', { name: `Watch the conversation with ${name}` })
      .click();
    const view = page.getByRole('region', { name: new RegExp(`^${name}`) });
    await view.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByRole('searchbox', { name: 'Search skills and agents' }).fill(target.split(' ')[0] ?? '');
    await dialog.getByRole('button', { name: new RegExp(target) }).waitFor();
    await expectAccessible(page, 'supervision transfer dialog');
    await dialog.getByRole('button', { name: new RegExp(target) }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => supervisionRow(page, name).textContent(), { timeout: 10_000 }).toContain(target);
    await context.close();
  }, 120_000);

  it('dashboard: each agent’s status, reason and for how long', async () => {
    const reason = await demo.api.ok<{ id: string }>(
      'POST',
      '/api/v1/status-reasons',
      { token: demo.managerToken, body: { name: 'Lunch', status: 'away' } },
      [201],
    );
    const carol = await demo.api.login(demo.accountId, 'carol', demo.password('carol'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: carol, body: { status: 'away', reasonId: reason.id } });
    for (const width of [1280, 400]) {
      const { context, page } = await managerOn('Dashboard', width);
      const carolRow = page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: 'Carol Diaz' });
      await expect.poll(() => carolRow.textContent()).toMatch(/Away.*Lunch.*\d+ s/);
      await expectAccessible(page, `dashboard with status reasons, ${width} px`);
      await shot(page, 'console-dashboard-reasons', width);
      await context.close();
    }
  }, 120_000);

  it('agent performance: the period table, one agent’s figure by day as a chart; accessible at 1280 and 400 px', async () => {
    // Bob answers and closes a conversation today.
    const bob = await demo.api.login(demo.accountId, 'bob', demo.password('bob'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: bob, body: { status: 'online' } });
    await demo.api.ok('PUT', `/api/v1/users/${userIds.alice}/status`, { token: demo.managerToken, body: { status: 'offline' } });
    const dee = await consumer(demo, 'Dee report', 'Support', 'Where is my invoice?');
    await poll(async () => (await demo.api.ok<{ agentId: string | null }>('GET', `/api/v1/conversations/${dee.conversationId}`, { token: bob })).agentId).toBe(
      userIds.bob,
    );
    await demo.api.ok(
      'POST',
      `/api/v1/conversations/${dee.conversationId}/messages`,
      { token: bob, body: { text: 'Sent it again', clientMessageId: 'perf-1' } },
      [201],
    );
    await demo.api.ok('POST', `/api/v1/conversations/${dee.conversationId}/close`, { token: bob });
    for (const width of [1280, 400]) {
      const { context, page } = await managerOn('Agent performance', width);
      await page.getByRole('heading', { name: 'Agent performance' }).waitFor();
      const table = page.getByRole('table', { name: /^Agents, / });
      await table.getByRole('row').filter({ hasText: 'Bob Chen' }).waitFor();
      await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Bob Chen' });
      await page.getByLabel('Figure').selectOption({ label: 'Handled' });
      const chart = page.getByRole('img', { name: /^Handled by day: Bob Chen, bar chart: [1-9]\d* in 7 days, most on / });
      await chart.waitFor();
      await page.locator('.chart .uplot canvas').first().waitFor();
      await page.getByRole('table', { name: 'Bob Chen by day' }).getByRole('row').nth(7).waitFor();
      await page.getByLabel('Figure').selectOption({ label: 'Time online' });
      await page.getByRole('img', { name: /^Time online by day: Bob Chen, bar chart/ }).waitFor();
      await expectAccessible(page, `agent performance, ${width} px`);
      // A pane scrolls (not the page): bring the chart to the top of the nearest scrolling box for the picture.
      await page.getByRole('heading', { name: 'By day' }).evaluate((el) => {
        let box = el.parentElement;
        while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
        if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top;
      });
      await shot(page, 'console-performance', width);
      await context.close();
    }
  }, 120_000);
});
