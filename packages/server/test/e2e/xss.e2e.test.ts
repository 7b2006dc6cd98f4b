/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, launchBrowser, patchAccount, poll, row, signIn, startDemo } from './workspace-support.js';
import { type Finding, XssWatch } from './xss-detector.js';
import { fits, PAYLOADS, type Payload, packed } from './xss-payloads.js';

/**
 * Stored XSS, in the browser: the 40 payloads of xss-payloads.ts go in through every field that
 * Parley renders (made fast through the API, and through the widget's own UI), then the agent
 * workspace, the manager console, the widget and the exports are opened and each screen that shows
 * those fields is checked by xss-detector.ts: no payload ran, no element was made from one, no
 * CSP violation. Each screen must also show the payloads as text (a field that silently dropped
 * them would prove nothing).
 */

const PASSWORD = 'xss corpus password';
// A 2×2 PNG and a minimal PDF (the server reads file types from their content).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The payload, or a plain label where the field is too short for it (the payload then goes into a longer field next to it). */
const orLabel = (p: Payload, max: number, label: string) => (p.text.length <= max ? p.text : `${label} ${p.id}`);

interface Agent {
  id: string;
  username: string;
  displayName: string;
  token: string;
}

interface Seeded {
  skills: { id: string; name: string; description: string }[];
  agent: Agent;
  colleagues: Agent[];
  categories: string[];
  content: { title: string; text: string }[];
  channels: string[];
  /** One conversation per payload: the consumer's name and first message are the payload. */
  named: { id: string; name: string; token: string }[];
  /** "Mia Messages": every payload as a consumer and as an agent message, as an uploaded file name, and as custom variables. */
  mia: { id: string; token: string; vars: Record<string, string>; fileNames: string[] };
}

/** Survey questions: `prefix00…19` over 20 payloads; the odd ones are choices between two payloads of the other half. */
function surveyQuestions(prefix: string, texts: Payload[], choices: Payload[]) {
  return texts.map((p, k) =>
    k % 2 === 0
      ? { id: `${prefix}${String(k).padStart(2, '0')}`, type: 'text' as const, text: p.text }
      : {
          id: `${prefix}${String(k).padStart(2, '0')}`,
          type: 'choice' as const,
          text: p.text,
          choices: [choices[k - 1]?.text ?? 'one', choices[k]?.text ?? 'two'].map((c) => c.slice(0, 200)),
        },
  );
}
const FIRST = PAYLOADS.slice(0, 20);
const SECOND = PAYLOADS.slice(20, 40);
const SURVEY_A = surveyQuestions('a', FIRST, SECOND);
const SURVEY_B = surveyQuestions('b', SECOND, FIRST);

/** Everything a screen shows as text: the document's text, and the values of its form fields. */
async function shownText(where: Page | Frame): Promise<string> {
  return where.evaluate(() => {
    const parts = [document.body?.textContent ?? ''];
    for (const el of Array.from(document.querySelectorAll('input, textarea, select'))) parts.push((el as HTMLInputElement).value);
    for (const img of Array.from(document.querySelectorAll('img[alt]'))) parts.push(img.getAttribute('alt') ?? '');
    return parts.join('\n');
  });
}

/** Waits until `where` shows every one of `texts` (as text), naming the ones it does not. */
async function expectShown(where: Page | Frame, texts: readonly string[], what: string): Promise<void> {
  await poll(async () => {
    const shown = await shownText(where);
    return texts.filter((t) => !shown.includes(t));
  }, 15_000).toEqual([]);
  expect(texts.length, `${what}: something to look for`).toBeGreaterThan(0);
}

describe('XSS corpus in the browser', () => {
  let demo: Demo;
  let browser: Browser;
  let seeded: Seeded;
  const contexts: BrowserContext[] = [];
  const closers: (() => Promise<void>)[] = [];

  /** A browser context with the detector in every frame. */
  async function watched(extraHTTPHeaders?: Record<string, string>): Promise<{ context: BrowserContext; page: Page; watch: XssWatch }> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      timezoneId: 'UTC',
      acceptDownloads: true,
      ...(extraHTTPHeaders && { extraHTTPHeaders }),
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const watch = await XssWatch.attach(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[xss page error] ${e.message}`));
    return { context, page, watch };
  }

  /** A page on another origin than Parley (a brand's site, or the detector's self-check). */
  async function site(html: string, headers: Record<string, string> = {}): Promise<string> {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(html));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  const api = <T = unknown>(method: string, path: string, token: string, body?: unknown, statuses = [200, 201, 204]) =>
    demo.api.ok<T>(method, path, { token, ...(body !== undefined && { body }) }, statuses);

  /** A message with a file, as the workspace and the widget send it (multipart). */
  async function upload(path: string, token: string, name: string, file: Buffer, type: string): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type }), name);
    const res = await fetch(`${demo.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    if (res.status !== 201) throw new Error(`upload ${JSON.stringify(name)}: ${res.status} ${await res.text()}`);
  }

  async function login(username: string): Promise<string> {
    return demo.api.login(demo.accountId, username, PASSWORD);
  }

  async function seed(): Promise<Seeded> {
    const m = demo.managerToken;
    // ---- skills: name and description
    const skills = [];
    for (const p of PAYLOADS) {
      const s = await api<{ id: string; name: string; description: string }>('POST', '/api/v1/skills', m, {
        name: orLabel(p, 100, 'Skill'),
        description: p.text,
      });
      skills.push(s);
    }
    // ---- users: the agent who gets every conversation (their own name packs payloads), and one colleague per payload
    const newUser = async (username: string, displayName: string, skillIds: string[]): Promise<Agent> => {
      const u = await api<{ id: string; displayName: string }>('POST', '/api/v1/users', m, {
        username,
        password: PASSWORD,
        displayName,
        role: 'agent',
        skills: skillIds,
        maxConcurrent: 100,
      });
      const token = await login(username);
      await api('PUT', '/api/v1/me/status', token, { status: 'online' });
      return { id: u.id, username, displayName: u.displayName, token };
    };
    const agent = await newUser(
      'xagent',
      packed(120),
      skills.map((s) => s.id),
    );
    const colleagues: Agent[] = [];
    for (const p of PAYLOADS) colleagues.push(await newUser(`xu${String(p.id).padStart(2, '0')}`, orLabel(p, 120, 'Agent'), []));

    // ---- predefined content: category names, titles, texts
    const categories: string[] = [];
    const content: { title: string; text: string }[] = [];
    for (const p of PAYLOADS) {
      const c = await api<{ id: string; name: string }>('POST', '/api/v1/content/categories', m, { name: orLabel(p, 100, 'Category') });
      categories.push(c.name);
      const item = await api<{ title: string; text: string }>('POST', '/api/v1/content', m, {
        categoryId: c.id,
        title: orLabel(p, 200, 'Title'),
        text: p.text,
      });
      content.push(item);
    }
    // ---- channels (webhook, without an outbound URL: nothing is delivered)
    const channels: string[] = [];
    for (const [i, p] of PAYLOADS.entries()) {
      const ch = await api<{ name: string }>('POST', '/api/v1/channels', m, { type: 'webhook', name: orLabel(p, 100, 'Channel'), skillId: skills[i]?.id });
      channels.push(ch.name);
    }
    // ---- the survey: 20 payload questions (text and choice)
    await patchAccount(demo, { survey: { enabled: true, onAutoClose: false, timeoutSec: 3600, questions: SURVEY_A } });

    // ---- conversations: one per payload (name and first message), all routed to xagent
    const named: Seeded['named'] = [];
    for (const [i, p] of PAYLOADS.entries()) {
      const s = await demo.api.ok<{ consumerToken: string }>(
        'POST',
        '/api/v1/consumer/session',
        { body: { accountId: demo.accountId, name: orLabel(p, 120, 'Consumer') } },
        [201],
      );
      const c = await api<{ id: string; consumer?: { name: string } }>('POST', '/api/v1/consumer/conversations', s.consumerToken, {
        skillId: skills[i]?.id,
        text: p.text,
      });
      const details = await api<{ consumer: { name: string } }>('GET', `/api/v1/conversations/${c.id}`, m);
      named.push({ id: c.id, name: details.consumer.name, token: s.consumerToken });
    }
    // ---- Mia: custom variables (key ≤ 64 characters, value ≤ 1000), every payload as a message both ways and as a file name
    const vars: Record<string, string> = {};
    for (const p of PAYLOADS) vars[orLabel(p, 64, 'variable')] = p.text;
    const mia = await demo.api.ok<{ consumerToken: string }>(
      'POST',
      '/api/v1/consumer/session',
      { body: { accountId: demo.accountId, name: 'Mia Messages', customVariables: vars } },
      [201],
    );
    const conv = await api<{ id: string }>('POST', '/api/v1/consumer/conversations', mia.consumerToken, { skillId: skills[0]?.id, text: 'Hello from Mia' });
    const say = (token: string, path: string, text: string, n: number) => api('POST', path, token, { text, clientMessageId: `xss-${n}` });
    for (const p of PAYLOADS) {
      await say(mia.consumerToken, `/api/v1/consumer/conversations/${conv.id}/messages`, p.text, p.id);
      await upload(`/api/v1/consumer/conversations/${conv.id}/messages`, mia.consumerToken, `${p.text}.png`, PNG, 'image/png');
      await say(agent.token, `/api/v1/conversations/${conv.id}/messages`, p.text, 100 + p.id);
    }
    const stored = await api<{ consumer: { customVariables: Record<string, unknown> } }>('GET', `/api/v1/conversations/${conv.id}`, m);
    const messages = await api<{ items: { file: { name: string } | null }[] }>('GET', `/api/v1/conversations/${conv.id}/messages`, m);
    const fileNames = messages.items.flatMap((x) => (x.file ? [x.file.name] : []));
    expect(fileNames).toHaveLength(PAYLOADS.length);
    return {
      skills,
      agent,
      colleagues,
      categories,
      content,
      channels,
      named,
      mia: {
        id: conv.id,
        token: mia.consumerToken,
        vars: Object.fromEntries(Object.entries(stored.consumer.customVariables).map(([k, v]) => [k, String(v)])),
        fileNames,
      },
    };
  }

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    seeded = await seed();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const close of closers) await close();
    await browser?.close();
    await demo?.stop();
  });

  it('has at least 30 distinct payloads, each with its own marker', () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(PAYLOADS.map((p) => p.text)).size).toBe(PAYLOADS.length);
    for (const p of PAYLOADS) expect(p.text, p.kind).toContain(`__xss(${p.id})`);
    expect(fits(64).length).toBeGreaterThanOrEqual(30); // even the shortest field (a custom variable key) takes 30
  });

  it('self-check: the detector sees an execution, an injected element and a CSP violation', async () => {
    const { page, watch } = await watched();
    const html = (body: string) => `<!doctype html><html lang="en"><head><title>check</title></head><body><p>${body}</p></body></html>`;
    const byKind = (found: Finding[]) => [...new Set(found.map((f) => f.kind))].sort();
    // No CSP: a payload parsed as HTML runs, and its element is seen.
    const open = PAYLOADS.find((p) => p.kind === 'img onerror') as Payload;
    await page.goto(await site(html(open.text)));
    const ran = await watch.take(page);
    expect(ran.some((f) => f.kind === 'execution' && f.detail === `__xss(${open.id})`)).toBe(true);
    expect(byKind(ran)).toEqual(['execution', 'injected']);
    // Parley's CSP: the same payload is refused, and that shows as a violation and an injected element.
    const csp = await demo.api.req('GET', '/');
    await page.goto(await site(html(open.text), { 'content-security-policy': csp.headers.get('content-security-policy') ?? '' }));
    expect(byKind(await watch.take(page))).toEqual(['csp', 'injected']);
    // Elements injected later (as a bad innerHTML would), in a shadow root too, with no handler: still seen.
    await page.evaluate(() => {
      const host = document.createElement('div');
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).innerHTML = '<a href="javascript:void 0">x</a>';
      document.body.insertAdjacentHTML('beforeend', '<b class="xss-canary">b</b><iframe srcdoc="x"></iframe>');
    });
    const late = await watch.take(page);
    expect(late.map((f) => f.detail.split(':')[0])).toEqual(
      expect.arrayContaining(['href=javascript', 'class carries a payload', 'srcdoc, an iframe that is not the chat frame']),
    );
    // Every payload put in with innerHTML (as element content and as an attribute value), on a page
    // without CSP: each is caught, except the ones that are inert as HTML.
    await page.goto(await site(html('')));
    const missed: number[] = [];
    for (const p of PAYLOADS) {
      await page.evaluate((t) => {
        document.body.innerHTML = `<p title="${t}">${t}</p><p title='${t}'>x</p>`;
      }, p.text);
      if ((await watch.take(page, 30)).length === 0) missed.push(p.id);
    }
    expect(missed).toEqual(PAYLOADS.filter((p) => p.inertAsHtml).map((p) => p.id));
    // And a payload shown as text is not a finding.
    await page.evaluate(
      (t) => {
        document.body.textContent = t;
      },
      PAYLOADS.map((p) => p.text).join('\n'),
    );
    expect(await watch.take(page)).toEqual([]);
  }, 60_000);
});
