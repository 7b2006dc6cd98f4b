import type { DeliveryStatus } from '@parley/contract';
import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import type { DeliveriesTable } from '../schema.js';

/** One message waiting for (or done with) delivery to its channel's provider. */
export interface DeliveryRecord {
  messageId: string;
  accountId: string;
  conversationId: string;
  channelId: string;
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  claimedUntil: number | null;
  claimToken: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<DeliveriesTable>;

const toDelivery = (r: Row): DeliveryRecord => ({
  messageId: r.message_id,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  channelId: r.channel_id,
  seq: Number(r.seq),
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  claimedUntil: r.claimed_until,
  claimToken: r.claim_token,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
});

export async function insertDelivery(tx: Tx, d: DeliveryRecord): Promise<void> {
  await tx
    .insertInto('deliveries')
    .values({
      message_id: d.messageId,
      account_id: d.accountId,
      conversation_id: d.conversationId,
      channel_id: d.channelId,
      seq: d.seq,
      status: d.status,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt,
      claimed_until: d.claimedUntil,
      claim_token: d.claimToken,
      last_error: d.lastError,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      sent_at: d.sentAt,
    })
    .execute();
}

/** The conversation's next message to deliver: the queued one with the lowest seq (deliveries go out in order). */
export async function headOfQueue(tx: Tx, accountId: string, conversationId: string): Promise<DeliveryRecord | undefined> {
  const r = await tx
    .selectFrom('deliveries')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', '=', 'queued')
    .where('account_id', '=', accountId)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return r ? toDelivery(r) : undefined;
}

export async function findDelivery(tx: Tx, accountId: string, messageId: string): Promise<DeliveryRecord | undefined> {
  const r = await tx.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('message_id', '=', messageId).executeTakeFirst();
  return r ? toDelivery(r) : undefined;
}

/**
 * Claim a queued delivery for one attempt (a guarded update): false if it is no longer queued or
 * another worker holds an unexpired claim. The claim lets exactly one node send it at a time.
 */
export async function claimDelivery(tx: Tx, messageId: string, token: string, now: number, leaseMs: number): Promise<boolean> {
  const r = await tx
    .updateTable('deliveries')
    .set({ claimed_until: now + leaseMs, claim_token: token, updated_at: now })
    .where('message_id', '=', messageId)
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Record the outcome of a claimed attempt; false if the claim was lost meanwhile (then nothing changes). */
export async function settleDelivery(
  tx: Tx,
  messageId: string,
  token: string,
  patch: { status: DeliveryStatus; attempts: number; nextAttemptAt: number; lastError: string | null; sentAt: number | null; now: number },
): Promise<boolean> {
  const r = await tx
    .updateTable('deliveries')
    .set({
      status: patch.status,
      attempts: patch.attempts,
      next_attempt_at: patch.nextAttemptAt,
      last_error: patch.lastError,
      sent_at: patch.sentAt,
      claimed_until: null,
      claim_token: null,
      updated_at: patch.now,
    })
    .where('message_id', '=', messageId)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Conversations with deliveries still queued (start-up: make sure each has its timer). */
export async function conversationsWithQueuedDeliveries(tx: Tx): Promise<{ accountId: string; conversationId: string }[]> {
  const rows = await tx.selectFrom('deliveries').select(['account_id', 'conversation_id']).where('status', '=', 'queued').distinct().execute();
  return rows.map((r) => ({ accountId: r.account_id, conversationId: r.conversation_id }));
}
