import type { Database, Tx } from '../db.js';
import { prepared } from '../prepared.js';
import type { JobKind } from './jobs.repo.js';

export type TimerKind =
  | 'ring'
  | 'status'
  | 'auto_close'
  | 'closed_expiry'
  | 'transfer_fallback'
  /** A bot has the conversation and owes an answer: past its reply time the conversation escalates by itself. */
  | 'bot_reply'
  | 'warmup'
  | 'survey_expiry'
  | 'retention'
  /** Daily: delete the account's audit entries older than settings.audit.retentionMonths (subject = account id). */
  | 'audit_retention'
  /** A durable job queue: run the jobs of that kind and key (subject = the ordering key; services/jobs.service.ts). */
  | JobKind
  /**
   * Settings that drive timers changed: re-time the open conversations, one batch per firing
   * (subject = account id, or skill id for a skill's overrides).
   */
  | 'timers_reevaluation';

export interface TimerRow {
  kind: TimerKind;
  subjectId: string;
  accountId: string;
  dueAt: number;
  payload: Record<string, unknown>;
}

/** Create or move a timer; unique per (kind, subject). A moved timer is unclaimed again. */
const upsertTimer = prepared((db, p: { kind: string; subjectId: string; accountId: string; dueAt: number; payload: string }) =>
  db
    .insertInto('timers')
    .values({ kind: p.kind, subject_id: p.subjectId, account_id: p.accountId, due_at: p.dueAt, payload: p.payload, claimed_until: null })
    .onConflict((oc) => oc.columns(['kind', 'subject_id']).doUpdateSet({ due_at: p.dueAt, payload: p.payload, claimed_until: null, account_id: p.accountId })),
);

/** Create or move a timer; unique per (kind, subject). A moved timer is unclaimed again. */
export async function scheduleTimer(tx: Tx, t: TimerRow): Promise<void> {
  await upsertTimer(tx, { kind: t.kind, subjectId: t.subjectId, accountId: t.accountId, dueAt: t.dueAt, payload: JSON.stringify(t.payload) });
}

const deleteTimer = prepared((db, p: { kind: string; subjectId: string }) =>
  db.deleteFrom('timers').where('kind', '=', p.kind).where('subject_id', '=', p.subjectId),
);

export async function cancelTimer(tx: Tx, kind: TimerKind, subjectId: string): Promise<void> {
  await deleteTimer(tx, { kind, subjectId });
}

export async function findTimer(tx: Tx, kind: TimerKind, subjectId: string): Promise<TimerRow | undefined> {
  const r = await tx.selectFrom('timers').selectAll().where('kind', '=', kind).where('subject_id', '=', subjectId).executeTakeFirst();
  return r ? { kind: r.kind as TimerKind, subjectId: r.subject_id, accountId: r.account_id, dueAt: r.due_at, payload: JSON.parse(r.payload) } : undefined;
}

/** A subject's stored timers of these kinds, as the reconciler compares them (payload as stored JSON). */
export interface StoredTimer {
  kind: TimerKind;
  dueAt: number;
  payload: string;
  claimed: boolean;
}

type TimersOf = (tx: Tx, args: { subjectId: string }) => Promise<{ rows: { kind: string; due_at: number; payload: string; claimed_until: number | null }[] }>;
const timersOf = new Map<string, TimersOf>();

/** A subject's stored timers of these kinds (one prepared query per list of kinds: the lists are constants of the callers). */
export async function listTimersOf(tx: Tx, subjectId: string, kinds: readonly TimerKind[]): Promise<StoredTimer[]> {
  const key = kinds.join(',');
  let q = timersOf.get(key);
  if (!q) {
    q = prepared((db, p: { subjectId: string }) =>
      db
        .selectFrom('timers')
        .select(['kind', 'due_at', 'payload', 'claimed_until'])
        .where('subject_id', '=', p.subjectId)
        .where('kind', 'in', [...kinds]),
    );
    timersOf.set(key, q);
  }
  const { rows } = await q(tx, { subjectId });
  return rows.map((t) => ({ kind: t.kind as TimerKind, dueAt: Number(t.due_at), payload: t.payload, claimed: t.claimed_until !== null }));
}

export async function nextDueAt(tx: Tx): Promise<number | null> {
  const r = await tx
    .selectFrom('timers')
    .select((eb) => eb.fn.min('due_at').as('d'))
    .executeTakeFirst();
  return r?.d === null || r?.d === undefined ? null : Number(r.d);
}

/**
 * Claim due timers for `leaseMs`: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two nodes never
 * claim the same row; a claim that is not completed (node died) expires and the timer fires again.
 */
export async function claimDueTimers(db: Database, now: number, limit: number, leaseMs: number): Promise<TimerRow[]> {
  return db.transaction(async (tx) => {
    let q = tx
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('due_at')
      .limit(limit);
    if (db.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    for (const r of rows) {
      await tx
        .updateTable('timers')
        .set({ claimed_until: now + leaseMs })
        .where('kind', '=', r.kind)
        .where('subject_id', '=', r.subject_id)
        .execute();
    }
    return rows.map((r) => ({ kind: r.kind as TimerKind, subjectId: r.subject_id, accountId: r.account_id, dueAt: r.due_at, payload: JSON.parse(r.payload) }));
  });
}

/**
 * Re-arm a claimed timer for its next step (`dueAt`, `payload`) only if nobody rescheduled it since
 * it was claimed (its payload is still the claimed one); false when it was. Unclaims it.
 */
export async function advanceClaimedTimer(tx: Tx, t: TimerRow, dueAt: number, payload: Record<string, unknown>): Promise<boolean> {
  const r = await tx
    .updateTable('timers')
    .set({ due_at: dueAt, payload: JSON.stringify(payload), claimed_until: null })
    .where('kind', '=', t.kind)
    .where('subject_id', '=', t.subjectId)
    .where('payload', '=', JSON.stringify(t.payload))
    .where('claimed_until', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Remove a fired timer unless it was moved meanwhile (then it stays, with its new due time). */
export async function completeTimer(tx: Tx, t: TimerRow): Promise<void> {
  await tx
    .deleteFrom('timers')
    .where('kind', '=', t.kind)
    .where('subject_id', '=', t.subjectId)
    .where('due_at', '=', t.dueAt)
    .where('claimed_until', 'is not', null)
    .execute();
}
