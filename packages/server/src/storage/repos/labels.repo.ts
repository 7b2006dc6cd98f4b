import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';

export interface LabelRecord {
  id: string;
  accountId: string;
  name: string;
  color: string;
  deleted: boolean;
  createdAt: number;
}

type Row = { id: string; account_id: string; name: string; color: string; deleted: number; created_at: number };
const toLabel = (r: Row): LabelRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  color: r.color,
  deleted: r.deleted === 1,
  createdAt: r.created_at,
});

export async function insertLabel(tx: Tx, l: LabelRecord): Promise<void> {
  await tx
    .insertInto('labels')
    .values({ id: l.id, account_id: l.accountId, name: l.name, color: l.color, deleted: l.deleted ? 1 : 0, created_at: l.createdAt })
    .execute();
}

/** A label that is not deleted. */
export async function findLabel(tx: Tx, accountId: string, id: string): Promise<LabelRecord | undefined> {
  const r = await tx.selectFrom('labels').selectAll().where('account_id', '=', accountId).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
  return r ? toLabel(r) : undefined;
}

export async function findLabelByName(tx: Tx, accountId: string, name: string): Promise<LabelRecord | undefined> {
  const r = await tx.selectFrom('labels').selectAll().where('account_id', '=', accountId).where('name', '=', name).where('deleted', '=', 0).executeTakeFirst();
  return r ? toLabel(r) : undefined;
}

/** Labels by id, deleted ones too. */
export async function findLabelsByIds(tx: Tx, accountId: string, ids: readonly string[]): Promise<LabelRecord[]> {
  if (ids.length === 0) return [];
  return (
    await tx
      .selectFrom('labels')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .execute()
  ).map(toLabel);
}

/** The account's labels by name (then id), up to `limit` after the position `[name, id]`. */
export async function listLabels(tx: Tx, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  let q = tx.selectFrom('labels').selectAll().where('account_id', '=', accountId).where('deleted', '=', 0);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'name', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  return (await q.orderBy('name').orderBy('id').limit(page.limit).execute()).map(toLabel);
}

export async function updateLabel(tx: Tx, l: LabelRecord): Promise<void> {
  await tx
    .updateTable('labels')
    .set({ name: l.name, color: l.color, deleted: l.deleted ? 1 : 0 })
    .where('account_id', '=', l.accountId)
    .where('id', '=', l.id)
    .execute();
}

/** A deleted label comes off every conversation. */
export async function removeLabelFromConversations(tx: Tx, accountId: string, labelId: string): Promise<void> {
  await tx.deleteFrom('conversation_labels').where('account_id', '=', accountId).where('label_id', '=', labelId).execute();
}

/** The conversation's labels become exactly `labelIds`. */
export async function setConversationLabels(tx: Tx, accountId: string, conversationId: string, labelIds: readonly string[], at: number): Promise<void> {
  await tx.deleteFrom('conversation_labels').where('account_id', '=', accountId).where('conversation_id', '=', conversationId).execute();
  if (labelIds.length === 0) return;
  await tx
    .insertInto('conversation_labels')
    .values(labelIds.map((label_id) => ({ conversation_id: conversationId, label_id, account_id: accountId, added_at: at })))
    .execute();
}

/** Label ids per conversation, for these conversations (in chunks), each list in name order of the ids given back by the caller. */
export async function labelsOfConversations(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500);
    const rows = await tx
      .selectFrom('conversation_labels')
      .select(['conversation_id', 'label_id'])
      .where('account_id', '=', accountId)
      .where('conversation_id', 'in', chunk)
      .orderBy('added_at')
      .orderBy('label_id')
      .execute();
    for (const r of rows) out.set(r.conversation_id, [...(out.get(r.conversation_id) ?? []), r.label_id]);
  }
  return out;
}

/** Conversations created in `[from, to)` per label. */
export async function countConversationsByLabel(tx: Tx, accountId: string, from: number, to: number): Promise<{ labelId: string; count: number }[]> {
  const rows = await tx
    .selectFrom('conversation_labels')
    .innerJoin('conversations', 'conversations.id', 'conversation_labels.conversation_id')
    .select(['conversation_labels.label_id as label_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('conversation_labels.account_id', '=', accountId)
    .where('conversations.created_at', '>=', from)
    .where('conversations.created_at', '<', to)
    .groupBy('conversation_labels.label_id')
    .execute();
  return rows.map((r) => ({ labelId: r.label_id, count: Number(r.n) }));
}
