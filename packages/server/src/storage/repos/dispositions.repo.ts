import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import { parseJson } from './json.js';

export interface DispositionRecord {
  id: string;
  accountId: string;
  name: string;
  deleted: boolean;
  createdAt: number;
}

type Row = { id: string; account_id: string; name: string; deleted: number; created_at: number };
const toDisposition = (r: Row): DispositionRecord => ({ id: r.id, accountId: r.account_id, name: r.name, deleted: r.deleted === 1, createdAt: r.created_at });

export async function insertDisposition(tx: Tx, d: DispositionRecord): Promise<void> {
  await tx
    .insertInto('dispositions')
    .values({ id: d.id, account_id: d.accountId, name: d.name, deleted: d.deleted ? 1 : 0, created_at: d.createdAt })
    .execute();
}

/** A disposition that is not deleted. */
export async function findDisposition(tx: Tx, accountId: string, id: string): Promise<DispositionRecord | undefined> {
  const r = await tx
    .selectFrom('dispositions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return r ? toDisposition(r) : undefined;
}

export async function findDispositionByName(tx: Tx, accountId: string, name: string): Promise<DispositionRecord | undefined> {
  const r = await tx
    .selectFrom('dispositions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return r ? toDisposition(r) : undefined;
}

/** The account's dispositions by name (then id), up to `limit` after the position `[name, id]`. */
export async function listDispositions(tx: Tx, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  let q = tx.selectFrom('dispositions').selectAll().where('account_id', '=', accountId).where('deleted', '=', 0);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'name', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  return (await q.orderBy('name').orderBy('id').limit(page.limit).execute()).map(toDisposition);
}

/** Dispositions by id, deleted ones too (a past wrap-up names what was chosen then). */
export async function findDispositionsByIds(tx: Tx, accountId: string, ids: readonly string[]): Promise<DispositionRecord[]> {
  if (ids.length === 0) return [];
  return (
    await tx
      .selectFrom('dispositions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .execute()
  ).map(toDisposition);
}

export async function updateDisposition(tx: Tx, d: DispositionRecord): Promise<void> {
  await tx
    .updateTable('dispositions')
    .set({ name: d.name, deleted: d.deleted ? 1 : 0 })
    .where('account_id', '=', d.accountId)
    .where('id', '=', d.id)
    .execute();
}

// ---------------------------------------------------------------- wrap-ups

export interface WrapUpRecord {
  conversationId: string;
  accountId: string;
  dispositionIds: string[];
  note: string | null;
  closedAt: number;
}

type WrapRow = { conversation_id: string; account_id: string; disposition_ids: string; note: string | null; closed_at: number };
const toWrapUp = (r: WrapRow): WrapUpRecord => ({
  conversationId: r.conversation_id,
  accountId: r.account_id,
  dispositionIds: parseJson<string[]>(r.disposition_ids, []),
  note: r.note,
  closedAt: r.closed_at,
});

/** The wrap-up of a close (a later close replaces the earlier one). */
export async function saveWrapUp(tx: Tx, w: WrapUpRecord): Promise<void> {
  const values = { disposition_ids: JSON.stringify(w.dispositionIds), note: w.note, closed_at: w.closedAt };
  await tx
    .insertInto('conversation_wrap_ups')
    .values({ conversation_id: w.conversationId, account_id: w.accountId, ...values })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
    .execute();
}

export async function findWrapUp(tx: Tx, accountId: string, conversationId: string): Promise<WrapUpRecord | undefined> {
  const r = await tx
    .selectFrom('conversation_wrap_ups')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return r ? toWrapUp(r) : undefined;
}

/** The wrap-ups of these conversations (read in chunks: the CSV asks for many). */
export async function listWrapUpsOf(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<WrapUpRecord[]> {
  const out: WrapUpRecord[] = [];
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500);
    const rows = await tx.selectFrom('conversation_wrap_ups').selectAll().where('account_id', '=', accountId).where('conversation_id', 'in', chunk).execute();
    out.push(...rows.map(toWrapUp));
  }
  return out;
}

/** The wrap-ups of closes in `[from, to)`. */
export async function listWrapUpsClosedBetween(tx: Tx, accountId: string, from: number, to: number): Promise<WrapUpRecord[]> {
  const rows = await tx
    .selectFrom('conversation_wrap_ups')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .execute();
  return rows.map(toWrapUp);
}
