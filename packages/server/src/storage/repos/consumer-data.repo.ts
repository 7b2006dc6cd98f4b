import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import type { ConsumersTable, NotesTable, SurveyAnswersTable } from '../schema.js';
import { containsText, mentionsAnyId } from '../text-search.js';
import { parseJson } from './json.js';

/**
 * Consumer data rights (services/consumer-data.service.ts): find a consumer, read everything held
 * about them, and the writes of an erasure — each bounded (one consumer's conversations; events in
 * pages).
 */

export type ConsumerRow = Selectable<ConsumersTable>;
/** Keyset position of the consumer search: newest first. */
export type ConsumerPosition = readonly [createdAt: number, id: string];

/** Consumers of the account whose name or identity (the brand's id, a phone number, a page-scoped id) contains `q`, or whose id is `q`; newest first. */
export async function searchConsumers(
  tx: Tx,
  accountId: string,
  q: string | undefined,
  after: ConsumerPosition | undefined,
  limit: number,
): Promise<ConsumerRow[]> {
  let query = tx.selectFrom('consumers').selectAll().where('account_id', '=', accountId);
  const needle = q?.trim();
  if (needle) {
    query = query.where((eb) => {
      const text = containsText(eb, ['name', 'external_id'], needle);
      return text ? eb.or([text, eb('id', '=', needle)]) : eb('id', '=', needle);
    });
  }
  if (after) {
    query = query.where((eb) =>
      afterPosition(eb, [
        { column: 'created_at', direction: 'desc', value: after[0] },
        { column: 'id', direction: 'desc', value: after[1] },
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** How many conversations each of these consumers has (one grouped read, index `conversations_consumer`). */
export async function conversationCounts(tx: Tx, accountId: string, consumerIds: readonly string[]): Promise<Map<string, number>> {
  if (!consumerIds.length) return new Map();
  const rows = await tx
    .selectFrom('conversations')
    .select(['consumer_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', accountId)
    .where('consumer_id', 'in', [...consumerIds])
    .groupBy('consumer_id')
    .execute();
  return new Map(rows.map((r) => [r.consumer_id, Number(r.n)]));
}

export async function findConsumerRow(tx: Tx, accountId: string, id: string): Promise<ConsumerRow | undefined> {
  return tx.selectFrom('consumers').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** Every conversation of the consumer, oldest first (index `conversations_consumer`). */
export async function conversationRowsOfConsumer(tx: Tx, accountId: string, consumerId: string) {
  return tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export type SurveyAnswerRow = Selectable<SurveyAnswersTable>;

/** The survey answers given in these conversations, with the conversation each belongs to. */
export async function surveyAnswersOf(
  tx: Tx,
  accountId: string,
  conversationIds: readonly string[],
): Promise<(SurveyAnswerRow & { conversation_id: string })[]> {
  if (!conversationIds.length) return [];
  return tx
    .selectFrom('survey_answers')
    .innerJoin('surveys', 'surveys.id', 'survey_answers.survey_id')
    .selectAll('survey_answers')
    .select('surveys.conversation_id')
    .where('surveys.account_id', '=', accountId)
    .where('surveys.conversation_id', 'in', [...conversationIds])
    .orderBy('survey_answers.answered_at')
    .execute();
}

export interface FileRow {
  id: string;
  conversationId: string;
  name: string;
  contentType: string;
  size: number;
  storageKey: string;
}

export async function fileRowsOf(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<FileRow[]> {
  if (!conversationIds.length) return [];
  const rows = await tx
    .selectFrom('files')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', [...conversationIds])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    name: r.name,
    contentType: r.content_type,
    size: Number(r.size),
    storageKey: r.storage_key,
  }));
}

// ------------------------------------------------------------------ erasure writes

/**
 * In these conversations: every consumer message's text becomes `erasedText`, no message keeps a
 * file, the files' rows go, a consumer's last-message preview (the list and the All tab's search)
 * becomes `erasedText`, and text survey answers become `erasedText` (scores stay, for the reports).
 */
export async function eraseConversationContent(tx: Tx, accountId: string, conversationIds: readonly string[], erasedText: string): Promise<void> {
  if (!conversationIds.length) return;
  const ids = [...conversationIds];
  await tx
    .updateTable('messages')
    .set({ text: erasedText })
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', ids)
    .where('sender_type', '=', 'consumer')
    .execute();
  await tx
    .updateTable('messages')
    .set({ file: null })
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', ids)
    .where('file', 'is not', null)
    .execute();
  await tx.deleteFrom('files').where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute();
  await tx
    .updateTable('conversations')
    .set({ last_message_text: erasedText })
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .where('last_message_sender', '=', 'consumer')
    .execute();
  const surveys = await tx.selectFrom('surveys').select(['id', 'answers']).where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute();
  for (const s of surveys) {
    const answers = parseJson<Record<string, unknown>>(s.answers, {});
    const erased = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, typeof v === 'string' ? erasedText : v]));
    await tx
      .updateTable('surveys')
      .set({ answers: JSON.stringify(erased) })
      .where('id', '=', s.id)
      .execute();
    await tx.updateTable('survey_answers').set({ text_value: erasedText }).where('survey_id', '=', s.id).where('text_value', 'is not', null).execute();
  }
}

/** Texts others wrote in these conversations (agents, bots, system lines), and the previews of their last messages: where the consumer's name may be quoted. */
export async function staffTextsOf(tx: Tx, accountId: string, conversationIds: readonly string[]) {
  if (!conversationIds.length) return { messages: [], previews: [] };
  const ids = [...conversationIds];
  const messages = await tx
    .selectFrom('messages')
    .select(['id', 'text'])
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', ids)
    .where('sender_type', '!=', 'consumer')
    .where('text', 'is not', null)
    .execute();
  const previews = await tx
    .selectFrom('conversations')
    .select(['id', 'last_message_text'])
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .where('last_message_text', 'is not', null)
    .execute();
  return { messages, previews };
}

export async function setMessageText(tx: Tx, accountId: string, id: string, text: string): Promise<void> {
  await tx.updateTable('messages').set({ text }).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function setLastMessageText(tx: Tx, accountId: string, conversationId: string, text: string): Promise<void> {
  await tx.updateTable('conversations').set({ last_message_text: text }).where('account_id', '=', accountId).where('id', '=', conversationId).execute();
}

export async function notesOf(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<Selectable<NotesTable>[]> {
  if (!conversationIds.length) return [];
  return tx
    .selectFrom('notes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', [...conversationIds])
    .execute();
}

export async function setNoteText(tx: Tx, accountId: string, id: string, text: string): Promise<void> {
  await tx.updateTable('notes').set({ text }).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** Notifications that mention one of these conversations (mention notifications quote the note). */
export async function notificationsAbout(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<{ id: string; data: string }[]> {
  if (!conversationIds.length) return [];
  return tx
    .selectFrom('notifications')
    .select(['id', 'data'])
    .where('account_id', '=', accountId)
    .where((eb) => mentionsAnyId(eb, 'data', conversationIds))
    .execute();
}

export async function setNotificationData(tx: Tx, accountId: string, id: string, data: string): Promise<void> {
  await tx.updateTable('notifications').set({ data }).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export interface EventKey {
  recipientKind: string;
  recipientId: string;
  seq: number;
}
/** Position in the account's events by (at, recipient, seq), for paging. */
export type EventPosition = readonly [at: number, recipientKind: string, recipientId: string, seq: number];

/** A page of the account's stored events since `since` that name one of these ids (a conversation's, a consumer's). */
export async function eventsMentioning(
  tx: Tx,
  accountId: string,
  ids: readonly string[],
  since: number,
  after: EventPosition | undefined,
  limit: number,
): Promise<(EventKey & { at: number; data: string })[]> {
  if (!ids.length) return [];
  let q = tx
    .selectFrom('events')
    .select(['recipient_kind', 'recipient_id', 'seq', 'at', 'data'])
    .where('account_id', '=', accountId)
    .where('at', '>=', since)
    .where((eb) => mentionsAnyId(eb, 'data', ids));
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'at', direction: 'asc', value: after[0] },
        { column: 'recipient_kind', direction: 'asc', value: after[1] },
        { column: 'recipient_id', direction: 'asc', value: after[2] },
        { column: 'seq', direction: 'asc', value: after[3] },
      ]),
    );
  }
  const rows = await q.orderBy('at').orderBy('recipient_kind').orderBy('recipient_id').orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ recipientKind: r.recipient_kind, recipientId: r.recipient_id, seq: Number(r.seq), at: Number(r.at), data: r.data }));
}

export async function setEventData(tx: Tx, e: EventKey, data: string): Promise<void> {
  await tx
    .updateTable('events')
    .set({ data })
    .where('recipient_kind', '=', e.recipientKind)
    .where('recipient_id', '=', e.recipientId)
    .where('seq', '=', e.seq)
    .execute();
}

/** The consumer's own event log, all but its newest event (kept so its seq keeps growing; the caller erases its content). */
export async function deleteConsumerEventsButNewest(tx: Tx, consumerId: string): Promise<void> {
  const newest = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.max('seq').as('s'))
    .where('recipient_kind', '=', 'consumer')
    .where('recipient_id', '=', consumerId)
    .executeTakeFirst();
  if (newest?.s === null || newest?.s === undefined) return;
  await tx.deleteFrom('events').where('recipient_kind', '=', 'consumer').where('recipient_id', '=', consumerId).where('seq', '<', Number(newest.s)).execute();
}

/** Queued (not yet sent) jobs of these conversations — channel deliveries, CRM transcripts — and their queue timers. */
export async function dropPendingJobs(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<number> {
  if (!conversationIds.length) return 0;
  const r = await tx
    .deleteFrom('jobs')
    .where('account_id', '=', accountId)
    .where('ordering_key', 'in', [...conversationIds])
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The consumer's row erased (name, identity, variables) and stamped; its sessions end. */
export async function markConsumerErased(tx: Tx, accountId: string, consumerId: string, name: string, at: number): Promise<void> {
  await tx
    .updateTable('consumers')
    .set({ name, external_id: null, custom_variables: '{}', erased_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', consumerId)
    .execute();
  await tx.deleteFrom('consumer_sessions').where('account_id', '=', accountId).where('consumer_id', '=', consumerId).execute();
}
