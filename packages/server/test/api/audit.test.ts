import { generateKeyPairSync } from 'node:crypto';
import type { AuditEntry } from '@parley/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, http, login, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

const DAY = 24 * 3600_000;
const CLIENT = '203.0.113.9';

type Entry = AuditEntry;

describe.each(dialects)('audit log API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // The inject() peer is 127.0.0.1: trusted as a proxy, so X-Forwarded-For names the client.
    t = await startTestApp(dialect, { trustProxy: ['127.0.0.1'] });
  });
  afterAll(async () => t.stop());

  const req = () => http(t);
  const fwd = { 'x-forwarded-for': CLIENT };
  const entries = async (acc: AccountHandle, query = ''): Promise<Entry[]> => {
    const r = await req()('GET', `/api/v1/audit?limit=200${query}`, { token: acc.manager.token });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items;
  };
  const actions = (list: Entry[]) => list.map((e) => e.action);

  it('agents get 403, anonymous 401, other accounts see nothing of this one', async () => {
    const acc = await makeAccount(t);
    const other = await makeAccount(t);
    const alice = await acc.agent('alice');
    for (const path of ['/api/v1/audit', '/api/v1/audit.csv']) {
      expectProblem(await req()('GET', path, { token: alice.token }), 403, 'forbidden');
      expectProblem(await req()('GET', path), 401, 'unauthorized');
    }
    const mine = await entries(acc);
    expect(mine.length).toBeGreaterThan(0);
    const theirs = await entries(other);
    expect(theirs.some((e) => mine.some((m) => m.id === e.id))).toBe(false);
    expect(await entries(other, `&actorId=${acc.manager.id}`)).toEqual([]);
  });

  it('records who did what from where, as a compact diff, and never a secret', async () => {
    const acc = await makeAccount(t, { skills: [] });
    const boss = acc.manager;
    const r = req();
    // sign-ins, from the client address the trusted proxy names
    const ok = await r('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'boss', password: PASSWORD }, headers: fwd });
    expect(ok.statusCode).toBe(200);
    const bad = await r('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'boss', password: 'wrong password!' }, headers: fwd });
    expect(bad.statusCode).toBe(401);
    await r('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'nobody', password: 'wrong password!' }, headers: fwd });

    const as = { token: boss.token, headers: fwd };
    const skill = (await r('POST', '/api/v1/skills', { ...as, body: { name: 'Billing', description: 'Invoices' } })).json();
    expect(
      (await r('PATCH', `/api/v1/skills/${skill.id}`, { ...as, body: { description: 'Invoices and refunds', sla: { defaultSec: 900 } } })).statusCode,
    ).toBe(200);
    const user = (
      await r('POST', '/api/v1/users', {
        ...as,
        body: { username: 'carol', password: 'carol-secret-pw-1', displayName: 'Carol', role: 'agent', skills: [skill.id], maxConcurrent: 3 },
      })
    ).json();
    expect((await r('PATCH', `/api/v1/users/${user.id}`, { ...as, body: { displayName: 'Carol B', password: 'carol-new-pw-22' } })).statusCode).toBe(200);
    expect((await r('PATCH', `/api/v1/users/${user.id}`, { ...as, body: { active: false } })).statusCode).toBe(200);
    expect((await r('DELETE', `/api/v1/skills/${skill.id}`, as)).statusCode).toBe(204);
    const support = (await r('POST', '/api/v1/skills', { ...as, body: { name: 'Support' } })).json();

    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const settings = await r('PATCH', '/api/v1/account/settings', {
      ...as,
      body: { ringTimeoutSec: 45, sla: { urgentSec: 300 }, crm: { salesforce: { consumerKey: '3MVG9-consumer-key', username: 'sf@brand.test', privateKey } } },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const rotated = (await r('POST', '/api/v1/account/identity-secret/rotate', as)).json();

    const channel = await r('POST', '/api/v1/channels', {
      ...as,
      body: {
        type: 'sms',
        name: 'SMS line',
        skillId: support.id,
        providerBaseUrl: 'http://127.0.0.1:9',
        credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15557654321', authToken: 'twilio-auth-token-0001' },
      },
    });
    expect(channel.statusCode, channel.body).toBe(201);
    const ch = channel.json();
    expect(
      (await r('PATCH', `/api/v1/channels/${ch.id}`, { ...as, body: { name: 'SMS main', credentials: { authToken: 'twilio-auth-token-0002' } } })).statusCode,
    ).toBe(200);
    const rotatedChannel = (await r('POST', `/api/v1/channels/${ch.id}/rotate-secret`, { ...as, body: {} })).json();

    const cat = (await r('POST', '/api/v1/content/categories', { ...as, body: { name: 'Greetings' } })).json();
    const item = (await r('POST', '/api/v1/content', { ...as, body: { categoryId: cat.id, title: 'Hello', text: 'Hello, how can I help?' } })).json();
    await r('PATCH', `/api/v1/content/${item.id}`, { ...as, body: { title: 'Hi' } });
    await r('DELETE', `/api/v1/content/${item.id}`, as);
    await r('PATCH', `/api/v1/content/categories/${cat.id}`, { ...as, body: { name: 'Openers' } });
    await r('DELETE', `/api/v1/content/categories/${cat.id}`, as);
    const csv = await r('GET', '/api/v1/reports/conversations.csv?from=2026-01-01&to=2026-01-02', as);
    expect(csv.statusCode).toBe(200);

    const list = await entries(acc);
    // newest first
    const times = list.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(actions(list).reverse()).toEqual([
      'auth.login', // makeAccount's sign-in
      'auth.login',
      'auth.login_failed',
      'auth.login_failed',
      'skill.created',
      'skill.updated',
      'user.created',
      'user.updated',
      'user.password_changed',
      'user.deactivated',
      'skill.deleted',
      'skill.created',
      'settings.updated',
      'identity_secret.rotated',
      'channel.created',
      'channel.updated',
      'channel.secret_rotated',
      'content_category.created',
      'content.created',
      'content.updated',
      'content.deleted',
      'content_category.updated',
      'content_category.deleted',
      'report.exported',
    ]);
    const find = (action: string) => list.filter((e) => e.action === action);
    const [login1] = find('auth.login');
    expect(login1).toMatchObject({ actorType: 'user', actorId: boss.id, ip: CLIENT, targetType: 'user', targetId: boss.id });
    expect(find('auth.login_failed').map((e) => [e.actorId, e.details.username])).toEqual([
      [null, 'nobody'],
      [boss.id, 'boss'],
    ]);
    for (const e of list.filter((x) => !x.action.startsWith('auth.'))) expect(e, e.action).toMatchObject({ actorType: 'user', actorId: boss.id, ip: CLIENT });
    expect(find('skill.updated')[0]).toMatchObject({
      targetType: 'skill',
      targetId: skill.id,
      details: { description: { from: 'Invoices', to: 'Invoices and refunds' }, sla: { from: null, to: { defaultSec: 900 } } },
    });
    expect(find('user.updated')[0]?.details).toEqual({ displayName: { from: 'Carol', to: 'Carol B' } });
    expect(find('user.deactivated')[0]).toMatchObject({ targetId: user.id, details: { username: 'carol' } });
    expect(find('settings.updated')[0]?.details).toMatchObject({
      ringTimeoutSec: { from: 30, to: 45 },
      'sla.urgentSec': { from: 600, to: 300 },
      'crm.salesforce.username': { from: '', to: 'sf@brand.test' },
      'crm.salesforce.privateKeySet': { from: false, to: true },
      'crm.salesforce.privateKey': '[redacted]',
      'crm.salesforce.consumerKey': '[redacted]',
    });
    expect(find('channel.updated')[0]?.details).toMatchObject({ name: { from: 'SMS line', to: 'SMS main' }, replaced: ['authToken'] });
    expect(find('report.exported')[0]).toMatchObject({ targetId: 'conversations', details: { from: '2026-01-01T00:00:00.000Z', rows: 0 } });

    const text = JSON.stringify(list);
    for (const secret of [
      PASSWORD,
      'carol-secret-pw-1',
      'carol-new-pw-22',
      'wrong password!',
      'twilio-auth-token-0001',
      'twilio-auth-token-0002',
      rotatedChannel.secret,
      rotated.secret,
      'PRIVATE KEY',
      '3MVG9-consumer-key',
      boss.token,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('filters by actor, action and time, and pages newest first with the cursor', async () => {
    const acc = await makeAccount(t, { skills: [] });
    const alice = await acc.agent('alice');
    const start = t.clock.now();
    for (let i = 0; i < 5; i++) {
      await req()('POST', '/api/v1/skills', { token: acc.manager.token, body: { name: `S${i}` } });
      t.clock.advance(1000);
    }
    expect(actions(await entries(acc, '&action=skill.created'))).toHaveLength(5);
    expect(actions(await entries(acc, `&actorId=${alice.id}`))).toEqual(['auth.login']);
    const window = await entries(acc, `&action=skill.created&from=${new Date(start + 1000).toISOString()}&to=${new Date(start + 3000).toISOString()}`);
    expect(window.map((e) => Date.parse(e.at) - start)).toEqual([2000, 1000]);

    const all = await entries(acc);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await req()('GET', q, { token: acc.manager.token });
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { items: Entry[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((e) => e.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));

    expectProblem(await req()('GET', '/api/v1/audit?cursor=bm9wZQ', { token: acc.manager.token }), 400);
    expectProblem(await req()('GET', '/api/v1/audit?from=yesterday-ish', { token: acc.manager.token }), 400);
    expectProblem(await req()('GET', '/api/v1/audit?from=2026-02-01&to=2026-01-01', { token: acc.manager.token }), 400);
    expectProblem(await req()('GET', '/api/v1/audit?action=DROP%20TABLE', { token: acc.manager.token }), 400);
    expectProblem(await req()('GET', '/api/v1/audit?limit=500', { token: acc.manager.token }), 400);
    // no API changes or deletes entries
    expect((await req()('DELETE', `/api/v1/audit/${all[0]?.id}`, { token: acc.manager.token })).statusCode).toBe(404);
  });

  it('exports CSV with the same filters, and logs the export', async () => {
    const acc = await makeAccount(t, { skills: ['Sales', 'Support'] });
    const r = await req()('GET', '/api/v1/audit.csv?action=skill.created', { token: acc.manager.token, headers: fwd });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = r.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_type,actor_id,action,target_type,target_id,ip,details');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',skill.created,skill,');
    expect(lines[1]).toContain('"{""name"":""Support""');
    const [exported] = await entries(acc, '&action=report.exported');
    expect(exported).toMatchObject({
      actorId: acc.manager.id,
      ip: CLIENT,
      targetType: 'report',
      targetId: 'audit',
      details: { action: 'skill.created', rows: 2 },
    });
  });

  it('a change that fails leaves no entry, and an entry that cannot be written undoes its change', async () => {
    const acc = await makeAccount(t, { skills: ['Sales'] });
    const before = await entries(acc);
    const db = t.db.kysely;
    // A failure after the entry is written, in the same transaction: the re-timing of the skill's conversations.
    if (dialect === 'sqlite') {
      await sql`create trigger fail_retime before insert on timers when new.kind = 'timers_reevaluation' begin select raise(abort, 'injected failure'); end`.execute(
        db,
      );
    } else {
      await sql`create function fail_now() returns trigger as $$ begin raise exception 'injected failure'; end $$ language plpgsql`.execute(db);
      await sql`create trigger fail_retime before insert on timers for each row when (new.kind = 'timers_reevaluation') execute function fail_now()`.execute(
        db,
      );
    }
    const patched = await req()('PATCH', `/api/v1/skills/${acc.skills.Sales}`, {
      token: acc.manager.token,
      body: { name: 'Renamed', sla: { defaultSec: 120 } },
    });
    expect(patched.statusCode).toBe(500);
    await sql`drop trigger fail_retime${sql.raw(dialect === 'postgres' ? ' on timers' : '')}`.execute(db);
    expect(await entries(acc)).toEqual(before);
    const skills = (await req()('GET', '/api/v1/skills', { token: acc.manager.token })).json().items;
    expect(skills.map((s: { name: string }) => s.name)).toEqual(['Sales']);

    // The other way round: the audit write fails, the change does not happen.
    if (dialect === 'sqlite') {
      await sql`create trigger fail_audit before insert on audit_log begin select raise(abort, 'injected failure'); end`.execute(db);
    } else {
      await sql`create trigger fail_audit before insert on audit_log for each row execute function fail_now()`.execute(db);
    }
    expect((await req()('POST', '/api/v1/skills', { token: acc.manager.token, body: { name: 'Ghost' } })).statusCode).toBe(500);
    await sql`drop trigger fail_audit${sql.raw(dialect === 'postgres' ? ' on audit_log' : '')}`.execute(db);
    const after = (await req()('GET', '/api/v1/skills', { token: acc.manager.token })).json().items;
    expect(after.map((s: { name: string }) => s.name)).toEqual(['Sales']);
  });

  it('retention: a daily timer deletes entries older than settings.audit.retentionMonths', async () => {
    const acc = await makeAccount(t, { skills: [] });
    expectProblem(await req()('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { audit: { retentionMonths: 0 } } }), 400);
    expectProblem(await req()('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { audit: { retentionMonths: 121 } } }), 400);
    const s = await req()('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { audit: { retentionMonths: 1 } } });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().audit).toEqual({ retentionMonths: 1 });
    const old = await entries(acc);
    expect(old.length).toBeGreaterThan(1);

    await t.advance(33 * DAY);
    // the entries of 33 days ago are past one month; the daily run took them (the session expired too: sign in again)
    acc.manager.token = await login(t, acc.accountId, 'boss');
    expect(actions(await entries(acc))).toEqual(['auth.login']);
    await req()('POST', '/api/v1/skills', { token: acc.manager.token, body: { name: 'Fresh' } });
    await t.advance(DAY);
    expect(actions(await entries(acc))).toEqual(['skill.created', 'auth.login']);
    // and the timer is armed for the next day
    const timer = await t.db.kysely
      .selectFrom('timers')
      .select('due_at')
      .where('kind', '=', 'audit_retention')
      .where('subject_id', '=', acc.accountId)
      .executeTakeFirst();
    expect(Number(timer?.due_at)).toBe(t.clock.now() + DAY);
  });

  it('a login as a deactivated user is a failed sign-in', async () => {
    const acc = await makeAccount(t, { skills: [] });
    const bob = await acc.agent('bob');
    await req()('PATCH', `/api/v1/users/${bob.id}`, { token: acc.manager.token, body: { active: false } });
    await expect(login(t, acc.accountId, 'bob')).rejects.toThrow('401');
    const [failed] = await entries(acc, '&action=auth.login_failed');
    expect(failed).toMatchObject({ actorId: bob.id, details: { username: 'bob', reason: 'deactivated' } });
  });
});
