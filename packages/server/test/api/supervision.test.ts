import type { ActiveItem, AgentPerformanceRow, LiveReport, Message, Note } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { http, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

/** The supervision view (issue 15): watching, whispering, taking over, transferring; the agent report by day. */
describe.each(dialects)('supervision on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    req = http(t);
  });
  afterAll(async () => t.stop());

  it('lists what is under way (state=open,queued,ringing) and names the conversations in the managers’ dashboard.changed cue', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'], maxConcurrent: 1 });
    const watch = await connect(t.url, '/agent', boss);
    const a = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'one' });
    const b = await (await acc.consumer({ name: 'Ann' })).open({ skill: 'Sales', text: 'two' }); // queued: alice is full
    const done = await (await acc.consumer({ name: 'Cy' })).open({ skill: 'Sales', text: 'three' });
    await t.routingIdle();
    const list = async (query: string, token = boss) => {
      const r = await req('GET', `/api/v1/conversations?${query}`, { token });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().items as ActiveItem[]).map((i) => `${i.id}:${i.state}`).sort();
    };
    expect(await list('state=open,queued,ringing')).toEqual([`${a.id}:open`, `${b.id}:queued`, `${done.id}:queued`].sort());
    expect(await list('state=queued,queued')).toEqual([`${b.id}:queued`, `${done.id}:queued`].sort());
    expect(await list(`state=open,queued&agentId=${alice.id}`)).toEqual([`${a.id}:open`]);
    expectProblem(await req('GET', '/api/v1/conversations?state=open,waiting', { token: boss }), 400, 'invalid_request');
    expectProblem(await req('GET', '/api/v1/conversations?state=,', { token: boss }), 400, 'invalid_request');

    // A message in one conversation: the cue names it, once.
    const named = new Promise<{ accountId: string; conversationIds: string[] | null }>((resolve) => {
      const on = (cue: { accountId: string; conversationIds: string[] | null }) => {
        if (cue.conversationIds?.includes(a.id)) {
          watch.socket.off('dashboard.changed', on);
          resolve(cue);
        }
      };
      watch.socket.on('dashboard.changed', on);
    });
    expect(
      (await req('POST', `/api/v1/conversations/${a.id}/messages`, { token: alice.token, body: { text: 'hello', clientMessageId: 'w1' } })).statusCode,
    ).toBe(201);
    const cue = await named;
    expect(cue.accountId).toBe(acc.accountId);
    expect(cue.conversationIds?.filter((id) => id === a.id)).toEqual([a.id]);
    watch.close();
  });

  it('whisper: a manager’s note on an agent’s conversation reaches the agent live and never the consumer', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'help' });
    const agentSocket = await connect(t.url, '/agent', alice.token);
    const consumerSocket = await connect(t.url, '/consumer', jo.token);
    const r = await req('POST', `/api/v1/conversations/${c.id}/notes`, { token: boss, body: { text: 'Offer the 10 % discount' } });
    expect(r.statusCode, r.body).toBe(201);
    const pushed = await agentSocket.next((e) => e.type === 'note.created');
    expect(pushed.data as Note).toMatchObject({ conversationId: c.id, authorId: acc.manager.id, text: 'Offer the 10 % discount' });
    // The consumer's transcript and stream carry no note: a message after it is the next thing they get.
    await jo.send(c.id, 'still there?');
    const next = await consumerSocket.next((e) => e.type === 'message.created');
    expect((next.data as Message).text).toBe('still there?');
    expect(consumerSocket.events.some((e) => JSON.stringify(e.data).includes('discount'))).toBe(false);
    const transcript = (await req('GET', `/api/v1/consumer/conversations/${c.id}/messages`, { token: jo.token })).json().items as Message[];
    expect(transcript.map((m) => m.text)).not.toContain('Offer the 10 % discount');
    agentSocket.close();
    consumerSocket.close();
  });

  it('take-over: the conversation becomes the manager’s; the agent loses it live, the consumer is told, the audit log has it', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'], maxConcurrent: 1 });
    const bob = await acc.agent('bob', { skills: ['Sales'], maxConcurrent: 1 });
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'help' });
    await t.routingIdle();
    const owner = (await req('GET', `/api/v1/conversations/${c.id}`, { token: boss })).json().agentId as string;
    const agent = owner === alice.id ? alice : bob;
    const agentSocket = await connect(t.url, '/agent', agent.token);
    const bossSocket = await connect(t.url, '/agent', boss);
    const consumerSocket = await connect(t.url, '/consumer', jo.token);

    expectProblem(await req('POST', `/api/v1/conversations/${c.id}/take-over`, { token: agent.token }), 403, 'forbidden');
    const r = await req('POST', `/api/v1/conversations/${c.id}/take-over`, { token: boss });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id: c.id, state: 'open', agentId: acc.manager.id });
    expect((await agentSocket.next((e) => e.type === 'conversation.removed')).data).toEqual({ id: c.id });
    expect((await bossSocket.next((e) => e.type === 'conversation.upserted')).data).toMatchObject({ id: c.id, agentId: acc.manager.id, state: 'open' });
    const told = await consumerSocket.next(
      (e) => e.type === 'conversation.updated' && (e.data as { agent: { id: string } | null }).agent?.id === acc.manager.id,
    );
    expect(told.data).toMatchObject({ state: 'open', agent: { id: acc.manager.id } });
    const details = (await req('GET', `/api/v1/conversations/${c.id}`, { token: boss })).json();
    expect(details).toMatchObject({ agentId: acc.manager.id, routing: { rule: 'taken_over' } });
    // It is the manager's now: they write in it; the agent may no longer act.
    expect(
      (await req('POST', `/api/v1/conversations/${c.id}/messages`, { token: boss, body: { text: 'I will take it from here', clientMessageId: 'to1' } }))
        .statusCode,
    ).toBe(201);
    expectProblem(await req('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token }), 403, 'forbidden');
    expect((await req('GET', '/api/v1/workspace/active', { token: boss })).json().items.map((i: ActiveItem) => i.id)).toEqual([c.id]);
    expect((await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items).toEqual([]);
    expectProblem(await req('POST', `/api/v1/conversations/${c.id}/take-over`, { token: boss }), 409, 'conflict');

    // The next one (queued, or already routed to the agent whose slot the take-over freed): taken as it is.
    const queued = await (await acc.consumer({ name: 'Ann' })).open({ skill: 'Sales', text: 'me too' });
    await t.routingIdle();
    const q = (await req('GET', `/api/v1/conversations/${queued.id}`, { token: boss })).json();
    const taken = await req('POST', `/api/v1/conversations/${queued.id}/take-over`, { token: boss });
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({ state: 'open', agentId: acc.manager.id });

    // Closed, unknown, another account's: refused, nothing changes.
    expect((await req('POST', `/api/v1/conversations/${queued.id}/close`, { token: boss })).statusCode).toBe(200);
    expectProblem(await req('POST', `/api/v1/conversations/${queued.id}/take-over`, { token: boss }), 409, 'conflict');
    expectProblem(await req('POST', '/api/v1/conversations/nope/take-over', { token: boss }), 404, 'not_found');
    const other = await makeAccount(t);
    expectProblem(await req('POST', `/api/v1/conversations/${c.id}/take-over`, { token: other.manager.token }), 404, 'not_found');

    const entries = (await listAuditEntries(t.db.kysely, acc.accountId, { limit: 50 })).filter((e) => e.action === 'conversation.taken_over');
    expect(entries.map((e) => [e.targetId, e.actorId, e.details])).toEqual([
      [queued.id, acc.manager.id, { fromAgentId: q.agentId ?? null, fromState: q.state }],
      [c.id, acc.manager.id, { fromAgentId: agent.id, fromState: 'open' }],
    ]);
    agentSocket.close();
    bossSocket.close();
    consumerSocket.close();
  });

  it('transfer by a manager: to an agent or a skill, from anybody’s conversation', async () => {
    const acc = await makeAccount(t, { skills: ['Sales', 'Support'] });
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const bob = await acc.agent('bob', { skills: ['Support'] });
    const c = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'help' });
    await t.routingIdle();
    expect((await req('GET', `/api/v1/conversations/${c.id}`, { token: boss })).json().agentId).toBe(alice.id);
    const toBob = await req('POST', `/api/v1/conversations/${c.id}/transfer`, { token: boss, body: { agentId: bob.id } });
    expect(toBob.statusCode, toBob.body).toBe(200);
    await t.routingIdle();
    expect((await req('GET', `/api/v1/conversations/${c.id}`, { token: boss })).json()).toMatchObject({ agentId: bob.id, state: 'open' });
    const toSales = await req('POST', `/api/v1/conversations/${c.id}/transfer`, { token: boss, body: { skillId: acc.skills.Sales } });
    expect(toSales.statusCode, toSales.body).toBe(200);
    await t.routingIdle();
    expect((await req('GET', `/api/v1/conversations/${c.id}`, { token: boss })).json()).toMatchObject({ agentId: alice.id, skillId: acc.skills.Sales });
    expectProblem(await req('POST', `/api/v1/conversations/${c.id}/transfer`, { token: boss, body: { agentId: 'nobody' } }), 400, 'invalid_request');
  });

  it('agent performance by UTC day: each day of the period with its own figures, summing to the period', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    // Start at the next midnight UTC plus 22 h, so the second conversation falls on the next day.
    const DAY = 86_400_000;
    await t.advance(DAY - (t.clock.now() % DAY) + 22 * 3600_000);
    const start = t.clock.now();
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const serve = async (name: string, waitMs: number, handleMs: number) => {
      const c = await acc.consumer({ name });
      const { id } = await c.open({ skill: 'Sales', text: 'help' });
      await t.advance(waitMs);
      expect(
        (await req('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'sure', clientMessageId: `r-${id}` } })).statusCode,
      ).toBe(201);
      await t.advance(handleMs - waitMs);
      expect((await req('POST', `/api/v1/conversations/${id}/close`, { token: alice.token })).statusCode).toBe(200);
    };
    await serve('Jo', 60_000, 600_000); // 22:00–22:10, day 1
    await t.advance(2 * 3600_000); // 00:10 the next day
    await serve('Ann', 120_000, 300_000); // 00:10–00:15, day 2
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = await req('GET', `/api/v1/reports/agents?from=${iso(start)}&to=${iso(t.clock.now() + 1)}`, { token: boss });
    expect(r.statusCode, r.body).toBe(200);
    const row = (r.json().items as AgentPerformanceRow[]).find((x) => x.agentId === alice.id);
    const day1 = iso(start).slice(0, 10);
    const day2 = iso(start + DAY).slice(0, 10);
    expect(row?.days).toEqual([
      { date: day1, handled: 1, closed: 1, avgHandleSec: 600, avgFirstResponseSec: 60, csat: null, csatResponses: 0, onlineSec: 2 * 3600 },
      { date: day2, handled: 1, closed: 1, avgHandleSec: 300, avgFirstResponseSec: 120, csat: null, csatResponses: 0, onlineSec: 10 * 60 + 5 * 60 },
    ]);
    expect(row).toMatchObject({ handled: 2, closed: 2, avgHandleSec: 450, avgFirstResponseSec: 90, onlineSec: 2 * 3600 + 15 * 60 });
  });

  it('the dashboard’s agents: status, reason and since when; the sign-in answer carries the reason too', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const lunch = await req('POST', '/api/v1/status-reasons', { token: boss, body: { name: 'Lunch', status: 'away' } });
    expect(lunch.statusCode, lunch.body).toBe(201);
    const lunchId = lunch.json().id as string;
    expect((await req('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'away', reasonId: lunchId } })).statusCode).toBe(200);
    const since = t.clock.now();
    await t.advance(90_000);
    const live = (await req('GET', '/api/v1/reports/live', { token: boss })).json() as LiveReport;
    expect(live.agents.find((a) => a.id === alice.id)).toMatchObject({
      status: 'away',
      statusReasonId: lunchId,
      statusReason: 'Lunch',
      statusSince: new Date(since).toISOString(),
    });
    const login = await req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: PASSWORD } });
    expect(login.json().user).toMatchObject({ status: 'away', statusReasonId: lunchId });
    expect((await req('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'online' } })).statusCode).toBe(200);
    const after = (await req('GET', '/api/v1/reports/live', { token: boss })).json() as LiveReport;
    expect(after.agents.find((a) => a.id === alice.id)).toMatchObject({
      status: 'online',
      statusReasonId: null,
      statusReason: null,
      statusSince: new Date(t.clock.now()).toISOString(),
    });
  });
});
