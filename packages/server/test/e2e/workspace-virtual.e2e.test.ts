import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The virtualized lists in a real browser: an agent with 60 conversations in the Active list and
 * an All tab of 260 (more than two pages). The DOM holds the rows in view, each row says its place
 * in the whole list, the keyboard reaches rows that were not rendered, a focused row that the sort
 * moves away keeps the focus, and the All tab loads its next page as the list is scrolled down.
 */
const OPEN = 60;
const CLONES = 200;

/** The focused row: its conversation id and its place ("3 of 60"). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const button = document.activeElement as HTMLElement | null;
    const li = button?.closest('li');
    return { id: button?.dataset.row ?? null, pos: li?.getAttribute('aria-posinset') ?? null, size: li?.getAttribute('aria-setsize') ?? null };
  });
/** Waits for `n` frames to be painted. */
const frames = (page: Page, n: number) =>
  page.evaluate(
    (n) =>
      new Promise((done) => {
        let k = 0;
        const next = () => (++k >= n ? done(null) : requestAnimationFrame(next));
        requestAnimationFrame(next);
      }),
    n,
  );
/** Whether the element's box is inside its list's visible part. */
const inView = (page: Page, list: string, id: string) =>
  page.evaluate(
    ({ list, id }) => {
      const l = document.querySelector(list)?.getBoundingClientRect();
      const r = document.querySelector(`${list} [data-row="${id}"]`)?.getBoundingClientRect();
      return !!l && !!r && r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    },
    { list, id },
  );

describe('workspace: virtualized Active and All lists', () => {
  let demo: Demo;
  let browser: Browser;
  let aliceToken: string;
  const ids: string[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    const me = await demo.api.ok<{ id: string }>('GET', '/api/v1/me', { token: aliceToken });
    await demo.api.ok('PATCH', `/api/v1/users/${me.id}`, { token: demo.managerToken, body: { maxConcurrent: OPEN } }, [200]);
    await demo.api.ok('PUT', '/api/v1/me/status', { token: aliceToken, body: { status: 'online' } }, [200]);
    for (let i = 0; i < OPEN; i++) ids.push((await consumer(demo, `Visitor ${String(i).padStart(2, '0')}`, 'Sales', `Question ${i}`)).conversationId);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('Active list: rows in view in the DOM, each with its place; End/Home reach every row; a moved row keeps the focus; axe at 1280 and 400 px', async () => {
    await poll(
      async () => (await demo.api.ok<{ items: { state: string }[] }>('GET', '/api/v1/workspace/active', { token: aliceToken })).items.length,
      30_000,
    ).toBe(OPEN);
    const { context, page } = await agentPage(browser, demo, { width: 1280, height: 800 });
    await signIn(page, demo, 'alice');
    const rows = page.locator('ul.rows > li');
    await poll(() => rows.first().getAttribute('aria-setsize')).toBe(String(OPEN));
    // Virtualized: far fewer rows than the list has, and the first ones say 1, 2, 3 … of 60.
    const rendered = await rows.count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(OPEN / 2);
    expect(await rows.evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('aria-posinset')))).toEqual(['1', '2', '3']);
    await expectAccessible(page, 'virtualized Active list, 1280 px');

    // The keyboard: the one tab stop, End to the last row (not rendered before), Home back.
    await page.locator('ul.rows button.row-button[tabindex="0"]').focus();
    expect(await focused(page)).toMatchObject({ pos: '1', size: String(OPEN) });
    await page.keyboard.press('End');
    await poll(() => focused(page)).toMatchObject({ pos: String(OPEN) });
    const last = (await focused(page)).id as string;
    await poll(() => inView(page, 'ul.rows', last)).toBe(true);
    await page.keyboard.press('ArrowUp');
    await poll(() => focused(page)).toMatchObject({ pos: String(OPEN - 1) });
    await page.keyboard.press('Home');
    await poll(() => focused(page)).toMatchObject({ pos: '1' });
    const top = (await focused(page)).id as string;
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await poll(() => focused(page)).toMatchObject({ id: top, pos: '1' });

    // The agent answers the top conversation elsewhere: it waits for the consumer now and sorts
    // to the end of the list, far out of view; the focus stays on it (and the list stays where
    // it is: past the few frames in which a row reached by the keyboard is kept in view).
    await frames(page, 12);
    await demo.api.ok('POST', `/api/v1/conversations/${top}/messages`, { token: aliceToken, body: { text: 'On it.', clientMessageId: randomUUID() } }, [201]);
    await poll(() => focused(page)).toEqual({ id: top, pos: String(OPEN), size: String(OPEN) });
    expect(await inView(page, 'ul.rows', top)).toBe(false);
    // Enter opens it, and the list brings the selected row into view.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: /^Visitor / }).waitFor();
    await poll(() => inView(page, 'ul.rows', top)).toBe(true);

    await page.setViewportSize({ width: 400, height: 760 });
    await page.getByRole('button', { name: 'Back' }).click();
    await poll(() => rows.first().getAttribute('aria-setsize')).toBe(String(OPEN));
    await expectAccessible(page, 'virtualized Active list, 400 px');
    await context.close();
  }, 120_000);

  it('All tab: the next page comes as the list is scrolled down; the footer counts what is loaded; axe at 1280 and 400 px', async () => {
    // 200 more, closed, cloned from a real one into the server's SQLite file (260 in all: three pages of 100).
    const db = new SQLite(join(demo.env.dataDir, 'parley.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const closed = ids.at(-1) as string;
      await demo.api.ok('POST', `/api/v1/conversations/${closed}/close`, { token: aliceToken }, [200]);
      const row = db.prepare('SELECT * FROM conversations WHERE id = ?').get(closed) as Record<string, unknown>;
      const cols = Object.keys(row);
      const insert = db.prepare(`INSERT INTO conversations (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
      const at = Number(row.created_at);
      db.transaction(() => {
        for (let i = 0; i < CLONES; i++) {
          const t = at - (i + 1) * 60_000;
          insert.run({ ...row, id: `${closed.slice(0, -4)}${String(i).padStart(4, '0')}`, created_at: t, last_message_text: `Older question ${i}` });
        }
      })();
    } finally {
      db.close();
    }
    const total = OPEN + CLONES;
    const { context, page } = await agentPage(browser, demo, { width: 1280, height: 800 });
    await signIn(page, demo, 'manager');
    await page.getByRole('button', { name: 'All', exact: true }).click();
    const list = page.locator('.all ul.rows');
    const footer = page.locator('.all .all-count');
    await poll(() => footer.textContent()).toBe('100 conversations loaded so far');
    expect(await list.locator('li').first().getAttribute('aria-setsize')).toBe('100');
    expect(await list.locator('li').count()).toBeLessThan(30);
    await expectAccessible(page, 'virtualized All tab, 1280 px');

    // Scrolling down loads the next pages by itself, as far as the list goes.
    for (let i = 0; i < 20 && (await footer.textContent()) !== `${total} conversations loaded so far`; i++) {
      await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await poll(() => list.locator('li').last().getAttribute('aria-posinset')).not.toBe(null);
    }
    await poll(() => footer.textContent()).toBe(`${total} conversations loaded so far`);
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await poll(() => list.locator('li').last().getAttribute('aria-posinset')).toBe(String(total));
    expect(await list.locator('li').count()).toBeLessThan(30);
    // The last row (the oldest) is on screen and opens with a click.
    const oldest = list.locator(`li[aria-posinset="${total}"] button.row-button`);
    await oldest.click();
    await poll(() => oldest.getAttribute('aria-current')).toBe('true');
    // Home by keyboard goes back to the newest.
    await oldest.focus();
    await page.keyboard.press('Home');
    await poll(() => focused(page)).toMatchObject({ pos: '1', size: String(total) });
    await poll(async () => inView(page, '.all ul.rows', (await focused(page)).id as string)).toBe(true);

    await page.setViewportSize({ width: 400, height: 760 });
    await page.getByRole('button', { name: 'Back' }).click();
    await footer.waitFor();
    await expectAccessible(page, 'virtualized All tab, 400 px');
    await context.close();
  }, 120_000);
});
