import type { Tx } from '../db.js';
import { type NamedRecord, namedListRepo } from './named-list.repo.js';

export interface LabelRecord extends NamedRecord {
  color: string;
}

export const labelsRepo = namedListRepo<LabelRecord>('labels', { fromRow: (r) => ({ color: String(r.color) }), toRow: (l) => ({ color: l.color }) });

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
