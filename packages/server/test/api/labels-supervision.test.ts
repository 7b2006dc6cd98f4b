import type { ActiveItem } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

describe.each(dialects)('labels and supervision on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    req = http(t);
  });
  afterAll(async () => t.stop());

  it('managers keep labels with colours; agents label their conversations; lists, details, the filter and the report show them', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const carol = await acc.agent('carol', { skills: ['Sales'], online: false });
    const mk = async (name: string, color: string) => {
      const r = await req('POST', '/api/v1/labels', { token: boss, body: { name, color } });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; name: string; color: string };
    };
    const vip = await mk('VIP', '#FF8800');
    expect(vip.color).toBe('#ff8800');
    const bug = await mk('Bug', '#3366cc');
    const spare = await mk('Spare', '#000000');
    expectProblem(await req('POST', '/api/v1/labels', { token: boss, body: { name: 'VIP', color: '#ffffff' } }), 409, 'conflict');
    expectProblem(await req('POST', '/api/v1/labels', { token: boss, body: { name: 'Red', color: 'red' } }), 400, 'invalid_request');
    expectProblem(await req('POST', '/api/v1/labels', { token: alice.token, body: { name: 'Mine', color: '#111111' } }), 403, 'forbidden');
    expect((await req('PATCH', `/api/v1/labels/${bug.id}`, { token: boss, body: { color: '#CC0000' } })).json()).toEqual({ ...bug, color: '#cc0000' });
    expect((await req('GET', '/api/v1/labels', { token: alice.token })).json().items.map((l: { name: string }) => l.name)).toEqual(['Bug', 'Spare', 'VIP']);

    const jo = await acc.consumer({ name: 'Jo' });
    const ben = await acc.consumer({ name: 'Ben' });
    const a = await jo.open({ skill: 'Sales', text: 'hi' });
    const b = await ben.open({ skill: 'Sales', text: 'hello' });
    const s = await connect(t.url, '/agent', alice.token);
    const put = (id: string, labelIds: string[], token = alice.token) => req('PUT', `/api/v1/conversations/${id}/labels`, { token, body: { labelIds } });
    const r = await put(a.id, [vip.id, bug.id, vip.id]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ labelIds: [vip.id, bug.id] });
    const pushed = await s.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === a.id && (e.data as ActiveItem).labels !== undefined);
    expect((pushed.data as ActiveItem).labels).toEqual([vip.id, bug.id]);
    s.close();
    expect((await put(b.id, [spare.id])).statusCode).toBe(200);
    expectProblem(await put(a.id, ['nope']), 400, 'invalid_request');
    expectProblem(await put(a.id, [bug.id], carol.token), 403, 'forbidden'); // an agent of the skill who does not have it
    expect((await put(a.id, [bug.id], boss)).statusCode).toBe(200);
    expect((await put(a.id, [vip.id, bug.id])).statusCode).toBe(200);

    const active = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items as ActiveItem[];
    expect(Object.fromEntries(active.map((i) => [i.id, i.labels]))).toEqual({ [a.id]: [vip.id, bug.id], [b.id]: [spare.id] });
    expect((await req('GET', `/api/v1/conversations/${a.id}`, { token: alice.token })).json().labels).toEqual([vip.id, bug.id]);
    const byLabel = (await req('GET', `/api/v1/conversations?label=${vip.id}`, { token: alice.token })).json().items as ActiveItem[];
    expect(byLabel.map((i) => i.id)).toEqual([a.id]);

    // deleting a label takes it off every conversation
    expect((await req('DELETE', `/api/v1/labels/${spare.id}`, { token: boss })).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/conversations/${b.id}`, { token: alice.token })).json().labels).toEqual([]);
    expectProblem(await put(b.id, [spare.id]), 400, 'invalid_request');

    const day = new Date(t.clock.now()).toISOString().slice(0, 10);
    const next = new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const report = await req('GET', `/api/v1/reports/labels?from=${day}&to=${next}`, { token: boss });
    expect(report.json().items).toEqual([
      { labelId: bug.id, name: 'Bug', color: '#cc0000', count: 1 },
      { labelId: vip.id, name: 'VIP', color: '#ff8800', count: 1 },
    ]);
    expectProblem(await req('GET', `/api/v1/reports/labels?from=${day}&to=${next}`, { token: alice.token }), 403, 'forbidden');
    const actions = (await listAuditEntries(t.db.kysely, acc.accountId, { limit: 50 })).map((e) => e.action).filter((x) => x.startsWith('label.'));
    expect(actions.sort()).toEqual(['label.created', 'label.created', 'label.created', 'label.deleted', 'label.updated']);
  });

  it('supervision: managers list the whole account by state, agent, skill and label; agents only what they may see', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    const alice = await acc.agent('alice', { skills: ['Sales'], maxConcurrent: 1 });
    const bob = await acc.agent('bob', { skills: ['Support'], maxConcurrent: 1 });
    const jo = await acc.consumer({ name: 'Jo' });
    const ann = await acc.consumer({ name: 'Ann' });
    const cy = await acc.consumer({ name: 'Cy' });
    const dee = await acc.consumer({ name: 'Dee' });
    const a = await jo.open({ skill: 'Sales', text: 'one' }); // alice
    const b = await ann.open({ skill: 'Support', text: 'two' }); // bob
    const c = await cy.open({ skill: 'Sales', text: 'three' }); // queued: alice is full
    const d = await dee.open({ skill: 'Support', text: 'four' }); // queued: bob is full
    // Bob closes his: the Support queue moves on to him
    expect((await req('POST', `/api/v1/conversations/${b.id}/close`, { token: bob.token })).statusCode).toBe(200);
    await t.routingIdle();
    const ids = async (query: string, token = boss) => {
      const r = await req('GET', `/api/v1/conversations?${query}`, { token });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().items as ActiveItem[]).map((i) => i.id).sort();
    };
    expect(await ids('state=open')).toEqual([a.id, d.id].sort());
    expect(await ids('state=queued')).toEqual([c.id]);
    expect(await ids('state=closed')).toEqual([b.id]);
    expect(await ids(`agentId=${alice.id}`)).toEqual([a.id]);
    expect(await ids(`agentId=${bob.id}`)).toEqual([b.id, d.id].sort()); // the closed one: the agent who last had it
    expect(await ids(`state=open&agentId=${bob.id}`)).toEqual([d.id]);
    expect(await ids(`skillId=${acc.skills.Sales}`)).toEqual([a.id, c.id].sort());
    expect(await ids(`state=queued&skillId=${acc.skills.Support}`)).toEqual([]);
    // an agent sees only their skills' conversations and their own
    expect(await ids('state=queued', alice.token)).toEqual([c.id]);
    expect(await ids('state=open', alice.token)).toEqual([a.id]);
    expectProblem(await req('GET', '/api/v1/conversations?state=waiting', { token: boss }), 400, 'invalid_request');
  });

  it('agent performance: handled, closed, handle time, first response, CSAT and time online for a period', async () => {
    const acc = await makeAccount(t);
    const boss = acc.manager.token;
    await req('PATCH', '/api/v1/account/settings', {
      token: boss,
      body: { survey: { enabled: true, timeoutSec: 3600, questions: [{ id: 'csat', type: 'csat', text: 'How was it?' }] } },
    });
    const start = t.clock.now();
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const bob = await acc.agent('bob', { skills: ['Support'], online: false });
    const serve = async (name: string, waitMs: number, handleMs: number, score: number) => {
      const c = await acc.consumer({ name });
      const { id } = await c.open({ skill: 'Sales', text: 'help' });
      await t.advance(waitMs);
      const r = await req('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'sure', clientMessageId: `r-${id}` } });
      expect(r.statusCode, r.body).toBe(201);
      await t.advance(handleMs - waitMs);
      expect((await req('POST', `/api/v1/conversations/${id}/close`, { token: alice.token })).statusCode).toBe(200);
      const a = await req('POST', `/api/v1/consumer/conversations/${id}/survey`, { token: c.token, body: { answers: { csat: score } } });
      expect(a.statusCode, a.body).toBe(200);
    };
    await serve('Jo', 60_000, 300_000, 5);
    await serve('Ann', 120_000, 600_000, 2);
    await t.advance(90_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = await req('GET', `/api/v1/reports/agents?from=${iso(start)}&to=${iso(t.clock.now() + 1)}`, { token: boss });
    expect(r.statusCode, r.body).toBe(200);
    const rows = r.json().items as { agentId: string }[];
    expect(rows.find((x) => x.agentId === alice.id)).toEqual({
      agentId: alice.id,
      displayName: 'Alice',
      handled: 2,
      closed: 2,
      avgHandleSec: 450,
      avgFirstResponseSec: 90,
      csat: 50,
      csatResponses: 2,
      onlineSec: 300 + 600 + 90,
      days: [expect.objectContaining({ date: new Date(start).toISOString().slice(0, 10), handled: 2, closed: 2, csat: 50 })],
    });
    expect(rows.find((x) => x.agentId === bob.id)).toMatchObject({
      handled: 0,
      closed: 0,
      avgHandleSec: null,
      avgFirstResponseSec: null,
      csat: null,
      onlineSec: 0,
    });
    expectProblem(await req('GET', `/api/v1/reports/agents?from=${iso(start)}&to=${iso(start + 1)}`, { token: alice.token }), 403, 'forbidden');
  });
});
