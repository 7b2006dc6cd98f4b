import type { Conversation } from '../../domain/conversation.js';
import type { Tx } from '../db.js';
import { toConversation } from './conversations.repo.js';

/** The account's queued conversations in queue order per skill (priority, then waiting time, then id — as `queuePosition`). */
export async function listQueueOrder(tx: Tx, accountId: string, limit: number): Promise<Conversation[]> {
  const rows = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('state', '=', 'queued')
    .orderBy('skill_id')
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toConversation);
}
