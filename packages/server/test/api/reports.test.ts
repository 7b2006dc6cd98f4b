import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

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
    expect(await cue).toEqual({ accountId: acc.accountId });
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
      'conversation_id,created_at,first_response_at,closed_at,state,channel,skill,agent,first_response_sec,close_reason,survey_csat,survey_note',
    );
    expect(row).toContain(`${conv.id},`);
    expect(row).toMatch(/,closed,web,Sales,Alice,7,agent,5,"fast, ""kind"""$/);
    expectProblem(await http(t)('GET', `/api/v1/reports/conversations.csv?from=${next}&to=${day}`, { token: manager.token }), 400);
    managerSocket.close();
  });

  it.runIf(dialect === 'sqlite')('the dashboard queries are index-backed (SQLite query plan)', async () => {
    const plans: [string, string][] = [
      ["SELECT * FROM conversations WHERE account_id = 'a' AND state IN ('queued','ringing','open')", 'conversations_queue'],
      ["SELECT * FROM conversations WHERE account_id = 'a' AND created_at >= 1 AND created_at < 2", 'conversations_created'],
      ["SELECT * FROM conversations WHERE account_id = 'a' AND closed_at >= 1 AND state = 'closed'", 'conversations_closed'],
      ["SELECT * FROM survey_answers WHERE account_id = 'a' AND answered_at >= 1", 'survey_answers_time'],
      ["SELECT * FROM surveys WHERE account_id = 'a' AND conversation_id IN ('x','y')", 'surveys_account_conversation'],
    ];
    for (const [query, index] of plans) {
      const r = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`).execute(t.db.kysely);
      expect(r.rows.map((x) => x.detail).join(' | '), query).toContain(index);
    }
  });
});
