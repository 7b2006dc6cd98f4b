/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support.js';
import { type Demo, launchBrowser, patchAccount, poll, row, scrollToRow, signIn, startDemo } from './workspace-support.js';
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

/**
 * Everything a screen (or the last element matching `within`) shows as text: its text, the values
 * of its form fields, its images' alt texts. `scroll` names a virtualized list (only the rows in
 * view are in the DOM): it is scrolled from top to bottom, half a view at a time, and what each
 * position shows counts, as a person scrolling would read it.
 */
async function shownText(where: Page | Frame, within?: string, scroll?: string): Promise<string> {
  return where.evaluate(
    async ({ sel, scroll }) => {
      const read = () => {
        const root = sel ? Array.from(document.querySelectorAll(sel)).pop() : document.body;
        if (!root) return '';
        const parts = [root.textContent ?? ''];
        for (const el of Array.from(root.querySelectorAll('input, textarea, select'))) parts.push((el as HTMLInputElement).value);
        for (const img of Array.from(root.querySelectorAll('img[alt]'))) parts.push(img.getAttribute('alt') ?? '');
        return parts.join('\n');
      };
      const parts = [read()];
      const list = scroll ? document.querySelector(scroll) : null;
      if (list) {
        const painted = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        for (let top = 0; top < list.scrollHeight; top += Math.max(1, list.clientHeight / 2)) {
          list.scrollTop = top;
          await painted();
          parts.push(read());
        }
        list.scrollTop = 0;
        await painted();
      }
      return parts.join('\n');
    },
    { sel: within, scroll },
  );
}

/** Waits until `where` shows every one of `texts` (as text), naming the ones it does not; `scroll`: a virtualized list read through (see shownText). */
async function expectShown(where: Page | Frame, texts: readonly string[], what: string, within?: string, scroll?: string): Promise<void> {
  expect(texts.length, `${what}: something to look for`).toBeGreaterThan(0);
  await poll(async () => {
    const shown = await shownText(where, within, scroll);
    return texts.filter((t) => !shown.includes(t));
  }, 15_000).toEqual([]);
}

/** The survey form in the widget: every question and choice shown; text answers are payloads too. */
async function answerSurvey(chat: Frame, frame: FrameLocator, questions: ReturnType<typeof surveyQuestions>): Promise<void> {
  const form = frame.getByRole('form', { name: 'How did we do?' }).last();
  await form.waitFor();
  await expectShown(chat, [...questions.map((q) => q.text), ...questions.flatMap((q) => q.choices ?? [])], 'widget: survey', 'form.survey');
  for (const [k, q] of questions.entries()) {
    if (q.type === 'text') await form.locator(`textarea[name="${q.id}"]`).fill(PAYLOADS[(k + 7) % PAYLOADS.length]?.text ?? '');
    else await form.locator(`input[type="radio"][name="${q.id}"]`).first().check();
  }
  await form.getByRole('button', { name: 'Send feedback' }).click();
  await frame.getByText('Thank you for your feedback!').last().waitFor();
}

/** RFC 4180: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
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
    seeded = await seed().catch((err: Error) => {
      throw new Error(`${err.message}\nserver output:\n${demo.server.stdout().slice(-3000)}\n${demo.server.stderr().slice(-3000)}`);
    });
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

  it('the pages that render stored data send a CSP without inline or eval script', async () => {
    for (const path of ['/', `/?account=${demo.accountId}`, '/widget/frame.html']) {
      const r = await demo.api.req('GET', path);
      expect(r.headers.get('content-type'), path).toMatch(/^text\/html/);
      const csp = r.headers.get('content-security-policy') ?? '';
      const directive = (name: string) =>
        csp
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith(`${name} `));
      expect(directive('script-src'), path).toBe("script-src 'self'");
      expect(directive('object-src'), path).toBe("object-src 'none'");
      expect(directive('base-uri'), path).toMatch(/^base-uri '(self|none)'$/);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*\s*;?\s*script/);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
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
      if ((await watch.take(page)).length === 0) missed.push(p.id);
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
  /** The chat frame of a page with the widget. */
  const chatFrame = (page: Page) => waitFor(() => page.frames().find((f) => f.url().includes('/widget/frame.html')), 'the chat frame');
  const fileNames = async (conversationId: string) =>
    (await api<{ items: { file: { name: string } | null }[] }>('GET', `/api/v1/conversations/${conversationId}/messages`, demo.managerToken)).items.flatMap(
      (x) => (x.file ? [x.file.name] : []),
    );
  const texts = (ps: readonly Payload[]) => ps.map((p) => p.text);
  let widgetConversation = '';

  it('the widget and the agent workspace show every payload as text, and nothing runs', async () => {
    const { agent, colleagues, skills, named, mia } = seeded;

    // ---- the visitor, on a brand page without CSP: their name and custom variables are payloads
    const visitorName = packed(120, 8);
    const widgetVars = Object.fromEntries(
      fits(64)
        .slice(0, 12)
        .map((p, i) => [p.text, PAYLOADS[(i + 20) % PAYLOADS.length]?.text]),
    );
    const init = JSON.stringify({ accountId: demo.accountId, name: visitorName, customVariables: widgetVars, open: true }).replaceAll('<', '\\u003c');
    const brand = await site(
      `<!doctype html><html lang="en"><head><title>Brand</title><script data-test-own>window.ParleyWidget = { q: [${init}] };</script></head>` +
        `<body><h1>Brand</h1><script data-test-own src="${demo.url}/widget.js" async></script></body></html>`,
    );
    const { page: visitor, watch: visitorWatch } = await watched();
    await visitor.goto(brand);
    const chat = await chatFrame(visitor);
    await expectShown(chat, [`Hi ${visitorName}!`], 'widget: greeting');
    await expectShown(
      chat,
      skills.map((s) => s.name),
      'widget: topics',
    );
    await visitorWatch.expectClean(visitor, 'widget: greeting and topics');
    await visitorWatch.probe(visitor, [chat], 'widget');

    // ---- through the widget's own composer: the </textarea> breakout, in the skill named by a payload
    const frame: FrameLocator = visitor.frameLocator('iframe[title="Chat with us"]');
    await frame.getByLabel('Topic').selectOption(skills[1]?.id ?? '');
    const composer = frame.getByRole('textbox', { name: 'Message' });
    const breakout = PAYLOADS.find((p) => p.kind === '</textarea> breakout') as Payload;
    await composer.fill(breakout.text);
    await composer.press('Enter');
    const session = await waitFor(async () => {
      const s = await chat.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '{}'), `parley:session:${demo.accountId}`);
      return s.conversationId && (s as { consumerToken: string; conversationId: string });
    }, 'the visitor’s conversation');
    const w = session.conversationId;
    widgetConversation = w;
    await poll(async () => (await api<{ agentId: string | null }>('GET', `/api/v1/conversations/${w}`, demo.managerToken)).agentId).toBe(agent.id);
    await visitorWatch.expectClean(visitor, 'widget: assigned to xagent');
    await poll(() => chat.evaluate(() => document.getElementById('title')?.textContent)).toBe(agent.displayName);

    // ---- the visitor's messages; then the conversation goes round every colleague (a message and a
    // note mentioning xagent each), comes back to xagent, who sends files named by payloads
    for (const p of PAYLOADS)
      await api('POST', `/api/v1/consumer/conversations/${w}/messages`, session.consumerToken, { text: p.text, clientMessageId: `w-${p.id}` });
    // A transfer queues the conversation for its target; routing assigns it a moment later.
    const transferTo = async (from: Agent, to: Agent) => {
      await api('POST', `/api/v1/conversations/${w}/transfer`, from.token, { agentId: to.id });
      await waitFor(
        async () => (await api<{ agentId: string | null }>('GET', `/api/v1/conversations/${w}`, demo.managerToken)).agentId === to.id,
        `the widget conversation assigned to ${to.username}`,
      );
    };
    await transferTo(agent, colleagues[0] as Agent);
    for (const [i, c] of colleagues.entries()) {
      const p = PAYLOADS[i] as Payload;
      await api('POST', `/api/v1/conversations/${w}/messages`, c.token, { text: p.text, clientMessageId: `a-${p.id}` });
      await api('POST', `/api/v1/conversations/${w}/notes`, c.token, { text: `@xagent ${p.text}` });
      await transferTo(c, colleagues[i + 1] ?? agent);
    }
    for (const p of PAYLOADS) {
      const [file, type, ext] = p.id % 2 ? [PDF, 'application/pdf', 'pdf'] : [PNG, 'image/png', 'png'];
      await upload(`/api/v1/conversations/${w}/messages`, agent.token, `${p.text}.${ext}`, file, type);
    }
    const widgetFiles = await fileNames(w);
    expect(widgetFiles).toHaveLength(PAYLOADS.length);

    // ---- the widget: every message both ways, each agent's name, the file names, xagent's name on top
    await expectShown(chat, texts(PAYLOADS), 'widget: messages');
    await expectShown(
      chat,
      colleagues.map((c) => `${c.displayName} said:`),
      'widget: agent names',
    );
    await expectShown(chat, widgetFiles, 'widget: file names');
    await poll(() => chat.evaluate(() => document.getElementById('title')?.textContent)).toBe(agent.displayName);
    await visitorWatch.expectClean(visitor, 'widget: conversation');

    // ---- the workspace, as xagent (whose own name is packed with payloads)
    const { page, watch } = await watched();
    await signIn(page, demo, 'xagent', PASSWORD);
    await watch.probe(page, [page.mainFrame()], 'workspace');
    await expectShown(page, [...named.map((c) => c.name), 'Mia Messages', visitorName, agent.displayName], 'Active list', undefined, 'ul.rows');
    await watch.expectClean(page, 'workspace: Active list');

    // Mia: every payload from the consumer and from the agent, as file names, as custom variables
    await (await scrollToRow(page, row(page, 'Mia Messages').locator('button.row-button'))).click();
    await page.getByRole('heading', { name: 'Mia Messages', level: 2 }).waitFor();
    const log = page.getByRole('log', { name: /Transcript with Mia Messages/ });
    await log.getByText('Hello from Mia').waitFor();
    await expectShown(page, [...texts(PAYLOADS), ...mia.fileNames], 'Mia: transcript');
    expect(await log.getByText(PAYLOADS[0]?.text ?? '', { exact: true }).count()).toBe(2); // once from Mia, once from xagent
    await watch.expectClean(page, 'workspace: transcript');
    await page.getByRole('tab', { name: 'Consumer info' }).click();
    await expectShown(page, [...Object.keys(mia.vars), ...Object.values(mia.vars)], 'Mia: custom variables');
    await watch.expectClean(page, 'workspace: consumer info');

    // The widget's conversation: the colleagues' messages under their names, their notes, the widget's variables
    const visitorRow = page.locator('ul.rows > li').filter({ hasText: visitorName });
    await (await scrollToRow(page, visitorRow.locator('button.row-button'))).click();
    await page.getByRole('tab', { name: 'Transcript' }).click();
    await expectShown(page, [...texts(PAYLOADS), ...colleagues.map((c) => c.displayName), ...widgetFiles], 'widget conversation: transcript');
    await watch.expectClean(page, 'workspace: transcript of the widget conversation');
    await page.getByRole('tab', { name: 'Consumer info' }).click();
    await expectShown(page, [visitorName, ...Object.keys(widgetVars), ...Object.values(widgetVars).map(String)], 'widget conversation: consumer info');
    await page.getByRole('tab', { name: 'Notes' }).click();
    await expectShown(page, [...PAYLOADS.map((p) => `@xagent ${p.text}`), ...colleagues.map((c) => c.displayName)], 'notes');
    await watch.expectClean(page, 'workspace: notes');

    // Transfer dialog: skills and agents by their names
    await page.getByRole('button', { name: 'Transfer' }).click();
    const transfer = page.getByRole('dialog', { name: 'Transfer conversation' });
    await transfer.waitFor();
    await expectShown(page, [...skills.map((s) => s.name), ...colleagues.map((c) => c.displayName)], 'transfer dialog');
    await watch.expectClean(page, 'workspace: transfer dialog');
    // Searched by a piece of markup (the searches drop "_" and "%", so "__xss(…)" itself finds nothing)
    await transfer.getByRole('searchbox', { name: 'Search skills and agents' }).fill('onerror=');
    await poll(async () => {
      const found = await transfer.locator('.choice-name').allTextContents();
      return found.length > 0 && found.every((t) => t.includes('onerror='));
    }).toBe(true);
    await watch.expectClean(page, 'workspace: transfer dialog, searched');
    await transfer.getByRole('button', { name: 'Close dialog' }).click();

    // Predefined content: every title and text; the </textarea> one goes into the composer and out to the visitor
    await page.getByRole('tab', { name: 'Transcript' }).click();
    await page.getByRole('button', { name: 'Predefined content' }).click();
    await expectShown(page, [...seeded.content.map((c) => c.title), ...seeded.content.map((c) => c.text)], 'predefined content');
    await watch.expectClean(page, 'workspace: predefined content');
    // (the search drops "_" from the query, so it cannot take the whole payload: "__xss" never matches)
    await page.getByRole('combobox', { name: 'Search predefined content' }).fill('</textarea>');
    await poll(() => page.getByRole('option').count()).toBe(1); // the search, over title and text, finds it alone
    await page.getByRole('option', { name: breakout.text }).click();
    const reply = page.getByRole('textbox', { name: 'Message' });
    await poll(() => reply.inputValue()).toBe(breakout.text);
    const inWidget = async () => (await shownText(chat)).split(breakout.text).length - 1;
    const before = await inWidget();
    await reply.press('Enter');
    await poll(inWidget).toBeGreaterThan(before); // the visitor has it
    await watch.expectClean(page, 'workspace: content inserted and sent');
    await visitorWatch.expectClean(visitor, 'widget: content from the agent');

    // Notifications: each colleague mentioned xagent in a note
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await bell.click();
    await expectShown(page, [...PAYLOADS.map((p) => `@xagent ${p.text}`), ...colleagues.map((c) => c.displayName)], 'notifications');
    await watch.expectClean(page, 'workspace: notifications');
    await bell.click();

    // The All tab: every consumer's name; a search by a payload, echoed in the "no match" text
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('heading', { name: 'All conversations' }).waitFor();
    await expectShown(page, [...named.map((c) => c.name), 'Mia Messages'], 'All tab', undefined, '.all ul.rows');
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('<svg onload=');
    await search.press('Enter');
    await page.locator('.all [role="status"]', { hasText: 'match “<svg onload=”' }).waitFor();
    expect(await page.locator('.all .row-name').allTextContents()).toContain(named[2]?.name);
    await search.fill(`${PAYLOADS[1]?.text} no such thing`);
    await search.press('Enter');
    await page.getByText(`No conversations match “${PAYLOADS[1]?.text} no such thing” in the whole history.`).waitFor();
    await watch.expectClean(page, 'workspace: All tab, searched');
    await page.getByRole('button', { name: 'Home' }).click();

    // ---- xagent closes the widget conversation: the visitor gets survey A (payload questions) and answers it in the widget
    await (await scrollToRow(page, visitorRow.locator('button.row-button'))).click();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await answerSurvey(chat, frame, SURVEY_A);
    await visitorWatch.expectClean(visitor, 'widget: survey A');
    await watch.expectClean(page, 'workspace: after closing');

    // ---- survey B (the other 20 payloads as questions), on a second conversation of the visitor
    await patchAccount(demo, { survey: { questions: SURVEY_B } });
    await frame.getByLabel('Topic').selectOption(skills[2]?.id ?? '');
    await composer.fill(PAYLOADS[3]?.text ?? '');
    await composer.press('Enter');
    const second = await waitFor(async () => {
      const s = await chat.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '{}'), `parley:session:${demo.accountId}`);
      return s.conversationId !== w && s.conversationId;
    }, 'the second conversation');
    await poll(async () => (await api<{ agentId: string | null }>('GET', `/api/v1/conversations/${second}`, demo.managerToken)).agentId).toBe(agent.id);
    await api('POST', `/api/v1/conversations/${second}/close`, agent.token);
    await answerSurvey(chat, frame, SURVEY_B);
    await visitorWatch.expectClean(visitor, 'widget: survey B');
  }, 180_000);
  it('the manager console shows every payload as text, and nothing runs', async () => {
    const { agent, colleagues, skills, categories, content, channels, mia, named } = seeded;
    await patchAccount(demo, { survey: { questions: SURVEY_B } });
    // Surveys of the other conversations, answered through the API: text answers are payloads (formulas among them).
    for (const [i, c] of [...named, { id: mia.id, token: mia.token }].entries()) {
      await api('POST', `/api/v1/conversations/${c.id}/close`, agent.token);
      const answers: Record<string, string> = {};
      for (const [k, q] of SURVEY_B.entries())
        answers[q.id] = q.type === 'text' ? (PAYLOADS[(i + k) % PAYLOADS.length] as Payload).text : (q.choices?.[0] ?? '');
      await api('POST', `/api/v1/consumer/conversations/${c.id}/survey`, c.token, { answers });
    }

    const { page, watch } = await watched();
    await page.goto(`${demo.url}/`);
    await page.getByLabel('Account').fill(demo.accountId);
    await page.getByLabel('Username').fill('manager');
    await page.getByLabel('Password').fill(demo.password('manager'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^(Active conversations|Manager console)$/ }).waitFor();
    if (!(await page.getByRole('heading', { name: 'Manager console' }).isVisible())) await page.getByRole('button', { name: 'Console' }).click();
    await page.getByRole('heading', { name: 'Manager console' }).waitFor();
    await watch.probe(page, [page.mainFrame()], 'console');
    const section = (name: string) => page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name }).click();

    // ---- dashboard: skills and agents by name; the CSV export
    await page.getByRole('heading', { name: 'Live dashboard' }).waitFor();
    await expectShown(page, [...skills.map((s) => s.name), ...colleagues.map((c) => c.displayName), agent.displayName], 'dashboard');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: "Export today's conversations (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^conversations-\d{4}-\d{2}-\d{2}\.csv$/);
    await watch.expectClean(page, 'console: dashboard');

    // ---- skills: names and descriptions, and one in the edit form
    await section('Skills');
    await expectShown(page, [...skills.map((s) => s.name), ...skills.map((s) => s.description)], 'console: skills');
    const breakout = skills[PAYLOADS.findIndex((p) => p.kind === '</textarea> breakout')] as Seeded['skills'][number];
    await page.getByRole('button', { name: `Edit ${breakout.name}` }).click();
    const editSkill = page.getByRole('form', { name: `Edit skill ${breakout.name}` });
    await poll(() => editSkill.getByLabel('Skill name').inputValue()).toBe(breakout.name);
    expect(await editSkill.getByLabel('Description').inputValue()).toBe(breakout.description);
    await watch.expectClean(page, 'console: skills');

    // ---- agents: display names, and one in the edit form
    await section('Agents');
    await expectShown(page, [...colleagues.map((c) => c.displayName), agent.displayName], 'console: agents');
    const named1 = colleagues[0] as Agent;
    await page
      .getByRole('table', { name: 'Agents' })
      .getByRole('row')
      .filter({ hasText: `(${named1.username})` })
      .getByRole('button', { name: 'Edit' })
      .click();
    await poll(() =>
      page
        .getByRole('form', { name: `Edit ${named1.displayName}` })
        .getByLabel('Display name')
        .inputValue(),
    ).toBe(named1.displayName);
    await watch.expectClean(page, 'console: agents');

    // ---- content, channels, survey (B: its questions and choices in the fields and the preview)
    await section('Content');
    await expectShown(page, [...categories, ...content.map((c) => c.title), ...content.map((c) => c.text)], 'console: content');
    await watch.expectClean(page, 'console: content');
    await section('Channels');
    await expectShown(page, channels, 'console: channels');
    await watch.expectClean(page, 'console: channels');
    await section('Survey');
    await expectShown(page, [...SURVEY_B.map((q) => q.text), ...SURVEY_B.flatMap((q) => q.choices ?? [])], 'console: survey');
    await watch.expectClean(page, 'console: survey');
    await section('Account');
    await watch.expectClean(page, 'console: account');

    // ---- the manager's All tab and a transcript seen by the manager
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('heading', { name: 'All conversations' }).waitFor();
    await expectShown(
      page,
      named.map((c) => c.name),
      'manager: All tab',
      undefined,
      '.all ul.rows',
    );
    await (await scrollToRow(page, page.getByRole('button', { name: /^Mia Messages, Closed/ }), '.all ul.rows')).click();
    await page.getByRole('log').getByText('Hello from Mia').waitFor();
    await expectShown(page, [...texts(PAYLOADS), ...mia.fileNames], 'manager: transcript');
    await watch.expectClean(page, 'manager: transcript');
  }, 120_000);

  it('exports: transcript.txt, the CSV and the API JSON are plain data (type, nosniff, no formulas), and opening them runs nothing', async () => {
    const { mia } = seeded;
    const m = demo.managerToken;
    const transcripts = [mia.id, widgetConversation].filter(Boolean);
    expect(transcripts).toHaveLength(2);
    for (const id of transcripts) {
      const r = await demo.api.req('GET', `/api/v1/conversations/${id}/transcript.txt`, { token: m });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      for (const p of PAYLOADS) expect(r.text).toContain(p.text.split('\n')[0]);
    }

    // ---- the CSV: every cell that a spreadsheet would read as a formula is neutralized
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const csvPath = `/api/v1/reports/conversations.csv?from=${today}&to=${tomorrow}`;
    const csv = await demo.api.req('GET', csvPath, { token: m });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('x-content-type-options')).toBe('nosniff');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment;/);
    const rows = parseCsv(csv.text);
    const head = rows[0] ?? [];
    expect(head).toEqual(expect.arrayContaining(['skill', 'agent', 'survey_b00']));
    const cells = rows.flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    const formulas = PAYLOADS.filter((p) => p.kind.startsWith('CSV'));
    for (const p of formulas) expect(cells, p.kind).toContain(`'${p.text}`); // as a skill name and as a survey answer
    expect(cells).toContain(seeded.agent.displayName);
    for (const p of PAYLOADS.filter((x) => !/^[=+\-@]/.test(x.text))) expect(cells, p.kind).toContain(p.text);

    // ---- opened in the browser, as a manager would (the bearer token on every request)
    const { page, watch } = await watched({ authorization: `Bearer ${m}` });
    for (const id of transcripts) {
      await page.goto(`${demo.url}/api/v1/conversations/${id}/transcript.txt`);
      expect(await page.evaluate(() => document.contentType)).toBe('text/plain');
      expect(await page.evaluate(() => Array.from(document.body.querySelectorAll('*')).map((e) => e.localName))).toEqual(['pre']);
      await watch.expectClean(page, 'transcript.txt in the browser');
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.goto(`${demo.url}${csvPath}`).catch(() => undefined)]);
    expect(download.suggestedFilename()).toBe(`conversations-${today}.csv`);
    await watch.expectClean(page, 'the CSV in the browser');
    await page.goto(`${demo.url}/api/v1/conversations/${mia.id}/messages`);
    expect(await page.evaluate(() => document.contentType)).toBe('application/json');
    await expectShown(page, [JSON.stringify(PAYLOADS[1]?.text).slice(1, -1)], 'the API JSON in the browser');
    await watch.expectClean(page, 'the API JSON in the browser');
    expect(watch.sweeps).toBeGreaterThan(0);
  }, 60_000);
});
