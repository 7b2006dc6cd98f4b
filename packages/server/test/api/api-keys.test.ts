import type { AuditEntry } from '@parley/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

describe.each(dialects)('API keys on %s', (dialect) => {
  let t: TestApp;
  let A: AccountHandle;
  const RATE = 20;
  beforeAll(async () => {
    t = await startTestApp(dialect, { apiKeyRatePerMinute: RATE });
    A = await makeAccount(t);
  });
  afterAll(async () => t?.stop());
  const req = () => http(t);
  const create = async (scopes: string[], token = A.manager.token) => {
    const r = await req()('POST', '/api/v1/api-keys', { token, body: { name: 'CRM', scopes } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; key: string; prefix: string; scopes: string[]; revokedAt: string | null };
  };
  const audit = async (): Promise<AuditEntry[]> => (await req()('GET', '/api/v1/audit?limit=200', { token: A.manager.token })).json().items;

  it('the key is shown once and stored hashed; the list names it without the key', async () => {
    const k = await create(['reports:read', 'reports:read']);
    expect(k.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    expect(k.scopes).toEqual(['reports:read']);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    const list = await req()('GET', '/api/v1/api-keys', { token: A.manager.token });
    expect(list.statusCode).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === k.id);
    expect(item).toMatchObject({ id: k.id, name: 'CRM', scopes: ['reports:read'], revokedAt: null });
    expect(JSON.stringify(list.json())).not.toContain(k.key);
    const { rows } = await sql<Record<string, unknown>>`select * from api_keys`.execute(t.db.kysely);
    expect(JSON.stringify(rows)).not.toContain(k.key);
    expect(JSON.stringify(await audit())).not.toContain(k.key);
  });

  it('bad input: unknown scope, no scopes, no name → 400, nothing created; agents 403', async () => {
    const before = (await req()('GET', '/api/v1/api-keys?limit=200', { token: A.manager.token })).json().items.length;
    for (const body of [{ name: 'x', scopes: ['everything'] }, { name: 'x', scopes: [] }, { scopes: ['bots'] }, { name: 'x', scopes: ['bots'], extra: 1 }]) {
      expectProblem(await req()('POST', '/api/v1/api-keys', { token: A.manager.token, body }), 400, 'invalid_request');
    }
    const alice = await A.agent('alice');
    expectProblem(await req()('POST', '/api/v1/api-keys', { token: alice.token, body: { name: 'x', scopes: ['bots'] } }), 403, 'forbidden');
    expect((await req()('GET', '/api/v1/api-keys?limit=200', { token: A.manager.token })).json().items.length).toBe(before);
  });

  it('a key does what its scopes name, and nothing else; no key manages keys', async () => {
    const reports = await create(['reports:read']);
    expect((await req()('GET', '/api/v1/reports/live', { token: reports.key })).statusCode).toBe(200);
    expectProblem(await req()('GET', '/api/v1/users', { token: reports.key }), 403, 'forbidden');
    expectProblem(await req()('GET', '/api/v1/conversations', { token: reports.key }), 403, 'forbidden');
    expectProblem(await req()('GET', '/api/v1/account/settings', { token: reports.key }), 403, 'forbidden');
    const all = await create(['conversations:read', 'conversations:write', 'reports:read', 'users:manage', 'webhooks:manage', 'bots']);
    expectProblem(await req()('POST', '/api/v1/api-keys', { token: all.key, body: { name: 'x', scopes: ['bots'] } }), 403, 'forbidden');
    expectProblem(await req()('GET', '/api/v1/api-keys', { token: all.key }), 403, 'forbidden');
    // another account's records stay invisible
    const B = await makeAccount(t);
    const bob = await B.agent('bob');
    expectProblem(await req()('PATCH', `/api/v1/users/${bob.id}`, { token: all.key, body: { displayName: 'Hacked' } }), 404, 'not_found');
    // the key is no session: the agent socket refuses it
    expect((await req()('POST', '/api/v1/auth/logout', { token: all.key })).statusCode).toBe(403);
  });

  it('what a key changes is audited as the key; created and revoked too', async () => {
    const k = await create(['users:manage']);
    const carol = await A.agent('carol');
    const r = await req()('PATCH', `/api/v1/users/${carol.id}`, { token: k.key, body: { displayName: 'Carol K.' } });
    expect(r.statusCode, r.body).toBe(200);
    expect((await req()('DELETE', `/api/v1/api-keys/${k.id}`, { token: A.manager.token })).statusCode).toBe(204);
    const log = await audit();
    expect(log.find((e) => e.action === 'user.updated' && e.targetId === carol.id)).toMatchObject({ actorType: 'api_key', actorId: k.id });
    expect(log.find((e) => e.action === 'api_key.created' && e.targetId === k.id)).toMatchObject({ actorType: 'user', actorId: A.manager.id });
    expect(log.filter((e) => e.action === 'api_key.revoked' && e.targetId === k.id)).toHaveLength(1);
    // revoked at once; revoking again changes nothing; an unknown or foreign id is 404
    expectProblem(await req()('GET', '/api/v1/users', { token: k.key }), 401, 'unauthorized');
    expect((await req()('DELETE', `/api/v1/api-keys/${k.id}`, { token: A.manager.token })).statusCode).toBe(204);
    expect((await audit()).filter((e) => e.action === 'api_key.revoked' && e.targetId === k.id)).toHaveLength(1);
    const B = await makeAccount(t);
    expectProblem(await req()('DELETE', `/api/v1/api-keys/${k.id}`, { token: B.manager.token }), 404, 'not_found');
    const list = (await req()('GET', '/api/v1/api-keys?limit=200', { token: A.manager.token })).json().items;
    expect(list.find((i: { id: string }) => i.id === k.id).revokedAt).not.toBeNull();
  });

  it('a key stops working when its manager is deactivated or no longer a manager', async () => {
    const mia = await A.agent('mia', { role: 'manager' });
    const k = await create(['reports:read'], mia.token);
    expect((await req()('GET', '/api/v1/reports/live', { token: k.key })).statusCode).toBe(200);
    expect((await req()('PATCH', `/api/v1/users/${mia.id}`, { token: A.manager.token, body: { role: 'agent' } })).statusCode).toBe(200);
    expectProblem(await req()('GET', '/api/v1/reports/live', { token: k.key }), 401, 'unauthorized');
  });

  it('rate-limited per key: 429 with Retry-After, other keys unaffected, the next minute again', async () => {
    t.clock.set(Math.ceil(t.clock.now() / 60_000) * 60_000 + 1000);
    const one = await create(['reports:read']);
    const two = await create(['reports:read']);
    for (let i = 0; i < RATE; i++) expect((await req()('GET', '/api/v1/reports/live', { token: one.key })).statusCode).toBe(200);
    const limited = await req()('GET', '/api/v1/reports/live', { token: one.key });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await req()('GET', '/api/v1/reports/live', { token: two.key })).statusCode).toBe(200);
    t.clock.advance(60_000);
    expect((await req()('GET', '/api/v1/reports/live', { token: one.key })).statusCode).toBe(200);
  });
});
