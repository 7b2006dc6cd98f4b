import type { Tx } from '../db.js';
import { parseJson } from './json.js';
import { type NamedRecord, namedListRepo } from './named-list.repo.js';

/** A wrap-up code (no columns beyond the named list's). */
export type DispositionRecord = NamedRecord;

export const dispositionsRepo = namedListRepo<DispositionRecord>('dispositions', { fromRow: () => ({}), toRow: () => ({}) });

/** Dispositions by id, deleted ones too (a past wrap-up names what was chosen then). */
export const findDispositionsByIds = dispositionsRepo.findByIds;

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
