import type { Channel, ConversationState } from '@parley/contract';
import type { Awaiting, ClosedBy, Conversation } from '../../domain/conversation.js';
import type { Tx } from '../db.js';

export type QueuedView = Pick<
  Conversation,
  'id' | 'consumerId' | 'state' | 'skillId' | 'channel' | 'awaiting' | 'urgent' | 'createdAt' | 'closedAt' | 'closedBy' | 'slaDueAt'
>;

/** The account's queued conversations in queue order per skill (priority, then waiting time, then id — as `queuePosition`). */
export async function listQueueOrder(tx: Tx, accountId: string, limit: number): Promise<QueuedView[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select(['id', 'consumer_id', 'state', 'skill_id', 'channel', 'awaiting', 'urgent', 'created_at', 'closed_at', 'closed_by', 'sla_due_at'])
    .where('account_id', '=', accountId)
    .where('state', '=', 'queued')
    .orderBy('skill_id')
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    consumerId: r.consumer_id,
    state: r.state as ConversationState,
    skillId: r.skill_id,
    channel: r.channel as Channel,
    awaiting: r.awaiting as Awaiting,
    urgent: r.urgent === 1,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by as ClosedBy | null,
    slaDueAt: r.sla_due_at,
  }));
}
