import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentPage,
  consumer,
  type Demo,
  expectAccessible,
  launchBrowser,
  patchAccount,
  poll,
  row,
  rowNames,
  setStatus,
  signIn,
  startDemo,
} from './workspace-support.js';

/**
 * The agent workspace in a real browser against the built server: two agents (Alice, Bob) and
 * consumers, acting by visible labels, clicks and keys.
 */
describe('workspace: an agent day', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    for (const [title, text] of [
      ['Refund policy', 'You can return any item within 30 days for a full refund.'],
      ['Shipping times', 'Orders ship within 2 business days.'],
      ['Greeting', 'Hello! How can I help you today?'],
    ]) {
      await demo.api.ok('POST', '/api/v1/content', { token: demo.managerToken, body: { title, text } }, [201]);
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('signs in, works the list live, answers, notes, transfers, closes and signs out', async () => {
    const { page: alice } = await agentPage(browser, demo);
    const { page: bob } = await agentPage(browser, demo);

    // ---- sign in: a wrong password is refused, the right one opens the workspace
    await alice.goto(`${demo.url}/`);
    await alice.getByLabel('Account').fill(demo.accountId);
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill('not the password');
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => alice.getByRole('alert').textContent()).toContain('not right');
    await alice.getByLabel('Password').fill(demo.password('alice'));
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await alice.getByRole('heading', { name: 'Active conversations' }).waitFor();
    expect(await alice.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain('Offline');
    // Nothing selected on entry.
    await alice.getByText('No conversation selected').waitFor();

    // ---- status menu by keyboard: open, arrow to Online, Enter
    await alice.getByRole('button', { name: /^Status:/ }).focus();
    await alice.keyboard.press('Enter');
    await alice.getByRole('menuitemradio', { name: 'Online' }).waitFor();
    await poll(() => alice.evaluate<string | null>('document.activeElement?.textContent')).toContain('Offline');
    await alice.keyboard.press('ArrowDown'); // wraps to Online
    await alice.keyboard.press('Enter');
    await poll(() => alice.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain('Status: Online.');

    // ---- conversations arrive live: rows with name, channel, last message, time left, unread dot; badge
    const ana = await consumer(demo, 'Ana Keller', 'Sales', 'Hi, where is my order?', { plan: 'Gold', orderId: 'A-1042' });
    await row(alice, 'Ana Keller').waitFor();
    const anaRow = row(alice, 'Ana Keller');
    expect(await anaRow.textContent()).toMatch(/Web.*Hi, where is my order\?.*Ongoing.*min left/);
    expect(await anaRow.locator('.unread-dot').count()).toBe(1);
    // The row's accessible name says each fact once, in order; the last message is its description.
    await anaRow.getByRole('button', { name: /^Ana Keller, Ongoing, [^,]+ left, 1 unread message, Web, last message \d\d:\d\d$/ }).waitFor();
    expect(await anaRow.getByRole('button').evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(
      'Hi, where is my order?',
    );
    await poll(() => alice.getByRole('img', { name: /with new messages/ }).textContent()).toBe('1');
    const ben = await consumer(demo, 'Ben Lowe', 'Support', 'My invoice looks wrong');
    await row(alice, 'Ben Lowe').waitFor();
    expect(await rowNames(alice)).toEqual(['Ana Keller', 'Ben Lowe']); // by SLA: Ana is due first
    await poll(() => alice.getByRole('img', { name: /with new messages/ }).textContent()).toBe('2');
    await poll(() => alice.locator('.filter-ongoing .filter-count').textContent()).toBe('2');

    // ---- open the top conversation with the keyboard: focus the first row, Enter
    await alice.locator('ul.rows button.row-button').first().focus();
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('ArrowUp');
    await alice.keyboard.press('Enter');
    await alice.getByRole('heading', { name: 'Ana Keller', level: 2 }).waitFor();
    await alice
      .getByRole('log', { name: /Transcript with Ana Keller/ })
      .getByText('Hi, where is my order?')
      .waitFor();
    await poll(() => anaRow.locator('.unread-dot').count()).toBe(0); // read
    await anaRow.getByRole('button', { name: /^Ana Keller, Ongoing, [^,]+ left, Web, last message \d\d:\d\d$/ }).waitFor();
    await poll(() => alice.getByRole('img', { name: /with new messages/ }).textContent()).toBe('1');
    // Pinned in the left bar.
    await alice
      .getByRole('navigation', { name: 'Opened conversations' })
      .getByRole('button', { name: /Ana Keller/ })
      .waitFor();

    // ---- consumer info and "why me"
    await alice.getByRole('tab', { name: 'Consumer info' }).click();
    const info = alice.getByRole('tabpanel');
    await info.getByText('A-1042').waitFor();
    expect(await info.textContent()).toMatch(/Channel\s*Web/);
    expect(await info.textContent()).toContain('plan');
    await alice.getByRole('tab', { name: 'Consumer info' }).press('ArrowRight'); // tabs by keyboard
    await alice.getByRole('heading', { name: 'Why this conversation came to you' }).waitFor();
    expect(await alice.getByRole('tabpanel').textContent()).toMatch(/Assigned to You by rule/);
    await alice.getByRole('tab', { name: 'Transcript' }).click();

    // ---- predefined content: search over title and text, choose with the keyboard, send with Enter
    await alice.getByRole('button', { name: 'Predefined content' }).click();
    await alice.getByRole('combobox', { name: 'Search predefined content' }).fill('2 business days');
    await alice.getByRole('option', { name: /Shipping times/ }).waitFor();
    await poll(() => alice.getByRole('option').count()).toBe(1);
    await alice.keyboard.press('Enter');
    const composer = alice.getByRole('textbox', { name: 'Message' });
    await poll(() => composer.inputValue()).toBe('Orders ship within 2 business days.');
    await composer.press('End');
    await composer.pressSequentially(' Yours left today.');
    await composer.press('Enter');
    await alice.getByRole('log').getByText('Orders ship within 2 business days. Yours left today.').waitFor();
    await poll(async () => (await ana.messages()).map((m) => m.text)).toContain('Orders ship within 2 business days. Yours left today.');
    // Answered: Ana now waits for the consumer and moves below Ben (live re-sort after an agent action).
    await poll(() => rowNames(alice)).toEqual(['Ben Lowe', 'Ana Keller']);
    await expectAccessible(alice, 'conversation view');

    // ---- the consumer writes again: the conversation re-sorts to the top by its new due time? no: Ben is still due first
    await ana.say('Thanks! Can I change the address?');
    await alice.getByRole('log').getByText('Thanks! Can I change the address?').waitFor();
    await poll(() => rowNames(alice)).toEqual(['Ben Lowe', 'Ana Keller']);

    // ---- copy transcript to the clipboard
    await alice.getByRole('button', { name: 'Copy transcript' }).click();
    await alice.getByText('Transcript copied to the clipboard').waitFor();
    const clip = await alice.evaluate<string>('navigator.clipboard.readText()');
    expect(clip).toContain('Hi, where is my order?');
    expect(clip).toContain('Thanks! Can I change the address?');

    // ---- manual SLA: tomorrow 09:00, then clear it
    await alice.getByRole('button', { name: 'Set SLA' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Manual SLA' });
    await dialog.getByRole('button', { name: 'Tomorrow 09:00' }).click();
    expect(await dialog.getByLabel(/^Due/).inputValue()).toMatch(/T09:00$/);
    await dialog.getByRole('button', { name: 'Set SLA' }).click();
    await alice.getByText('Manual SLA set').waitFor();
    await poll(() => anaRow.textContent()).toContain('manual SLA');
    expect(await rowNames(alice)).toEqual(['Ben Lowe', 'Ana Keller']); // due tomorrow: after Ben
    await alice.getByRole('button', { name: 'Change SLA' }).click();
    await alice.getByRole('dialog', { name: 'Manual SLA' }).getByRole('button', { name: 'Clear manual SLA' }).click();
    await poll(() => anaRow.textContent()).not.toContain('manual SLA');

    // ---- Bob signs in on his own screen; an internal note with @bob notifies him live
    await signIn(bob, demo, 'bob');
    await setStatus(bob, 'Online');
    await alice.getByRole('tab', { name: 'Notes' }).click();
    const note = alice.getByRole('textbox', { name: 'New note' });
    await note.pressSequentially('@bo');
    await alice
      .getByRole('list', { name: 'Mention a colleague' })
      .getByRole('button', { name: /Bob Chen/ })
      .waitFor();
    await note.press('Enter');
    await note.pressSequentially('can you check the invoice address?');
    expect(await note.inputValue()).toBe('@bob can you check the invoice address?');
    await note.press('Control+Enter');
    await alice.locator('.note').getByText('@bob').waitFor();
    const bell = bob.getByRole('button', { name: /^Notifications/ });
    await poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await bell.click();
    await bob.locator('.notif').first().waitFor();
    expect(await bob.locator('.notif').first().textContent()).toMatch(/Alice Martin mentioned you in a note.*@bob can you check/);
    await bob.getByRole('button', { name: 'Mark as read' }).click();
    await poll(() => bell.getAttribute('aria-label')).toBe('Notifications');
    await bob.getByRole('button', { name: 'Home' }).click();

    // ---- transfer Ben from Alice's screen to Bob's: search agents by name
    await row(alice, 'Ben Lowe').getByRole('button').click();
    await alice.getByRole('heading', { name: 'Ben Lowe', level: 2 }).waitFor();
    await alice.getByRole('button', { name: 'Transfer' }).click();
    const transfer = alice.getByRole('dialog', { name: 'Transfer conversation' });
    // The search field has the focus (the close button has a name too): typing filters at once, no click needed.
    const transferSearch = transfer.getByRole('searchbox', { name: 'Search skills and agents' });
    await transfer.getByRole('button', { name: 'Close dialog' }).waitFor();
    await poll(() => transferSearch.evaluate((el) => el === document.activeElement)).toBe(true);
    await transfer.getByRole('button', { name: /Carol Diaz/ }).waitFor();
    await alice.keyboard.type('bob');
    await poll(() => transfer.getByRole('button', { name: /Carol Diaz/ }).count()).toBe(0);
    expect(await transferSearch.inputValue()).toBe('bob');
    await transfer.getByRole('button', { name: /Bob Chen/ }).click();
    await alice.getByText('Transferred to Bob Chen').waitFor();
    await poll(() => rowNames(alice)).toEqual(['Ana Keller']);
    await row(bob, 'Ben Lowe').waitFor();
    await row(bob, 'Ben Lowe').getByRole('button').click();
    await bob.getByRole('log').getByText('My invoice looks wrong').waitFor();
    await bob.getByRole('textbox', { name: 'Message' }).fill('Hi Ben, Bob here: I will fix the invoice.');
    await bob.getByRole('button', { name: 'Send', exact: true }).click();
    await poll(async () => (await ben.messages()).map((m) => m.text)).toContain('Hi Ben, Bob here: I will fix the invoice.');

    // ---- close: the next conversation at the top opens; the closed one gets an "x" in the left bar
    const carla = await consumer(demo, 'Carla Diaz', 'Sales', 'Is this available in blue?');
    await row(alice, 'Carla Diaz').waitFor();
    await row(alice, 'Ana Keller').getByRole('button').click();
    await alice.getByRole('heading', { name: 'Ana Keller', level: 2 }).waitFor();
    await alice.getByRole('button', { name: 'Close', exact: true }).click();
    await alice.getByRole('heading', { name: 'Carla Diaz', level: 2 }).waitFor(); // the next one opened by itself
    await poll(() => alice.locator('.kpis').textContent()).toMatch(/Closed today\s*1/i);
    await poll(() => alice.locator('.filter-closed .filter-count').textContent()).toBe('1');
    expect(await row(alice, 'Ana Keller').locator('.row-meta').textContent()).toBe('Closed by you'); // the status said once, then who closed it
    await row(alice, 'Ana Keller')
      .getByRole('button', { name: /^Ana Keller, Closed, Web, last message \d\d:\d\d$/ })
      .waitFor();
    // Filters combine: Closed alone, then Closed + Ongoing.
    const filters = alice.getByRole('group', { name: 'Filter by status' });
    await filters.getByRole('button', { name: /Closed/, pressed: false }).click();
    await poll(() => rowNames(alice)).toEqual(['Ana Keller']);
    await filters.getByRole('button', { name: /Ongoing/ }).click();
    await poll(() => rowNames(alice)).toEqual(['Carla Diaz', 'Ana Keller']);
    await alice.getByRole('button', { name: 'Show all' }).click();
    // Resume the closed one, close it again, then remove it with the "x".
    await alice
      .getByRole('navigation', { name: 'Opened conversations' })
      .getByRole('button', { name: /^Ana Keller/ })
      .click();
    await alice.getByRole('button', { name: 'Resume' }).click();
    await alice.getByText('Conversation resumed').waitFor();
    await alice.getByRole('textbox', { name: 'Message' }).waitFor();
    await alice.getByRole('button', { name: 'Close', exact: true }).click();
    await alice.getByRole('heading', { name: 'Carla Diaz', level: 2 }).waitFor();
    await alice.getByRole('button', { name: 'Remove Ana Keller from your list' }).click();
    await poll(() => rowNames(alice)).toEqual(['Carla Diaz']);
    expect(
      await alice
        .getByRole('navigation', { name: 'Opened conversations' })
        .getByRole('button', { name: /^Ana Keller/ })
        .count(),
    ).toBe(0);

    // ---- home returns to the full list, nothing selected
    await alice.getByRole('button', { name: 'Home' }).click();
    await alice.getByText('No conversation selected').waitFor();

    // ---- All tab: last 7 days, load more, open one for its full transcript
    await alice.getByRole('button', { name: 'All', exact: true }).click();
    await alice.getByRole('heading', { name: 'All conversations' }).waitFor();
    await alice.locator('.all .row-name', { hasText: 'Ana Keller' }).waitFor();
    // Search through the API, by consumer name or message, as the typing settles (or on Enter); Escape clears it.
    const allNames = () => alice.locator('.all .row-name').allTextContents();
    const allStatus = alice.locator('.all [role="status"]');
    const everyone = await allNames();
    expect(everyone).toEqual(expect.arrayContaining(['Ana Keller', 'Carla Diaz']));
    const search = alice.getByRole('searchbox', { name: 'Search conversations' });
    await search.pressSequentially('ana k');
    await poll(allNames).toEqual(['Ana Keller']);
    await poll(() => allStatus.textContent()).toBe('1 conversation in the whole history match “ana k”.'); // a search reaches the whole history
    await search.fill('blue');
    await search.press('Enter');
    await poll(allNames).toEqual(['Carla Diaz']);
    await search.fill('no such words');
    await alice.getByText('No conversations match “no such words” in the whole history.').waitFor();
    await expectAccessible(alice, 'all tab, searched');
    await search.press('Escape');
    await poll(() => search.inputValue()).toBe('');
    await poll(allNames).toEqual(everyone);
    await alice.getByRole('button', { name: 'Load more' }).click();
    await alice.getByRole('button', { name: 'Load more' }).waitFor();
    await alice.getByRole('button', { name: /^Ana Keller, Closed, Web, started .+$/ }).click();
    await alice.getByRole('log').getByText('Thanks! Can I change the address?').waitFor();

    // ---- settings: 12-hour times and the compact layout, kept across a reload and sign-ins
    await alice.getByRole('button', { name: 'Settings' }).click();
    await alice.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await alice.locator('.settings').textContent()).toContain('alice');
    await alice.getByLabel('12-hour (2:30 PM)').check();
    await alice.getByLabel('Compact').check();
    await alice.getByLabel('Time zone').selectOption('Europe/Paris');
    await expectAccessible(alice, 'settings');
    await alice.getByRole('button', { name: 'Save settings' }).click();
    await alice.getByText('Settings saved').waitFor();
    await alice.reload();
    await alice.getByRole('heading', { name: 'Active conversations' }).waitFor(); // still signed in
    await poll(() => alice.locator('.app').getAttribute('data-layout')).toBe('compact'); // once the saved settings load
    await row(alice, 'Carla Diaz').getByRole('button').click();
    await poll(() => alice.getByRole('log').locator('time').first().textContent()).toMatch(/^\d{1,2}:\d{2} (AM|PM)$/);
    void carla;

    // ---- sign out
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await alice.getByRole('button', { name: 'Sign in' }).waitFor();
    await alice.reload();
    await alice.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(alice, 'sign in');
  }, 240_000);

  it('turns a conversation overdue by itself: it changes colour, counts and filter without a reload', async () => {
    await patchAccount(demo, { sla: { defaultSec: 4, firstTimeSec: 4 } });
    const { page } = await agentPage(browser, demo);
    await signIn(page, demo, 'carol');
    await setStatus(page, 'Online');
    await consumer(demo, 'Dev Patel', 'Sales', 'Hello?');
    const dev = row(page, 'Dev Patel');
    await dev.waitFor();
    expect(await dev.getAttribute('class')).toMatch(/tone-(ongoing|soon)/);
    await page.locator('.filter-overdue').click(); // only overdue rows: none yet
    await poll(() => rowNames(page)).toEqual([]);
    await poll(() => rowNames(page)).toEqual(['Dev Patel']);
    expect(await dev.getAttribute('class')).toContain('tone-overdue');
    expect(await dev.textContent()).toMatch(/Overdue.*overdue by \d+ s/);
    await dev.getByRole('button', { name: /^Dev Patel, overdue by \d+ s, 1 unread message, Web, last message/ }).waitFor();
    await poll(() => page.locator('.filter-overdue .filter-count').textContent()).toBe('1');
    await page.locator('.filter-overdue').click();
    await patchAccount(demo, { sla: { defaultSec: 3600, firstTimeSec: 1800 } });
  });
});
