import { type SelectQueryBuilder, sql } from 'kysely';
import type { DbTransaction, Dialect } from '../db.js';

/**
 * Row lock for read-modify-write inside a transaction. PostgreSQL takes `FOR UPDATE`; SQLite has
 * one writer at a time (the whole transaction is serialised), so nothing is added there.
 */
// biome-ignore lint/suspicious/noExplicitAny: generic over any select query
export function forUpdate<Q extends SelectQueryBuilder<any, any, any>>(q: Q, dialect: Dialect): Q {
  return dialect === 'postgres' ? (q.forUpdate() as Q) : q;
}

/**
 * A named lock held until the transaction ends, serialising every transaction that takes the same
 * name across all nodes (routing of one account). PostgreSQL takes a transaction-scoped advisory
 * lock on a hash of the name; SQLite has one writer at a time, so nothing is needed there.
 */
export async function lockName(tx: DbTransaction, dialect: Dialect, name: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(tx);
}
