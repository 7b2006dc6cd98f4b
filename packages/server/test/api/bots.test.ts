import type { AuditEntry, Message, Note } from '@parley/contract';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { type StubServer, startStubServer } from '../stub-server.js';
import { expectProblem } from './support.js';

type Turn = {
  id: string;
  ts: string;
  sig: string;
  body: string;
  json: { type: string; timestamp: string; data: { conversationId: string; message: Message; consumer: { id: string; name: string } } };
};
type CreatedBot = { id: string; key: string; secret: string; name: string; skillIds: string[]; timeoutSec: number; keyPrefix: string };

describe.each(dialects)('bots on %s', (dialect) => {
  let t: TestApp;
  let stub: StubServer;
  let A: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    stub = await startStubServer();
  });
  afterAll(async () => {
    await t?.stop();
    await stub?.close();
  });
  beforeEach(async () => {
    stub.requests.length = 0;
    stub.handle = (_req, res) => res.end('ok');
    // The fake clock at real time, so the library's timestamp tolerance (5 minutes) holds.
    t.clock.set(Date.now());
    A = await makeAccount(t);
    alice = await A.agent('alice', { skills: ['Sales', 'Support'] });
    jo = await A.consumer({ name: 'Jo' });
  });
  const req = () => http(t);
  const createBot = async (body: Record<string, unknown> = {}) => {
    const r = await req()('POST', '/api/v1/bots', {
      token: A.manager.token,
      body: { name: 'FAQ bot', url: `${stub.url}/bot`, skillIds: [A.skills.Sales], ...body },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CreatedBot;
  };
  const turns = (): Turn[] =>
    stub.requests.map((r) => ({
      id: String(r.headers['webhook-id']),
      ts: String(r.headers['webhook-timestamp']),
      sig: String(r.headers['webhook-signature']),
      body: r.body,
      json: JSON.parse(r.body),
    }));
  const details = async (id: string) => (await req()('GET', `/api/v1/conversations/${id}`, { token: A.manager.token })).json();
  const transcriptOf = async (id: string, token: string) => (await req()('GET', `/api/v1/conversations/${id}/messages`, { token })).json().items as Message[];
  const notesOf = async (id: string, token: string) => (await req()('GET', `/api/v1/conversations/${id}/notes`, { token })).json().items as Note[];
  const activeIds = async (a: AgentHandle) =>
    ((await req()('GET', '/api/v1/workspace/active', { token: a.token })).json().items as { id: string }[]).map((i) => i.id);
  const botSays = (bot: CreatedBot, conversationId: string, text: string) =>
    req()('POST', `/api/v1/conversations/${conversationId}/messages`, { token: bot.key, body: { text, clientMessageId: `bot-${text}` } });
  const daily = async () => (await req()('GET', '/api/v1/reports/daily', { token: A.manager.token })).json().bots;

  it('registers a bot: key and secret once, audit-logged; refuses unknown skills, a skill another bot takes, bad input', async () => {
    const bot = await createBot({ timeoutSec: 45 });
    expect(bot.key).toMatch(/^pk_/);
    expect(bot.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(bot).toMatchObject({ name: 'FAQ bot', skillIds: [A.skills.Sales], timeoutSec: 45, keyPrefix: bot.key.slice(0, 10) });
    const list = (await req()('GET', '/api/v1/bots', { token: A.manager.token })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty('key');
    expect(list.items[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(list)).not.toContain(bot.secret);
    // the bot's key is the bot's: not among the API keys of the API keys screen
    expect((await req()('GET', '/api/v1/api-keys', { token: A.manager.token })).json().items).toEqual([]);

    const post = (body: Record<string, unknown>) => req()('POST', '/api/v1/bots', { token: A.manager.token, body });
    expectProblem(await post({ name: 'X', url: `${stub.url}/x`, skillIds: ['nope'] }), 400, 'invalid_request');
    expectProblem(await post({ name: 'X', url: `${stub.url}/x`, skillIds: [A.skills.Sales] }), 409, 'conflict');
    expectProblem(await post({ name: '', url: `${stub.url}/x`, skillIds: [] }), 400, 'invalid_request');
    expectProblem(await post({ name: 'X', url: 'ftp://example.com', skillIds: [] }), 400, 'invalid_request');
    expectProblem(await post({ name: 'X', url: `${stub.url}/x`, skillIds: [], timeoutSec: 0 }), 400, 'invalid_request');
    expect((await req()('GET', '/api/v1/bots', { token: A.manager.token })).json().items).toHaveLength(1);

    const patched = await req()('PATCH', `/api/v1/bots/${bot.id}`, { token: A.manager.token, body: { skillIds: [A.skills.Support], timeoutSec: 20 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ skillIds: [A.skills.Support], timeoutSec: 20 });
    expectProblem(await req()('PATCH', `/api/v1/bots/${bot.id}`, { token: A.manager.token, body: { skillIds: ['nope'] } }), 400, 'invalid_request');
    expectProblem(await req()('PATCH', `/api/v1/bots/${bot.id}`, { token: A.manager.token, body: { colour: 'red' } }), 400, 'invalid_request');
    expect((await req()('DELETE', `/api/v1/bots/${bot.id}`, { token: A.manager.token })).statusCode).toBe(204);
    expectProblem(await req()('DELETE', `/api/v1/bots/${bot.id}`, { token: A.manager.token }), 404, 'not_found');
    expect((await req()('GET', '/api/v1/bots', { token: A.manager.token })).json().items).toEqual([]);

    const audit = (await req()('GET', '/api/v1/audit?limit=200', { token: A.manager.token })).json().items as AuditEntry[];
    const actions = audit.filter((e) => e.targetId === bot.id).map((e) => e.action);
    expect(actions.sort()).toEqual(['bot.created', 'bot.deleted', 'bot.updated']);
    expect(JSON.stringify(audit)).not.toContain(bot.secret);
    // an agent may not manage bots
    expectProblem(await req()('GET', '/api/v1/bots', { token: alice.token }), 403, 'forbidden');
  });

  it('the bot answers: it takes the new conversation (no agent gets it), gets each consumer message signed, and its answers show as the bot’s', async () => {
    const bot = await createBot();
    const conv = await jo.open({ skill: 'Sales', text: 'What are your opening hours?' });
    expect(conv.state).toBe('open');
    await t.routingIdle();
    expect(await activeIds(alice)).toEqual([]);
    const consumerView = (await req()('GET', `/api/v1/consumer/conversations/${conv.id}`, { token: jo.token })).json();
    expect(consumerView).toMatchObject({ state: 'open', agent: { id: bot.id, displayName: 'FAQ bot' }, queuePosition: null });
    expect((await details(conv.id)).bot).toEqual({ id: bot.id, name: 'FAQ bot', status: 'handling' });

    // the turn is a durable job: sent when the runner gets to it
    expect(stub.requests).toHaveLength(0);
    await t.advance(0);
    const [first] = turns();
    expect(first?.json).toMatchObject({
      type: 'bot.message',
      data: { conversationId: conv.id, message: { senderType: 'consumer', text: 'What are your opening hours?' }, consumer: { id: jo.consumerId, name: 'Jo' } },
    });
    const verified = new Verifier(bot.secret).verify(first?.body ?? '', {
      'webhook-id': first?.id ?? '',
      'webhook-timestamp': first?.ts ?? '',
      'webhook-signature': first?.sig ?? '',
    });
    expect(verified).toMatchObject({ type: 'bot.message' });

    const answer = await botSays(bot, conv.id, 'We are open 9 to 5.');
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json()).toMatchObject({ senderType: 'bot', senderId: bot.id, senderName: 'FAQ bot', text: 'We are open 9 to 5.' });
    // the same clientMessageId again: the same message
    const again = await botSays(bot, conv.id, 'We are open 9 to 5.');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(answer.json().id);

    expect((await jo.send(conv.id, 'And on Sunday?')).statusCode).toBe(201);
    await t.advance(0);
    expect(turns().map((x) => x.json.data.message.text)).toEqual(['What are your opening hours?', 'And on Sunday?']);
    expect(new Set(turns().map((x) => x.id)).size).toBe(2);
    expect((await botSays(bot, conv.id, 'Closed on Sundays.')).statusCode).toBe(201);

    const forConsumer = (await req()('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token })).json().items as Message[];
    expect(forConsumer.filter((m) => m.senderType === 'bot').map((m) => [m.senderName, m.text])).toEqual([
      ['FAQ bot', 'We are open 9 to 5.'],
      ['FAQ bot', 'Closed on Sundays.'],
    ]);
    // nobody else writes while the bot has it
    expectProblem(
      await req()('POST', `/api/v1/conversations/${conv.id}/messages`, { token: A.manager.token, body: { text: 'me too', clientMessageId: 'm1' } }),
      409,
      'conflict',
    );
    // contained: the consumer leaves satisfied
    expect((await req()('POST', `/api/v1/consumer/conversations/${conv.id}/close`, { token: jo.token })).statusCode).toBe(200);
    expect((await details(conv.id)).bot.status).toBe('contained');
    expect(await daily()).toMatchObject({
      handled: 1,
      contained: 1,
      escalated: 0,
      byBot: [{ id: bot.id, name: 'FAQ bot', handled: 1, contained: 1, escalated: 0 }],
    });
    // the bot cannot write in it any more
    expectProblem(await botSays(bot, conv.id, 'still here?'), 409, 'conflict');
  });

  it('escalates with a note: the conversation queues for agents, the agent sees the bot’s part and the note; the bot’s part ends', async () => {
    const bot = await createBot();
    const conv = await jo.open({ skill: 'Sales', text: 'hello' });
    await t.advance(0);
    expect((await botSays(bot, conv.id, 'Hi! Ask me anything.')).statusCode).toBe(201);
    expect((await jo.send(conv.id, 'I want a human')).statusCode).toBe(201);
    const esc = await req()('POST', `/api/v1/conversations/${conv.id}/escalate`, { token: bot.key, body: { note: 'Asked for a human about a refund.' } });
    expect(esc.statusCode, esc.body).toBe(200);
    expect(esc.json()).toMatchObject({ id: conv.id, state: 'queued', skillId: A.skills.Sales });
    await t.routingIdle();
    expect(await activeIds(alice)).toEqual([conv.id]);
    const d = await details(conv.id);
    expect(d).toMatchObject({ state: 'open', agentId: alice.id, actionable: true, unread: 2, bot: { id: bot.id, status: 'escalated' } });

    const seen = await transcriptOf(conv.id, alice.token);
    expect(seen.map((m) => [m.senderType, m.senderName ?? null, m.text])).toEqual([
      ['consumer', null, 'hello'],
      ['bot', 'FAQ bot', 'Hi! Ask me anything.'],
      ['consumer', null, 'I want a human'],
    ]);
    const notes = await notesOf(conv.id, alice.token);
    expect(notes).toEqual([expect.objectContaining({ authorId: bot.id, authorName: 'FAQ bot', authorType: 'bot', text: 'Asked for a human about a refund.' })]);
    const txt = (await req()('GET', `/api/v1/conversations/${conv.id}/transcript.txt`, { token: alice.token })).body;
    expect(txt).toContain('FAQ bot');
    // the bot has let go: it can neither write nor escalate again; later consumer messages do not reach it
    expectProblem(await botSays(bot, conv.id, 'one more thing'), 409, 'conflict');
    expectProblem(await req()('POST', `/api/v1/conversations/${conv.id}/escalate`, { token: bot.key, body: {} }), 409, 'conflict');
    const before = stub.requests.length;
    expect((await jo.send(conv.id, 'are you there?')).statusCode).toBe(201);
    await t.advance(0);
    expect(stub.requests).toHaveLength(before);
    expect(
      (await req()('POST', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token, body: { text: 'Alice here', clientMessageId: 'a1' } }))
        .statusCode,
    ).toBe(201);
    expect(await daily()).toMatchObject({ handled: 1, contained: 0, escalated: 1 });
    const audit = (await req()('GET', '/api/v1/audit?action=conversation.escalated', { token: A.manager.token })).json().items as AuditEntry[];
    expect(audit).toEqual([expect.objectContaining({ actorType: 'api_key', targetId: conv.id, details: expect.objectContaining({ reason: 'bot' }) })]);
  });

  it('escalates to another skill or an agent; bad targets change nothing', async () => {
    const bot = await createBot();
    const conv = await jo.open({ skill: 'Sales', text: 'hello' });
    const esc = (body: Record<string, unknown>) => req()('POST', `/api/v1/conversations/${conv.id}/escalate`, { token: bot.key, body });
    expectProblem(await esc({ skillId: 'nope' }), 400, 'invalid_request');
    expectProblem(await esc({ skillId: A.skills.Support, agentId: alice.id }), 400, 'invalid_request');
    expectProblem(await esc({ note: '' }), 400, 'invalid_request');
    expectProblem(await esc({ priority: 1 }), 400, 'invalid_request');
    expect((await details(conv.id)).bot.status).toBe('handling');
    const r = await esc({ skillId: A.skills.Support });
    expect(r.json()).toMatchObject({ state: 'queued', skillId: A.skills.Support });
    await t.routingIdle();
    expect(await details(conv.id)).toMatchObject({ skillId: A.skills.Support, agentId: alice.id });
    expect(await notesOf(conv.id, alice.token)).toEqual([]);
  });

  it('silent: a bot that takes the message but does not answer within timeoutSec escalates by itself (the durable timer)', async () => {
    const bot = await createBot({ timeoutSec: 30 });
    const conv = await jo.open({ skill: 'Sales', text: 'anyone?' });
    await t.advance(0);
    expect(stub.requests).toHaveLength(1);
    await t.advance(29_000);
    expect((await details(conv.id)).bot.status).toBe('handling');
    await t.advance(1_000);
    const d = await details(conv.id);
    expect(d).toMatchObject({ agentId: alice.id, bot: { status: 'escalated' } });
    expect(await activeIds(alice)).toEqual([conv.id]);
    expect((await notesOf(conv.id, alice.token)).map((n) => n.text)).toEqual(['FAQ bot did not answer within 30 s: handed over automatically.']);
    const audit = (await req()('GET', '/api/v1/audit?action=conversation.escalated', { token: A.manager.token })).json().items as AuditEntry[];
    expect(audit).toEqual([expect.objectContaining({ actorType: 'system', details: expect.objectContaining({ reason: 'timeout' }) })]);
    // an answer in time keeps it: a second conversation where the bot answers is not escalated
    const jane = await A.consumer({ name: 'Jane' });
    const other = await jane.open({ skill: 'Sales', text: 'hi' });
    await t.advance(10_000);
    expect((await botSays(bot, other.id, 'Hello Jane')).statusCode).toBe(201);
    await t.advance(60_000);
    expect((await details(other.id)).bot.status).toBe('handling');
    expect(await daily()).toMatchObject({ handled: 2, escalated: 1 });
  });

  it('fails: a bot whose URL keeps failing escalates once its short retry budget is spent', async () => {
    await createBot({ timeoutSec: 3600 });
    stub.handle = (_req, res) => {
      res.statusCode = 500;
      res.end('down');
    };
    const conv = await jo.open({ skill: 'Sales', text: 'hello?' });
    await t.advance(0);
    for (let i = 0; i < 3 && (await details(conv.id)).bot.status === 'handling'; i++) await t.advance(5_000);
    expect(stub.requests).toHaveLength(3);
    // the same turn each attempt (same webhook-id)
    expect(new Set(turns().map((x) => x.id)).size).toBe(1);
    const d = await details(conv.id);
    expect(d).toMatchObject({ agentId: alice.id, bot: { status: 'escalated' } });
    expect((await notesOf(conv.id, alice.token)).map((n) => n.text)).toEqual(['FAQ bot could not be reached: handed over automatically.']);
  });

  it('times out: a bot URL that never answers counts as a failure (each attempt bounded by the reply time)', async () => {
    await createBot({ timeoutSec: 1 });
    stub.handle = () => {
      // never answers
    };
    const conv = await jo.open({ skill: 'Sales', text: 'hello?' });
    // the reply timer (1 s) and the hanging request: the conversation escalates either way
    await t.advance(1_000);
    await t.advance(1_000);
    expect((await details(conv.id)).bot.status).toBe('escalated');
    await t.routingIdle();
    expect(await activeIds(alice)).toEqual([conv.id]);
  });

  it('a manager may take a conversation from the bot; deleting a bot escalates what it has and stops its key', async () => {
    const bot = await createBot();
    const one = await jo.open({ skill: 'Sales', text: 'one' });
    const taken = await req()('POST', `/api/v1/conversations/${one.id}/escalate`, { token: A.manager.token, body: { note: 'I take this one' } });
    expect(taken.statusCode, taken.body).toBe(200);
    expect(await notesOf(one.id, A.manager.token)).toEqual([expect.objectContaining({ authorId: A.manager.id, text: 'I take this one' })]);
    // an agent of its skill who does not have it may not
    const jane = await A.consumer({ name: 'Jane' });
    const two = await jane.open({ skill: 'Sales', text: 'two' });
    expectProblem(await req()('POST', `/api/v1/conversations/${two.id}/escalate`, { token: alice.token, body: {} }), 403, 'forbidden');
    // a conversation no bot has: 409
    const plain = await (await A.consumer({ name: 'Pat' })).open({ skill: 'Support', text: 'support' });
    expectProblem(await req()('POST', `/api/v1/conversations/${plain.id}/escalate`, { token: A.manager.token, body: {} }), 409, 'conflict');

    expect((await req()('DELETE', `/api/v1/bots/${bot.id}`, { token: A.manager.token })).statusCode).toBe(204);
    await t.routingIdle();
    expect(await details(two.id)).toMatchObject({ agentId: alice.id, bot: { status: 'escalated', name: 'FAQ bot' } });
    expect((await notesOf(two.id, alice.token)).map((n) => n.text)).toEqual(['FAQ bot was removed: handed over automatically.']);
    expectProblem(await botSays(bot, two.id, 'hi'), 401, 'unauthorized');
    // new conversations of the skill go to agents again
    const three = await (await A.consumer({ name: 'Kim' })).open({ skill: 'Sales', text: 'three' });
    expect((await details(three.id)).bot).toBeNull();
  });

  it('the bot’s key: only its own conversations, predefined content and nothing else; the `bots` scope manages bots', async () => {
    const bot = await createBot();
    const mine = await jo.open({ skill: 'Sales', text: 'mine' });
    const notMine = await (await A.consumer({ name: 'Pat' })).open({ skill: 'Support', text: 'not mine' });
    const as = (method: string, url: string, body?: unknown) => req()(method, url, { token: bot.key, ...(body !== undefined && { body }) });
    expect((await as('GET', `/api/v1/conversations/${mine.id}/messages`)).statusCode).toBe(200);
    expectProblem(await as('GET', `/api/v1/conversations/${notMine.id}/messages`), 404, 'not_found');
    expectProblem(await as('POST', `/api/v1/conversations/${notMine.id}/messages`, { text: 'x', clientMessageId: 'x' }), 404, 'not_found');
    expectProblem(await as('POST', `/api/v1/conversations/${notMine.id}/escalate`, {}), 404, 'not_found');
    expect((await as('GET', '/api/v1/content')).statusCode).toBe(200);
    for (const [m, u] of [
      ['GET', '/api/v1/bots'],
      ['GET', '/api/v1/skills'],
      ['GET', `/api/v1/conversations/${mine.id}`],
      ['POST', `/api/v1/conversations/${mine.id}/close`],
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/reports/live'],
    ] as const) {
      expectProblem(await as(m, u, m === 'POST' ? {} : undefined), 403, 'forbidden');
    }
    // a bot sends text, not files
    const botsKey = (await req()('POST', '/api/v1/api-keys', { token: A.manager.token, body: { name: 'ops', scopes: ['bots'] } })).json().key as string;
    const writeKey = (await req()('POST', '/api/v1/api-keys', { token: A.manager.token, body: { name: 'crm', scopes: ['conversations:write'] } })).json()
      .key as string;
    const made = await req()('POST', '/api/v1/bots', { token: botsKey, body: { name: 'Second', url: `${stub.url}/2`, skillIds: [A.skills.Support] } });
    expect(made.statusCode, made.body).toBe(201);
    expectProblem(await req()('POST', '/api/v1/bots', { token: writeKey, body: { name: 'X', url: `${stub.url}/3`, skillIds: [] } }), 403, 'forbidden');
    const audit = (await req()('GET', '/api/v1/audit?action=bot.created', { token: A.manager.token })).json().items as AuditEntry[];
    expect(audit.find((e) => e.targetId === made.json().id)).toMatchObject({ actorType: 'api_key' });
    // another account's manager sees none of it
    const B = await makeAccount(t);
    expectProblem(await req()('GET', `/api/v1/bots/${bot.id}`, { token: B.manager.token }), 404, 'not_found');
    expectProblem(await req()('POST', `/api/v1/conversations/${mine.id}/escalate`, { token: B.manager.token, body: {} }), 404, 'not_found');
  });

  it('a bot URL on a refused address is refused when saved', async () => {
    const prod = await startTestApp(dialect, { outboundAllow: [] });
    try {
      const P = await makeAccount(prod);
      const r = await http(prod)('POST', '/api/v1/bots', { token: P.manager.token, body: { name: 'X', url: 'http://127.0.0.1:9/bot', skillIds: [] } });
      expectProblem(r, 400, 'outbound_address_refused');
    } finally {
      await prod.stop();
    }
  });
});
