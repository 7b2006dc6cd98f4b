import type { EventEnvelope } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect, tryConnect } from '../socket-client.js';
import { expectProblem, fillPath, openApiOperations, snapshot } from './support.js';

/** Routes as the router knows them (printRoutes' tree flattened), hidden ones included. */
function routerRoutes(t: TestApp): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const full = (stack[depth - 1] ?? '') + m[2];
    stack.length = depth;
    stack[depth] = full;
    if (m[3]) out.push({ path: full, methods: m[3].split(', ') });
  }
  return out;
}

interface Side {
  acc: AccountHandle;
  agent: AgentHandle;
  consumer: ConsumerHandle;
  openConv: string;
  closedConv: string;
  /** Ids of the other resources, by the path segment that names them. */
  kinds: Record<string, string[]>;
  /** Every id of this side that could appear in a path or a response. */
  ids: string[];
}

describe.each(dialects)('security: accounts, roles and token kinds on %s', (dialect) => {
  let t: TestApp;
  let A: Side;
  let B: Side;

  /** An account with an agent, a consumer with one closed and one open conversation (both the agent's). */
  async function side(agentName: string): Promise<Side> {
    const acc = await makeAccount(t);
    const agent = await acc.agent(agentName, { skills: ['Sales', 'Support'] });
    const consumer = await acc.consumer({ name: `${agentName}'s customer` });
    const first = await consumer.open({ skill: 'Sales', text: 'first visit' });
    const req = http(t);
    expect((await req('POST', `/api/v1/conversations/${first.id}/close`, { token: agent.token })).statusCode).toBe(200);
    const second = await consumer.open({ skill: 'Sales', text: 'second visit' });
    expect(
      (await req('POST', `/api/v1/conversations/${second.id}/messages`, { token: agent.token, body: { text: 'hello', clientMessageId: 'h1' } })).statusCode,
    ).toBe(201);
    const msgs = (await req('GET', `/api/v1/consumer/conversations/${second.id}/messages`, { token: consumer.token })).json().items as { id: string }[];
    // predefined content, an internal note and the notification its @mention leaves
    const m = acc.manager.token;
    const category = await req('POST', '/api/v1/content/categories', { token: m, body: { name: 'Greetings' } });
    expect(category.statusCode).toBe(201);
    const content = await req('POST', '/api/v1/content', { token: m, body: { categoryId: category.json().id, title: 'Hi', text: 'Hello there' } });
    expect(content.statusCode).toBe(201);
    const note = await req('POST', `/api/v1/conversations/${second.id}/notes`, { token: m, body: { text: `@${agentName} please look` } });
    expect(note.statusCode).toBe(201);
    const notifications = (await req('GET', '/api/v1/me/notifications', { token: agent.token })).json().items as { id: string }[];
    expect(notifications.length).toBeGreaterThan(0);
    const kinds = {
      categories: [category.json().id as string],
      content: [content.json().id as string],
      notifications: notifications.map((n) => n.id),
      notes: [note.json().id as string],
    };
    return {
      acc,
      agent,
      consumer,
      openConv: second.id,
      closedConv: first.id,
      kinds,
      ids: [
        acc.accountId,
        acc.manager.id,
        agent.id,
        consumer.consumerId,
        first.id,
        second.id,
        ...Object.values(acc.skills),
        ...msgs.map((x) => x.id),
        ...Object.values(kinds).flat(),
      ],
    };
  }

  /** The ids of `s` a path parameter after `segment` could name; unknown kinds get all of them. */
  function idsFor(s: Side, segment: string): string[] {
    if (segment === 'users') return [s.acc.manager.id, s.agent.id];
    if (segment === 'skills') return Object.values(s.acc.skills);
    if (segment === 'conversations' || segment === 'active') return [s.openConv, s.closedConv];
    return s.kinds[segment] ?? s.ids;
  }

  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    A = await side('alice');
    B = await side('bob');
  });
  afterAll(async () => t.stop());

  it('the OpenAPI document lists every /api/v1 route the router serves', async () => {
    const ops = await openApiOperations(t);
    const documented = new Set(ops.map((o) => `${o.method} ${o.path}`));
    const served = routerRoutes(t)
      .filter((r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json')
      .flatMap((r) => r.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').map((m) => `${m} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((s) => !documented.has(s))).toEqual([]);
  });

  it('no response to account A shows anything of account B', async () => {
    const req = http(t);
    const ops = (await openApiOperations(t)).filter((o) => o.method === 'GET');
    const leaks: string[] = [];
    for (const op of ops) {
      const url = fillPath(op.path, (_p, seg) => idsFor(A, seg)[0] ?? 'x');
      // who the route's declared access lets in (the refusals are the authorization matrix's)
      const tokens =
        op.access === 'public' || op.access === 'provider' ? [undefined] : op.access === 'consumer' ? [A.consumer.token] : [A.agent.token, A.acc.manager.token];
      for (const token of tokens) {
        // public reads are per account: ask for A's
        const r = await req('GET', token ? url : `${url}?accountId=${A.acc.accountId}`, { ...(token && { token }) });
        expect(r.statusCode, `GET ${url}`).toBeLessThan(500);
        for (const id of B.ids) if (r.body.includes(id)) leaks.push(`GET ${op.path} shows ${id}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('health, readiness and docs are public; the API root needs no token', async () => {
    const req = http(t);
    expect((await req('GET', '/healthz')).statusCode).toBe(200);
    expect((await req('GET', '/readyz')).statusCode).toBe(200);
    expect((await req('GET', '/api/v1/openapi.json')).statusCode).toBe(200);
    expect((await req('GET', '/docs')).statusCode).toBeLessThan(400);
  });

  it('within an account: another consumer gets 404; an agent of the skill reads but may not act (403); without the skill 404', async () => {
    const req = http(t);
    const other = await A.acc.consumer({ name: 'Nosy' });
    const carol = await A.acc.agent('carol', { skills: ['Sales'], online: false });
    const dave = await A.acc.agent('dave', { skills: ['Support'], online: false });
    const before = await snapshot(t);
    const conv = A.openConv;

    expectProblem(await req('GET', `/api/v1/consumer/conversations/${conv}`, { token: other.token }), 404, 'not_found');
    expectProblem(await req('GET', `/api/v1/consumer/conversations/${conv}/messages`, { token: other.token }), 404, 'not_found');
    expectProblem(await other.send(conv, 'let me in'), 404, 'not_found');
    expectProblem(await req('POST', `/api/v1/consumer/conversations/${conv}/close`, { token: other.token }), 404, 'not_found');

    expect((await req('GET', `/api/v1/conversations/${conv}`, { token: carol.token })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/conversations/${conv}/messages`, { token: carol.token })).statusCode).toBe(200);
    expectProblem(
      await req('POST', `/api/v1/conversations/${conv}/messages`, { token: carol.token, body: { text: 'mine now', clientMessageId: 'c1' } }),
      403,
      'forbidden',
    );
    expectProblem(await req('POST', `/api/v1/conversations/${conv}/close`, { token: carol.token }), 403, 'forbidden');
    expectProblem(await req('POST', `/api/v1/conversations/${conv}/read`, { token: carol.token }), 403, 'forbidden');
    expectProblem(await req('DELETE', `/api/v1/workspace/active/${A.closedConv}`, { token: carol.token }), 404, 'not_found');

    expectProblem(await req('GET', `/api/v1/conversations/${conv}`, { token: dave.token }), 404, 'not_found');
    expectProblem(await req('GET', `/api/v1/conversations/${conv}/transcript.txt`, { token: dave.token }), 404, 'not_found');
    expectProblem(await req('POST', `/api/v1/conversations/${conv}/close`, { token: dave.token }), 404, 'not_found');
    const list = (await req('GET', '/api/v1/conversations', { token: dave.token })).json().items as { id: string }[];
    expect(list.map((i) => i.id)).not.toContain(conv);

    expect(await snapshot(t)).toEqual(before);
  });

  it('realtime: sockets only hear their own account; each namespace refuses the other kind of token', async () => {
    const alice = await connect(t.url, '/agent', A.agent.token);
    const bob = await connect(t.url, '/agent', B.agent.token);
    const joA = await connect(t.url, '/consumer', A.consumer.token);
    expect((await B.consumer.send(B.openConv, 'only for bob')).statusCode).toBe(201);
    const got = await bob.next((e) => e.type === 'message.created');
    expect((got.data as { text: string }).text).toBe('only for bob');
    // an A-side event after B's: once it arrived, anything of B's would have too
    expect((await http(t)('POST', `/api/v1/conversations/${A.openConv}/read`, { token: A.agent.token })).statusCode).toBe(204);
    expect((await A.consumer.send(A.openConv, 'ping')).statusCode).toBe(201);
    await alice.next((e) => e.type === 'message.created');
    await joA.next((e) => e.type === 'message.created');
    const mentionsB = (e: EventEnvelope) => B.ids.some((id) => JSON.stringify(e.data).includes(id));
    expect(alice.events.filter(mentionsB)).toEqual([]);
    expect(joA.events.filter(mentionsB)).toEqual([]);
    alice.close();
    bob.close();
    joA.close();

    expect(await tryConnect(t.url, '/agent', { token: A.consumer.token })).toBe('unauthorized');
    expect(await tryConnect(t.url, '/agent', { consumerToken: A.consumer.token })).toBe('unauthorized');
    expect(await tryConnect(t.url, '/consumer', { consumerToken: A.agent.token })).toBe('unauthorized');
    expect(await tryConnect(t.url, '/consumer', { token: A.agent.token })).toBe('unauthorized');
  });
});
