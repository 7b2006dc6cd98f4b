import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import type { Tx } from './db.js';

const MARK = '\u0000parley-param:';

type Slot = { arg: string } | { value: unknown };

/**
 * A hot query built and compiled once per SQL dialect, then run with new parameter values (Kysely's
 * "execute compiled queries" recipe, with named parameters). `build` receives placeholders for the
 * arguments (a proxy: name every one explicitly, never spread it) — use each only where Kysely binds
 * it as a parameter (values, where/limit operands) — and must build the same SQL whatever the
 * arguments are; queries whose shape depends on the
 * arguments (optional filters, varying column lists) stay ordinary Kysely calls.
 */
export function prepared<A extends Record<string, unknown>, R>(build: (db: Tx, p: A) => Compilable<R>): (tx: Tx, args: A) => Promise<QueryResult<R>> {
  const byDialect = new WeakMap<object, { sql: string; slots: Slot[] }>();
  const placeholders = new Proxy({}, { get: (_, name) => `${MARK}${String(name)}` }) as A;
  return (tx, args) => {
    // One compiled form per dialect adapter (SQLite and PostgreSQL bind differently); tests run both.
    const adapter = tx.getExecutor().adapter;
    let c = byDialect.get(adapter);
    if (!c) {
      const q = build(tx, placeholders).compile();
      c = {
        sql: q.sql,
        slots: q.parameters.map((v): Slot => (typeof v === 'string' && v.startsWith(MARK) ? { arg: v.slice(MARK.length) } : { value: v })),
      };
      byDialect.set(adapter, c);
    }
    const params = c.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    return tx.executeQuery<R>(CompiledQuery.raw(c.sql, params) as CompiledQuery<R>);
  };
}
