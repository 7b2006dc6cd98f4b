import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, errorOf, expectAccessible, growToConsoleContent, launchBrowser, poll, signIn, startDemo } from './workspace-support.js';

/**
 * The console's contact-center operations screens (docs/console.md): business hours on a week
 * grid, status reasons, wrap-up dispositions with wrap-up by skill, labels with colours, and a
 * skill's own hours. Each is used with the keyboard and the visible labels, checked against the
 * API, and checked with axe at 1280 and 400 px. PARLEY_SCREENSHOTS=1 refreshes
 * docs/screenshots/console-{hours,status-reasons,wrap-up,labels,skill-hours}(.png|-400.png).
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

/** axe at 1280 and 400 px (the embed), and the screenshots at both when asked; the console pane grows to its content for the shot. */
async function checkWidths(page: Page, what: string, shot: string): Promise<void> {
  const toasts = page.locator('.toasts');
  await toasts.evaluate((el) => el.style.setProperty('display', 'none'));
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 800 });
    await expectAccessible(page, `${what}, ${width} px`);
    if (!SHOOT) continue;
    await growToConsoleContent(page, width);
    await page.screenshot({ path: shotPath(width === 400 ? `${shot}-400` : shot) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await toasts.evaluate((el) => el.style.removeProperty('display'));
}

interface Hours {
  timeZone: string;
  weekly: Record<string, [string, string][]>;
  holidays: string[];
}

describe('console: contact-center operations', () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  const get = <T>(path: string) => demo.api.ok<T>('GET', path, { token: demo.managerToken });
  const open = async (tab: string, nav = 'Console sections') => {
    await page.getByRole('navigation', { name: nav }).getByRole('button', { name: tab, exact: true }).click();
  };

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    ({ page } = await agentPage(browser, demo));
    page.on('dialog', (d) => void d.accept());
    await signIn(page, demo, 'manager');
    await page.getByRole('heading', { name: 'Manager console' }).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('business hours: the week grid edits windows per day, the time zone and holidays; the API keeps them; a bad time comes back next to it', async () => {
    await open('Business hours');
    const form = page.getByRole('form', { name: 'Business hours' });
    await form.getByRole('table', { name: 'Account hours: opening windows by day' }).waitFor();
    // the default: open around the clock, one window a day
    await poll(() => form.getByLabel('Monday window 1 closes').inputValue()).toBe('24:00');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await form.getByLabel(`${day} window 1 opens`).fill('09:00');
      await form.getByLabel(`${day} window 1 closes`).fill('12:30');
    }
    // a second window on Monday, by the keyboard
    await form.getByRole('button', { name: 'Add a window on Monday' }).focus();
    await page.keyboard.press('Enter');
    await form.getByLabel('Monday window 2 opens').fill('13:30');
    await form.getByLabel('Monday window 2 closes').fill('17:30');
    for (const day of ['Saturday', 'Sunday']) await form.getByRole('button', { name: `Remove ${day} window 1` }).click();
    await poll(() => form.getByRole('row', { name: /^Sunday/ }).textContent()).toContain('Closed');
    await form.getByLabel('Add a holiday').fill('2026-12-25');
    await form.getByRole('button', { name: 'Add holiday' }).click();
    await form.getByRole('list', { name: 'Holidays' }).getByText('2026-12-25').waitFor();
    // a wrong time: the API's message next to that day, nothing saved
    await form.getByLabel('Friday window 1 closes').fill('25:00');
    await form.getByRole('button', { name: 'Save business hours' }).click();
    await poll(() => form.getByLabel('Friday window 1 closes').getAttribute('aria-invalid')).toBe('true');
    await poll(() =>
      form
        .getByRole('row', { name: /^Friday/ })
        .getByRole('alert')
        .textContent(),
    ).toMatch(/HH:MM/);
    expect((await get<Hours>('/api/v1/business-hours')).timeZone).toBe('UTC');
    await form.getByLabel('Friday window 1 closes').fill('12:30');
    await form.getByRole('button', { name: 'Save business hours' }).click();
    await poll(() => get<Hours>('/api/v1/business-hours')).toEqual({
      timeZone: 'Europe/Paris',
      weekly: {
        mon: [
          ['09:00', '12:30'],
          ['13:30', '17:30'],
        ],
        tue: [['09:00', '12:30']],
        wed: [['09:00', '12:30']],
        thu: [['09:00', '12:30']],
        fri: [['09:00', '12:30']],
        sat: [],
        sun: [],
      },
      holidays: ['2026-12-25'],
    });
    await poll(() => form.getByLabel('Friday window 1 closes').getAttribute('aria-invalid')).toBeNull(); // the screen catches up with the saved answer
    // the screen says what the widget says now, from the saved hours
    const now = await demo.api.ok<{ open: boolean; nextOpenAt: string | null }>('GET', `/api/v1/consumer/availability?accountId=${demo.accountId}`);
    await poll(() => page.getByRole('status').filter({ hasText: /now/ }).textContent()).toMatch(
      now.open ? /^Open now\.$/ : /^Closed now: opens .+ \(your time\)\.$/,
    );
    await checkWidths(page, 'business hours', 'console-hours');
  }, 90_000);

  it("skills: a skill gets its own hours (starting from the account's), then follows the account again; wrap-up required is saved", async () => {
    await open('Skills');
    const skill = demo.skills[0];
    if (!skill) throw new Error('the demo has no skill');
    await page
      .getByRole('table', { name: 'Skills' })
      .getByRole('button', { name: `Edit ${skill.name}` })
      .click();
    const form = page.getByRole('form', { name: `Edit skill ${skill.name}` });
    await form.getByRole('radio', { name: 'Own hours for this skill' }).check();
    const grid = form.getByRole('table', { name: `Hours of ${skill.name}: opening windows by day` });
    await poll(() => grid.getByLabel('Monday window 2 closes').inputValue()).toBe('17:30');
    await form.getByLabel('Time zone').selectOption('America/New_York');
    await grid.getByRole('button', { name: 'Remove Monday window 2' }).click();
    await form.getByRole('checkbox', { name: /^Wrap-up required/ }).check();
    await checkWidths(page, 'skill with its own hours', 'console-skill-hours');
    await form.getByRole('button', { name: 'Save skill' }).click();
    const skillWire = async () =>
      (await get<{ items: { id: string; businessHours?: Hours; wrapUp?: { required: boolean } }[] }>('/api/v1/skills')).items.find((s) => s.id === skill.id);
    await poll(skillWire).toMatchObject({ businessHours: { timeZone: 'America/New_York', weekly: { mon: [['09:00', '12:30']] } }, wrapUp: { required: true } });
    const row = page.getByRole('table', { name: 'Skills' }).getByRole('row', { name: new RegExp(skill.name) });
    await row.getByRole('cell', { name: 'Own (America/New_York)' }).waitFor();
    await row.getByRole('cell', { name: 'Required' }).waitFor();
    // remove the override: back to the account's hours
    await row.getByRole('button', { name: `Edit ${skill.name}` }).click();
    await form.getByRole('radio', { name: "Use the account's hours" }).check();
    await form.getByRole('button', { name: 'Save skill' }).click();
    await poll(async () => (await skillWire())?.businessHours).toBeUndefined();
    await row.getByRole('cell', { name: 'Account' }).waitFor();
  }, 90_000);

  it('status reasons: added under Away or Back soon, renamed, deleted; a duplicate name is refused beside the name field', async () => {
    await open('Status reasons');
    const add = page.getByRole('form', { name: 'New status reason' });
    for (const [name, under] of [
      ['Lunch', 'Away'],
      ['Training', 'Away'],
      ['Coffee', 'Back soon'],
    ] as const) {
      await add.getByLabel('Reason name').fill(name);
      await add.getByLabel('Under').selectOption({ label: under });
      await add.getByRole('button', { name: 'Add reason' }).click();
      await page
        .getByRole('table', { name: 'Status reasons' })
        .getByRole('row', { name: new RegExp(`^${name} ${under}`) })
        .waitFor();
    }
    await add.getByLabel('Reason name').fill('Lunch');
    await add.getByRole('button', { name: 'Add reason' }).click();
    await poll(() => errorOf(add.getByLabel('Reason name'))).toMatch(/a status reason named "Lunch" exists/);
    const table = page.getByRole('table', { name: 'Status reasons' });
    await table.getByRole('button', { name: 'Edit Training' }).click();
    const edit = page.getByRole('form', { name: 'Edit status reason Training' });
    await edit.getByLabel('Reason name').fill('Meeting');
    await edit.getByLabel('Under').selectOption({ label: 'Back soon' });
    await edit.getByRole('button', { name: 'Save reason' }).click();
    await table.getByRole('row', { name: /^Meeting Back soon/ }).waitFor();
    await table.getByRole('button', { name: 'Delete Coffee' }).click();
    await poll(async () =>
      (await get<{ items: { name: string; status: string }[] }>('/api/v1/status-reasons')).items.map((r) => `${r.name}/${r.status}`),
    ).toEqual(['Lunch/away', 'Meeting/back_soon']);
    await checkWidths(page, 'status reasons', 'console-status-reasons');
  }, 90_000);

  it('wrap-up: dispositions added, renamed, deleted; "required" per skill is a checkbox saved at once', async () => {
    await open('Wrap-up');
    const add = page.getByRole('form', { name: 'New disposition' });
    for (const name of ['Resolved', 'Refund issued', 'Escalated']) {
      await add.getByLabel('Disposition name').fill(name);
      await add.getByLabel('Disposition name').press('Enter');
      await page.getByRole('table', { name: 'Dispositions' }).getByRole('cell', { name, exact: true }).waitFor();
    }
    const table = page.getByRole('table', { name: 'Dispositions' });
    await table.getByRole('button', { name: 'Edit Escalated' }).click();
    const edit = page.getByRole('form', { name: 'Edit disposition Escalated' });
    await edit.getByLabel('Disposition name').fill('Escalated to billing');
    await edit.getByRole('button', { name: 'Save disposition' }).click();
    await table.getByRole('cell', { name: 'Escalated to billing', exact: true }).waitFor();
    await table.getByRole('button', { name: 'Delete Refund issued' }).click();
    await poll(async () => (await get<{ items: { name: string }[] }>('/api/v1/dispositions')).items.map((d) => d.name)).toEqual([
      'Escalated to billing',
      'Resolved',
    ]);
    // wrap-up by skill: the first skill requires it (set on the Skills screen), the second is ticked here
    const [first, second] = demo.skills;
    if (!first || !second) throw new Error('the demo has fewer than two skills');
    const bySkill = page.getByRole('table', { name: 'Wrap-up by skill' });
    await poll(() => bySkill.getByRole('checkbox', { name: `Required for ${first.name}` }).isChecked()).toBe(true);
    await bySkill.getByRole('checkbox', { name: `Required for ${second.name}` }).focus();
    await page.keyboard.press('Space');
    const required = async () =>
      (await get<{ items: { name: string; wrapUp?: { required: boolean } }[] }>('/api/v1/skills')).items.filter((s) => s.wrapUp?.required).map((s) => s.name);
    await poll(required).toEqual(expect.arrayContaining([first.name, second.name]));
    await checkWidths(page, 'wrap-up', 'console-wrap-up');
    await bySkill.getByRole('checkbox', { name: `Required for ${first.name}` }).uncheck();
    await poll(required).toEqual([second.name]);
  }, 90_000);

  it('labels: a colour from the named swatches or the colour input; the chip text stays readable; renamed, recoloured, deleted', async () => {
    await open('Labels');
    const add = page.getByRole('form', { name: 'New label' });
    const colours = add.getByRole('group', { name: 'Colour' });
    await add.getByLabel('Label name').fill('VIP');
    await colours.getByRole('radio', { name: 'Yellow' }).check();
    await add.getByRole('button', { name: 'Add label' }).click();
    const table = page.getByRole('table', { name: 'Labels' });
    // each label is in the table (the form cleared for the next) before the next is typed
    await table.getByRole('row', { name: /^VIP/ }).waitFor();
    await add.getByLabel('Label name').fill('Billing');
    // keyboard: the swatches are one radio group, arrows move through them
    await colours.getByRole('radio', { name: 'Yellow' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => colours.getByRole('radio', { name: 'Green' }).isChecked()).toBe(true);
    await add.getByRole('button', { name: 'Add label' }).click();
    await table.getByRole('row', { name: /^Billing/ }).waitFor();
    await add.getByLabel('Label name').fill('Bug');
    await add.getByLabel('Custom colour').fill('#1a237e');
    await add.getByRole('button', { name: 'Add label' }).click();
    await table.getByRole('row', { name: /^Bug/ }).getByRole('cell', { name: '#1a237e' }).waitFor();
    const labels = () => get<{ items: { name: string; color: string }[] }>('/api/v1/labels').then((r) => r.items.map((l) => `${l.name} ${l.color}`));
    await poll(labels).toEqual(['Billing #2e9e5b', 'Bug #1a237e', 'VIP #f5d142']);
    // chip text: black on the yellow, white on the dark blue
    const textOf = (name: string) => table.locator('.label-chip', { hasText: name }).evaluate((el) => getComputedStyle(el).color);
    expect(await textOf('VIP')).toBe('rgb(0, 0, 0)');
    expect(await textOf('Bug')).toBe('rgb(255, 255, 255)');
    await checkWidths(page, 'labels', 'console-labels');
    await table.getByRole('button', { name: 'Edit VIP' }).click();
    const edit = page.getByRole('form', { name: 'Edit label VIP' });
    await edit.getByLabel('Label name').fill('Priority');
    await edit.getByRole('group', { name: 'Colour' }).getByRole('radio', { name: 'Red' }).check();
    await edit.getByRole('button', { name: 'Save label' }).click();
    await table.getByRole('button', { name: 'Delete Bug' }).click();
    await poll(labels).toEqual(['Billing #2e9e5b', 'Priority #d93f3f']);
    // an empty name comes back next to the field
    await add.getByLabel('Label name').fill(' ');
    await add.getByRole('button', { name: 'Add label' }).click();
    await poll(() => errorOf(add.getByLabel('Label name'))).not.toBe('');
  }, 90_000);

  it('in French (the manager’s language setting): the week grid and the labels screen speak it, the chips keep their own names', async () => {
    await demo.api.ok('PATCH', '/api/v1/me/settings', { token: demo.managerToken, body: { language: 'fr' } });
    await page.reload();
    await page
      .getByRole('heading', { name: 'Console de gestion' })
      .or(page.getByRole('heading', { level: 2 }).first())
      .waitFor();
    // The console's tabs speak French too.
    await open('Heures d’ouverture', 'Sections de la console');
    await page.getByRole('heading', { name: 'Heures d’ouverture' }).waitFor();
    const grid = page.getByRole('table', { name: 'Heures du compte : plages d’ouverture par jour' });
    await grid.getByRole('rowheader', { name: 'Lundi' }).waitFor();
    await grid.getByLabel('Lundi, plage 2 : fermeture').waitFor();
    await open('Étiquettes', 'Sections de la console');
    await page.getByRole('heading', { name: 'Étiquettes' }).waitFor();
    const colours = page.getByRole('form', { name: 'Nouvelle étiquette' }).getByRole('group', { name: 'Couleur' });
    await colours.getByRole('radio', { name: 'Vert' }).waitFor();
    await page.getByRole('table', { name: 'Étiquettes' }).locator('.label-chip', { hasText: 'Billing' }).waitFor();
    await expectAccessible(page, 'labels in French, 1280 px');
  }, 60_000);
});
