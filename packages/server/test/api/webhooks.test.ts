import type { AuditEntry } from '@parley/contract';
import { sql } from 'kysely';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { type StubServer, startStubServer } from '../stub-server.js';
import { expectProblem } from './support.js';

type Received = { id: string; ts: string; sig: string; body: string; json: { type: string; timestamp: string; data: Record<string, unknown> } };
type Delivery = { id: string; type: string; status: string; attempts: number; lastResponseCode: number | null; conversationId: string | null };

describe.each(dialects)('webhooks on %s', (dialect) => {
  let t: TestApp;
  let stub: StubServer;
  let A: AccountHandle;
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
  });
  const req = () => http(t);
  const create = async (body: Record<string, unknown>) => {
    const r = await req()('POST', '/api/v1/webhooks', { token: A.manager.token, body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; secret: string; active: boolean };
  };
  const received = (): Received[] =>
    stub.requests.map((r) => ({
      id: String(r.headers['webhook-id']),
      ts: String(r.headers['webhook-timestamp']),
      sig: String(r.headers['webhook-signature']),
      body: r.body,
      json: JSON.parse(r.body),
    }));
  const deliveries = async (id: string): Promise<Delivery[]> => {
    const r = await req()('GET', `/api/v1/webhooks/${id}/deliveries?limit=200`, { token: A.manager.token });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items;
  };

  it('signed deliveries the standardwebhooks library verifies, for the events subscribed to, in order', async () => {
    const hook = await create({ url: `${stub.url}/hook`, events: ['message.created', 'conversation.closed'] });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const alice = await A.agent('alice');
    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'first' });
    await t.routingIdle();
    expect((await jo.send(conv.id, 'second')).statusCode).toBe(201);
    // the outbox: the deliveries exist as soon as the events were committed, before anything was sent
    expect((await deliveries(hook.id)).every((d) => d.status === 'pending')).toBe(true);
    expect(stub.requests).toHaveLength(0);
    expect((await req()('POST', `/api/v1/conversations/${conv.id}/close`, { token: alice.token })).statusCode).toBe(200);
    await t.advance(0);

    const got = received();
    const verifier = new Verifier(hook.secret);
    for (const g of got) {
      const payload = verifier.verify(g.body, { 'webhook-id': g.id, 'webhook-timestamp': g.ts, 'webhook-signature': g.sig }) as Received['json'];
      expect(payload.type).toBe(g.json.type);
      expect(Date.parse(payload.timestamp)).not.toBeNaN();
    }
    expect(() =>
      new Verifier(`whsec_${Buffer.from('another secret key!!').toString('base64')}`).verify(got[0]?.body ?? '', {
        'webhook-id': got[0]?.id ?? '',
        'webhook-timestamp': got[0]?.ts ?? '',
        'webhook-signature': got[0]?.sig ?? '',
      }),
    ).toThrow();
    const texts = got.filter((g) => g.json.type === 'message.created').map((g) => g.json.data.text);
    expect(texts.slice(0, 2)).toEqual(['first', 'second']);
    expect(got.at(-1)?.json).toMatchObject({ type: 'conversation.closed', data: { id: conv.id, state: 'closed' } });
    // once each (an event goes to several recipients, the webhook gets it once)
    expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(got.length);
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.lastResponseCode === 200 && d.conversationId === conv.id)).toBe(true);
  });

  it('a change to a webhook applies to the very next event (the subscriptions are read through a cache)', async () => {
    const hook = await create({ url: `${stub.url}/hook`, events: ['conversation.closed'] });
    await A.agent('alice');
    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'first' });
    await t.routingIdle();
    expect(await deliveries(hook.id)).toHaveLength(0); // message.created is not subscribed (and the subscriptions are now cached)
    const patch = await req()('PATCH', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token, body: { events: ['message.created'] } });
    expect(patch.statusCode, patch.body).toBe(200);
    await jo.send(conv.id, 'second'); // no clock advance: the cache has not expired, the PATCH dropped it
    expect((await deliveries(hook.id)).map((d) => d.type)).toEqual(['message.created']);
    const off = await req()('PATCH', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token, body: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    await jo.send(conv.id, 'third');
    expect(await deliveries(hook.id)).toHaveLength(1);
    const other = await create({ url: `${stub.url}/other`, events: ['message.created'] });
    await jo.send(conv.id, 'fourth');
    expect(await deliveries(other.id)).toHaveLength(1);
    await t.advance(0); // sent now, not during the next test; the turned-off webhook's delivery waits
    expect(stub.requests.map((r) => r.url)).toEqual(['/other']);
  });

  it('conversation.created, .assigned, .transferred and .closed, in the order they happened', async () => {
    const hook = await create({ url: stub.url, events: ['conversation.created', 'conversation.assigned', 'conversation.transferred', 'conversation.closed'] });
    const alice = await A.agent('alice', { skills: ['Sales'] });
    const bob = await A.agent('bob', { skills: ['Sales'] });
    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'hello' });
    await t.routingIdle();
    const first = (await req()('GET', `/api/v1/conversations/${conv.id}`, { token: A.manager.token })).json().agent?.id ?? null;
    const holder = first === bob.id ? bob : alice;
    const other = holder === bob ? alice : bob;
    const tr = await req()('POST', `/api/v1/conversations/${conv.id}/transfer`, { token: holder.token, body: { agentId: other.id } });
    expect(tr.statusCode, tr.body).toBe(200);
    await t.routingIdle();
    expect((await req()('POST', `/api/v1/conversations/${conv.id}/close`, { token: A.manager.token })).statusCode).toBe(200);
    await t.advance(0);
    const got = received().map((g) => g.json);
    const types = got.map((g) => g.type);
    expect(types[0]).toBe('conversation.created');
    expect(types).toContain('conversation.assigned');
    expect(types).toContain('conversation.transferred');
    expect(types.indexOf('conversation.transferred')).toBeGreaterThan(types.indexOf('conversation.assigned'));
    expect(types.at(-1)).toBe('conversation.closed');
    expect(got.every((g) => (g.data as { id: string }).id === conv.id)).toBe(true);
    expect((await deliveries(hook.id)).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('a failed delivery is retried with the same webhook-id and holds back the conversation’s later ones; redeliver sends it again', async () => {
    const hook = await create({ url: stub.url, events: ['message.created'] });
    const jo = await A.consumer({ name: 'Jo' });
    let fail = true;
    stub.handle = (_req, res) => {
      res.statusCode = fail ? 503 : 204;
      res.end();
    };
    const conv = await jo.open({ skill: 'Sales', text: 'one' });
    expect((await jo.send(conv.id, 'two')).statusCode).toBe(201);
    await t.advance(0);
    expect(received().map((g) => g.json.data.text)).toEqual(['one']);
    let log = await deliveries(hook.id);
    const first = log.find((d) => d.attempts === 1);
    expect(first).toMatchObject({ status: 'pending', lastResponseCode: 503 });
    fail = false;
    await t.advance(60_000);
    await t.advance(0);
    const got = received();
    expect(got.map((g) => g.json.data.text)).toEqual(['one', 'one', 'two']);
    expect(got[1]?.id).toBe(got[0]?.id);
    log = await deliveries(hook.id);
    expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered']);

    const again = await req()('POST', `/api/v1/webhooks/${hook.id}/deliveries/${got[0]?.id}/redeliver`, { token: A.manager.token });
    expect(again.statusCode, again.body).toBe(200);
    await t.advance(0);
    expect(received().at(-1)?.id).toBe(got[0]?.id);
    expectProblem(await req()('POST', `/api/v1/webhooks/${hook.id}/deliveries/nope/redeliver`, { token: A.manager.token }), 404, 'not_found');
  });

  it('secret rotation: two signatures during the grace period, each verifies; one after it', async () => {
    const hook = await create({ url: stub.url, events: ['message.created'] });
    const r = await req()('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { token: A.manager.token, body: { graceSec: 3600 } });
    expect(r.statusCode, r.body).toBe(200);
    const rotated = r.json() as { secret: string; previousSecretUntil: string | null };
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.previousSecretUntil).not.toBeNull();
    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'during' });
    await t.advance(0);
    const [during] = received();
    if (!during) throw new Error('nothing delivered');
    expect(during.sig.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': during.id, 'webhook-timestamp': during.ts, 'webhook-signature': during.sig };
    expect(new Verifier(hook.secret).verify(during.body, headers)).toBeTruthy();
    expect(new Verifier(rotated.secret).verify(during.body, headers)).toBeTruthy();
    t.clock.advance(3600_000 + 1);
    expect((await jo.send(conv.id, 'after')).statusCode).toBe(201);
    await t.advance(0);
    const after = received().at(-1);
    if (!after) throw new Error('nothing delivered');
    expect(after.sig.split(' ')).toHaveLength(1);
    // the clock is an hour ahead now: check with the library's own signing rather than its freshness check
    expect(after.sig).toBe(new Verifier(rotated.secret).sign(after.id, new Date(Number(after.ts) * 1000), after.body));
  });

  it('management: URL policy, validation, PATCH, DELETE, audit, secrets never listed; API key with webhooks:manage only', async () => {
    expectProblem(
      await req()('POST', '/api/v1/webhooks', { token: A.manager.token, body: { url: 'http://10.1.2.3/hook', events: ['message.created'] } }),
      400,
      'outbound_address_refused',
    );
    expectProblem(
      await req()('POST', '/api/v1/webhooks', { token: A.manager.token, body: { url: 'ftp://example.com/', events: ['message.created'] } }),
      400,
      'invalid_request',
    );
    expectProblem(
      await req()('POST', '/api/v1/webhooks', { token: A.manager.token, body: { url: stub.url, events: ['nothing.happened'] } }),
      400,
      'invalid_request',
    );
    const alice = await A.agent('alice');
    expectProblem(await req()('POST', '/api/v1/webhooks', { token: alice.token, body: { url: stub.url, events: ['message.created'] } }), 403, 'forbidden');
    const hook = await create({ url: stub.url, events: ['message.created'], active: false });
    expect(hook.active).toBe(false);
    const list = await req()('GET', '/api/v1/webhooks', { token: A.manager.token });
    expect(JSON.stringify(list.json())).not.toContain(hook.secret);
    // stored sealed (secrets at rest), never in clear
    const { rows } = await sql<{ secret: string }>`select secret from webhooks where id = ${hook.id}`.execute(t.db.kysely);
    expect(rows[0]?.secret.startsWith('enc:v1:')).toBe(true);
    expect(rows[0]?.secret).not.toContain(hook.secret.slice(6));
    // inactive: nothing queued
    const jo = await A.consumer({ name: 'Jo' });
    await jo.open({ skill: 'Sales', text: 'quiet' });
    expect(await deliveries(hook.id)).toHaveLength(0);
    expectProblem(
      await req()('PATCH', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token, body: { url: 'http://192.168.0.1/' } }),
      400,
      'outbound_address_refused',
    );
    const patched = await req()('PATCH', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token, body: { active: true, events: ['conversation.closed'] } });
    expect(patched.json()).toMatchObject({ active: true, events: ['conversation.closed'] });
    const key = await req()('POST', '/api/v1/api-keys', { token: A.manager.token, body: { name: 'ops', scopes: ['webhooks:manage'] } });
    const k = key.json() as { id: string; key: string };
    expect((await req()('GET', `/api/v1/webhooks/${hook.id}`, { token: k.key })).statusCode).toBe(200);
    expectProblem(await req()('GET', '/api/v1/users', { token: k.key }), 403, 'forbidden');
    expect((await req()('DELETE', `/api/v1/webhooks/${hook.id}`, { token: k.key })).statusCode).toBe(204);
    expectProblem(await req()('GET', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token }), 404, 'not_found');
    const B = await makeAccount(t);
    expectProblem(await req()('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { token: B.manager.token }), 404, 'not_found');
    const audit = (await req()('GET', '/api/v1/audit?limit=200', { token: A.manager.token })).json().items as AuditEntry[];
    expect(audit.filter((e) => e.targetId === hook.id).map((e) => [e.action, e.actorType])).toEqual([
      ['webhook.deleted', 'api_key'],
      ['webhook.updated', 'user'],
      ['webhook.created', 'user'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it('gives up on a delivery after 24 h of retries; after 3 days of failures the webhook is turned off', async () => {
    const hook = await create({ url: stub.url, events: ['message.created'] });
    stub.handle = (_req, res) => {
      res.statusCode = 500;
      res.end();
    };
    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'lost cause' });
    for (let h = 0; h < 26; h++) await t.advance(3600_000);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: 'failed', lastResponseCode: 500 });
    expect(d?.attempts).toBeGreaterThan(5);
    expect(new Set(received().map((g) => g.id))).toEqual(new Set([d?.id]));
    // two more days of failures
    for (let day = 0; day < 2; day++) {
      expect((await jo.send(conv.id, `day ${day}`)).statusCode).toBe(201);
      for (let h = 0; h < 25; h++) await t.advance(3600_000);
    }
    const now = (await req()('GET', `/api/v1/webhooks/${hook.id}`, { token: A.manager.token })).json();
    expect(now).toMatchObject({ active: false, disabledReason: 'failing' });
    const audit = (await req()('GET', '/api/v1/audit?limit=200', { token: A.manager.token })).json().items as AuditEntry[];
    expect(audit.find((e) => e.action === 'webhook.disabled')).toMatchObject({ actorType: 'system', targetId: hook.id });
    // the managers are told
    const bell = (await req()('GET', '/api/v1/me/notifications', { token: A.manager.token })).json().items as { type: string; data: { webhookId: string } }[];
    expect(bell.find((n) => n.type === 'webhook.disabled')?.data.webhookId).toBe(hook.id);
  });
});
