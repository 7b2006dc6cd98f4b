import type { DeliveryStatus, Message, QuickReply, SenderType, TemplateMessage } from '@parley/contract';
import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import { prepared } from '../prepared.js';
import type { MessagesTable } from '../schema.js';
import { parseJson } from './json.js';

export interface MessageRecord {
  id: string;
  accountId: string;
  conversationId: string;
  seq: number;
  senderType: SenderType;
  senderId: string | null;
  text: string | null;
  file: Message['file'];
  clientMessageId: string | null;
  createdAt: number;
  /** Channel messages only: where the outbound delivery stands (see services/outbound.service.ts). */
  delivery?: DeliveryStatus | null;
  deliveryError?: string | null;
  /** Agent messages: buttons offered to the consumer. */
  quickReplies?: QuickReply[] | null;
  /** Consumer messages: the button chosen. */
  quickReply?: { payload: string } | null;
  /** Agent messages sent as a WhatsApp template. */
  template?: TemplateMessage | null;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<MessagesTable>;

const toRecord = (r: Row): MessageRecord => ({
  id: r.id,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  seq: r.seq,
  senderType: r.sender_type as SenderType,
  senderId: r.sender_id,
  text: r.text,
  file: parseJson(r.file, null),
  clientMessageId: r.client_message_id,
  createdAt: r.created_at,
  delivery: r.delivery as DeliveryStatus | null,
  deliveryError: r.delivery_error,
  quickReplies: parseJson(r.quick_replies, null),
  quickReply: parseJson(r.quick_reply, null),
  template: parseJson(r.template, null),
});

export const toWireMessage = (m: MessageRecord): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  senderType: m.senderType,
  senderId: m.senderId,
  text: m.text,
  file: m.file,
  clientMessageId: m.clientMessageId,
  createdAt: new Date(m.createdAt).toISOString(),
  ...(m.delivery && { delivery: m.delivery }),
  ...(m.delivery === 'failed' && m.deliveryError && { deliveryError: m.deliveryError }),
  ...(m.quickReplies?.length && { quickReplies: m.quickReplies.map((q) => ({ title: q.title, ...(q.payload !== undefined && { payload: q.payload }) })) }),
  ...(m.quickReply && { quickReply: { payload: m.quickReply.payload } }),
  ...(m.template && { template: { name: m.template.name, language: m.template.language, params: m.template.params } }),
});

const insertRow = prepared((db, p: Row) =>
  db.insertInto('messages').values({
    id: p.id,
    account_id: p.account_id,
    conversation_id: p.conversation_id,
    seq: p.seq,
    sender_type: p.sender_type,
    sender_id: p.sender_id,
    text: p.text,
    file: p.file,
    client_message_id: p.client_message_id,
    created_at: p.created_at,
    delivery: p.delivery,
    quick_replies: p.quick_replies,
    quick_reply: p.quick_reply,
    template: p.template,
    delivery_error: p.delivery_error,
  }),
);

export async function insertMessage(tx: Tx, m: MessageRecord): Promise<void> {
  await insertRow(tx, {
    id: m.id,
    account_id: m.accountId,
    conversation_id: m.conversationId,
    seq: m.seq,
    sender_type: m.senderType,
    sender_id: m.senderId,
    text: m.text,
    file: m.file ? JSON.stringify(m.file) : null,
    client_message_id: m.clientMessageId,
    created_at: m.createdAt,
    delivery: m.delivery ?? null,
    quick_replies: m.quickReplies?.length ? JSON.stringify(m.quickReplies) : null,
    quick_reply: m.quickReply ? JSON.stringify(m.quickReply) : null,
    template: m.template ? JSON.stringify(m.template) : null,
    delivery_error: m.deliveryError ?? null,
  });
}

const byClientId = prepared((db, p: { accountId: string; conversationId: string; senderType: string; clientMessageId: string }) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', p.accountId)
    .where('conversation_id', '=', p.conversationId)
    .where('sender_type', '=', p.senderType)
    .where('client_message_id', '=', p.clientMessageId),
);

export async function findMessageByClientId(
  tx: Tx,
  accountId: string,
  conversationId: string,
  senderType: SenderType,
  clientMessageId: string,
): Promise<MessageRecord | undefined> {
  const r = (await byClientId(tx, { accountId, conversationId, senderType, clientMessageId })).rows[0];
  return r ? toRecord(r) : undefined;
}

/** Messages of the given conversations in transcript order, optionally after a seq (single conversation). */
export async function listMessages(tx: Tx, accountId: string, conversationIds: string[], afterSeq = 0, limit = 5000): Promise<MessageRecord[]> {
  if (!conversationIds.length) return [];
  let q = tx.selectFrom('messages').selectAll().where('account_id', '=', accountId).where('conversation_id', 'in', conversationIds);
  if (afterSeq > 0) q = q.where('seq', '>', afterSeq);
  const rows = await q.orderBy('created_at').orderBy('seq').limit(limit).execute();
  return rows.map(toRecord);
}

/** Where a transcript page ends: the conversation's creation time and id, then the message's seq. */
export type TranscriptPosition = readonly [conversationCreatedAt: number, conversationId: string, seq: number];

/**
 * A page of a transcript: the messages of the given conversations in transcript order — earlier
 * conversations first (created_at, id), then by seq — after `after`, at most `limit`; with
 * `afterSeq` only the messages after that seq (one conversation). Keyset-paginated in SQL, each
 * row carries its position.
 */
export async function listTranscriptPage(
  tx: Tx,
  accountId: string,
  conversationIds: readonly string[],
  page: { afterSeq?: number; after?: TranscriptPosition | undefined; limit: number },
): Promise<{ message: MessageRecord; position: TranscriptPosition }[]> {
  if (!conversationIds.length) return [];
  let q = tx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .select('conversations.created_at as conversation_created_at')
    .where('messages.account_id', '=', accountId)
    .where('messages.conversation_id', 'in', [...conversationIds]);
  if (page.afterSeq) q = q.where('messages.seq', '>', page.afterSeq);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'conversations.created_at', direction: 'asc', value: after[0] },
        { column: 'conversations.id', direction: 'asc', value: after[1] },
        { column: 'messages.seq', direction: 'asc', value: after[2] },
      ]),
    );
  }
  const rows = await q.orderBy('conversations.created_at').orderBy('conversations.id').orderBy('messages.seq').limit(page.limit).execute();
  return rows.map((r) => ({ message: toRecord(r), position: [Number(r.conversation_created_at), r.conversation_id, r.seq] as const }));
}

/** The conversation's consumer messages after its last agent message (all of them when no agent wrote yet). */
const unansweredQuery = (tx: Tx, accountId: string, conversationId: string) =>
  tx
    .selectFrom('messages')
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'consumer')
    .where('seq', '>', (eb) =>
      eb
        .selectFrom('messages')
        .select((m) => m.fn.coalesce(m.fn.max('seq'), m.lit(0)).as('s'))
        .where('account_id', '=', accountId)
        .where('conversation_id', '=', conversationId)
        .where('sender_type', '=', 'agent'),
    );

/** How many consumer messages came after the conversation's last agent message (all of them when no agent wrote yet). */
export async function countUnanswered(tx: Tx, accountId: string, conversationId: string): Promise<number> {
  const r = await unansweredQuery(tx, accountId, conversationId)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The texts of the consumer's messages after the conversation's last agent message, the latest `limit`, oldest first (what suggestions answer). */
export async function unansweredConsumerTexts(tx: Tx, accountId: string, conversationId: string, limit: number): Promise<string[]> {
  const rows = await unansweredQuery(tx, accountId, conversationId).select('text').where('text', 'is not', null).orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => r.text ?? '').reverse();
}

export async function findMessage(tx: Tx, accountId: string, id: string): Promise<MessageRecord | undefined> {
  const r = await tx.selectFrom('messages').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function setMessageDelivery(tx: Tx, accountId: string, id: string, delivery: DeliveryStatus): Promise<void> {
  await tx.updateTable('messages').set({ delivery, delivery_error: null }).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * Move a message's delivery on to `to` only from the states before it (domain/delivery.ts
 * `DELIVERY_BEFORE`), so receipts arriving late or twice never move it back. True when it moved.
 */
export async function advanceMessageDelivery(
  tx: Tx,
  accountId: string,
  id: string,
  to: DeliveryStatus,
  from: readonly DeliveryStatus[],
  error: string | null = null,
): Promise<boolean> {
  if (!from.length) return false;
  const r = await tx
    .updateTable('messages')
    .set({ delivery: to, delivery_error: to === 'failed' ? error : null })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('delivery', 'in', [...from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** When the consumer last wrote in the conversation (the WhatsApp service window counts from it), or null. */
export async function lastConsumerMessageAt(tx: Tx, accountId: string, conversationId: string): Promise<number | null> {
  const r = await tx
    .selectFrom('messages')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'consumer')
    .executeTakeFirst();
  return r?.at === null || r?.at === undefined ? null : Number(r.at);
}

/** The latest agent message of a conversation that offered quick replies after the consumer's last message, if any (SMS numbered answers). */
export async function findOpenQuickReplies(tx: Tx, accountId: string, conversationId: string): Promise<MessageRecord | undefined> {
  const r = await tx
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .where('sender_type', '=', 'agent')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.quick_replies ? toRecord(r) : undefined;
}
