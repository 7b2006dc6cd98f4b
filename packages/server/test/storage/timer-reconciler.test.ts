import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/services/context.js';
import { reconcileTimers } from '../../src/services/persist.js';
import { claimDueTimers, completeTimer, scheduleTimer } from '../../src/storage/repos/timers.repo.js';
import { dialects, openTestDb } from '../harness.js';

describe.each(dialects)('the timer reconciler on %s', (dialect) => {
  it('writes only what differs from the stored rows (or from what the state before wanted), deletes what is no longer wanted, and re-arms the timer that is firing', async () => {
    const { db, destroy } = await openTestDb(dialect);
    const armed: number[] = [];
    const deps = { timersChanged: (at: number) => armed.push(at) } as unknown as Deps;
    const rows = () => db.kysely.selectFrom('timers').select(['kind', 'due_at', 'claimed_until']).where('subject_id', '=', 'c1').orderBy('kind').execute();
    try {
      await db.kysely.insertInto('accounts').values({ id: 'acc', name: 'A', settings: '{}', identity_secret: 's', created_at: 0 }).execute();
      await scheduleTimer(db.kysely, { kind: 'status', subjectId: 'c1', accountId: 'acc', dueAt: 100, payload: { agentId: 'ann' } });
      await scheduleTimer(db.kysely, { kind: 'ring', subjectId: 'c1', accountId: 'acc', dueAt: 200, payload: { agentId: 'ann' } });
      const c1 = { id: 'c1', accountId: 'acc' };
      await reconcileTimers(deps, db.kysely, c1, [
        { kind: 'status', dueAt: 100, payload: { agentId: 'ann' } },
        { kind: 'ring', dueAt: null, payload: {} },
        { kind: 'auto_close', dueAt: 300, payload: { awaitingSince: 1 } },
      ]);
      expect(await rows()).toEqual([
        { kind: 'auto_close', due_at: 300, claimed_until: null },
        { kind: 'status', due_at: 100, claimed_until: null },
      ]);
      expect(armed).toEqual([300]); // the unchanged status timer was not written

      // a changed payload is a change
      await reconcileTimers(deps, db.kysely, c1, [{ kind: 'status', dueAt: 100, payload: { agentId: 'bob' } }]);
      expect(armed).toEqual([300, 100]);

      // the status timer fires; its handler wants it again at the same time: it is re-armed, so completing the fired one keeps it
      const [fired] = await claimDueTimers(db, 150, 10, 1000);
      expect(fired?.kind).toBe('status');
      await reconcileTimers(deps, db.kysely, c1, [{ kind: 'status', dueAt: 100, payload: { agentId: 'bob' } }], { firing: fired });
      if (fired) await completeTimer(db.kysely, fired);
      expect((await rows()).find((r) => r.kind === 'status')).toEqual({ kind: 'status', due_at: 100, claimed_until: null });
      // after a transition: compared with what the state before wanted, not read from the rows
      armed.length = 0;
      await reconcileTimers(
        deps,
        db.kysely,
        c1,
        [
          { kind: 'status', dueAt: 100, payload: { agentId: 'bob' } },
          { kind: 'auto_close', dueAt: null, payload: {} },
          { kind: 'ring', dueAt: 400, payload: {} },
        ],
        {
          before: [
            { kind: 'status', dueAt: 100, payload: { agentId: 'bob' } },
            { kind: 'auto_close', dueAt: 300, payload: { awaitingSince: 1 } },
            { kind: 'ring', dueAt: null, payload: {} },
          ],
        },
      );
      expect(await rows()).toEqual([
        { kind: 'ring', due_at: 400, claimed_until: null },
        { kind: 'status', due_at: 100, claimed_until: null },
      ]);
      expect(armed).toEqual([400]);
    } finally {
      await destroy();
    }
  });
});
