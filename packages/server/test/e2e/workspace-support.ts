/**
 * Browser-test support for the agent workspace: one Chromium per test file (Debian's, through
 * playwright-core), the built server as a real process with its demo account, and small helpers
 * that act as an agent would (visible labels, clicks, keys) or as a consumer (the public API).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { Api, type DemoLogin, type Env, makeEnv, parseDemo, type ServerProcess, startServer } from './support.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Demo {
  env: Env;
  server: ServerProcess;
  url: string;
  api: Api;
  accountId: string;
  users: DemoLogin[];
  password(username: string): string;
  managerToken: string;
  skills: { id: string; name: string }[];
  skill(name: string): string;
  stop(): Promise<void>;
}

/** The built server on a fresh SQLite data dir, with the demo account it seeds on first start. */
export async function startDemo(): Promise<Demo> {
  const env = await makeEnv('sqlite');
  const server = await startServer(env);
  const demo = parseDemo(server.stdout());
  if (!demo) throw new Error(`no demo logins printed:\n${server.stdout()}`);
  const api = new Api(() => server.url);
  const password = (u: string) => demo.users.find((x) => x.username === u)?.password ?? '';
  const managerToken = await api.login(demo.accountId, 'manager', password('manager'));
  const skills = (await api.ok<{ items: { id: string; name: string }[] }>('GET', `/api/v1/consumer/skills?accountId=${demo.accountId}`)).items;
  return {
    env,
    server,
    url: server.url,
    api,
    accountId: demo.accountId,
    users: demo.users,
    password,
    managerToken,
    skills,
    skill: (name) => skills.find((s) => s.name === name)?.id ?? '',
    async stop() {
      await server.stop();
      await env.destroy();
    },
  };
}

export async function patchAccount(demo: Demo, body: Record<string, unknown>): Promise<void> {
  await demo.api.ok('PATCH', '/api/v1/account/settings', { token: demo.managerToken, body }, [200]);
}

/** A new browser context (its own storage: one agent) with clipboard access, and a page in it. */
export async function agentPage(
  browser: Browser,
  demo: Demo,
  opts: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return { context, page };
}

/** Signs in at `/` and waits for the landing screen: the Active list for an agent, the console for a manager. */
export async function signIn(page: Page, demo: Demo, username: string, password = demo.password(username)): Promise<void> {
  await page.goto(`${demo.url}/`);
  await page.getByLabel('Account').fill(demo.accountId);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page
    .getByRole('heading', { name: 'Active conversations' })
    .or(page.getByRole('heading', { name: 'Manager console' }))
    .waitFor();
}

/** Opens the top-left status menu and picks a status. */
export async function setStatus(page: Page, label: 'Online' | 'Back soon' | 'Away' | 'Offline'): Promise<void> {
  await page.getByRole('button', { name: /^Status:/ }).click();
  await page.getByRole('menuitemradio', { name: label, exact: true }).click();
  await poll(() => page.getByRole('button', { name: /^Status:/ }).getAttribute('aria-label')).toContain(`Status: ${label}.`);
}

export interface Consumer {
  token: string;
  conversationId: string;
  name: string;
  say(text: string): Promise<void>;
  messages(): Promise<{ text: string | null; senderType: string }[]>;
}

let seq = 0;
/** A web consumer opening a conversation through the public consumer API. */
export async function consumer(demo: Demo, name: string, skill: string, text: string, customVariables?: Record<string, string>): Promise<Consumer> {
  const s = await demo.api.ok<{ consumerToken: string }>(
    'POST',
    '/api/v1/consumer/session',
    { body: { accountId: demo.accountId, name, ...(customVariables && { customVariables }) } },
    [201],
  );
  const c = await demo.api.ok<{ id: string }>(
    'POST',
    '/api/v1/consumer/conversations',
    { token: s.consumerToken, body: { skillId: demo.skill(skill), text } },
    [201],
  );
  return {
    token: s.consumerToken,
    conversationId: c.id,
    name,
    async say(t: string) {
      await demo.api.ok(
        'POST',
        `/api/v1/consumer/conversations/${c.id}/messages`,
        { token: s.consumerToken, body: { text: t, clientMessageId: `e2e-${++seq}` } },
        [201],
      );
    },
    async messages() {
      return (
        await demo.api.ok<{ items: { text: string | null; senderType: string }[] }>('GET', `/api/v1/consumer/conversations/${c.id}/messages`, {
          token: s.consumerToken,
        })
      ).items;
    },
  };
}

/** expect.poll with room for a loaded machine (the default gives up after 1 s). */
export const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

/** The row of a consumer in the Active list. */
export const row = (page: Page, name: string) => page.locator('ul.rows > li').filter({ has: page.getByText(name, { exact: true }) });

/**
 * Scrolls a virtualized list (only the rows in view are in the DOM) from its top, half a view at
 * a time, until `target` (something in one of its rows) is rendered, as a person scrolls to find
 * a row; gives `target` back (still absent when the list does not have it: acting on it then fails).
 */
export async function scrollToRow<T extends Locator>(page: Page, target: T, list = 'ul.rows'): Promise<T> {
  const scroller = page.locator(list);
  await scroller.locator('li').first().waitFor();
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  for (;;) {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    if ((await target.count()) > 0) return target;
    const moved = await scroller.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollTop += Math.max(1, el.clientHeight / 2);
      return el.scrollTop !== before;
    });
    if (!moved) return target;
  }
}

/** Consumer names in list order. */
export const rowNames = (page: Page) => page.locator('ul.rows .row-name').allTextContents();

/** axe-core: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * The console scrolls inside its pane, which a full-page screenshot would cut: the window grows
 * (at this width) to the console's content, scrolled to the top, and is painted.
 */
export async function growToConsoleContent(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  const height = await page.locator('.console-body').evaluate((body) => {
    for (let el: Element | null = body; el; el = el.parentElement) el.scrollTop = 0;
    return Math.ceil(body.getBoundingClientRect().top + body.scrollHeight);
  });
  await page.setViewportSize({ width, height: Math.max(800, height) });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** What a screen reader reads as a field's description: the API's error shown next to it, or ''. */
export const errorOf = (field: Locator) =>
  field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );

/** A brand's own site: another origin (another port) than Parley, serving one page at /account. */
export async function brandSite(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const brand = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => brand.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(brand.address() as AddressInfo).port}/account`,
    close: () => new Promise<void>((resolve) => brand.close(() => resolve())),
  };
}
