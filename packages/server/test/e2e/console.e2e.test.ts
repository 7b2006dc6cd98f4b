import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, launchBrowser, patchAccount, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * The manager console in a real browser: a manager configures the contact center through the
 * screens (validation errors from the API next to the field), an agent they created uses it.
 */
/** PARLEY_SCREENSHOTS=1 refreshes the console screenshots in docs/screenshots. */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const SHOTS = {
  console: fileURLToPath(new URL('../../../../docs/screenshots/console-skills.png', import.meta.url)),
  dashboard: fileURLToPath(new URL('../../../../docs/screenshots/console-dashboard.png', import.meta.url)),
};

describe('manager console', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('configures skills, agents, account, content and survey; the agent uses them and never sees the console', async () => {
    const { page: boss } = await agentPage(browser, demo);
    await signIn(boss, demo, 'manager');
    await boss.getByRole('button', { name: 'Console' }).click();
    await boss.getByRole('heading', { name: 'Manager console' }).waitFor();
    await boss.getByRole('heading', { name: 'Live dashboard' }).waitFor();
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Skills' }).click();

    // ---- skills: the API's error next to the field, then created
    const newSkill = boss.getByRole('form', { name: 'New skill' });
    await newSkill.getByLabel('SLA override (s)').fill('0');
    await newSkill.getByRole('button', { name: 'Create skill' }).click();
    await newSkill.locator('.field-error[data-path="name"]').waitFor();
    await newSkill.locator('.field-error[data-path="sla"]').waitFor();
    await newSkill.getByLabel('Skill name').fill('Warranty');
    await newSkill.getByLabel('Description').fill('Repairs and returns');
    await newSkill.getByLabel('SLA override (s)').fill('120');
    await newSkill.getByRole('button', { name: 'Create skill' }).click();
    await boss.getByRole('cell', { name: 'Warranty', exact: true }).waitFor();
    await expectAccessible(boss, 'console: skills');
    if (SHOOT) await boss.screenshot({ path: SHOTS.console, fullPage: true });

    // ---- agents: create Dana with the new skill
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Agents' }).click();
    const newAgent = boss.getByRole('form', { name: 'New agent' });
    await newAgent.getByLabel('Username').fill('dana');
    await newAgent.getByLabel('Display name').fill('Dana Quinn');
    await newAgent.getByLabel('Password', { exact: true }).fill('short');
    await newAgent.getByLabel('Max. concurrent conversations').fill('3');
    await newAgent.getByRole('checkbox', { name: 'Warranty' }).check();
    await newAgent.getByRole('button', { name: 'Create agent' }).click();
    await newAgent.locator('.field-error[data-path="password"]').waitFor();
    await newAgent.getByLabel('Password', { exact: true }).fill('dana has a long password');
    await newAgent.getByRole('button', { name: 'Create agent' }).click();
    await boss.getByRole('cell', { name: /Dana Quinn/ }).waitFor();

    // ---- account: ring mode with a ring timeout
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Account' }).click();
    await boss.getByRole('radio', { name: /Ring/ }).check();
    await boss.getByLabel('Ring timeout (s)').fill('0');
    await boss.getByRole('button', { name: 'Save settings' }).click();
    await boss.locator('.field-error[data-path="ringTimeoutSec"]').waitFor();
    await boss.getByLabel('Ring timeout (s)').fill('25');
    await boss.getByRole('button', { name: 'Save settings' }).click();
    await poll(async () => {
      const s = await demo.api.ok<{ acceptMode: string; ringTimeoutSec: number }>('GET', '/api/v1/account/settings', { token: demo.managerToken });
      return `${s.acceptMode} ${s.ringTimeoutSec}`;
    }).toBe('ring 25');
    await expectAccessible(boss, 'console: account');

    // ---- predefined content in a new category
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Content' }).click();
    await boss.getByRole('textbox', { name: 'New category' }).fill('Repairs');
    await boss.getByRole('button', { name: 'Add category' }).click();
    const newContent = boss.getByRole('form', { name: 'New content' });
    await newContent.getByRole('option', { name: 'Repairs' }).waitFor({ state: 'attached' });
    await newContent.getByLabel('Title').fill('Warranty length');
    await newContent.getByLabel('Category').selectOption({ label: 'Repairs' });
    await newContent.getByLabel('Text').fill('Every device carries a two-year warranty.');
    await newContent.getByRole('button', { name: 'Create content' }).click();
    await boss.getByText('Warranty length').waitFor();

    // ---- survey: enable, one choice question added, previewed
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Survey' }).click();
    await boss.getByRole('checkbox', { name: /Send the survey/ }).check();
    await boss.getByRole('button', { name: 'Add question' }).click();
    const q3 = boss.locator('.survey-question').nth(2);
    await q3.getByLabel('Type').selectOption('choice');
    await q3.getByLabel('Question text').fill('Was your issue solved?');
    await q3.getByLabel('Choices (comma-separated)').fill('Yes, No, Partly');
    await q3.locator('.survey-preview').getByText('Partly').waitFor();
    await boss.getByRole('button', { name: 'Save survey' }).click();
    await poll(async () => {
      const s = await demo.api.ok<{ survey: { enabled: boolean; questions: unknown[] } }>('GET', '/api/v1/account/settings', { token: demo.managerToken });
      return `${s.survey.enabled} ${s.survey.questions.length}`;
    }).toBe('true 3');

    // Auto-accept again for the agent part (the ring flow has its own tests).
    await patchAccount(demo, { acceptMode: 'auto' });

    // ---- the agent: no console, finds the manager's content and inserts it
    const { page: dana } = await agentPage(browser, demo);
    await signIn(dana, demo, 'dana', 'dana has a long password');
    expect(await dana.getByRole('button', { name: 'Console' }).count()).toBe(0);
    const warrantyId = (await demo.api.ok<{ items: { id: string; name: string }[] }>('GET', '/api/v1/skills', { token: demo.managerToken })).items.find(
      (s) => s.name === 'Warranty',
    )?.id;
    // ---- the dashboard, live: Dora waits in the Warranty queue while Dana is offline
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Dashboard' }).click();
    const warrantyRow = boss.locator('tr[data-skill="Warranty"]');
    await poll(() => warrantyRow.locator('[data-col="queue"]').textContent()).toBe('0');
    const session = await demo.api.ok<{ consumerToken: string }>(
      'POST',
      '/api/v1/consumer/session',
      { body: { accountId: demo.accountId, name: 'Dora Fix' } },
      [201],
    );
    const conv = await demo.api.ok<{ id: string }>(
      'POST',
      '/api/v1/consumer/conversations',
      { token: session.consumerToken, body: { skillId: warrantyId, text: 'How long is the warranty?' } },
      [201],
    );
    await poll(() => warrantyRow.locator('[data-col="queue"]').textContent()).toBe('1');
    await setStatus(dana, 'Online');
    await poll(() => warrantyRow.locator('[data-col="queue"]').textContent()).toBe('0');
    await poll(() => warrantyRow.locator('[data-col="open"]').textContent()).toBe('1');
    await row(dana, 'Dora Fix').click();
    await dana.getByRole('button', { name: 'Predefined content' }).click();
    await dana.getByRole('combobox', { name: 'Search predefined content' }).fill('two-year');
    await dana.getByRole('option', { name: /Warranty length/ }).waitFor();
    await dana.keyboard.press('Enter');
    const composer = dana.getByRole('textbox', { name: 'Message' });
    await poll(() => composer.inputValue()).toBe('Every device carries a two-year warranty.');
    await composer.press('Enter');
    await dana.getByRole('log').getByText('Every device carries a two-year warranty.').waitFor();

    // ---- the consumer closes and answers the survey the manager defined
    await demo.api.ok('POST', `/api/v1/consumer/conversations/${conv.id}/close`, { token: session.consumerToken }, [200, 204]);
    await poll(async () => {
      const r = await demo.api.req<{ questions?: { id: string }[] }>('GET', `/api/v1/consumer/conversations/${conv.id}/survey`, {
        token: session.consumerToken,
      });
      return (r.json?.questions ?? []).map((q) => q.id);
    }).toEqual(['csat', 'nps', 'q3']);
    await demo.api.ok(
      'POST',
      `/api/v1/consumer/conversations/${conv.id}/survey`,
      { token: session.consumerToken, body: { answers: { csat: 5, nps: 9, q3: 'Yes' } } },
      [200, 201, 204],
    );

    await poll(() => warrantyRow.locator('[data-col="csat"]').textContent()).toBe('100 % / 100 %');
    if (SHOOT) await boss.screenshot({ path: SHOTS.dashboard, fullPage: true });

    // ---- an agent gets 403 from the manager API
    const danaToken = await demo.api.login(demo.accountId, 'dana', 'dana has a long password');
    await demo.api.ok('GET', '/api/v1/users', { token: danaToken }, [403]);

    // ---- supervision: the manager sets Dana offline from the console
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Agents' }).click();
    await boss.getByRole('combobox', { name: 'Status of Dana Quinn' }).selectOption('offline');
    await poll(() => dana.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain('Offline');
  }, 120_000);
});
