import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { myKpis } from '../../src/services/kpis.service.js';
import { conversationsCsv, dailyReport, liveReport } from '../../src/services/reports.service.js';
import { bindKeyring, keyringOf } from '../../src/storage/secrets.js';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { queryRecorder } from '../query-recorder.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const REPORTS = ['/api/v1/reports/live', '/api/v1/reports/daily', '/api/v1/reports/conversations.csv?from=2026-01-01&to=2026-01-02'];

describe.each(dialects)('manager reports on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  it('agents get 403 on every report', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    for (const path of REPORTS) expectProblem(await http(t)('GET', path, { token: alice.token }), 403, 'forbidden');
  });

  it('live: queue, open, SLA, CSAT and agent figures move with the day; managers hear dashboard.changed; daily and CSV agree', async () => {
    const acc = await makeAccount(t);
    const manager = acc.manager;
    const managerSocket = await connect(t.url, '/agent', manager.token);
    await http(t)('PATCH', '/api/v1/account/settings', {
      token: manager.token,
      body: {
        survey: {
          enabled: true,
          questions: [
            { id: 'csat', type: 'csat', text: 'Happy?' },
            { id: 'note', type: 'text', text: 'Why?' },
          ],
        },
      },
    });
    const alice = await acc.agent('alice', { skills: ['Sales'], maxConcurrent: 3, online: false });
    const live = async () => (await http(t)('GET', '/api/v1/reports/live', { token: manager.token })).json();
    const sales = async () => (await live()).skills.find((s: { name: string }) => s.name === 'Sales');

    const jo = await acc.consumer({ name: 'Jo' });
    const cue = new Promise<unknown>((resolve) => managerSocket.socket.once('dashboard.changed', resolve));
    const conv = await jo.open({ skill: 'Sales', text: 'hello?' });
    expect(await cue).toEqual({ accountId: acc.accountId, conversationIds: [conv.id] });
    await t.advance(5_000);
    expect(await sales()).toMatchObject({ queue: 1, open: 0, longestWaitSec: 5, agents: { online: 0 } });

    const online = await http(t)('PUT', `/api/v1/users/${alice.id}/status`, { token: manager.token, body: { status: 'online' } });
    expect(online.statusCode, online.body).toBe(200);
    await t.advance(10);
    expect(await sales()).toMatchObject({ queue: 0, open: 1, agents: { online: 1 } });
    await t.advance(2_000);
    const reply = await http(t)('POST', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token, body: { text: 'hi Jo', clientMessageId: 'r1' } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await http(t)('POST', `/api/v1/conversations/${conv.id}/close`, { token: alice.token })).statusCode).toBe(200);
    const answered = await http(t)('POST', `/api/v1/consumer/conversations/${conv.id}/survey`, {
      token: jo.token,
      body: { answers: { csat: 5, note: 'fast, "kind"' } },
    });
    expect(answered.statusCode, answered.body).toBe(200);

    const now = await live();
    expect(now.skills.find((s: { name: string }) => s.name === 'Sales')).toMatchObject({
      queue: 0,
      open: 0,
      slaToday: 100,
      today: { csat: 100, responses: 1 },
      last12h: { csat: 100 },
    });
    expect(now.agents.find((a: { id: string }) => a.id === alice.id)).toMatchObject({
      status: 'online',
      load: 0,
      capacity: 3,
      closedToday: 1,
      avgFirstResponseSec: 7,
      csat: 100,
    });

    const day = new Date(t.clock.now()).toISOString().slice(0, 10);
    const daily = (await http(t)('GET', `/api/v1/reports/daily?date=${day}`, { token: manager.token })).json();
    const hour = new Date(t.clock.now() - 7_000).getUTCHours();
    expect(daily.hours).toHaveLength(24);
    expect(daily.hours[hour]).toMatchObject({ arrivals: 1, avgFirstResponseSec: 7, slaAttainment: 100 });
    expectProblem(await http(t)('GET', '/api/v1/reports/daily?date=yesterday', { token: manager.token }), 400);

    const next = new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const csv = await http(t)('GET', `/api/v1/reports/conversations.csv?from=${day}&to=${next}`, { token: manager.token });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const [head, row] = csv.body.trim().split('\r\n');
    expect(head).toBe(
      'conversation_id,created_at,first_response_at,closed_at,state,channel,skill,agent,first_response_sec,first_response_agent,close_reason,dispositions,wrap_up_note,survey_csat,survey_note',
    );
    expect(row).toContain(`${conv.id},`);
    expect(row).toMatch(/,closed,web,Sales,Alice,7,Alice,agent,,,5,"fast, ""kind"""$/);
    expectProblem(await http(t)('GET', `/api/v1/reports/conversations.csv?from=${next}&to=${day}`, { token: manager.token }), 400);
    managerSocket.close();
  });

  it('SLA counts a conversation left unanswered past its deadline; daily and the agent KPIs agree, open or closed', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    // 10:00 UTC on a day of its own, so "today" holds only what this test does.
    t.clock.set(t.clock.now() - (t.clock.now() % DAY) + 2 * DAY + 10 * HOUR);
    const start = t.clock.now();
    const reply = async (id: string, n: number) =>
      expect(
        (await http(t)('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'hi', clientMessageId: `m${n}` } })).statusCode,
      ).toBe(201);
    const live = async () => (await http(t)('GET', '/api/v1/reports/live', { token: acc.manager.token })).json();
    const kpis = async () => (await http(t)('GET', '/api/v1/me/kpis', { token: alice.token })).json();
    const hour = async () =>
      (await http(t)('GET', `/api/v1/reports/daily?date=${new Date(start).toISOString().slice(0, 10)}`, { token: acc.manager.token })).json().hours[10];

    const answered = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'hello?' });
    await t.advance(30_000);
    await reply(answered.id, 1);
    const waiting = await (await acc.consumer({ name: 'Kim' })).open({ skill: 'Sales', text: 'anyone?' });
    await t.advance(3601_000); // past the 1 h target of the second, still unanswered
    expect((await http(t)('POST', `/api/v1/conversations/${answered.id}/close`, { token: alice.token })).statusCode).toBe(200);

    let now = await live();
    expect(now.skills.find((s: { name: string }) => s.name === 'Sales')).toMatchObject({ open: 1, overdue: 1, slaToday: 50 });
    expect(now.agents.find((a: { id: string }) => a.id === alice.id)).toMatchObject({ load: 1, closedToday: 1, avgFirstResponseSec: 30 });
    expect(await hour()).toMatchObject({ arrivals: 2, avgFirstResponseSec: 30, slaAttainment: 50 });
    expect(await kpis()).toMatchObject({ closedToday: 1, openNow: 1, avgFirstResponseSec: 30 });

    // The late answer is due and missed; the agent's averages take it in while it is still open.
    await reply(waiting.id, 2);
    now = await live();
    expect(now.skills.find((s: { name: string }) => s.name === 'Sales')).toMatchObject({ overdue: 0, slaToday: 50 });
    expect(now.agents.find((a: { id: string }) => a.id === alice.id)).toMatchObject({ avgFirstResponseSec: 1816 /* (30 + 3601) / 2, rounded */ });
    expect(await hour()).toMatchObject({ arrivals: 2, avgFirstResponseSec: 1816 /* (30 + 3601) / 2, rounded */, slaAttainment: 50 });
    expect(await kpis()).toMatchObject({ closedToday: 1, openNow: 1, avgFirstResponseSec: 1816 /* (30 + 3601) / 2, rounded */ });
  });

  it('the first response is credited to the agent who gave it, not to the agent who has the conversation after a transfer', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const bob = await acc.agent('bob', { skills: ['Support'], online: false });
    // 10:00 UTC on a day of its own, so "today" holds only what this test does.
    t.clock.set(t.clock.now() - (t.clock.now() % DAY) + 4 * DAY + 10 * HOUR);
    const start = t.clock.now();
    const say = async (token: string, id: string, text: string) =>
      expect((await http(t)('POST', `/api/v1/conversations/${id}/messages`, { token, body: { text, clientMessageId: text } })).statusCode).toBe(201);
    const conv = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'hello?' });
    await t.advance(20_000);
    await say(alice.token, conv.id, 'Alice here');
    expect((await http(t)('PUT', '/api/v1/me/status', { token: bob.token, body: { status: 'online' } })).statusCode).toBe(200);
    const moved = await http(t)('POST', `/api/v1/conversations/${conv.id}/transfer`, { token: alice.token, body: { agentId: bob.id } });
    expect(moved.statusCode, moved.body).toBe(200);
    await t.routingIdle();
    await t.advance(60_000);
    await say(bob.token, conv.id, 'Bob now');
    expect((await http(t)('POST', `/api/v1/conversations/${conv.id}/close`, { token: bob.token })).statusCode).toBe(200);

    const live = (await http(t)('GET', '/api/v1/reports/live', { token: acc.manager.token })).json();
    const agent = (id: string) => live.agents.find((a: { id: string }) => a.id === id);
    expect(agent(alice.id)).toMatchObject({ closedToday: 0, avgFirstResponseSec: 20 });
    expect(agent(bob.id)).toMatchObject({ closedToday: 1, avgFirstResponseSec: null });
    // The SLA stays with the conversation's skill, whoever answered.
    expect(live.skills.find((s: { name: string }) => s.name === 'Sales')).toMatchObject({ slaToday: 100 });
    const kpis = async (token: string) => (await http(t)('GET', '/api/v1/me/kpis', { token })).json();
    expect(await kpis(alice.token)).toMatchObject({ closedToday: 0, avgFirstResponseSec: 20 });
    expect(await kpis(bob.token)).toMatchObject({ closedToday: 1, avgFirstResponseSec: null });
    const day = new Date(start).toISOString().slice(0, 10);
    const daily = (await http(t)('GET', `/api/v1/reports/daily?date=${day}`, { token: acc.manager.token })).json();
    expect(daily.hours[10]).toMatchObject({ arrivals: 1, avgFirstResponseSec: 20, slaAttainment: 100 });

    const next = new Date(start + DAY).toISOString().slice(0, 10);
    const csv = await http(t)('GET', `/api/v1/reports/conversations.csv?from=${day}&to=${next}`, { token: acc.manager.token });
    const [head, row, extra] = csv.body.trim().split('\r\n');
    expect(head).toBe(
      'conversation_id,created_at,first_response_at,closed_at,state,channel,skill,agent,first_response_sec,first_response_agent,close_reason,dispositions,wrap_up_note',
    );
    expect(row).toMatch(new RegExp(`^${conv.id},.*,closed,web,Sales,Bob,20,Alice,agent,,$`));
    expect(extra).toBeUndefined();
  });

  it('conversations without a skill get a "No skill" row while there are any; daily and CSV count them', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'], online: false });
    t.clock.set(t.clock.now() - (t.clock.now() % DAY) + 6 * DAY + 10 * HOUR);
    const start = t.clock.now();
    const live = async () => (await http(t)('GET', '/api/v1/reports/live', { token: acc.manager.token })).json();
    const names = async () => (await live()).skills.map((s: { name: string }) => s.name);
    const noSkill = async () => (await live()).skills.find((s: { id: string | null }) => s.id === null);

    expect(await names()).toEqual(['Sales', 'Support']);
    const general = await (await acc.consumer({ name: 'Jo' })).open({ text: 'a question' });
    await (await acc.consumer({ name: 'Kim' })).open({ skill: 'Sales', text: 'a sale' });
    await t.advance(3601_000); // past the default 1 h target: overdue
    expect(await names()).toEqual(['Sales', 'Support', 'No skill']);
    expect(await noSkill()).toMatchObject({
      id: null,
      name: 'No skill',
      queue: 1,
      longestWaitSec: 3601,
      open: 0,
      overdue: 1,
      slaToday: 0,
      agents: { online: 0, away: 0, backSoon: 0 },
    });
    expect((await live()).skills.find((s: { name: string }) => s.name === 'Sales')).toMatchObject({ queue: 1, overdue: 1 });

    // Routing offers a conversation without a skill to any agent: Alice gets both.
    expect((await http(t)('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'online' } })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await noSkill()).toMatchObject({ queue: 0, open: 1, overdue: 1, agents: { online: 1 } });
    const reply = await http(t)('POST', `/api/v1/conversations/${general.id}/messages`, { token: alice.token, body: { text: 'hi', clientMessageId: 'g1' } });
    expect(reply.statusCode).toBe(201);
    expect((await http(t)('POST', `/api/v1/conversations/${general.id}/close`, { token: alice.token })).statusCode).toBe(200);
    const now = await live();
    expect(await noSkill()).toMatchObject({ queue: 0, open: 0, overdue: 0, slaToday: 0 });
    expect(now.agents.find((a: { id: string }) => a.id === alice.id)).toMatchObject({ load: 1, closedToday: 1, avgFirstResponseSec: 3601 });

    const day = new Date(start).toISOString().slice(0, 10);
    const daily = (await http(t)('GET', `/api/v1/reports/daily?date=${day}`, { token: acc.manager.token })).json();
    expect(daily.hours[10]).toMatchObject({ arrivals: 2, avgFirstResponseSec: 3601, slaAttainment: 0 });
    const next = new Date(start + DAY).toISOString().slice(0, 10);
    const csv = await http(t)('GET', `/api/v1/reports/conversations.csv?from=${day}&to=${next}`, { token: acc.manager.token });
    expect(csv.body.split('\r\n').find((l) => l.startsWith(`${general.id},`))).toMatch(/,closed,web,,Alice,3601,Alice,agent,,$/);

    // The next day, with nothing left without a skill, the row is gone.
    t.clock.set(start + DAY);
    expect(await names()).toEqual(['Sales', 'Support']);
  });

  it("the KPI bar's today is the agent's own calendar day (time zone in their settings)", async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const day = t.clock.now() - (t.clock.now() % DAY) + 9 * DAY;
    t.clock.set(day + 18 * HOUR);
    const c = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'hi' });
    expect((await http(t)('POST', `/api/v1/conversations/${c.id}/close`, { token: alice.token })).statusCode).toBe(200);
    t.clock.set(day + 23 * HOUR + 30 * 60_000);
    const closedToday = async (timeZone?: string) => {
      if (timeZone) await http(t)('PATCH', '/api/v1/me/settings', { token: alice.token, body: { timeZone } });
      return (await http(t)('GET', '/api/v1/me/kpis', { token: alice.token })).json().closedToday;
    };
    expect(await closedToday()).toBe(1); // UTC until she picks a zone: closed at 18:00, now 23:30
    expect(await closedToday('Asia/Kolkata')).toBe(0); // there it is 05:00 the next day
    expect(await closedToday('America/New_York')).toBe(1); // 18:30 the same day
  });

  it("a deleted skill's conversations count in the No skill row", async () => {
    const acc = await makeAccount(t);
    await (await acc.consumer({ name: 'Lea' })).open({ skill: 'Support', text: 'still here' });
    expect((await http(t)('DELETE', `/api/v1/skills/${acc.skills.Support}`, { token: acc.manager.token })).statusCode).toBe(204);
    const live = (await http(t)('GET', '/api/v1/reports/live', { token: acc.manager.token })).json();
    expect(live.skills.map((s: { name: string }) => s.name)).toEqual(['Sales', 'No skill']);
    expect(live.skills.find((s: { id: string | null }) => s.id === null)).toMatchObject({ queue: 1 });
  });

  it('the per-agent table leaves out managers without skills who worked no conversation today', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const mia = await acc.agent('mia', { role: 'manager', skills: ['Sales'], online: false });
    const max = await acc.agent('max', { role: 'manager', skills: [], online: false });
    const agents = async () => (await http(t)('GET', '/api/v1/reports/live', { token: acc.manager.token })).json().agents as { id: string }[];
    const ids = async () => (await agents()).map((a) => a.id);
    expect(await ids()).toEqual(expect.arrayContaining([alice.id, mia.id]));
    expect(await ids()).not.toContain(acc.manager.id);
    expect(await ids()).not.toContain(max.id);

    // Managers may act on any conversation: Max answers one of Alice's and is listed, with his first response.
    const conv = await (await acc.consumer({ name: 'Jo' })).open({ skill: 'Sales', text: 'hello?' });
    await t.advance(4_000);
    const reply = await http(t)('POST', `/api/v1/conversations/${conv.id}/messages`, { token: max.token, body: { text: 'Max here', clientMessageId: 'x1' } });
    expect(reply.statusCode, reply.body).toBe(201);
    const now = await agents();
    expect(now.find((a) => a.id === max.id)).toMatchObject({ role: 'manager', load: 0, avgFirstResponseSec: 4 });
    expect(now.find((a) => a.id === alice.id)).toMatchObject({ load: 1, avgFirstResponseSec: null });
    expect(now.map((a) => a.id)).not.toContain(acc.manager.id);
  });

  it.runIf(dialect === 'sqlite')('every query behind the reports and KPIs reads an index range, never a whole table of history (SQLite plans)', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    await (await acc.consumer()).open({ skill: 'Sales', text: 'hello?' });
    // Record each query the services run, with its parameters.
    const { plugin: recorder, queries: recorded } = queryRecorder(t.db.kysely);
    // The recording handle opens secrets (the account's settings) with the database's own keyring.
    const deps = { ...t.deps, db: { ...t.deps.db, kysely: bindKeyring(t.db.kysely.withPlugin(recorder), keyringOf(t.db.kysely)) } };
    const now = t.clock.now();
    await liveReport(deps, acc.accountId);
    await dailyReport(deps, acc.accountId, new Date(now).toISOString().slice(0, 10));
    await conversationsCsv(deps, acc.accountId, now - DAY, now + 1);
    await myKpis(deps, { kind: 'user', accountId: acc.accountId, userId: alice.id, role: 'agent', tokenHash: '' });

    const plans: string[] = [];
    const queries = new Map(recorded.map((c) => [c.sql, c]));
    for (const c of queries.values()) {
      const r = await t.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]));
      const plan = r.rows.map((x) => x.detail).join(' | ');
      expect(plan, c.sql).not.toMatch(/\bSCAN (conversations|survey_answers|surveys)\b/);
      // and each index search is bounded by a time, a state or one conversation, not just by account and agent
      for (const [, cond] of plan.matchAll(/SEARCH (?:conversations|survey_answers|surveys) USING (?:COVERING )?INDEX \w+ \(([^)]*)\)/g))
        expect(cond, c.sql).toMatch(/created_at|closed_at|first_response_at|answered_at|state=|conversation_id=/);
      plans.push(plan);
    }
    for (const index of [
      'conversations_queue',
      'conversations_created',
      'conversations_closed',
      'conversations_last_agent',
      'conversations_first_response',
      'survey_answers_time',
      'survey_answers_agent',
    ])
      expect(plans.join('\n')).toContain(index);
    // a conversation's survey: by surveys_account_conversation or the unique surveys_conversation
    expect(plans.join('\n')).toMatch(/SEARCH surveys USING INDEX \w+ \((account_id=\? AND )?conversation_id=\?\)/);
  });
});
