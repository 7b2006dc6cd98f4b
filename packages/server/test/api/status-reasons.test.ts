import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

const MIN = 60_000;

describe.each(dialects)('status reasons and the agent-state report on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    req = http(t);
  });
  afterAll(async () => t.stop());

  it('managers create, rename and delete reasons; agents read them; bad input and duplicates are refused; changes are audit-logged', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { online: false });
    const boss = acc.manager.token;
    const create = (body: unknown, token = boss) => req('POST', '/api/v1/status-reasons', { token, body });
    const lunch = await create({ name: 'Lunch', status: 'away' });
    expect(lunch.statusCode, lunch.body).toBe(201);
    const coffee = (await create({ name: 'Coffee', status: 'back_soon' })).json();
    const training = (await create({ name: 'Training', status: 'away' })).json();
    expectProblem(await create({ name: 'Lunch', status: 'back_soon' }), 409, 'conflict');
    expectProblem(await create({ name: '', status: 'away' }), 400, 'invalid_request');
    expectProblem(await create({ name: 'Gym', status: 'online' }), 400, 'invalid_request');
    expectProblem(await create({ name: 'Gym', status: 'away' }, alice.token), 403, 'forbidden');

    const list = await req('GET', '/api/v1/status-reasons?limit=2', { token: alice.token });
    expect(list.json().items.map((r: { name: string }) => r.name)).toEqual(['Coffee', 'Lunch']);
    const rest = await req('GET', `/api/v1/status-reasons?limit=2&cursor=${list.json().nextCursor}`, { token: alice.token });
    expect(rest.json()).toEqual({ items: [training], nextCursor: null });

    const renamed = await req('PATCH', `/api/v1/status-reasons/${training.id}`, { token: boss, body: { name: 'Meeting' } });
    expect(renamed.json()).toEqual({ ...training, name: 'Meeting' });
    expectProblem(await req('PATCH', `/api/v1/status-reasons/${training.id}`, { token: boss, body: { name: 'Coffee' } }), 409, 'conflict');
    expectProblem(await req('PATCH', `/api/v1/status-reasons/${training.id}`, { token: alice.token, body: { name: 'Nap' } }), 403, 'forbidden');
    expect((await req('DELETE', `/api/v1/status-reasons/${coffee.id}`, { token: boss })).statusCode).toBe(204);
    expectProblem(await req('DELETE', `/api/v1/status-reasons/${coffee.id}`, { token: boss }), 404, 'not_found');
    expectProblem(await req('PATCH', '/api/v1/status-reasons/nope', { token: boss, body: { name: 'X' } }), 404, 'not_found');
    expect((await req('GET', '/api/v1/status-reasons', { token: boss })).json().items.map((r: { name: string }) => r.name)).toEqual(['Lunch', 'Meeting']);

    const actions = (await listAuditEntries(t.db.kysely, acc.accountId, { limit: 50 })).map((e) => e.action).filter((a) => a.startsWith('status_reason.'));
    expect(actions.sort()).toEqual([
      'status_reason.created',
      'status_reason.created',
      'status_reason.created',
      'status_reason.deleted',
      'status_reason.updated',
    ]);
  });

  it('PUT /me/status takes a reason of that status; the agent hears it; GET /me shows it; a wrong or foreign reason is refused and changes nothing', async () => {
    const acc = await makeAccount(t);
    const other = await makeAccount(t);
    const alice = await acc.agent('alice');
    const boss = acc.manager.token;
    const lunch = (await req('POST', '/api/v1/status-reasons', { token: boss, body: { name: 'Lunch', status: 'away' } })).json();
    const coffee = (await req('POST', '/api/v1/status-reasons', { token: boss, body: { name: 'Coffee', status: 'back_soon' } })).json();
    const foreign = (await req('POST', '/api/v1/status-reasons', { token: other.manager.token, body: { name: 'Lunch', status: 'away' } })).json();
    const status = (body: unknown) => req('PUT', '/api/v1/me/status', { token: alice.token, body });

    const s = await connect(t.url, '/agent', alice.token);
    const r = await status({ status: 'away', reasonId: lunch.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'away', statusReasonId: lunch.id });
    const heard = await s.next((e) => e.type === 'status.changed');
    expect(heard.data).toMatchObject({ userId: alice.id, status: 'away', reasonId: lunch.id });
    expect((await req('GET', '/api/v1/me', { token: alice.token })).json()).toMatchObject({ status: 'away', statusReasonId: lunch.id });
    s.close();

    for (const body of [
      { status: 'away', reasonId: coffee.id },
      { status: 'online', reasonId: lunch.id },
      { status: 'away', reasonId: foreign.id },
      { status: 'away', reasonId: 'nope' },
    ]) {
      const p = await status(body);
      expectProblem(p, 400, 'invalid_request');
      expect(p.json().errors).toEqual([expect.objectContaining({ path: 'reasonId' })]);
    }
    expect((await req('GET', '/api/v1/me', { token: alice.token })).json()).toMatchObject({ status: 'away', statusReasonId: lunch.id });
    // the same status without a reason clears it
    expect((await status({ status: 'away' })).json()).toMatchObject({ status: 'away', statusReasonId: null });
    expect((await req('GET', '/api/v1/me', { token: alice.token })).json().statusReasonId).toBeNull();
  });

  it('the agent-state report sums the state-change log per status and reason, clipped to the period', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const lunch = (await req('POST', '/api/v1/status-reasons', { token: boss, body: { name: 'Lunch', status: 'away' } })).json();
    const meeting = (await req('POST', '/api/v1/status-reasons', { token: boss, body: { name: 'Meeting', status: 'away' } })).json();
    const start = t.clock.now();
    const alice = await acc.agent('alice'); // online at `start`
    const bob = await acc.agent('bob', { online: false });
    const set = (token: string, body: unknown) => req('PUT', '/api/v1/me/status', { token, body });
    await t.advance(30 * MIN);
    await set(alice.token, { status: 'away', reasonId: lunch.id });
    await t.advance(45 * MIN);
    await set(alice.token, { status: 'away', reasonId: meeting.id }); // a new reason alone is a new stretch
    await t.advance(15 * MIN);
    await set(alice.token, { status: 'back_soon' });
    await t.advance(5 * MIN);
    await set(alice.token, { status: 'online' });
    await t.advance(10 * MIN);
    // a deleted reason keeps its name in the report
    expect((await req('DELETE', `/api/v1/status-reasons/${meeting.id}`, { token: boss })).statusCode).toBe(204);

    const iso = (ms: number) => new Date(ms).toISOString();
    const report = async (from: number, to: number) =>
      (await req('GET', `/api/v1/reports/agent-states?from=${iso(from)}&to=${iso(to)}`, { token: boss })).json().items as {
        agentId: string;
        seconds: Record<string, number>;
        reasons: { reasonId: string; name: string; seconds: number }[];
      }[];
    const all = await report(start, start + 3 * 60 * MIN);
    const a = all.find((x) => x.agentId === alice.id);
    expect(a?.seconds).toEqual({ online: 40 * 60, away: 60 * 60, back_soon: 5 * 60, offline: 0 });
    expect(a?.reasons).toEqual([
      { reasonId: lunch.id, name: 'Lunch', status: 'away', seconds: 45 * 60 },
      { reasonId: meeting.id, name: 'Meeting', status: 'away', seconds: 15 * 60 },
    ]);
    expect(all.find((x) => x.agentId === bob.id)?.seconds).toEqual({ online: 0, away: 0, back_soon: 0, offline: 0 });
    // clipped: from 60 min to 80 min after the start
    const part = (await report(start + 60 * MIN, start + 80 * MIN)).find((x) => x.agentId === alice.id);
    expect(part?.seconds).toEqual({ online: 0, away: 20 * 60, back_soon: 0, offline: 0 });
    expect(part?.reasons.map((r) => [r.name, r.seconds])).toEqual([
      ['Lunch', 15 * 60],
      ['Meeting', 5 * 60],
    ]);

    // paged like every list
    const page = await req('GET', `/api/v1/reports/agent-states?from=${iso(start)}&to=${iso(start + MIN)}&limit=1`, { token: boss });
    expect(page.json().items).toHaveLength(1);
    expect(page.json().nextCursor).toEqual(expect.any(String));

    expectProblem(await req('GET', `/api/v1/reports/agent-states?from=${iso(start)}&to=${iso(start)}`, { token: boss }), 400, 'invalid_request');
    expectProblem(await req('GET', '/api/v1/reports/agent-states?from=yesterday&to=2026-01-01', { token: boss }), 400, 'invalid_request');
    expectProblem(await req('GET', `/api/v1/reports/agent-states?from=${iso(start)}&to=${iso(start + MIN)}`, { token: alice.token }), 403, 'forbidden');
  });
});
