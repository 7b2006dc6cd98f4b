import type { SelectQueryBuilder } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Row lock for read-modify-write inside a transaction. PostgreSQL takes `FOR UPDATE`; SQLite has
 * one writer at a time (the whole transaction is serialised), so nothing is added there.
 */
// biome-ignore lint/suspicious/noExplicitAny: generic over any select query
export function forUpdate<Q extends SelectQueryBuilder<any, any, any>>(q: Q, dialect: Dialect): Q {
  return dialect === 'postgres' ? (q.forUpdate() as Q) : q;
}
