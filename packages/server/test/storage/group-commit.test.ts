import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTestDb } from '../harness.js';

const account = (id: string) => ({ id, name: id, settings: '{}', identity_secret: 's', created_at: 0 });

describe('SQLite group commit', () => {
  it('concurrent transactions share a commit; one that fails rolls back alone and its caller gets its error', async () => {
    const { db, destroy } = await openTestDb('sqlite');
    try {
      const order: string[] = [];
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map((id) =>
          db.transaction(async (tx) => {
            await tx.insertInto('accounts').values(account(id)).execute();
            order.push(id);
            if (id === 'c') throw new Error('c fails after writing');
            return id.toUpperCase();
          }),
        ),
      );
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['A', 'B', 'c fails after writing', 'D']);
      expect(order).toEqual(['a', 'b', 'c', 'd']);
      const ids = (await db.kysely.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(ids).toEqual(['a', 'b', 'd']);
    } finally {
      await destroy();
    }
  });

  it('a caller is answered only after the shared commit, and a failed commit fails every caller in the group', async () => {
    const { db, destroy } = await openTestDb('sqlite');
    try {
      // A deferred foreign key is checked at COMMIT: the whole group's commit fails.
      await sql`pragma defer_foreign_keys = on`.execute(db.kysely);
      const settled: string[] = [];
      await db.transaction(async (tx) => {
        await tx.insertInto('accounts').values(account('x')).execute();
      });
      // Submitted in the same turn of the event loop: these two form one group.
      const group = ['y', 'z'].map((id) =>
        db
          .transaction(async (tx) => {
            await tx.insertInto('accounts').values(account(id)).execute();
            if (id === 'z') {
              await sql`pragma defer_foreign_keys = on`.execute(tx);
              await tx
                .insertInto('auth_tokens')
                .values({ token_hash: 'h', account_id: 'nope', user_id: 'nobody', created_at: 0, expires_at: 1, revoked_at: null })
                .execute();
            }
            settled.push(`${id} ran`);
            return id;
          })
          .then(
            (v) => settled.push(`${v} ok`),
            () => settled.push(`${id} failed`),
          ),
      );
      await Promise.all(group);
      expect(settled).toEqual(['y ran', 'z ran', 'y failed', 'z failed']);
      const ids = (await db.kysely.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(ids).toEqual(['x']);
    } finally {
      await destroy();
    }
  });
});
