import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/** Most transactions folded into one commit; more wait for the next. */
const MAX_GROUP = 64;

interface Job {
  fn: (tx: Transaction<DB>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for SQLite's single connection. Transactions are serialised on that connection
 * anyway; when several are waiting, they run one after another inside ONE database transaction,
 * each in its own savepoint (so one that fails rolls back alone and its caller gets its error),
 * and share a single COMMIT. Every caller's promise settles only after that COMMIT, so nothing is
 * acknowledged or published before it is durable; if the COMMIT fails, every caller in the group
 * gets the error. A lone transaction runs as a plain transaction.
 */
export function groupCommitter(kysely: Kysely<DB>): <T>(fn: (tx: Transaction<DB>) => Promise<T>) => Promise<T> {
  const waiting: Job[] = [];
  let draining = false;

  const runGroup = async (group: Job[]): Promise<void> => {
    const only = group.length === 1 ? group[0] : undefined;
    if (only) {
      try {
        only.resolve(await kysely.transaction().execute(only.fn));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      await kysely.transaction().execute(async (tx) => {
        for (const job of group) {
          await sql`savepoint grp`.execute(tx);
          try {
            const value = await job.fn(tx);
            await sql`release grp`.execute(tx);
            outcomes.push({ ok: true, value });
          } catch (err) {
            await sql`rollback to grp`.execute(tx);
            await sql`release grp`.execute(tx);
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const job of group) job.reject(err);
      return;
    }
    group.forEach((job, i) => {
      const o = outcomes[i];
      if (o?.ok) job.resolve(o.value);
      else job.reject(o ? o.err : new Error('transaction did not run'));
    });
  };

  const drain = async (): Promise<void> => {
    draining = true;
    try {
      while (waiting.length) await runGroup(waiting.splice(0, MAX_GROUP));
    } finally {
      draining = false;
    }
  };

  // A group starts on the next turn of the event loop, not at once: requests are parsed one I/O
  // callback each and a transaction on SQLite never yields to I/O, so starting at once would
  // commit every request alone. Waiting one turn lets the requests read in the same poll phase
  // share a commit, for a few microseconds of latency.
  let scheduled = false;
  const start = () => {
    scheduled = false;
    if (!draining) void drain();
  };

  return <T>(fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!draining && !scheduled) {
        scheduled = true;
        setImmediate(start);
      }
    });
}
