import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changes, REDACTED, recordAudit, SYSTEM_ACTOR } from '../../src/services/audit.service.js';
import { deleteAuditEntriesBefore, listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { dialects, openTestDb, type TestDb } from '../harness.js';

describe.each(dialects)('audit log primitive (%s)', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(dialect);
  });
  afterAll(async () => t.destroy());

  const actor = { actorType: 'user' as const, actorId: 'u1', ip: '203.0.113.7' };

  it('records an entry in the transaction of the change, and a rolled-back change leaves none', async () => {
    await t.db.transaction(async (tx) => {
      await recordAudit(tx, 1000, { accountId: 'acc-a', ...actor, action: 'skill.created', targetType: 'skill', targetId: 's1', details: { name: 'Sales' } });
    });
    await expect(
      t.db.transaction(async (tx) => {
        await recordAudit(tx, 2000, { accountId: 'acc-a', ...actor, action: 'skill.deleted', targetType: 'skill', targetId: 's1' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const all = await listAuditEntries(t.db.kysely, 'acc-a', { limit: 10 });
    expect(all.map((e) => e.action)).toEqual(['skill.created']);
    expect(all[0]).toMatchObject({
      at: 1000,
      actorType: 'user',
      actorId: 'u1',
      ip: '203.0.113.7',
      targetType: 'skill',
      targetId: 's1',
      details: { name: 'Sales' },
    });
  });

  it('redacts secrets by key at any depth, whatever the caller passes', async () => {
    await t.db.transaction(async (tx) => {
      await recordAudit(tx, 3000, {
        accountId: 'acc-b',
        ...SYSTEM_ACTOR,
        action: 'channel.updated',
        details: {
          password: 'hunter2-pw',
          credentials: { token: 'tok-123', appSecret: 'sss' },
          nested: [{ identity_secret: 'idsec', privateKey: 'PEM', name: 'ok' }],
          ...changes({ apiKey: 'old-key', name: 'a' }, { apiKey: 'new-key', name: 'b' }),
        },
      });
    });
    const [e] = await listAuditEntries(t.db.kysely, 'acc-b', { limit: 10 });
    const text = JSON.stringify(e?.details);
    for (const secret of ['hunter2-pw', 'tok-123', 'sss', 'idsec', 'PEM', 'old-key', 'new-key']) expect(text).not.toContain(secret);
    expect(e?.details).toMatchObject({ password: REDACTED, credentials: REDACTED, apiKey: REDACTED, name: { from: 'a', to: 'b' }, nested: [{ name: 'ok' }] });
    expect(e).toMatchObject({ actorType: 'system', actorId: null, ip: null });
  });

  it('lists newest first with filters and keyset positions; retention deletes only older entries', async () => {
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) {
        await recordAudit(tx, 10_000 + i, { accountId: 'acc-c', ...actor, actorId: i % 2 ? 'u2' : 'u1', action: i % 2 ? 'user.updated' : 'skill.updated' });
      }
    });
    const page1 = await listAuditEntries(t.db.kysely, 'acc-c', { limit: 2 });
    expect(page1.map((e) => e.at)).toEqual([10_004, 10_003]);
    const last = page1[1];
    const page2 = await listAuditEntries(t.db.kysely, 'acc-c', { limit: 10, after: last && [last.at, last.id] });
    expect(page2.map((e) => e.at)).toEqual([10_002, 10_001, 10_000]);
    expect((await listAuditEntries(t.db.kysely, 'acc-c', { limit: 10, actorId: 'u2' })).map((e) => e.at)).toEqual([10_003, 10_001]);
    expect((await listAuditEntries(t.db.kysely, 'acc-c', { limit: 10, action: 'skill.updated', from: 10_001, to: 10_004 })).map((e) => e.at)).toEqual([10_002]);
    expect(await listAuditEntries(t.db.kysely, 'acc-a', { limit: 10, actorId: 'u2' })).toEqual([]);

    expect(await deleteAuditEntriesBefore(t.db.kysely, 'acc-c', 10_002, 1)).toBe(1);
    expect(await deleteAuditEntriesBefore(t.db.kysely, 'acc-c', 10_002, 10)).toBe(1);
    expect(await deleteAuditEntriesBefore(t.db.kysely, 'acc-c', 10_002, 10)).toBe(0);
    expect((await listAuditEntries(t.db.kysely, 'acc-c', { limit: 10 })).map((e) => e.at)).toEqual([10_004, 10_003, 10_002]);
  });
});
