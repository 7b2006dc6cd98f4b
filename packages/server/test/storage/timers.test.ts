import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { openDatabase } from '../../src/storage/db.js';
import { claimDueTimers, completeTimer, scheduleTimer } from '../../src/storage/repos/timers.repo.js';
import { http, makeAccount } from '../factories/index.js';
import { dialects, openTestDb, pgUrl } from '../harness.js';

describe.each(dialects)('durable timers on %s', (dialect) => {
  it('a claimed timer is not claimed again until its lease ends; completion removes it unless it was moved', async () => {
    const { db, destroy } = await openTestDb(dialect);
    try {
      await db.kysely.insertInto('accounts').values({ id: 'acc', name: 'A', settings: '{}', identity_secret: 's', created_at: 0 }).execute();
      await scheduleTimer(db.kysely, { kind: 'status', subjectId: 'c1', accountId: 'acc', dueAt: 100, payload: {} });
      await scheduleTimer(db.kysely, { kind: 'status', subjectId: 'c2', accountId: 'acc', dueAt: 300, payload: {} });
      const first = await claimDueTimers(db, 200, 10, 1000);
      expect(first.map((t) => t.subjectId)).toEqual(['c1']);
      expect(await claimDueTimers(db, 500, 10, 1000)).toHaveLength(1); // only c2: c1 is leased until 1200
      expect((await claimDueTimers(db, 1300, 10, 1000)).map((t) => t.subjectId)).toEqual(['c1']); // c1's lease ended; c2 is still leased
      // moved while claimed: completion keeps the new one
      const [c1] = await claimDueTimers(db, 2400, 10, 1000);
      await scheduleTimer(db.kysely, { kind: 'status', subjectId: 'c1', accountId: 'acc', dueAt: 5000, payload: {} });
      if (c1) await completeTimer(db.kysely, c1);
      expect(await db.kysely.selectFrom('timers').select(['subject_id', 'due_at']).where('subject_id', '=', 'c1').execute()).toEqual([
        { subject_id: 'c1', due_at: 5000 },
      ]);
    } finally {
      await destroy();
    }
  });
});

describe.skipIf(!pgUrl)('timers across two PostgreSQL connections', () => {
  it('two nodes claiming at once never get the same timer', async () => {
    const { db, destroy } = await openTestDb('postgres');
    try {
      await db.kysely.insertInto('accounts').values({ id: 'acc', name: 'A', settings: '{}', identity_secret: 's', created_at: 0 }).execute();
      for (let i = 0; i < 200; i++) await scheduleTimer(db.kysely, { kind: 'auto_close', subjectId: `c${i}`, accountId: 'acc', dueAt: i, payload: {} });
      const results = await Promise.all(Array.from({ length: 6 }, () => claimDueTimers(db, 1000, 40, 60_000)));
      const ids = results.flat().map((t) => t.subjectId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(200);
    } finally {
      await destroy();
    }
  });
});

describe('timers survive a restart (SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-timers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('what fell due while the server was down fires at start', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 9));
    const path = join(dir, 'parley.db');
    let db = await openDatabase({ sqlitePath: path });
    let app = await buildApp({ db, clock, timers: 'manual' });
    const t = { ...app, db, clock, url: '', listen: async () => '', stop: async () => undefined, advance: async () => undefined };
    const acc = await makeAccount(t);
    await http(t)('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { autoClose: { enabled: true, afterSec: 60 } } });
    const ann = await acc.agent('ann');
    const c = await (await acc.consumer()).open({ skill: 'Support', text: 'hello' });
    await http(t)('POST', `/api/v1/conversations/${c.id}/messages`, { token: ann.token, body: { text: 'hi!', clientMessageId: 'r1' } });
    await app.close();
    await db.close();

    clock.advance(3600_000); // down for an hour
    db = await openDatabase({ sqlitePath: path });
    app = await buildApp({ db, clock, timers: 'manual' });
    expect(await app.timers.tick()).toBeGreaterThan(0);
    const state = await db.kysely.selectFrom('conversations').select(['state', 'closed_by']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(state).toEqual({ state: 'closed', closed_by: 'system' });
    await app.close();
    await db.close();
  });
});
