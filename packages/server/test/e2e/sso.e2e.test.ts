import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type TestIdp } from '../oidc-idp.js';
import { agentPage, type Demo, expectAccessible, launchBrowser, patchAccount, signIn, startDemo } from './workspace-support.js';

/**
 * Single sign-on in the browser: the built server, a real OpenID provider (oidc-provider) on
 * loopback, and Chromium filling the provider's own login form in the popup the sign-in page
 * opens — in a tab of its own, and inside a frame of another origin as in the Salesforce utility bar.
 */
describe('single sign-on in the workspace', () => {
  let demo: Demo;
  let browser: Browser;
  let idp: TestIdp;
  let crm: { server: Server; origin: string };
  let agent: string;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    const url = new URL(demo.url);
    const variants = [url.origin, url.origin.replace('localhost', '127.0.0.1'), url.origin.replace('127.0.0.1', 'localhost')];
    idp = await startIdp({ redirectUris: [...new Set(variants)].map((o) => `${o}/api/v1/auth/oidc/callback`) });
    crm = await new Promise((resolve) => {
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme CRM</title></head>
<body style="margin:0;display:flex;font-family:sans-serif"><main style="flex:1;padding:16px"><h1>Acme CRM</h1></main>
<iframe title="Parley" src="${demo.url}/?account=${demo.accountId}" style="width:400px;height:760px;border:0;border-left:1px solid #ccc"></iframe></body></html>`);
      });
      server.listen(0, '127.0.0.2', () => resolve({ server, origin: `http://127.0.0.2:${(server.address() as AddressInfo).port}` }));
    });
    await patchAccount(demo, {
      allowedFrameAncestors: [crm.origin],
      sso: { oidc: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, label: 'Acme ID' } },
    });
    agent = demo.users.find((u) => u.role === 'agent')?.username ?? '';
    expect(agent).not.toBe('');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    crm?.server.close();
    await idp?.close();
    await demo?.stop();
  });

  /** In the popup: the provider's login form (its own page, not Parley's), signed in as `login`. */
  async function loginAtProvider(popup: Page, login: string) {
    await popup.waitForURL((u) => u.href.startsWith(idp.issuer));
    await popup.locator('input[name="login"]').fill(login);
    await popup.locator('input[name="password"]').fill('any password');
    await popup.locator('button[type="submit"]').click();
  }

  it('the sign-in page offers "Sign in with Acme ID" (desktop and 400 px, accessible), and the popup signs the agent in', async () => {
    const { context, page } = await agentPage(browser, demo);
    await page.goto(`${demo.url}/?account=${demo.accountId}`);
    const button = page.getByRole('button', { name: 'Sign in with Acme ID' });
    await button.waitFor();
    await page.screenshot({ path: '/tmp/sso-sign-in.png' });
    await expectAccessible(page, 'sign-in page with SSO');
    await page.setViewportSize({ width: 400, height: 760 });
    await page.screenshot({ path: '/tmp/sso-sign-in-400.png' });
    await expectAccessible(page, 'sign-in page with SSO at 400 px');

    // Keyboard: the button is reachable and works with Enter.
    await button.focus();
    const popupOpened = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    const popup = await popupOpened;
    const closed = popup.waitForEvent('close');
    await loginAtProvider(popup, agent);
    await closed;
    await page.getByRole('heading', { name: 'Active conversations' }).waitFor();
    // The token is the workspace's, kept as for a password sign-in; never in the address.
    expect(page.url()).not.toContain('sso');
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('parley.session') ?? 'null') as { user: { username: string } } | null);
    expect(session?.user.username).toBe(agent);
    await context.close();
  }, 90_000);

  it('a user the account does not have: the popup says why and the sign-in page shows the reason', async () => {
    const { context, page } = await agentPage(browser, demo);
    await page.goto(`${demo.url}/?account=${demo.accountId}`);
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Sign in with Acme ID' }).click();
    const popup = await popupOpened;
    await loginAtProvider(popup, 'nobody-here');
    await popup.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no active Parley user "nobody-here"');
    await popup.screenshot({ path: '/tmp/sso-refused.png' });
    await expectAccessible(popup, 'SSO refusal page');
    await context.close();
  }, 60_000);

  it('inside a CRM page of another origin (the Salesforce utility bar): the popup signs the framed workspace in', async () => {
    const { context, page } = await agentPage(browser, demo);
    await page.goto(crm.origin);
    const frame = page.frameLocator('iframe[title="Parley"]');
    const popupOpened = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Sign in with Acme ID' }).click();
    const popup = await popupOpened;
    const closed = popup.waitForEvent('close');
    await loginAtProvider(popup, agent);
    await closed;
    await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
    await page.screenshot({ path: '/tmp/sso-embedded.png' });
    await context.close();
  }, 60_000);
  it('the console’s Security screen: the SSO settings with a write-only secret, masking rules, and a refused pattern shown at its field', async () => {
    const { context, page } = await agentPage(browser, demo);
    await signIn(page, demo, 'manager');
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Single sign-on (OpenID Connect)' }).waitFor();
    expect(await page.getByLabel('Issuer URL').inputValue()).toBe(idp.issuer);
    expect(await page.getByTestId('sso-secret-state').textContent()).toContain('stored');
    expect(await page.getByLabel('Replace the client secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(idp.clientSecret);

    // A rule RE2 refuses: the error is at the pattern's field, nothing saved.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule name').fill('Order');
    await page.getByLabel('Pattern').fill('(\\d)\\1');
    await page.getByRole('button', { name: 'Save masking' }).click();
    await expect.poll(() => page.locator('[data-path="masking.rules.0.pattern"]').textContent()).toContain('not a safe pattern');
    await page.screenshot({ path: '/tmp/console-security.png', fullPage: true });
    await expectAccessible(page, 'console security screen with an error');
    await page.getByLabel('Pattern').fill('ORD-\\d{6}');
    await page.getByRole('button', { name: 'Save masking' }).click();
    await page.getByText('Masking saved').waitFor();
    const saved = await demo.api.ok<{ masking: { rules: unknown[] } }>('GET', '/api/v1/account/settings', { token: demo.managerToken });
    expect(saved.masking.rules).toEqual([{ name: 'Order', pattern: 'ORD-\\d{6}' }]);
    await page.setViewportSize({ width: 400, height: 800 });
    await page.screenshot({ path: '/tmp/console-security-400.png', fullPage: true });
    await expectAccessible(page, 'console security screen at 400 px');
    await patchAccount(demo, { masking: { rules: [] } });
    await context.close();
  }, 60_000);
});
