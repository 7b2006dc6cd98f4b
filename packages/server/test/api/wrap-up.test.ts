import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

describe.each(dialects)('wrap-up on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    req = http(t);
  });
  afterAll(async () => t.stop());

  const dispositions = async (acc: AccountHandle, ...names: string[]) => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const r = await req('POST', '/api/v1/dispositions', { token: acc.manager.token, body: { name } });
      expect(r.statusCode, r.body).toBe(201);
      out[name] = r.json().id;
    }
    return out;
  };
  const close = (token: string, id: string, body?: unknown) => req('POST', `/api/v1/conversations/${id}/close`, { token, ...(body !== undefined && { body }) });

  it('managers keep the dispositions; agents read them; duplicates and bad names are refused; changes are audit-logged', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { online: false });
    const d = await dispositions(acc, 'Sale', 'Refund', 'Question');
    expectProblem(await req('POST', '/api/v1/dispositions', { token: acc.manager.token, body: { name: 'Sale' } }), 409, 'conflict');
    expectProblem(await req('POST', '/api/v1/dispositions', { token: acc.manager.token, body: { name: ' ' } }), 400, 'invalid_request');
    expectProblem(await req('POST', '/api/v1/dispositions', { token: alice.token, body: { name: 'X' } }), 403, 'forbidden');
    expect((await req('PATCH', `/api/v1/dispositions/${d.Question}`, { token: acc.manager.token, body: { name: 'Information' } })).json()).toEqual({
      id: d.Question,
      name: 'Information',
    });
    expect((await req('DELETE', `/api/v1/dispositions/${d.Refund}`, { token: acc.manager.token })).statusCode).toBe(204);
    const list = await req('GET', '/api/v1/dispositions?limit=1', { token: alice.token });
    expect(list.json().items).toEqual([{ id: d.Question, name: 'Information' }]);
    const next = await req('GET', `/api/v1/dispositions?cursor=${list.json().nextCursor}`, { token: alice.token });
    expect(next.json()).toEqual({ items: [{ id: d.Sale, name: 'Sale' }], nextCursor: null });
    const actions = (await listAuditEntries(t.db.kysely, acc.accountId, { limit: 50 })).map((e) => e.action).filter((a) => a.startsWith('disposition.'));
    expect(actions.sort()).toEqual(['disposition.created', 'disposition.created', 'disposition.created', 'disposition.deleted', 'disposition.updated']);
  });

  it('a skill that requires a wrap-up refuses an agent close without a disposition (nothing changes); the wrap-up shows in details, the CSV and the report', async () => {
    const acc = await makeAccount(t);
    const d = await dispositions(acc, 'Sale', 'Refund', 'Gone');
    expect((await req('DELETE', `/api/v1/dispositions/${d.Gone}`, { token: acc.manager.token })).statusCode).toBe(204);
    const skill = await req('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body: { wrapUp: { required: true } } });
    expect(skill.json().wrapUp).toEqual({ required: true });
    const alice = await acc.agent('alice', { skills: ['Sales', 'Support'] });
    const jo = await acc.consumer({ name: 'Jo' });
    const { id } = await jo.open({ skill: 'Sales', text: 'I want a refund' });

    const missing = await close(alice.token, id);
    expectProblem(missing, 400, 'invalid_request');
    expect(missing.json().errors).toEqual([expect.objectContaining({ path: 'dispositionIds' })]);
    expectProblem(await close(alice.token, id, { dispositionIds: [] }), 400, 'invalid_request');
    expectProblem(await close(alice.token, id, { dispositionIds: ['nope'] }), 400, 'invalid_request');
    expectProblem(await close(alice.token, id, { dispositionIds: [d.Gone] }), 400, 'invalid_request'); // deleted
    expectProblem(await close(alice.token, id, { dispositionIds: [d.Refund], bogus: 1 }), 400, 'invalid_request');
    expect((await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json()).toMatchObject({ state: 'open', wrapUp: null });

    const ok = await close(alice.token, id, { dispositionIds: [d.Refund, d.Sale, d.Refund], wrapUpNote: '  voucher sent  ' });
    expect(ok.statusCode, ok.body).toBe(200);
    const details = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json();
    expect(details).toMatchObject({
      state: 'closed',
      wrapUp: {
        dispositions: [
          { id: d.Refund, name: 'Refund' },
          { id: d.Sale, name: 'Sale' },
        ],
        note: 'voucher sent',
      },
    });

    // a skill without the rule: closing with no body still works
    const ben = await acc.consumer({ name: 'Ben' });
    const other = await ben.open({ skill: 'Support', text: 'hello' });
    expect((await close(alice.token, other.id)).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/conversations/${other.id}`, { token: alice.token })).json().wrapUp).toBeNull();

    const day = new Date(t.clock.now()).toISOString().slice(0, 10);
    const next = new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
    const csv = (await req('GET', `/api/v1/reports/conversations.csv?from=${day}&to=${next}`, { token: acc.manager.token })).body;
    const [head, ...rows] = csv.trim().split('\r\n');
    const cols = (head ?? '').split(',');
    const at = (row: string, col: string) => row.split(',')[cols.indexOf(col)];
    const row = rows.find((r) => r.startsWith(id)) ?? '';
    expect(at(row, 'dispositions')).toBe('Refund; Sale');
    expect(at(row, 'wrap_up_note')).toBe('voucher sent');

    const report = await req('GET', `/api/v1/reports/dispositions?from=${day}&to=${next}`, { token: acc.manager.token });
    expect(report.json()).toEqual({
      items: [
        { dispositionId: d.Refund, name: 'Refund', count: 1 },
        { dispositionId: d.Sale, name: 'Sale', count: 1 },
      ],
      nextCursor: null,
    });
    expectProblem(await req('GET', `/api/v1/reports/dispositions?from=${next}&to=${day}`, { token: acc.manager.token }), 400, 'invalid_request');
    expectProblem(await req('GET', `/api/v1/reports/dispositions?from=${day}&to=${next}`, { token: alice.token }), 403, 'forbidden');
  });

  it('consumer and automatic closes are exempt from a required wrap-up; the rule can be removed', async () => {
    const acc = await makeAccount(t);
    await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { autoClose: { enabled: true, afterSec: 60 } } });
    expect((await req('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body: { wrapUp: { required: true } } })).statusCode).toBe(200);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const a = await jo.open({ skill: 'Sales', text: 'hi' });
    expect((await req('POST', `/api/v1/consumer/conversations/${a.id}/close`, { token: jo.token })).statusCode).toBe(200);

    const ben = await acc.consumer();
    const b = await ben.open({ skill: 'Sales', text: 'hi' });
    await req('POST', `/api/v1/conversations/${b.id}/messages`, { token: alice.token, body: { text: 'hello', clientMessageId: randomUUID() } });
    await t.advance(61_000);
    expect((await req('GET', `/api/v1/conversations/${b.id}`, { token: alice.token })).json()).toMatchObject({ state: 'closed', closedBy: 'system' });

    const removed = await req('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body: { wrapUp: null } });
    expect(removed.json().wrapUp).toBeUndefined();
    const cat = await acc.consumer();
    const c = await cat.open({ skill: 'Sales', text: 'hi' });
    expect((await close(alice.token, c.id)).statusCode).toBe(200);
  });
});
