import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, launchBrowser, patchAccount, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Masking in the browser: a card number typed in the web widget is shown masked in the widget
 * itself (the stored text replaces what was typed) and in the agent's workspace; an account rule
 * masks its matches as [name].
 */
describe('masking of sensitive data, widget and workspace', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    await patchAccount(demo, { masking: { rules: [{ name: 'IBAN', pattern: '\\b[A-Z]{2}\\d{2}[A-Z0-9]{10,30}\\b' }] } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('the consumer sees what they typed masked, and so does the agent', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${demo.url}/demo?name=Carla%20Card`);
    await page.getByRole('button', { name: /^Open chat/ }).click();
    const frame = page.frameLocator('iframe[title="Chat with us"]');
    await frame.getByLabel('Topic').selectOption({ label: 'Sales' });
    const composer = frame.getByRole('textbox', { name: 'Message' });
    await composer.fill('My card is 4111 1111 1111 1111, IBAN DE89370400440532013000');
    await composer.press('Enter');
    await frame.getByText('My card is •••• •••• •••• 1111, IBAN [IBAN]').waitFor();
    expect(await frame.getByText('4111 1111 1111 1111', { exact: false }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/masking-widget.png' });

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    agentContext.setDefaultTimeout(10_000);
    const alice = await agentContext.newPage();
    await signIn(alice, demo, 'alice');
    await setStatus(alice, 'Online');
    await row(alice, 'Carla Card').click();
    await alice.getByText('My card is •••• •••• •••• 1111, IBAN [IBAN]').first().waitFor();
    expect(await alice.getByText('4111 1111', { exact: false }).count()).toBe(0);
    await agentContext.close();
    await context.close();
  }, 90_000);
});
