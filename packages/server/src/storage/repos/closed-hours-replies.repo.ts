import type { Tx } from '../db.js';

/** Records that a conversation got its closed-hours reply; false when it already had (nothing written). */
export async function claimClosedHoursReply(tx: Tx, r: { conversationId: string; accountId: string; at: number }): Promise<boolean> {
  const res = await tx
    .insertInto('closed_hours_replies')
    .values({ conversation_id: r.conversationId, account_id: r.accountId, sent_at: r.at })
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}
