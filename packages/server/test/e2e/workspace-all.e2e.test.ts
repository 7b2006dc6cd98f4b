import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The All tab over 13 months of history, in a real browser: a "Since" day starts the list there,
 * and a search reaches the whole history window at once (no "Load more" marathon), which stays.
 * PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/all-since.png.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));
const DAY = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

describe('workspace: the All tab over the whole history', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  /**
   * Conversations of the past: made through the API now, closed, then moved back in time in the
   * server's SQLite file (the only way to have a year of history in a test; the server reads
   * conversation times from the database on every list).
   */
  async function pastConversation(name: string, text: string, ageDays: number): Promise<string> {
    const c = await consumer(demo, name, 'Sales', text);
    await demo.api.ok('POST', `/api/v1/conversations/${c.conversationId}/close`, { token: demo.managerToken }, [200]);
    if (ageDays > 0) {
      const db = new SQLite(join(demo.env.dataDir, 'parley.db'));
      try {
        db.pragma('busy_timeout = 5000');
        const shift = ageDays * DAY;
        db.prepare(
          'UPDATE conversations SET created_at = created_at - ?, closed_at = closed_at - ?, last_message_at = last_message_at - ?, updated_at = updated_at - ? WHERE id = ?',
        ).run(shift, shift, shift, shift, c.conversationId);
        db.prepare('UPDATE messages SET created_at = created_at - ? WHERE conversation_id = ?').run(shift, c.conversationId);
      } finally {
        db.close();
      }
    }
    return c.conversationId;
  }

  it('a search finds a conversation of a year ago at once; Since starts the list on a day; Load more stays', async () => {
    await pastConversation('Olga Ortiz', 'The blender I bought broke after a week', 380);
    await pastConversation('Mara Lind', 'Where is my parcel?', 40);
    await pastConversation('Ravi Shah', 'Do you ship to Norway?', 12);
    await pastConversation('Nico Brandt', 'Is the blender dishwasher safe?', 0);
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'alice');
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('heading', { name: 'All conversations' }).waitFor();
    const names = () => page.locator('.all .row-name').allTextContents();
    const status = page.locator('.all [role="status"]');
    const since = page.getByLabel('Since');
    const now = Date.now();

    // ---- by default the last 7 days, the Since field says from when
    await poll(names).toEqual(['Nico Brandt']);
    expect(await since.inputValue()).toBe(day(now - 7 * DAY));

    // ---- a search reaches the whole history window in one go: a year ago is one Enter away
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('blender');
    await search.press('Enter');
    await poll(names).toEqual(['Nico Brandt', 'Olga Ortiz']);
    await poll(() => status.textContent()).toBe('2 conversations in the whole history match “blender”.');
    expect(await since.inputValue()).toBe('');
    await page.getByText('That is the whole history window.').waitFor();

    // ---- a Since day bounds the search
    await since.fill(day(now - 60 * DAY));
    await poll(names).toEqual(['Nico Brandt']);
    await poll(() => status.textContent()).toMatch(/^1 conversation since .+ match “blender”\.$/);

    // ---- without a search, Since starts the list on that day; Load more still reaches a week further back
    await search.fill('');
    await search.press('Enter');
    await since.fill(day(now - 45 * DAY));
    await poll(names).toEqual(['Nico Brandt', 'Ravi Shah', 'Mara Lind']);
    await expectAccessible(page, 'all tab with a Since day');
    if (SHOOT) {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: shotPath('all-since') });
    }
    await page.getByRole('button', { name: 'Load more' }).click();
    await poll(() => since.inputValue()).toBe(day(now - 52 * DAY));
    expect(await names()).toEqual(['Nico Brandt', 'Ravi Shah', 'Mara Lind']);
    await page.getByRole('button', { name: 'Load more' }).waitFor();

    // ---- clearing Since goes back to the last 7 days
    await since.fill('');
    await poll(names).toEqual(['Nico Brandt']);
    await poll(() => since.inputValue()).toBe(day(now - 7 * DAY));
  }, 120_000);
});
