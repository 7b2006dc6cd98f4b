import { sql } from 'kysely';
import type { Tx } from '../db.js';

export type RecipientKind = 'agent' | 'consumer';

export interface Recipient {
  kind: RecipientKind;
  id: string;
}

export interface PendingEvent {
  recipient: Recipient;
  type: string;
  data: unknown;
}

export interface StoredEvent {
  accountId: string;
  recipient: Recipient;
  seq: number;
  type: string;
  data: unknown;
  at: number;
}

const key = (r: Recipient) => `${r.kind}:${r.id}`;

/**
 * Append events in the caller's transaction. Each recipient has its own gapless `seq`, allocated
 * by an upsert on its cursor row (a row lock on PostgreSQL, so concurrent writers for one
 * recipient commit in seq order). Recipients are locked in a fixed order to avoid deadlocks.
 */
export async function appendEvents(tx: Tx, accountId: string, events: PendingEvent[], at: number): Promise<StoredEvent[]> {
  if (!events.length) return [];
  const byRecipient = new Map<string, PendingEvent[]>();
  for (const e of events) {
    const k = key(e.recipient);
    const list = byRecipient.get(k) ?? [];
    list.push(e);
    byRecipient.set(k, list);
  }
  const stored: StoredEvent[] = [];
  for (const k of [...byRecipient.keys()].sort()) {
    const list = byRecipient.get(k) ?? [];
    const recipient = list[0]?.recipient;
    if (!recipient) continue;
    const n = list.length;
    const row = await tx
      .insertInto('event_cursors')
      .values({ account_id: accountId, recipient_kind: recipient.kind, recipient_id: recipient.id, last_seq: n })
      .onConflict((oc) => oc.columns(['recipient_kind', 'recipient_id']).doUpdateSet({ last_seq: sql`event_cursors.last_seq + ${n}` }))
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const first = Number(row.last_seq) - n + 1;
    list.forEach((e, i) => {
      stored.push({ accountId, recipient, seq: first + i, type: e.type, data: e.data, at });
    });
  }
  await tx
    .insertInto('events')
    .values(
      stored.map((e) => ({
        account_id: accountId,
        recipient_kind: e.recipient.kind,
        recipient_id: e.recipient.id,
        seq: e.seq,
        type: e.type,
        data: JSON.stringify(e.data),
        at: e.at,
      })),
    )
    .execute();
  return stored;
}

export async function lastSeq(tx: Tx, recipient: Recipient): Promise<number> {
  const r = await tx
    .selectFrom('event_cursors')
    .select('last_seq')
    .where('recipient_kind', '=', recipient.kind)
    .where('recipient_id', '=', recipient.id)
    .executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

export async function readEventsAfter(tx: Tx, accountId: string, recipient: Recipient, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await tx
    .selectFrom('events')
    .selectAll()
    .where('recipient_kind', '=', recipient.kind)
    .where('recipient_id', '=', recipient.id)
    .where('account_id', '=', accountId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, recipient, seq: Number(r.seq), type: r.type, data: JSON.parse(r.data), at: r.at }));
}

export async function oldestSeq(tx: Tx, recipient: Recipient): Promise<number | null> {
  const r = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.min('seq').as('s'))
    .where('recipient_kind', '=', recipient.kind)
    .where('recipient_id', '=', recipient.id)
    .executeTakeFirst();
  return r?.s === null || r?.s === undefined ? null : Number(r.s);
}
