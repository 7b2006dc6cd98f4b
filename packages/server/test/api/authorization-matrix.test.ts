import { API_KEY_SCOPES, type ApiKeyScope } from '@parley/contract';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Access } from '../../src/http/access.js';
import { CLIENT_EVENTS } from '../../src/realtime/socket.js';
import { multipart, PNG } from '../factories/files.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, login, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect, type Listener, tryConnect } from '../socket-client.js';
import { fillPath, type OpenApiOperation, openApiOperations, snapshot, validBody } from './support.js';

/**
 * The authorization matrix, generated: every operation of the OpenAPI document × every kind of
 * principal. What each principal must get follows from the access the route declares next to its
 * schema (`config.access`, src/http/access.ts, published as `x-access`); an operation without one
 * fails here. Refusals change nothing (a database snapshot before and after); allowed calls are
 * answered with something other than a refusal.
 */

type Principal =
  | 'anonymous'
  | 'forged'
  | 'revoked'
  | 'deactivated'
  | 'passwordChanged'
  | 'consumer'
  | 'otherConsumer'
  | 'agentWithoutSkill'
  | 'agentWithSkill'
  | 'assignedAgent'
  | 'manager'
  | 'otherAccountAgent'
  | 'otherAccountManager'
  /** A bot's own key (API.md "Bots"): it acts as the bot, on the routes that take bots (`x-bot`) only. */
  | 'botKey'
  | ApiKeyPrincipal;

/** An API key of account A with one scope each, one revoked, and one of account B with every scope. */
type ApiKeyPrincipal = `key:${ApiKeyScope}` | 'revokedKey' | 'otherAccountKey';
const SCOPED_KEYS = API_KEY_SCOPES.map((s) => `key:${s}` as const);
const KEYS: ApiKeyPrincipal[] = [...SCOPED_KEYS, 'revokedKey', 'otherAccountKey'];

const PRINCIPALS: Principal[] = [
  'anonymous',
  'forged',
  'revoked',
  'deactivated',
  'passwordChanged',
  'consumer',
  'otherConsumer',
  'agentWithoutSkill',
  'agentWithSkill',
  'assignedAgent',
  'manager',
  'otherAccountAgent',
  'otherAccountManager',
  'botKey',
  ...KEYS,
];

/** What a principal must get: allowed, or refused with one of these statuses. */
type Outcome = 'allow' | 'any' | { refused: number[] };
const refused = (...statuses: number[]): Outcome => ({ refused: statuses });

const NO_USER: Principal[] = ['anonymous', 'forged', 'revoked', 'deactivated', 'passwordChanged'];
const CONSUMERS: Principal[] = ['consumer', 'otherConsumer'];
const OWN_AGENTS: Principal[] = ['agentWithoutSkill', 'agentWithSkill', 'assignedAgent'];
const OTHER_ACCOUNT: Principal[] = ['otherAccountAgent', 'otherAccountManager'];

/**
 * The expected answer for each declared access — the one place that says what an access level
 * means to each kind of principal. `byId`: the path names a record of account A. `scope`: the API
 * key scope the route takes (`x-scope`), if any.
 */
export function expected(access: Access, who: Principal, byId: boolean, scope?: string, bot = false): Outcome {
  if (who === 'botKey') {
    // A bot's key passes only where bots may go; in a conversation only the bot's own (none here: the bot takes no skill).
    if (access === 'public' || access === 'provider') return 'any';
    if (access === 'consumer') return refused(401);
    if (!bot) return refused(403);
    return access === 'conversation:read' || access === 'conversation:act' ? refused(404) : 'allow';
  }
  if (KEYS.includes(who as ApiKeyPrincipal) && access !== 'public' && access !== 'provider') {
    // A key is a bearer token of its own kind: the consumer routes do not know it, a revoked one is no key,
    // and the others pass only where the route names a scope they hold; then as a manager of their account.
    if (access === 'consumer' || who === 'revokedKey') return refused(401);
    if (who === 'otherAccountKey') return scope ? (byId ? refused(404) : 'allow') : refused(403);
    return scope && who === `key:${scope}` ? 'allow' : refused(403);
  }
  switch (access) {
    case 'public':
    case 'provider':
      // No token is looked at: whoever calls gets the same answer (checked separately).
      return 'any';
    case 'consumer':
      if (who === 'consumer') return 'allow';
      if (who === 'otherConsumer') return byId ? refused(404) : 'allow';
      return refused(401);
    case 'user':
      if (NO_USER.includes(who) || CONSUMERS.includes(who)) return refused(401);
      // a user's own records (their Active list item, their notification): only the owner
      if (byId) return who === 'assignedAgent' ? 'allow' : refused(404);
      return 'allow';
    case 'conversation:read':
      if (NO_USER.includes(who) || CONSUMERS.includes(who)) return refused(401);
      if (who === 'agentWithoutSkill' || OTHER_ACCOUNT.includes(who)) return refused(404);
      return 'allow';
    case 'conversation:act':
      if (NO_USER.includes(who) || CONSUMERS.includes(who)) return refused(401);
      if (who === 'agentWithSkill') return refused(403, 404);
      if (who === 'agentWithoutSkill' || OTHER_ACCOUNT.includes(who)) return refused(404);
      return 'allow';
    case 'file':
      if (NO_USER.includes(who) || CONSUMERS.includes(who)) return refused(401);
      if (who === 'agentWithoutSkill' || OTHER_ACCOUNT.includes(who)) return refused(404);
      return 'allow';
    case 'manager':
      if (NO_USER.includes(who) || CONSUMERS.includes(who)) return refused(401);
      if (OWN_AGENTS.includes(who) || who === 'otherAccountAgent') return refused(403);
      if (who === 'otherAccountManager') return byId ? refused(404) : 'allow';
      return 'allow';
  }
}

const REFUSAL_CODE: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' };

/**
 * A refusal of the principal: 401, 403, or 404 for a record of the path ("conversation not found").
 * Anything else — 2xx, a 400 for a sample body or query, a 409 for the record's state, a 404 for
 * something that was never there ("no survey was sent") — means the principal got past the checks.
 */
function isRefusal(res: { statusCode: number; body: string }): boolean {
  if (res.statusCode === 401 || res.statusCode === 403) return true;
  return res.statusCode === 404 && /"detail":"\w+ not found"/.test(res.body);
}

describe.each(dialects)('authorization matrix on %s', (dialect) => {
  let t: TestApp;
  let A: AccountHandle;
  let B: AccountHandle;
  let alice: AgentHandle;
  let carol: AgentHandle;
  let dave: AgentHandle;
  let jo: ConsumerHandle;
  const tokens = {} as Record<Principal, string | undefined>;
  /** Account A's record ids by the path segment before the parameter. */
  const ids: Record<string, string> = {};
  let openConv = '';
  let closedConv = '';

  const req = () => http(t);

  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    A = await makeAccount(t);
    B = await makeAccount(t);
    alice = await A.agent('alice', { skills: ['Sales', 'Support'], maxConcurrent: 100 });
    carol = await A.agent('carol', { skills: ['Sales'], online: false });
    dave = await A.agent('dave', { skills: ['Support'], online: false });
    jo = await A.consumer({ name: 'Jo' });
    const nosy = await A.consumer({ name: 'Nosy' });
    // The consumer the data-rights routes (export, erase) act on: one nobody else here uses.
    const subject = await A.consumer({ name: 'Data Subject' });
    const r = req();

    const first = await jo.open({ skill: 'Sales', text: 'first visit' });
    expect((await r('POST', `/api/v1/conversations/${first.id}/close`, { token: alice.token })).statusCode).toBe(200);
    closedConv = first.id;
    const second = await jo.open({ skill: 'Sales', text: 'second visit' });
    await t.routingIdle();
    openConv = second.id;
    const form = multipart([{ name: 'file', value: PNG, filename: 'photo.png', contentType: 'image/png' }]);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/consumer/conversations/${openConv}/messages`,
      headers: { authorization: `Bearer ${jo.token}`, 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    const fileId = (up.json() as { file: { id: string } }).file.id;

    const m = A.manager.token;
    const category = await r('POST', '/api/v1/content/categories', { token: m, body: { name: 'Greetings' } });
    const content = await r('POST', '/api/v1/content', { token: m, body: { categoryId: category.json().id, title: 'Hi', text: 'Hello' } });
    const note = await r('POST', `/api/v1/conversations/${openConv}/notes`, { token: m, body: { text: '@alice please look' } });
    expect(note.statusCode).toBe(201);
    const notification = (await r('GET', '/api/v1/me/notifications', { token: alice.token })).json().items[0] as { id: string };
    const channel = await r('POST', '/api/v1/channels', { token: m, body: { type: 'sms', name: 'SMS', skillId: A.skills.Sales } });
    expect(channel.statusCode, channel.body).toBe(201);
    const reason = await r('POST', '/api/v1/status-reasons', { token: m, body: { name: 'Lunch', status: 'away' } });
    const disposition = await r('POST', '/api/v1/dispositions', { token: m, body: { name: 'Sale' } });
    const label = await r('POST', '/api/v1/labels', { token: m, body: { name: 'VIP', color: '#ff8800' } });

    Object.assign(ids, {
      'status-reasons': reason.json().id,
      dispositions: disposition.json().id,
      labels: label.json().id,
      conversations: openConv,
      active: closedConv,
      users: alice.id,
      skills: A.skills.Sales,
      categories: category.json().id,
      content: content.json().id,
      notes: note.json().id,
      notifications: notification.id,
      channels: channel.json().id,
      files: fileId,
      consumers: subject.consumerId,
    });

    // tokens that must no longer work: signed out, deactivated, password changed
    const revoked = await login(t, A.accountId, 'alice');
    expect((await r('POST', '/api/v1/auth/logout', { token: revoked })).statusCode).toBe(204);
    const eve = await A.agent('eve', { skills: ['Sales'], online: false });
    expect((await r('PATCH', `/api/v1/users/${eve.id}`, { token: m, body: { active: false } })).statusCode).toBe(200);
    const pat = await A.agent('pat', { skills: ['Sales'], online: false });
    expect((await r('PATCH', `/api/v1/users/${pat.id}`, { token: m, body: { password: `${PASSWORD} 2` } })).statusCode).toBe(200);
    const bAgent = await B.agent('bob', { skills: ['Sales'] });
    // API keys: one per scope, one revoked, one of account B with every scope, one for the revoke route
    const makeKey = async (token: string, scopes: readonly string[]) => {
      const k = await r('POST', '/api/v1/api-keys', { token, body: { name: `key ${scopes.join(' ')}`, scopes } });
      expect(k.statusCode, k.body).toBe(201);
      return k.json() as { id: string; key: string };
    };
    const keyTokens: Partial<Record<Principal, string>> = {};
    for (const scope of API_KEY_SCOPES) keyTokens[`key:${scope}`] = (await makeKey(m, [scope])).key;
    const gone = await makeKey(m, API_KEY_SCOPES);
    expect((await r('DELETE', `/api/v1/api-keys/${gone.id}`, { token: m })).statusCode).toBe(204);
    keyTokens.revokedKey = gone.key;
    keyTokens.otherAccountKey = (await makeKey(B.manager.token, API_KEY_SCOPES)).key;
    ids['api-keys'] = (await makeKey(m, ['reports:read'])).id;
    // a webhook and one of its deliveries
    const hook = await r('POST', '/api/v1/webhooks', { token: m, body: { url: 'http://127.0.0.1:9/hook', events: ['message.created'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    ids.webhooks = hook.json().id;
    expect((await jo.send(openConv, 'for the webhook')).statusCode).toBe(201);
    ids.deliveries = (await r('GET', `/api/v1/webhooks/${ids.webhooks}/deliveries`, { token: m })).json().items[0].id;
    // a bot (for no skill: it takes none of the conversations here) and its own key
    const bot = await r('POST', '/api/v1/bots', { token: m, body: { name: 'Matrix bot', url: 'http://127.0.0.1:9/bot', skillIds: [] } });
    expect(bot.statusCode, bot.body).toBe(201);
    ids.bots = bot.json().id;
    keyTokens.botKey = bot.json().key;

    Object.assign(tokens, {
      anonymous: undefined,
      forged: `pat_${'A'.repeat(43)}`,
      revoked,
      deactivated: eve.token,
      passwordChanged: pat.token,
      consumer: jo.token,
      otherConsumer: nosy.token,
      agentWithoutSkill: dave.token,
      agentWithSkill: carol.token,
      assignedAgent: alice.token,
      manager: m,
      otherAccountAgent: bAgent.token,
      otherAccountManager: B.manager.token,
      ...keyTokens,
    } as Record<Principal, string | undefined>);
  });
  afterAll(async () => t?.stop());

  /** The id a path parameter names: the closed conversation for resume, account A's record otherwise. */
  const urlOf = (op: OpenApiOperation) =>
    fillPath(op.path, (_p, seg) => (seg === 'conversations' && op.path.endsWith('/resume') ? closedConv : (ids[seg] ?? 'unknown-kind')));

  const send = (op: OpenApiOperation, who: Principal, url = urlOf(op), token = tokens[who]) => {
    const body = validBody(op);
    const query = op.path.includes('{') || !['public'].includes(op.access ?? '') ? '' : `?accountId=${A.accountId}`;
    return req()(op.method, `${url}${query}`, { ...(token && { token }), ...(body !== undefined && { body }) });
  };

  it('every OpenAPI operation declares its access, one of the known levels', async () => {
    const ops = await openApiOperations(t);
    expect(ops.length).toBeGreaterThan(60);
    expect(ops.filter((o) => !o.access || !(o.access in ACCESS)).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    // every level is used by some route, so none of the expectations above is dead
    expect(new Set(ops.map((o) => o.access))).toEqual(new Set(Object.keys(ACCESS)));
  });

  it('refused calls: every operation × principal that must be refused gets its 401/403/404 problem, and nothing changes', async () => {
    const ops = await openApiOperations(t);
    const before = await snapshot(t);
    const wrong: string[] = [];
    let count = 0;
    for (const op of ops) {
      const access = op.access as Access;
      const byId = op.path.includes('{');
      for (const who of PRINCIPALS) {
        const want = expected(access, who, byId, op.scope, op.bot);
        if (want === 'any' || want === 'allow') continue;
        const res = await send(op, who);
        count++;
        const code =
          res.statusCode >= 400 && String(res.headers['content-type'] ?? '').startsWith('application/problem+json')
            ? (res.json() as { code: string }).code
            : '';
        if (!want.refused.includes(res.statusCode) || code !== REFUSAL_CODE[res.statusCode])
          wrong.push(`${op.method} ${op.path} as ${who}: want ${want.refused.join('|')}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(count).toBeGreaterThan(500);
    expect(await snapshot(t)).toEqual(before);
  });

  it('public and provider routes answer every principal alike: the token is never looked at', async () => {
    const ops = (await openApiOperations(t)).filter((o) => o.access === 'public' || o.access === 'provider');
    const differ: string[] = [];
    for (const op of ops) {
      if (op.path === '/api/v1/auth/login' || op.path === '/api/v1/consumer/session') continue; // they create rows; below
      const answers = new Set<number>();
      for (const who of PRINCIPALS) answers.add((await send(op, who)).statusCode);
      if (answers.size !== 1) differ.push(`${op.method} ${op.path}: ${[...answers].join(', ')}`);
      if (op.access === 'provider') expect([...answers][0], `${op.method} ${op.path} without a signature`).toBeGreaterThanOrEqual(400);
    }
    expect(differ).toEqual([]);
    for (const who of PRINCIPALS) {
      const res = await req()('POST', '/api/v1/consumer/session', {
        body: { accountId: A.accountId, name: 'Anyone' },
        ...(tokens[who] && { token: tokens[who] }),
      });
      expect(res.statusCode, who).toBe(201);
    }
  });

  it('allowed reads: every GET answers each principal its access allows with something other than a refusal', async () => {
    const ops = (await openApiOperations(t)).filter((o) => o.method === 'GET' && o.access !== 'public' && o.access !== 'provider');
    const wrong: string[] = [];
    for (const op of ops) {
      for (const who of PRINCIPALS) {
        if (expected(op.access as Access, who, op.path.includes('{'), op.scope, op.bot) !== 'allow') continue;
        const res = await send(op, who);
        if (isRefusal(res)) wrong.push(`${op.method} ${op.path} as ${who}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  describe('socket events', () => {
    const AGENT_SOCKETS: Principal[] = ['agentWithoutSkill', 'agentWithSkill', 'assignedAgent', 'manager', 'otherAccountAgent', 'otherAccountManager'];
    const CONSUMER_SOCKETS: Principal[] = ['consumer', 'otherConsumer'];

    it('each namespace accepts only its own kind of live token: every other principal is refused at the handshake', async () => {
      const wrong: string[] = [];
      for (const ns of Object.keys(CLIENT_EVENTS) as ('/agent' | '/consumer')[]) {
        const may = ns === '/agent' ? AGENT_SOCKETS : CONSUMER_SOCKETS;
        for (const who of PRINCIPALS) {
          const token = tokens[who];
          // the token under both handshake keys: neither lets the wrong kind in
          for (const key of ['token', 'consumerToken']) {
            const got = await tryConnect(t.url, ns, token ? { [key]: token } : {});
            const ok = may.includes(who) && key === (ns === '/agent' ? 'token' : 'consumerToken');
            if (got !== (ok ? 'connected' : 'unauthorized')) wrong.push(`${ns} as ${who} (${key}): ${got}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it('typing (conversation:act): relayed to the consumer for the assigned agent and a manager only', async () => {
      expect(Object.keys(CLIENT_EVENTS['/agent'])).toContain('typing');
      expect((await req()('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'online' } })).statusCode).toBe(200);
      const conv = await jo.open({ skill: 'Sales', text: 'typing test' });
      await t.routingIdle();
      const consumer = io(`${t.url}/consumer`, { auth: { consumerToken: jo.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      const seen: { conversationId: string; agent: { displayName: string } }[] = [];
      consumer.on('typing', (e) => seen.push(e));
      await new Promise<void>((resolve) => consumer.once('hello', () => resolve()));
      const answers: Record<string, unknown> = {};
      for (const who of AGENT_SOCKETS) {
        const s = io(`${t.url}/agent`, { auth: { token: tokens[who] }, transports: ['websocket'], reconnection: false, forceNew: true });
        await new Promise<void>((resolve) => s.once('hello', () => resolve()));
        answers[who] = await s.timeout(5000).emitWithAck('typing', { conversationId: conv.id });
        s.close();
      }
      expect(answers).toEqual({
        agentWithoutSkill: { ok: false, code: 'forbidden' },
        agentWithSkill: { ok: false, code: 'forbidden' },
        assignedAgent: { ok: true },
        manager: { ok: true },
        otherAccountAgent: { ok: false, code: 'not_found' },
        otherAccountManager: { ok: false, code: 'not_found' },
      });
      // acknowledged after the relay: whatever was relayed has been sent before the last answer
      await new Promise<void>((resolve) => consumer.emit('sync', { afterSeq: 0 }, () => resolve()));
      expect(seen.map((e) => e.agent.displayName).sort()).toEqual(['Alice', 'boss']);
      consumer.close();
    });

    it('sync (own stream): replays only the listener’s own events, whoever asks', async () => {
      const mine = [openConv, closedConv, jo.consumerId];
      for (const who of [...AGENT_SOCKETS, ...CONSUMER_SOCKETS]) {
        const l: Listener = await connect(t.url, CONSUMER_SOCKETS.includes(who) ? '/consumer' : '/agent', tokens[who] as string);
        const replayed: string[] = [];
        l.socket.on('event', (e) => replayed.push(JSON.stringify(e.data)));
        const ack = await l.socket.timeout(5000).emitWithAck('sync', { afterSeq: 0 });
        expect(ack, who).toEqual({ ok: true });
        const sees = mine.some((id) => replayed.some((d) => d.includes(id)));
        // Jo's conversations are Jo's, alice's (assigned) and the manager's only
        expect(sees, who).toBe(['consumer', 'assignedAgent', 'manager'].includes(who));
        l.close();
      }
    });

    it('a role change applies to sockets already open: a demoted manager stops getting dashboard cues at once, a promoted agent starts', async () => {
      const mia = await A.agent('mia', { role: 'manager', skills: [], online: false });
      const boss = await connect(t.url, '/agent', A.manager.token);
      const miaSocket = await connect(t.url, '/agent', mia.token);
      const cues = { boss: 0, mia: 0 };
      boss.socket.on('dashboard.changed', () => cues.boss++);
      miaSocket.socket.on('dashboard.changed', () => cues.mia++);
      /** A dashboard cue (a consumer message): how many cues each socket got from it. */
      const cue = async () => {
        const before = { ...cues };
        expect((await jo.send(openConv, `cue ${before.boss}`)).statusCode).toBe(201);
        await expect.poll(() => cues.boss, { timeout: 5000 }).toBeGreaterThan(before.boss);
        return { boss: cues.boss - before.boss, mia: cues.mia - before.mia };
      };
      const asManager = await cue();
      expect(asManager.mia).toBe(asManager.boss);

      expect((await req()('PATCH', `/api/v1/users/${mia.id}`, { token: A.manager.token, body: { role: 'agent' } })).statusCode).toBe(200);
      expect((await cue()).mia).toBe(0);

      expect((await req()('PATCH', `/api/v1/users/${mia.id}`, { token: A.manager.token, body: { role: 'manager' } })).statusCode).toBe(200);
      expect((await cue()).mia).toBeGreaterThan(0);

      // deactivated: the open socket is dropped
      const dropped = new Promise<void>((resolve) => miaSocket.socket.once('disconnect', () => resolve()));
      expect((await req()('PATCH', `/api/v1/users/${mia.id}`, { token: A.manager.token, body: { active: false } })).statusCode).toBe(200);
      await dropped;
      boss.close();
    });
  });

  it('allowed changes: every write answers each principal its access allows with something other than a refusal', async () => {
    const ops = (await openApiOperations(t)).filter((o) => o.method !== 'GET' && o.access !== 'public' && o.access !== 'provider');
    // the ones that end a principal's work or remove records run last
    const last = (o: OpenApiOperation) => (o.path.endsWith('/handover') || o.path.endsWith('/logout') ? 2 : o.method === 'DELETE' ? 1 : 0);
    ops.sort((a, b) => last(a) - last(b));
    const wrong: string[] = [];
    for (const op of ops) {
      for (const who of PRINCIPALS) {
        if (expected(op.access as Access, who, op.path.includes('{'), op.scope, op.bot) !== 'allow') continue;
        // a conversation of its own for each call (a close or transfer must not change the next one's rights)
        let url = urlOf(op);
        if (op.path.startsWith('/api/v1/conversations/{id}') && !op.path.endsWith('/resume') && op.access === 'conversation:act') {
          const fresh = await jo.open({ skill: 'Sales', text: `for ${op.method} ${op.path}` });
          await t.routingIdle();
          url = url.replace(openConv, fresh.id);
        }
        // a webhook of its own for each removal (the manager and a webhooks:manage key both may)
        if (op.method === 'DELETE' && op.path === '/api/v1/webhooks/{id}') {
          const fresh = await req()('POST', '/api/v1/webhooks', { token: A.manager.token, body: { url: 'http://127.0.0.1:9/x', events: ['message.created'] } });
          url = url.replace(ids.webhooks ?? '', fresh.json().id);
        }
        // a bot of its own for each removal (the manager and a bots key both may)
        if (op.method === 'DELETE' && op.path === '/api/v1/bots/{id}') {
          const fresh = await req()('POST', '/api/v1/bots', { token: A.manager.token, body: { name: 'Removed', url: 'http://127.0.0.1:9/x', skillIds: [] } });
          url = url.replace(ids.bots ?? '', fresh.json().id);
        }
        if (op.path.startsWith('/api/v1/consumer/conversations/{id}')) {
          const fresh = await jo.open({ skill: 'Sales', text: `for ${op.method} ${op.path}` });
          await t.routingIdle();
          url = url.replace(openConv, fresh.id);
        }
        // a fresh token of the same user, so signing out does not end the principal's other calls
        const token =
          who === 'consumer' || who === 'otherConsumer' || who === 'botKey' || KEYS.includes(who as ApiKeyPrincipal) ? tokens[who] : await freshToken(who);
        const res = await send(op, who, url, token);
        if (isRefusal(res) || res.statusCode >= 500) wrong.push(`${op.method} ${op.path} as ${who}: ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  async function freshToken(who: Principal): Promise<string> {
    const user: Partial<Record<Principal, [string, string]>> = {
      agentWithoutSkill: [A.accountId, 'dave'],
      agentWithSkill: [A.accountId, 'carol'],
      assignedAgent: [A.accountId, 'alice'],
      manager: [A.accountId, A.manager.username],
      otherAccountAgent: [B.accountId, 'bob'],
      otherAccountManager: [B.accountId, B.manager.username],
    };
    const u = user[who];
    if (!u) throw new Error(`no user for ${who}`);
    return login(t, u[0], u[1]);
  }
});
