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

/** How many conversations of the account wait in each skill's queue (`null`: no skill). */
export async function queuedPerSkill(tx: Tx, accountId: string): Promise<Map<string | null, number>> {
  const rows = await tx
    .selectFrom('conversations')
    .select(['skill_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .where('state', '=', 'queued')
    .groupBy('skill_id')
    .execute();
  return new Map(rows.map((r) => [r.skill_id, Number(r.n)]));
}

/** Queued conversations of every account (the metrics gauge). */
export async function countQueuedEverywhere(tx: Tx): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The accounts that have a queued conversation (routing's start-up sweep). */
export async function listAccountsWithQueued(tx: Tx): Promise<string[]> {
  const rows = await tx.selectFrom('conversations').select('account_id').where('state', '=', 'queued').distinct().execute();
  return rows.map((r) => r.account_id);
}
