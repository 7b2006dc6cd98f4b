import { type Insertable, sql } from 'kysely';
import type { Delivery, Recipient, StoredDelivery } from '../../domain/audience.js';
import type { Dialect, Tx } from '../db.js';
import { prepared } from '../prepared.js';
import type { EventsTable } from '../schema.js';

export type { Recipient, RecipientKind } from '../../domain/audience.js';

/** An event for one recipient, before it is stored (its audience was decided by domain/audience.ts). */
export type PendingEvent = Delivery;

/** A stored event: a recipient's event with its seq. */
export type StoredEvent = StoredDelivery;

const key = (r: Recipient) => `${r.kind}:${r.id}`;

/**
 * Append events in the caller's transaction. Each recipient has its own gapless `seq`. On
 * PostgreSQL it is allocated by an upsert on the recipient's cursor row (a row lock, so concurrent
 * writers for one recipient commit in seq order); recipients are locked in a fixed order to avoid
 * deadlocks. On SQLite write transactions are serialised by the database itself, so the next seq is
 * the recipient's highest stored seq + 1 (a primary-key lookup, no extra write).
 */
type EventRow = Insertable<EventsTable>;
const EVENT_COLUMNS = ['account_id', 'recipient_kind', 'recipient_id', 'seq', 'type', 'data', 'at'] as const;
const eventInserts = new Map<number, (tx: Tx, values: Record<string, unknown>) => Promise<unknown>>();

function insertEventRows(n: number) {
  let q = eventInserts.get(n);
  if (!q) {
    // One parameter per row and column, named `<row>:<column>`.
    q = prepared((db, p: Record<string, unknown>) =>
      db.insertInto('events').values(Array.from({ length: n }, (_, i) => Object.fromEntries(EVENT_COLUMNS.map((c) => [c, p[`${i}:${c}`]])) as EventRow)),
    );
    eventInserts.set(n, q);
  }
  return q;
}

export async function appendEvents(tx: Tx, dialect: Dialect, accountId: string, events: PendingEvent[], at: number): Promise<StoredEvent[]> {
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
    let first: number;
    if (dialect === 'sqlite') {
      first = (await lastSeq(tx, recipient)) + 1;
    } else {
      const row = await tx
        .insertInto('event_cursors')
        .values({ account_id: accountId, recipient_kind: recipient.kind, recipient_id: recipient.id, last_seq: n })
        .onConflict((oc) => oc.columns(['recipient_kind', 'recipient_id']).doUpdateSet({ last_seq: sql`event_cursors.last_seq + ${n}` }))
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      first = Number(row.last_seq) - n + 1;
    }
    list.forEach((e, i) => {
      stored.push({ ...e, accountId, recipient, seq: first + i, at });
    });
  }
  const rows = stored.map((e) => ({
    account_id: accountId,
    recipient_kind: e.recipient.kind,
    recipient_id: e.recipient.id,
    seq: e.seq,
    type: e.type,
    data: JSON.stringify(e.data),
    at: e.at,
  }));
  // A message's events come in small batches: a prepared insert per row count up to 8.
  const insert = rows.length <= 8 ? insertEventRows(rows.length) : undefined;
  if (insert) await insert(tx, Object.fromEntries(rows.flatMap((r, i) => EVENT_COLUMNS.map((c) => [`${i}:${c}`, r[c]]))));
  else await tx.insertInto('events').values(rows).execute();
  return stored;
}

const maxSeq = prepared((db, p: { kind: string; id: string }) =>
  db
    .selectFrom('events')
    .select((eb) => eb.fn.max('seq').as('s'))
    .where('recipient_kind', '=', p.kind)
    .where('recipient_id', '=', p.id),
);

/** The recipient's latest event seq (0 before the first): the highest stored, by primary key. */
export async function lastSeq(tx: Tx, recipient: Recipient): Promise<number> {
  const r = (await maxSeq(tx, recipient)).rows[0];
  return r?.s === null || r?.s === undefined ? 0 : Number(r.s);
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
  // Stored by appendEvents from typed deliveries: the row holds what the contract's schema says.
  return rows.map((r) => ({ accountId: r.account_id, recipient, seq: Number(r.seq), type: r.type, data: JSON.parse(r.data), at: r.at }) as StoredEvent);
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
