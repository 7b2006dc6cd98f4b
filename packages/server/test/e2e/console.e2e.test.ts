import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentPage,
  type Demo,
  errorOf,
  expectAccessible,
  growToConsoleContent,
  launchBrowser,
  patchAccount,
  poll,
  row,
  setStatus,
  signIn,
  startDemo,
} from './workspace-support.js';

/**
 * The manager console in a real browser: a manager configures the contact center through the
 * screens (validation errors from the API next to the field), an agent they created uses it.
 */
/**
 * PARLEY_SCREENSHOTS=1 refreshes the console screenshots in docs/screenshots: `<name>.png` at full
 * width, `<name>-400.png` in the 400 px embed, and `<name>-<part>-400.png` for each part named.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));
async function shoot(page: Page, name: string, parts: Record<string, Locator> = {}): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.mouse.move(0, 0);
  // Toasts of the steps before are not part of the screen (the CSP refuses the screenshot's `style` option).
  const toasts = page.locator('.toasts');
  await toasts.evaluate((el) => el.style.setProperty('display', 'none'));
  for (const width of [1280, 400]) {
    await growToConsoleContent(page, width);
    const suffix = width === 400 ? '-400' : '';
    await page.screenshot({ path: shotPath(`${name}${suffix}`) });
    if (width === 400) for (const [part, locator] of Object.entries(parts)) await locator.screenshot({ path: shotPath(`${name}-${part}-400`) });
  }
  await page.setViewportSize(size);
  await toasts.evaluate((el) => el.style.removeProperty('display'));
}

/** A chart's canvas as an image, to see that it was drawn again. */
const pixelsOf = (chart: Locator) => chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

interface SkillWire {
  name: string;
  sla?: Record<string, number>;
  autoClose?: { enabled?: boolean; afterSec?: number };
}

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

    // ---- skills: the API's errors next to their fields, then created with SLA and auto-close overrides
    const newSkill = boss.getByRole('form', { name: 'New skill' });
    await newSkill.getByLabel('SLA: first response (s)').fill('0');
    await newSkill.getByLabel('Auto-close after (s)').fill('soon');
    await newSkill.getByRole('button', { name: 'Create skill' }).click();
    await poll(() => errorOf(newSkill.getByLabel('Skill name'))).not.toBe('');
    await poll(() => errorOf(newSkill.getByLabel('SLA: first response (s)'))).toMatch(/must be at least 1/);
    await poll(() => errorOf(newSkill.getByLabel('Auto-close after (s)'))).toMatch(/expected a number/);
    expect(await errorOf(newSkill.getByLabel('SLA: urgent (s)'))).toBe('');
    await newSkill.getByLabel('Skill name').fill('Warranty');
    await newSkill.getByLabel('Description').fill('Repairs and returns');
    await newSkill.getByLabel('SLA: first response (s)').fill('120');
    await newSkill.getByLabel('SLA: first-time consumer (s)').fill('90');
    await newSkill.getByLabel('SLA: urgent (s)').fill('30');
    await newSkill.getByRole('combobox', { name: /^Auto-close/ }).selectOption({ label: 'On' });
    await newSkill.getByLabel('Auto-close after (s)').fill('7200');
    await newSkill.getByRole('button', { name: 'Create skill' }).click();
    const skillsTable = boss.getByRole('table', { name: 'Skills' });
    await skillsTable
      .getByRole('row', { name: /Warranty/ })
      .getByRole('cell', { name: 'first response 2 min, first-time 90 s, urgent 30 s' })
      .waitFor();
    await skillsTable
      .getByRole('row', { name: /Warranty/ })
      .getByRole('cell', { name: 'after 2 h' })
      .waitFor();
    const warranty = async () =>
      (await demo.api.ok<{ items: SkillWire[] }>('GET', '/api/v1/skills', { token: demo.managerToken })).items.find((s) => s.name === 'Warranty');
    expect(await warranty()).toMatchObject({ sla: { defaultSec: 120, firstTimeSec: 90, urgentSec: 30 }, autoClose: { enabled: true, afterSec: 7200 } });

    // ---- edit: a bad urgent target comes back next to that field; a good one is saved
    await skillsTable.getByRole('button', { name: 'Edit Warranty' }).click();
    const editSkill = boss.getByRole('form', { name: 'Edit skill Warranty' });
    const urgent = editSkill.getByLabel('SLA: urgent (s)');
    await poll(() => urgent.inputValue()).toBe('30');
    await urgent.fill('-5');
    await editSkill.getByRole('button', { name: 'Save skill' }).click();
    await poll(() => errorOf(urgent)).toMatch(/must be at least 1/);
    expect(await errorOf(editSkill.getByLabel('SLA: first response (s)'))).toBe('');
    await urgent.fill('45');
    await editSkill.getByRole('combobox', { name: /^Auto-close/ }).selectOption({ label: 'Off' });
    await editSkill.getByRole('button', { name: 'Save skill' }).click();
    await editSkill.waitFor({ state: 'detached' });
    await poll(async () => {
      const w = await warranty();
      return [w?.sla, w?.autoClose];
    }).toEqual([
      { defaultSec: 120, firstTimeSec: 90, urgentSec: 45 },
      { enabled: false, afterSec: 7200 },
    ]);
    await skillsTable
      .getByRole('row', { name: /Warranty/ })
      .getByRole('cell', { name: 'off' })
      .waitFor();
    // ---- emptying a saved override removes it: back to the account's setting
    await skillsTable.getByRole('button', { name: 'Edit Warranty' }).click();
    await editSkill.getByLabel('SLA: first-time consumer (s)').fill('');
    await editSkill.getByRole('button', { name: 'Save skill' }).click();
    await editSkill.waitFor({ state: 'detached' });
    await poll(async () => (await warranty())?.sla).toEqual({ defaultSec: 120, urgentSec: 45 });
    await expectAccessible(boss, 'console: skills');
    if (SHOOT) await shoot(boss, 'console-skills');

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

    // ---- the Salesforce sync: each refusal next to its field, then saved; the key is write-only
    const crm = boss.getByRole('form', { name: 'CRM: Salesforce transcript sync' });
    const salesforce = async () =>
      (await demo.api.ok<{ crm: { salesforce: Record<string, unknown> } }>('GET', '/api/v1/account/settings', { token: demo.managerToken })).crm.salesforce;
    const syncOn = crm.getByRole('checkbox', { name: /Write each closed conversation/ });
    const keyState = crm.getByTestId('salesforce-key-state');
    expect(await keyState.textContent()).toContain('none stored');
    await syncOn.check();
    await crm.getByRole('button', { name: 'Save Salesforce settings' }).click();
    await poll(() => errorOf(syncOn)).toMatch(/consumerKey/); // enabling needs the connected app and a key
    await crm.getByLabel('Consumer key (connected app)').fill('3MVG9-test-key');
    await crm.getByLabel('Integration user (username)').fill('parley@acme.example');
    await crm.getByLabel('Instance URL (My Domain)').fill('http://acme.example');
    await crm.getByLabel('Private key (PEM)').fill('not a key');
    await crm.getByRole('button', { name: 'Save Salesforce settings' }).click();
    await poll(() => errorOf(crm.getByLabel('Instance URL (My Domain)'))).toMatch(/https/);
    await crm.getByLabel('Instance URL (My Domain)').fill('https://acme.my.salesforce.com');
    await crm.getByRole('button', { name: 'Save Salesforce settings' }).click();
    await poll(() => errorOf(crm.getByLabel('Private key (PEM)'))).toMatch(/privateKey/);
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await crm.getByLabel('Private key (PEM)').fill(privateKey);
    await crm.getByRole('button', { name: 'Save Salesforce settings' }).click();
    await poll(() => keyState.textContent()).toContain('stored (write-only');
    expect(await salesforce()).toEqual({
      enabled: true,
      instanceUrl: 'https://acme.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
      consumerKey: '3MVG9-test-key',
      username: 'parley@acme.example',
      privateKeySet: true,
    });
    expect(await crm.getByLabel('Replace the private key (PEM)').inputValue()).toBe(''); // never shown again
    await expectAccessible(boss, 'console: account');
    // Off again, key removed (closed conversations below must not reach for Salesforce).
    await syncOn.uncheck();
    await crm.getByRole('checkbox', { name: 'Remove the stored private key' }).check();
    await crm.getByRole('button', { name: 'Save Salesforce settings' }).click();
    await poll(() => keyState.textContent()).toContain('none stored');
    expect(await salesforce()).toMatchObject({ enabled: false, privateKeySet: false, consumerKey: '3MVG9-test-key' });

    // ---- predefined content in a new category
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Content' }).click();
    const newCategory = boss.getByRole('textbox', { name: 'New category' });
    // A one-field form: its field and button side by side, top and bottom aligned.
    const [fieldBox, buttonBox] = await Promise.all([newCategory.boundingBox(), boss.getByRole('button', { name: 'Add category' }).boundingBox()]);
    expect(Math.abs((fieldBox?.y ?? 0) - (buttonBox?.y ?? 99))).toBeLessThan(1);
    expect(Math.abs((fieldBox?.height ?? 0) - (buttonBox?.height ?? 99))).toBeLessThan(1);
    await newCategory.fill('Repairs');
    await boss.getByRole('button', { name: 'Add category' }).click();
    // A category without content says so under its heading.
    await boss.getByRole('region', { name: 'Repairs' }).getByText('No content in this category yet.').waitFor();
    const contentSearch = boss.getByRole('searchbox', { name: 'Search content' });
    await contentSearch.fill('no such words');
    await contentSearch.press('Enter');
    await boss.getByRole('region', { name: 'Repairs' }).getByText('Nothing in this category matches the search.').waitFor();
    await contentSearch.fill('');
    await contentSearch.press('Enter');
    await boss.getByRole('region', { name: 'Repairs' }).getByText('No content in this category yet.').waitFor();
    await expectAccessible(boss, 'console: content');
    const newContent = boss.getByRole('form', { name: 'New content' });
    await newContent.getByRole('option', { name: 'Repairs' }).waitFor({ state: 'attached' });
    await newContent.getByLabel('Title').fill('Warranty length');
    await newContent.getByLabel('Category').selectOption({ label: 'Repairs' });
    await newContent.getByLabel('Text').fill('Every device carries a two-year warranty.');
    await newContent.getByRole('button', { name: 'Create content' }).click();
    await boss.getByRole('region', { name: 'Repairs' }).getByText('Warranty length').waitFor();
    expect(await boss.getByRole('region', { name: 'Repairs' }).getByText('No content in this category yet.').count()).toBe(0);

    // ---- survey: enable, one choice question added, previewed
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Survey' }).click();
    await boss.getByRole('checkbox', { name: /Send the survey/ }).check();
    // The timeout: a wrong value comes back next to its field, and nothing is saved.
    const surveyTimeout = boss.getByLabel('Survey timeout (s)');
    await poll(() => surveyTimeout.inputValue()).toBe('3600');
    await surveyTimeout.fill('0');
    await boss.getByRole('button', { name: 'Save survey' }).click();
    await poll(() => errorOf(surveyTimeout)).not.toBe('');
    await surveyTimeout.fill('900');
    await boss.getByRole('button', { name: 'Add question' }).click();
    const q3 = boss.locator('.survey-question').nth(2);
    await q3.getByLabel('Type').selectOption('choice');
    await q3.getByLabel('Question text').fill('Was your issue solved?');
    await q3.getByLabel('Choice 1', { exact: true }).fill('Yes');
    await q3.getByLabel('Choice 2', { exact: true }).fill('No');
    await q3.getByRole('button', { name: 'Add a choice' }).click();
    await q3.getByLabel('Choice 3', { exact: true }).fill('Partly');
    await q3.locator('.survey-preview').getByText('Partly').waitFor();
    await boss.getByRole('button', { name: 'Save survey' }).click();
    await poll(async () => {
      const s = await demo.api.ok<{ survey: { enabled: boolean; timeoutSec: number; questions: unknown[] } }>('GET', '/api/v1/account/settings', {
        token: demo.managerToken,
      });
      return `${s.survey.enabled} ${s.survey.timeoutSec} ${s.survey.questions.length}`;
    }).toBe('true 900 3');
    expect(await errorOf(surveyTimeout)).toBe('');
    await expectAccessible(boss, 'console: survey');

    // ---- channels: a webhook channel, its secret shown once, then an empty form for the next one
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Channels' }).click();
    const newChannel = boss.getByRole('form', { name: 'New channel' });
    await newChannel.getByLabel('Type').selectOption({ label: 'Webhook' });
    await newChannel.getByLabel('Channel name').fill('Shop webhook');
    await newChannel.getByLabel('Skill').selectOption({ label: 'Warranty' });
    await newChannel.getByLabel('Outbound URL').fill('http://127.0.0.1:9/hook');
    await newChannel.getByRole('button', { name: 'Create channel' }).click();
    await boss
      .getByRole('table', { name: 'Channels' })
      .getByRole('row', { name: /Shop webhook/ })
      .waitFor();
    await boss.getByTestId('channel-secret').waitFor();
    await poll(() => Promise.all(['Channel name', 'Skill', 'Outbound URL'].map((label) => newChannel.getByLabel(label).inputValue()))).toEqual(['', '', '']);

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
    // The day's charts: a canvas drawn by the chart library inside each labelled figure.
    const charts = ['Arrivals by hour', 'Average first response by hour', 'SLA attainment by hour'].map((name) =>
      boss.getByRole('figure', { name }).getByRole('img', { name: new RegExp(`^${name}, (bar|line) chart: `) }),
    );
    for (const chart of charts) await chart.locator('canvas').waitFor();
    const [arrivals] = charts as [Locator];
    const arrivalsBefore = { label: await arrivals.getAttribute('aria-label'), pixels: await pixelsOf(arrivals) };
    const arrivedToday = async () => Number(/: (\d+) today/.exec((await arrivals.getAttribute('aria-label')) ?? '')?.[1] ?? 0);
    const countBefore = await arrivedToday();
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
    // The same chart redraws with the new arrival (its summary and its pixels), and its hidden table has the figure.
    await poll(arrivedToday).toBe(countBefore + 1);
    expect(await arrivals.getAttribute('aria-label')).not.toBe(arrivalsBefore.label);
    await poll(() => pixelsOf(arrivals)).not.toBe(arrivalsBefore.pixels);
    const figures = boss.getByRole('table', { name: 'Arrivals by hour: figures' });
    await poll(async () => (await figures.getByRole('cell').allTextContents()).reduce((sum, n) => sum + Number(n), 0)).toBe(countBefore + 1);
    await setStatus(dana, 'Online');
    await poll(() => warrantyRow.locator('[data-col="queue"]').textContent()).toBe('0');
    await poll(() => warrantyRow.locator('[data-col="open"]').textContent()).toBe('1');
    await row(dana, 'Dora Fix').click();
    await dana.getByRole('button', { name: 'Predefined content' }).click();
    await dana.getByRole('combobox', { name: 'Search predefined content' }).fill('two-year');
    await dana.getByRole('option', { name: /Warranty length/ }).waitFor();
    await poll(() => dana.getByRole('option').count()).toBe(1); // the search has narrowed the demo account's content down
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
    }).toEqual(['csat', 'comment', 'q3']); // the demo account's survey (CSAT, a text question) and the one added
    await demo.api.ok(
      'POST',
      `/api/v1/consumer/conversations/${conv.id}/survey`,
      { token: session.consumerToken, body: { answers: { csat: 5, comment: 'Quick and friendly', q3: 'Yes' } } },
      [200, 201, 204],
    );

    await poll(() => warrantyRow.locator('[data-col="csat"]').textContent()).toBe('100 % / 100 %');
    await expectAccessible(boss, 'console: dashboard');
    if (SHOOT) await shoot(boss, 'console-dashboard', { charts: boss.getByRole('region', { name: 'Today by hour (UTC)' }) });

    // ---- the 400 px embed: the charts shrink with their box and nothing overflows the page
    await boss.setViewportSize({ width: 400, height: 800 });
    await poll(() => arrivals.locator('canvas').evaluate((c) => Math.round(c.getBoundingClientRect().width))).toBeLessThan(380);
    // Nothing in the console scrolls or clips sideways (visually hidden 1 px elements aside).
    const clipped = await boss
      .getByRole('region', { name: 'Manager console' })
      .evaluate((console) =>
        [console, ...Array.from(console.querySelectorAll('*'))]
          .filter((el) => getComputedStyle(el).overflowX !== 'visible' && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      );
    expect(clipped).toEqual([]);
    await expectAccessible(boss, 'console: dashboard at 400 px');
    await boss.setViewportSize({ width: 1280, height: 800 });

    // ---- an agent gets 403 from the manager API
    const danaToken = await demo.api.login(demo.accountId, 'dana', 'dana has a long password');
    await demo.api.ok('GET', '/api/v1/users', { token: danaToken }, [403]);

    // ---- supervision: the manager sets Dana offline from the console
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Agents' }).click();
    await boss.getByRole('combobox', { name: 'Status of Dana Quinn' }).selectOption('offline');
    await poll(() => dana.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain('Offline');
  }, 120_000);

  it('sets up SMS and Messenger channels entirely from the console: every API field, write-only secrets, refusals beside their field, by keyboard', async () => {
    const { page: boss } = await agentPage(browser, demo);
    await signIn(boss, demo, 'manager');
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Channels' }).click();
    const table = boss.getByRole('table', { name: 'Channels' });
    const newChannel = boss.getByRole('form', { name: 'New channel' });
    type ChannelWire = { id: string; name: string; inboundUrl: string; providerBaseUrl: string | null; credentials: Record<string, string> };
    const channel = async (name: string) =>
      (await demo.api.ok<{ items: ChannelWire[] }>('GET', '/api/v1/channels', { token: demo.managerToken })).items.find((c) => c.name === name);
    /** Twilio's inbound webhook signed with `token`, as Twilio would with the account's auth token. */
    const smsInbound = async (c: ChannelWire, token: string, body: string) => {
      const params = { From: '+15551230001', To: '+15557654321', Body: body, NumMedia: '0', MessageSid: `SM${randomUUID().replaceAll('-', '')}` };
      const res = await fetch(c.inboundUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, c.inboundUrl, params) },
        body: new URLSearchParams(params).toString(),
      });
      return res.status;
    };
    const TOKEN = 'twilio-auth-token-0123456789abcdef';
    const NEW_TOKEN = 'rotated-twilio-token-fedcba9876543210';

    // ---- SMS: the Twilio fields appear with the type; refusals come back beside their field
    await newChannel.getByLabel('Type').selectOption({ label: 'SMS' });
    expect(await newChannel.getByLabel('Outbound URL').count()).toBe(0);
    await newChannel.getByLabel('Channel name').fill('Support SMS');
    await newChannel.getByLabel('Skill').selectOption({ label: 'Support' });
    await newChannel.getByLabel('Account SID').fill('AC0123456789abcdef0123456789abcdef');
    await newChannel.getByLabel('Auth token').fill('too short');
    await newChannel.getByLabel('Sender number').fill('+15557654321');
    await newChannel.getByLabel('Provider base URL').fill('http://10.20.30.40/twilio');
    await newChannel.getByRole('button', { name: 'Create channel' }).click();
    await poll(() => errorOf(newChannel.getByLabel('Auth token'))).toMatch(/at least 16 characters/);
    await newChannel.getByLabel('Auth token').fill(TOKEN);
    await newChannel.getByRole('button', { name: 'Create channel' }).click();
    // A private address is refused (outbound_address_refused), next to the field that named it.
    await poll(() => errorOf(newChannel.getByLabel('Provider base URL'))).toMatch(/refused/);
    expect(await errorOf(newChannel.getByLabel('Auth token'))).toBe('');
    expect(await channel('Support SMS')).toBeUndefined();
    await expectAccessible(boss, 'console: channel form with errors');
    await newChannel.getByLabel('Provider base URL').fill('http://127.0.0.1:9/twilio');
    await newChannel.getByRole('button', { name: 'Create channel' }).click();
    await table.getByRole('row', { name: /Support SMS/ }).waitFor();
    // The inbound URL to paste into Twilio; the secret is the auth token the manager typed: not shown back.
    const created = boss.getByRole('status').filter({ hasText: 'Support SMS' });
    await created.getByTestId('channel-inbound-url').waitFor();
    expect(await created.getByTestId('channel-secret').count()).toBe(0);
    expect(await boss.content()).not.toContain(TOKEN);
    const sms = await channel('Support SMS');
    if (!sms) throw new Error('no SMS channel');
    expect(sms).toMatchObject({
      providerBaseUrl: 'http://127.0.0.1:9/twilio',
      credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15557654321' },
    });
    expect(await created.getByTestId('channel-inbound-url').textContent()).toBe(sms.inboundUrl);
    // Twilio's signature with that auth token is what the channel now accepts.
    expect(await smsInbound(sms, TOKEN, 'Hello by SMS')).toBe(200);
    expect(await smsInbound(sms, 'some-other-token-0123456789', 'forged')).toBe(401);
    // A fresh form for the next channel: back to a webhook, nothing of the SMS channel left.
    await poll(() => Promise.all(['Type', 'Channel name', 'Outbound URL'].map((l) => newChannel.getByLabel(l).inputValue()))).toEqual(['webhook', '', '']);

    // ---- edit, by keyboard: Enter on Edit lands in the form; the stored values are there, the token is not
    const edit = table.getByRole('button', { name: 'Edit Support SMS' });
    await edit.focus();
    await boss.keyboard.press('Enter');
    const editForm = boss.getByRole('form', { name: 'Edit channel Support SMS' });
    await poll(() => boss.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('Support SMS');
    expect(await editForm.getByLabel('Type').count()).toBe(0); // the type of a channel does not change
    expect(await editForm.getByLabel('Sender number').inputValue()).toBe('+15557654321');
    expect(await editForm.getByLabel('Provider base URL').inputValue()).toBe('http://127.0.0.1:9/twilio');
    const replaceToken = editForm.getByLabel('Replace the auth token');
    expect(await replaceToken.inputValue()).toBe('');
    expect(await editForm.getByTestId('credential-state-authToken').textContent()).toContain('never shown');
    await editForm.getByLabel('Sender number').fill('+15550001111');
    await editForm.getByLabel('Messaging service SID').fill('MG0123456789abcdef0123456789abcdef');
    await replaceToken.fill(NEW_TOKEN);
    await editForm.getByLabel('Provider base URL').fill('http://169.254.169.254/latest');
    await editForm.getByLabel('Channel name').press('Enter');
    await poll(() => errorOf(editForm.getByLabel('Provider base URL'))).toMatch(/refused/);
    expect((await channel('Support SMS'))?.credentials.from).toBe('+15557654321'); // nothing saved
    await expectAccessible(boss, 'console: channel edit with a refused URL');
    if (SHOOT) await shoot(boss, 'console-channel-form', { edit: editForm });
    await editForm.getByLabel('Provider base URL').fill('http://127.0.0.1:9/twilio-v2');
    await editForm.getByLabel('Provider base URL').press('Enter');
    await editForm.waitFor({ state: 'detached' });
    await poll(() => boss.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit Support SMS');
    await poll(async () => {
      const c = await channel('Support SMS');
      return [c?.providerBaseUrl, c?.credentials];
    }).toEqual([
      'http://127.0.0.1:9/twilio-v2',
      { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15550001111', messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' },
    ]);
    await table
      .getByRole('row', { name: /Support SMS/ })
      .getByRole('cell', { name: 'http://127.0.0.1:9/twilio-v2, from +15550001111' })
      .waitFor();
    expect(await smsInbound(sms, NEW_TOKEN, 'Still there?')).toBe(200);
    expect(await smsInbound(sms, TOKEN, 'the old token')).toBe(401);

    // ---- open again: the token is never shown back; an emptied field is removed
    await edit.click();
    await poll(() => editForm.getByLabel('Sender number').inputValue()).toBe('+15550001111');
    expect(await replaceToken.inputValue()).toBe('');
    const html = await boss.content();
    expect(html).not.toContain(NEW_TOKEN);
    expect(html).not.toContain(TOKEN);
    await editForm.getByLabel('Messaging service SID').fill('');
    await editForm.getByRole('button', { name: 'Save channel' }).click();
    await editForm.waitFor({ state: 'detached' });
    await poll(async () => (await channel('Support SMS'))?.credentials).toEqual({ accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15550001111' });

    // ---- Messenger: Meta's fields; a stored page token is write-only and can be removed
    await newChannel.getByLabel('Type').selectOption({ label: 'Messenger' });
    await newChannel.getByLabel('Channel name').fill('Shop Messenger');
    await newChannel.getByLabel('Skill').selectOption({ label: 'Sales' });
    await newChannel.getByLabel('App secret').fill('meta-app-secret-0123456789');
    await newChannel.getByLabel('Page access token').fill('EAAB-page-token');
    await newChannel.getByLabel('Verify token').fill('parley-verify-token');
    await newChannel.getByLabel('Graph API version').fill('v21.0');
    await newChannel.getByRole('button', { name: 'Create channel' }).click();
    await table.getByRole('row', { name: /Shop Messenger/ }).waitFor();
    expect(await boss.content()).not.toContain('EAAB-page-token');
    expect((await channel('Shop Messenger'))?.credentials).toEqual({ pageAccessToken: '********', verifyToken: '********', apiVersion: 'v21.0' });
    await table.getByRole('button', { name: 'Edit Shop Messenger' }).click();
    const editMessenger = boss.getByRole('form', { name: 'Edit channel Shop Messenger' });
    expect(await editMessenger.getByTestId('credential-state-pageAccessToken').textContent()).toContain('stored (write-only');
    expect(await editMessenger.getByLabel('Replace the page access token').inputValue()).toBe('');
    await editMessenger.getByRole('checkbox', { name: 'Remove the stored page access token' }).check();
    await editMessenger.getByRole('button', { name: 'Save channel' }).click();
    await editMessenger.waitFor({ state: 'detached' });
    await poll(async () => (await channel('Shop Messenger'))?.credentials).toEqual({ verifyToken: '********', apiVersion: 'v21.0' });
    await table.getByRole('button', { name: 'Edit Shop Messenger' }).click();
    await poll(() => editMessenger.getByTestId('credential-state-pageAccessToken').textContent()).toContain('none stored');
    await expectAccessible(boss, 'console: channels');
    await boss.setViewportSize({ width: 400, height: 800 });
    await expectAccessible(boss, 'console: channels at 400 px');
  }, 120_000);
});
