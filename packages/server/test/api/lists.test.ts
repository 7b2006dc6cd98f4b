import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/http/pagination.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

type Schema = { properties?: Record<string, Schema>; required?: string[]; type?: string | string[] };
type Op = { parameters?: { in: string; name: string }[]; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type Doc = { paths: Record<string, Record<string, Op>> };

/**
 * API.md: every list takes `?limit=` (1–200) and an opaque `cursor`, and answers `{ items, nextCursor }`
 * (null at the end). Walked from the OpenAPI document, so a list added later is covered (or fails here
 * until it is given a fixture below).
 */
/** Answers of a few best items, not lists to page through: `items` without `limit`/`cursor`. */
const RANKINGS = new Set(['/api/v1/conversations/{id}/suggestions']);

describe.each(dialects)('lists on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  /** Jo's second conversation (the first one is closed): the transcript with includePrevious spans both. */
  let conv: string;
  let listOps: string[];
  /** Each list of the OpenAPI document: the URL to call (path parameters filled in) and the token. */
  let fixtures: Record<string, { url: string; token: string }>;

  const get = (url: string, token: string) => http(t)('GET', url, token ? { token } : {});
  const withQuery = (url: string, q: string) => `${url}${url.includes('?') ? '&' : '?'}${q}`;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t, { skills: ['Sales', 'Support', 'Billing', 'Returns', 'Warranty'] });
    const req = http(t);
    const m = acc.manager.token;
    alice = await acc.agent('alice', { maxConcurrent: 10 });
    // Colleagues who stay offline: everything is routed to Alice; they fill the directory and the user list.
    for (const name of ['bob', 'carol', 'dave', 'erin']) await acc.agent(name, { online: false });

    // The clock moves between some writes and not others, so the orders are tested on distinct and on equal times.
    const tick = () => t.clock.advance(1000);
    // Jo: a first conversation (3 messages, closed), then a second (3 + Alice's 2).
    jo = await acc.consumer({ name: 'Jo' });
    const first = await jo.open({ skill: 'Sales', text: 'first 1' });
    for (const text of ['first 2', 'first 3']) expect((await jo.send(first.id, text)).statusCode).toBe(201);
    // Status reasons, dispositions and labels, three of each; the first conversation has them all.
    const made = async (url: string, bodies: object[]) => {
      const out: string[] = [];
      for (const body of bodies) out.push((await req('POST', url, { token: m, body })).json().id);
      return out;
    };
    await made('/api/v1/status-reasons', [
      { name: 'Lunch', status: 'away' },
      { name: 'Meeting', status: 'away' },
      { name: 'Coffee', status: 'back_soon' },
    ]);
    const dispositionIds = await made('/api/v1/dispositions', [{ name: 'Sale' }, { name: 'Refund' }, { name: 'Question' }]);
    const labelIds = await made('/api/v1/labels', [
      { name: 'VIP', color: '#ff8800' },
      { name: 'Bug', color: '#cc0000' },
      { name: 'Later', color: '#3366cc' },
    ]);
    const closeFirst = await req('POST', `/api/v1/conversations/${first.id}/close`, {
      token: alice.token,
      body: { dispositionIds },
    });
    expect(closeFirst.statusCode).toBe(200);
    expect((await req('PUT', `/api/v1/conversations/${first.id}/labels`, { token: alice.token, body: { labelIds } })).statusCode).toBe(200);
    tick();
    conv = (await jo.open({ skill: 'Sales', text: 'second 1' })).id;
    for (const text of ['second 2', 'second 3']) expect((await jo.send(conv, text)).statusCode).toBe(201);
    for (const text of ['reply 1', 'reply 2']) {
      const r = await req('POST', `/api/v1/conversations/${conv}/messages`, { token: alice.token, body: { text, clientMessageId: text } });
      expect(r.statusCode, r.body).toBe(201);
    }
    // More conversations in Alice's Active list.
    for (const name of ['Kim', 'Lee', 'Max']) {
      if (name !== 'Lee') tick();
      await (await acc.consumer({ name })).open({ skill: 'Support', text: `hi from ${name}` });
    }

    // Notes mentioning Alice: notes on the conversation, notifications for her.
    for (let i = 1; i <= 5; i++) {
      if (i % 2) tick();
      expect((await req('POST', `/api/v1/conversations/${conv}/notes`, { token: m, body: { text: `note ${i} for @alice` } })).statusCode).toBe(201);
    }
    // Content with ties in position and title, so the order falls back to the id.
    const cats: string[] = [];
    for (const name of ['Greetings', 'Returns', 'Shipping']) {
      cats.push((await req('POST', '/api/v1/content/categories', { token: m, body: { name, position: 0 } })).json().id);
    }
    for (const [title, position] of [
      ['Hello', 0],
      ['Hello', 0],
      ['Bye', 0],
      ['Refund', 1],
      ['Refund', 1],
      ['Tracking', 2],
    ] as const) {
      const r = await req('POST', '/api/v1/content', { token: m, body: { title, text: `${title} text`, position, categoryId: cats[0] } });
      expect(r.statusCode, r.body).toBe(201);
    }
    for (const name of ['Web app', 'Partner app', 'Kiosk']) {
      if (name !== 'Partner app') tick();
      expect((await req('POST', '/api/v1/channels', { token: m, body: { type: 'webhook', name, skillId: acc.skills.Sales } })).statusCode).toBe(201);
    }

    // A WhatsApp channel with templates, and a conversation on it, in an account of their own (its
    // conversation queues there and leaves Alice's lists alone).
    const wa = await makeAccount(t, { skills: ['Sales'] });
    const ch = await req('POST', '/api/v1/channels', {
      token: wa.manager.token,
      body: {
        type: 'whatsapp',
        name: 'WhatsApp',
        skillId: wa.skills.Sales,
        providerBaseUrl: 'http://127.0.0.1:9',
        credentials: { appSecret: 'wa-app-secret-0123456789', accessToken: 'wa-token', phoneNumberId: '106540352242922', verifyToken: 'v' },
      },
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const waChannel = ch.json().id as string;
    for (const [name, language] of [
      ['order_update', 'en_US'],
      ['order_update', 'es'],
      ['shipping_delay', 'en_US'],
    ]) {
      const r = await req('POST', `/api/v1/channels/${waChannel}/templates`, { token: wa.manager.token, body: { name, language, params: 1 } });
      expect(r.statusCode, r.body).toBe(201);
    }
    const waBody = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
                messages: [{ from: '16505551234', id: 'wamid.lists-1', timestamp: '1749416383', type: 'text', text: { body: 'Where is my order?' } }],
              },
            },
          ],
        },
      ],
    });
    const inbound = await t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${waChannel}/inbound`,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'wa-app-secret-0123456789').update(waBody).digest('hex')}`,
      },
      payload: waBody,
    });
    expect(inbound.statusCode, inbound.body).toBe(200);
    const waConversation = ((await req('GET', '/api/v1/conversations', { token: wa.manager.token })).json().items as { id: string }[])[0]?.id;
    expect(waConversation).toBeDefined();

    const period = `from=${new Date(t.clock.now() - 86_400_000).toISOString()}&to=${new Date(t.clock.now() + 86_400_000).toISOString()}`;
    // API keys and webhooks: three of each, made by the manager.
    for (const name of ['ci', 'warehouse', 'crm']) {
      const r = await req('POST', '/api/v1/api-keys', { token: m, body: { name, scopes: ['reports:read'] } });
      expect(r.statusCode, r.body).toBe(201);
    }
    for (const n of [1, 2, 3]) {
      const r = await req('POST', '/api/v1/webhooks', { token: m, body: { url: `http://127.0.0.1:9/hook${n}`, events: ['survey.answered'], active: false } });
      expect(r.statusCode, r.body).toBe(201);
    }
    // bots: three, for no skill (they take nothing here)
    for (const n of [1, 2, 3]) {
      const r = await req('POST', '/api/v1/bots', { token: m, body: { name: `bot ${n}`, url: `http://127.0.0.1:9/bot${n}`, skillIds: [] } });
      expect(r.statusCode, r.body).toBe(201);
    }

    // A webhook's delivery log, in an account of its own (its messages touch no other list): an active
    // webhook, then a conversation of 3 consumer messages (2 at one time, 1 later) → 3 deliveries. The
    // test app's timers are manual, so no delivery is attempted (the log holds still) while it is walked.
    const hooks = await makeAccount(t, { skills: ['Sales'] });
    const hook = await req('POST', '/api/v1/webhooks', { token: hooks.manager.token, body: { url: 'http://127.0.0.1:9/log', events: ['message.created'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    const hookConsumer = await hooks.consumer({ name: 'Hooked' });
    const hooked = await hookConsumer.open({ skill: 'Sales', text: 'one' });
    expect((await hookConsumer.send(hooked.id, 'two')).statusCode).toBe(201);
    tick();
    expect((await hookConsumer.send(hooked.id, 'three')).statusCode).toBe(201);

    fixtures = {
      '/api/v1/webhooks/{id}/deliveries': { url: `/api/v1/webhooks/${hook.json().id}/deliveries`, token: hooks.manager.token },
      '/api/v1/users': { url: '/api/v1/users', token: m },
      '/api/v1/skills': { url: '/api/v1/skills', token: m },
      '/api/v1/channels': { url: '/api/v1/channels', token: m },
      '/api/v1/content': { url: '/api/v1/content', token: alice.token },
      '/api/v1/content/categories': { url: '/api/v1/content/categories', token: alice.token },
      '/api/v1/workspace/active': { url: '/api/v1/workspace/active', token: alice.token },
      '/api/v1/conversations': { url: '/api/v1/conversations', token: alice.token },
      '/api/v1/conversations/{id}/messages': { url: `/api/v1/conversations/${conv}/messages?includePrevious=true`, token: alice.token },
      '/api/v1/conversations/{id}/notes': { url: `/api/v1/conversations/${conv}/notes`, token: alice.token },
      '/api/v1/me/notifications': { url: '/api/v1/me/notifications', token: alice.token },
      '/api/v1/directory': { url: '/api/v1/directory', token: alice.token },
      '/api/v1/reports/daily': { url: '/api/v1/reports/daily', token: m },
      '/api/v1/audit': { url: '/api/v1/audit?action=content.created', token: m },
      '/api/v1/consumers': { url: '/api/v1/consumers', token: m },
      '/api/v1/api-keys': { url: '/api/v1/api-keys', token: m },
      '/api/v1/webhooks': { url: '/api/v1/webhooks', token: m },
      '/api/v1/bots': { url: '/api/v1/bots', token: m },
      '/api/v1/channels/{id}/templates': { url: `/api/v1/channels/${waChannel}/templates`, token: wa.manager.token },
      '/api/v1/conversations/{id}/templates': { url: `/api/v1/conversations/${waConversation}/templates`, token: wa.manager.token },
      '/api/v1/status-reasons': { url: '/api/v1/status-reasons', token: alice.token },
      '/api/v1/dispositions': { url: '/api/v1/dispositions', token: alice.token },
      '/api/v1/labels': { url: '/api/v1/labels', token: alice.token },
      '/api/v1/reports/agent-states': { url: `/api/v1/reports/agent-states?${period}`, token: m },
      '/api/v1/reports/dispositions': { url: `/api/v1/reports/dispositions?${period}`, token: m },
      '/api/v1/reports/labels': { url: `/api/v1/reports/labels?${period}`, token: m },
      '/api/v1/reports/agents': { url: `/api/v1/reports/agents?${period}`, token: m },
      '/api/v1/consumer/skills': { url: `/api/v1/consumer/skills?accountId=${acc.accountId}`, token: '' },
      '/api/v1/consumer/conversations/{id}/messages': { url: `/api/v1/consumer/conversations/${conv}/messages`, token: jo.token },
    };

    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
    listOps = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      const schema = op?.responses?.['200']?.content?.['application/json']?.schema;
      if (schema?.properties?.items?.type === 'array' && !RANKINGS.has(path)) listOps.push(path);
    }
  });
  afterAll(async () => t.stop());

  it('the OpenAPI document: every GET answering items takes limit and cursor and declares nextCursor', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
    const problems: string[] = [];
    for (const path of listOps) {
      const op = doc.paths[path]?.get as Op;
      const query = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      if (!query.has('limit')) problems.push(`${path}: no limit`);
      if (!query.has('cursor')) problems.push(`${path}: no cursor`);
      const schema = op.responses?.['200']?.content?.['application/json']?.schema;
      if (!schema?.properties?.nextCursor || !schema.required?.includes('nextCursor')) problems.push(`${path}: no required nextCursor`);
    }
    expect(problems).toEqual([]);
    // The lists API.md names are among them (the directory and the daily report used to answer no items).
    for (const p of ['/api/v1/conversations/{id}/messages', '/api/v1/workspace/active', '/api/v1/content', '/api/v1/directory', '/api/v1/reports/daily']) {
      expect(listOps).toContain(p);
    }
    // Every list has a fixture here, so the checks below run on all of them.
    expect(listOps.filter((p) => !fixtures[p])).toEqual([]);
  });

  it('every list honours limit, refuses a limit out of 1–200 or a forged cursor with a 400 naming the field', async () => {
    for (const path of listOps) {
      const f = fixtures[path];
      if (!f) continue;
      const one = await get(withQuery(f.url, 'limit=1'), f.token);
      expect(one.statusCode, `${path} ${one.body.slice(0, 200)}`).toBe(200);
      const body = one.json() as { items: unknown[]; nextCursor: string | null };
      expect(body.items.length, path).toBe(1);
      expect(typeof body.nextCursor, `${path}: more than one item, so a next page`).toBe('string');

      const refused: [query: string, field: string][] = [
        ['limit=0', 'querystring.limit'],
        ['limit=201', 'querystring.limit'],
        ['limit=two', 'querystring.limit'],
        ['cursor=%%%', 'querystring.cursor'],
        ['cursor=not-a-cursor', 'querystring.cursor'],
        [`cursor=${encodeCursor({ offset: 1 })}`, 'querystring.cursor'],
        [`cursor=${encodeCursor(['x'.repeat(600), 'y', 'z'])}`, 'querystring.cursor'],
        [`cursor=${encodeCursor([1, 'a\u0000b', 2])}`, 'querystring.cursor'],
      ];
      for (const [q, field] of refused) {
        const bad = await get(withQuery(f.url, q), f.token);
        expect(bad.statusCode, `${path}?${q} ${bad.body.slice(0, 200)}`).toBe(400);
        expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(
          (bad.json() as { errors?: { path: string }[] }).errors?.map((e) => e.path),
          `${path}?${q}`,
        ).toEqual([field]);
      }
    }
  });

  it('paging with a small limit walks every list without duplicates or gaps, in the order of the whole list', async () => {
    const ids = (items: unknown[]) => items.map((i) => JSON.stringify(i));
    for (const [path, f] of Object.entries(fixtures)) {
      const whole = await get(f.url, f.token);
      expect(whole.statusCode, path).toBe(200);
      const all = whole.json() as { items: unknown[]; nextCursor: string | null };
      expect(all.nextCursor, `${path}: the default page holds the whole list`).toBeNull();
      expect(all.items.length, `${path} has enough items to page`).toBeGreaterThanOrEqual(3);

      for (const limit of [1, 2]) {
        const walked: unknown[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await get(withQuery(f.url, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`), f.token);
          expect(page.statusCode, `${path} ${page.body.slice(0, 200)}`).toBe(200);
          const body = page.json() as { items: unknown[]; nextCursor: string | null };
          expect(body.items.length, path).toBeLessThanOrEqual(limit);
          walked.push(...body.items);
          cursor = body.nextCursor;
          pages++;
        } while (cursor && pages < 100);
        expect(ids(walked), `${path} by ${limit}`).toEqual(ids(all.items));
        expect(new Set(ids(walked)).size, `${path}: no duplicates`).toBe(walked.length);
      }
    }
  });

  it('keeps the fields around the page: Active counts ignore filter and page, the directory splits its page, notifications count unread', async () => {
    const active = (await get('/api/v1/workspace/active?limit=1', alice.token)).json();
    const whole = (await get('/api/v1/workspace/active', alice.token)).json();
    expect(active.counts).toEqual(whole.counts);
    expect(whole.items.length).toBe(5);
    expect((await get('/api/v1/workspace/active?status=closed&limit=1', alice.token)).json().counts).toEqual(whole.counts);

    const dir = (await get('/api/v1/directory?limit=6', alice.token)).json();
    expect(dir.items.map((e: { kind: string }) => e.kind)).toEqual(['skill', 'skill', 'skill', 'skill', 'skill', 'agent']);
    expect(dir.skills).toHaveLength(5);
    expect(dir.agents.map((a: { username: string }) => a.username)).toEqual(['bob']);
    const next = (await get(`/api/v1/directory?limit=6&cursor=${dir.nextCursor}`, alice.token)).json();
    expect(next.agents.map((a: { username: string }) => a.username)).toEqual(['boss', 'carol', 'dave', 'erin']);
    expect(next.nextCursor).toBeNull();
    // q still filters, in SQL, on both kinds.
    expect((await get('/api/v1/directory?q=ER', alice.token)).json().items.map((e: { displayName: string }) => e.displayName)).toEqual(['Erin']);

    const n = (await get('/api/v1/me/notifications?limit=2', alice.token)).json();
    expect(n.unread).toBe(5);
    expect(n.items).toHaveLength(2);

    const daily = (await get('/api/v1/reports/daily?limit=5', acc.manager.token)).json();
    expect(daily.items.map((h: { hour: number }) => h.hour)).toEqual([0, 1, 2, 3, 4]);
    expect(daily.hours).toEqual(daily.items);
    expect((await get('/api/v1/reports/daily', acc.manager.token)).json().hours).toHaveLength(24);
  });

  it('the transcript pages across conversations in order, and `after` still filters by seq', async () => {
    const url = `/api/v1/conversations/${conv}/messages?includePrevious=true`;
    const texts: string[] = [];
    let cursor: string | null = null;
    do {
      const body = (await get(`${url}&limit=4${cursor ? `&cursor=${cursor}` : ''}`, alice.token)).json() as {
        items: { text: string }[];
        nextCursor: string | null;
      };
      texts.push(...body.items.map((m) => m.text));
      cursor = body.nextCursor;
    } while (cursor);
    expect(texts).toEqual(['first 1', 'first 2', 'first 3', 'second 1', 'second 2', 'second 3', 'reply 1', 'reply 2']);
    const after = (await get(`/api/v1/consumer/conversations/${conv}/messages?after=3&limit=1`, jo.token)).json();
    expect(after.items.map((m: { text: string }) => m.text)).toEqual(['reply 1']);
    const rest = (await get(`/api/v1/consumer/conversations/${conv}/messages?after=3&limit=1&cursor=${after.nextCursor}`, jo.token)).json();
    expect(rest.items.map((m: { text: string }) => m.text)).toEqual(['reply 2']);
    expect(rest.nextCursor).toBeNull();
  });
});
