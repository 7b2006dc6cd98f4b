import { DOMAIN_EVENTS, parseDomainEvent } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

const SEC = 1000;

describe.each(dialects)('stored events on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('every event a working day stores matches its payload schema in the contract (DomainEvent)', async () => {
    const acc = await makeAccount(t);
    const r = http(t);
    const call = async (method: string, url: string, token: string, body?: unknown, status = 200) => {
      const res = await r(method, url, { token, ...(body !== undefined && { body }) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      return res.body ? res.json() : null;
    };
    await call('PATCH', '/api/v1/account/settings', acc.manager.token, {
      acceptMode: 'ring',
      ringTimeoutSec: 30,
      survey: { enabled: true, timeoutSec: 60, questions: [{ id: 'csat', type: 'csat', text: 'How did we do?' }] },
    });
    const ann = await acc.agent('ann', { skills: ['Sales'], maxConcurrent: 3 });
    const bob = await acc.agent('bob', { skills: ['Sales'], maxConcurrent: 3 });
    const jo = await acc.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'hello' });
    await (await acc.consumer()).open({ skill: 'Sales', text: 'me too' });
    await t.routingIdle();
    const ringsTo = async (id: string) => (await call('GET', `/api/v1/conversations/${id}`, acc.manager.token)).agentId as string;
    const tokenOf = (id: string) => (id === ann.id ? ann.token : bob.token);

    // a decline, then an accept; the other one rings out
    await call('POST', `/api/v1/conversations/${conv.id}/decline`, tokenOf(await ringsTo(conv.id)), undefined, 204);
    await t.routingIdle();
    const first = await ringsTo(conv.id);
    await call('POST', `/api/v1/conversations/${conv.id}/accept`, tokenOf(first));
    await t.advance(31 * SEC);
    await call('POST', `/api/v1/conversations/${conv.id}/messages`, tokenOf(first), { text: 'hi Jo', clientMessageId: 'a1' }, 201);
    expect((await jo.send(conv.id, 'thanks', 'c2')).statusCode).toBe(201);
    await call('POST', `/api/v1/conversations/${conv.id}/read`, tokenOf(first), undefined, 204);
    const other = first === ann.id ? bob : ann;
    const otherName = other === ann ? 'ann' : 'bob';
    await call('POST', `/api/v1/conversations/${conv.id}/notes`, tokenOf(first), { text: `@${otherName} have a look` }, 201);
    await call('POST', `/api/v1/consumer/conversations/${conv.id}/urgent`, jo.token);
    await call('POST', `/api/v1/conversations/${conv.id}/transfer`, tokenOf(first), { agentId: other.id });
    await t.routingIdle();
    await call('POST', `/api/v1/conversations/${conv.id}/accept`, other.token);
    await call('POST', `/api/v1/conversations/${conv.id}/close`, other.token);
    await call('POST', `/api/v1/conversations/${conv.id}/resume`, other.token);
    await call('POST', `/api/v1/conversations/${conv.id}/close`, other.token);
    await call('POST', `/api/v1/consumer/conversations/${conv.id}/survey`, jo.token, { answers: { csat: 5 } });
    await call('DELETE', `/api/v1/workspace/active/${conv.id}`, other.token, undefined, 204);
    await call('PUT', '/api/v1/me/status', other.token, { status: 'away' });

    const rows = await t.db.kysely.selectFrom('events').select(['type', 'data']).where('account_id', '=', acc.accountId).orderBy('at').execute();
    const seen = new Set<string>();
    for (const row of rows) {
      expect(() => parseDomainEvent(row.type, JSON.parse(row.data)), `${row.type} ${row.data}`).not.toThrow();
      seen.add(row.type);
    }
    const expected = Object.keys(DOMAIN_EVENTS).filter((type) => type !== 'message.updated' && type !== 'survey.expired');
    expect([...seen].sort()).toEqual(expected.sort());
  });
});
