import { sql } from 'kysely';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import type { AuditLogTable } from '../schema.js';
import { parseJson } from './json.js';

/**
 * The audit log's rows (migration 2026_12_03_0013). Append-only: this repo inserts and reads; the
 * one delete is `deleteAuditEntriesBefore`, for the audit retention job. Write through
 * services/audit.service.ts (`recordAudit`), which redacts secrets.
 */
export interface AuditEntry {
  id: string;
  accountId: string;
  at: number;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

type Row = AuditLogTable;

const toEntry = (r: Row): AuditEntry => ({
  id: r.id,
  accountId: r.account_id,
  at: Number(r.at),
  actorType: r.actor_type as AuditEntry['actorType'],
  actorId: r.actor_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  ip: r.ip,
  details: parseJson(r.details, {}),
});

export async function insertAuditEntry(tx: Tx, e: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      id: e.id,
      account_id: e.accountId,
      at: e.at,
      actor_type: e.actorType,
      actor_id: e.actorId,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      ip: e.ip,
      details: JSON.stringify(e.details),
    })
    .execute();
}

export interface AuditFilter {
  /** Inclusive lower bound (epoch ms). */
  from?: number | undefined;
  /** Exclusive upper bound (epoch ms). */
  to?: number | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  /** The position `[at, id]` of the last entry sent (newest first). */
  after?: readonly [number, string] | undefined;
  limit: number;
}

/** An account's entries, newest first (`at` desc, then `id` desc), up to `limit` after the position. */
export async function listAuditEntries(tx: Tx, accountId: string, f: AuditFilter): Promise<AuditEntry[]> {
  let q = tx.selectFrom('audit_log').selectAll().where('account_id', '=', accountId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'at', direction: 'desc', value: after[0] },
        { column: 'id', direction: 'desc', value: after[1] },
      ]),
    );
  }
  const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toEntry);
}

/**
 * The audit retention job's delete: up to `batch` of the account's entries older than `before`,
 * oldest first; returns how many went (call again while it equals `batch`).
 */
export async function deleteAuditEntriesBefore(tx: Tx, accountId: string, before: number, batch: number): Promise<number> {
  const ids = await tx
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('at', '<', before)
    .orderBy('at')
    .orderBy('id')
    .limit(batch)
    .execute();
  if (ids.length === 0) return 0;
  await tx
    .deleteFrom('audit_log')
    .where(
      'id',
      'in',
      ids.map((r) => r.id),
    )
    .execute();
  return ids.length;
}

/**
 * Every account without an `audit_retention` timer gets one due at `dueAt` (start-up; new accounts
 * get theirs when created). One statement; an existing timer is left as it is.
 */
export async function ensureAuditRetentionTimers(tx: Tx, dueAt: number): Promise<void> {
  await tx
    .insertInto('timers')
    .columns(['kind', 'subject_id', 'account_id', 'due_at', 'payload'])
    .expression((eb) =>
      eb
        .selectFrom('accounts')
        .select((e) => [
          e.val('audit_retention').as('kind'),
          'accounts.id as subject_id',
          'accounts.id as account_id',
          sql<number>`cast(${dueAt} as bigint)`.as('due_at'),
          e.val('{}').as('payload'),
        ])
        .where((e) =>
          e.not(
            e.exists(
              e.selectFrom('timers').select('timers.subject_id').where('timers.kind', '=', 'audit_retention').whereRef('timers.subject_id', '=', 'accounts.id'),
            ),
          ),
        ),
    )
    .onConflict((oc) => oc.columns(['kind', 'subject_id']).doNothing())
    .execute();
}
