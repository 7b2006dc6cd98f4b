import type { Channel, ConsumerExport, ConsumerRecordView, ConsumerSearchItem, ConversationState, ErasureAccepted } from '@parley/contract';
import { dropName, ERASED_NAME, ERASED_TEXT, eraseInJson } from '../domain/erasure.js';
import { notFound } from '../domain/errors.js';
import {
  type ConsumerPosition,
  type ConsumerRow,
  conversationCounts,
  conversationRowsOfConsumer,
  deleteConsumerEventsButNewest,
  dropPendingJobs,
  type EventPosition,
  eraseConversationContent,
  eventsMentioning,
  fileRowsOf,
  findConsumerRow,
  markConsumerErased,
  notesOf,
  notificationsAbout,
  searchConsumers,
  setEventData,
  setLastMessageText,
  setMessageText,
  setNoteText,
  setNotificationData,
  staffTextsOf,
  surveyAnswersOf,
} from '../storage/repos/consumer-data.repo.js';
import { listMessages, toWireMessage } from '../storage/repos/messages.repo.js';
import { type Actor, recordAudit } from './audit.service.js';
import { forgetConsumerSessions } from './auth.service.js';
import type { Deps } from './context.js';
import { withSenderNames } from './message-wire.js';

/**
 * Consumer data rights (GDPR / CCPA; API.md "Enterprise controls"): a manager finds a consumer,
 * exports everything Parley holds about them, or erases them. Both are audit-logged.
 *
 * Erasure reaches every copy: each consumer message's text reads "[erased]", the files go (rows and
 * bytes), custom variables and the identity go, the name becomes "Erased consumer"; the list
 * preview and the All tab's search read the erased text; stored per-recipient events are rewritten
 * the same way (agents' logs keep their seqs) and the consumer's own log is dropped (its newest
 * event stays, erased, so seqs keep growing); queued deliveries and CRM transcripts of the
 * conversations are dropped; the consumer's sessions end. Staff text — notes, agents' messages —
 * stays, without the consumer's name. Conversations, scores and the reports' aggregates stay. Steps are
 * idempotent and the consumer is stamped erased last, so an erasure cut short is finished by the
 * next request; once stamped, erasing again changes nothing.
 */

const EVENT_PAGE = 200;
const EXPORT_LINK_TTL_SEC = 24 * 3600;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function toView(r: ConsumerRow): ConsumerRecordView {
  let customVariables: Record<string, string | number | boolean> = {};
  try {
    customVariables = JSON.parse(r.custom_variables) as typeof customVariables;
  } catch {
    // unreadable: none
  }
  return {
    id: r.id,
    channel: r.channel as Channel,
    channelId: r.channel_id,
    identity: r.external_id,
    name: r.name,
    customVariables,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    erasedAt: iso(r.erased_at),
  };
}

/** GET /api/v1/consumers?q= — name, identity (brand id, phone, page-scoped id) or id; newest first. */
export async function findConsumers(
  deps: Deps,
  accountId: string,
  q: string | undefined,
  page: { limit: number; after: ConsumerPosition | undefined },
): Promise<{ rows: (ConsumerSearchItem & { position: ConsumerPosition })[]; more: boolean }> {
  const rows = await searchConsumers(deps.db.kysely, accountId, q, page.after, page.limit + 1);
  const counts = await conversationCounts(
    deps.db.kysely,
    accountId,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) => ({ ...toView(r), conversations: counts.get(r.id) ?? 0, position: [Number(r.created_at), r.id] as ConsumerPosition }));
  return { rows: items, more: rows.length > page.limit };
}

/** GET /api/v1/consumers/{id}/export — the consumer, their conversations with messages and survey answers, their files with download links. */
export async function exportConsumer(deps: Deps, accountId: string, consumerId: string, actor: Actor): Promise<ConsumerExport> {
  const tx = deps.db.kysely;
  const consumer = await findConsumerRow(tx, accountId, consumerId);
  if (!consumer) throw notFound('consumer');
  const conversations = await conversationRowsOfConsumer(tx, accountId, consumerId);
  const ids = conversations.map((c) => c.id);
  const messages = await withSenderNames(tx, accountId, (await listMessages(tx, accountId, ids, 0, 1_000_000)).map(toWireMessage));
  const answers = await surveyAnswersOf(tx, accountId, ids);
  const files = await fileRowsOf(tx, accountId, ids);
  const now = deps.clock.now();
  const links = deps.files?.links;
  const out: ConsumerExport = {
    exportedAt: new Date(now).toISOString(),
    consumer: toView(consumer),
    conversations: conversations.map((c) => ({
      id: c.id,
      channel: c.channel as Channel,
      skillId: c.skill_id,
      state: c.state as ConversationState,
      createdAt: new Date(Number(c.created_at)).toISOString(),
      closedAt: iso(c.closed_at),
      messages: messages.filter((m) => m.conversationId === c.id).sort((a, b) => a.seq - b.seq),
      surveyAnswers: answers
        .filter((a) => a.conversation_id === c.id)
        .map((a) => ({
          questionId: a.question_id,
          type: a.type,
          value: a.int_value ?? a.text_value,
          answeredAt: new Date(Number(a.answered_at)).toISOString(),
        })),
    })),
    files: files.map((f) => ({
      id: f.id,
      conversationId: f.conversationId,
      name: f.name,
      contentType: f.contentType,
      size: f.size,
      url: links ? links.urlFor(f.id, now, EXPORT_LINK_TTL_SEC) : `/api/v1/files/${encodeURIComponent(f.id)}`,
    })),
  };
  await deps.db.transaction((t) =>
    recordAudit(t, now, {
      accountId,
      ...actor,
      action: 'consumer.exported',
      targetType: 'consumer',
      targetId: consumerId,
      details: { conversations: out.conversations.length, files: out.files.length },
    }),
  );
  return out;
}

/** POST /api/v1/consumers/{id}/erase — 202 once done (or when already erased: nothing more happens). */
export async function eraseConsumer(deps: Deps, accountId: string, consumerId: string, actor: Actor): Promise<ErasureAccepted> {
  const db = deps.db;
  const consumer = await findConsumerRow(db.kysely, accountId, consumerId);
  if (!consumer) throw notFound('consumer');
  if (consumer.erased_at !== null) return { id: consumerId, erasedAt: new Date(Number(consumer.erased_at)).toISOString() };
  const name = consumer.name;
  const conversations = await conversationRowsOfConsumer(db.kysely, accountId, consumerId);
  const ids = conversations.map((c) => c.id);
  const files = await fileRowsOf(db.kysely, accountId, ids);

  // 1. The conversations' content, notes and notifications, pending jobs: one transaction.
  let droppedJobs = 0;
  await db.transaction(async (tx) => {
    await eraseConversationContent(tx, accountId, ids, ERASED_TEXT);
    // Staff text stays, without the consumer's name: agents' messages and the list previews too.
    const staff = await staffTextsOf(tx, accountId, ids);
    for (const m of staff.messages) {
      const text = dropName(m.text ?? '', name);
      if (text !== m.text) await setMessageText(tx, accountId, m.id, text);
    }
    for (const p of staff.previews) {
      const text = dropName(p.last_message_text ?? '', name);
      if (text !== p.last_message_text) await setLastMessageText(tx, accountId, p.id, text);
    }
    for (const n of await notesOf(tx, accountId, ids)) {
      const text = dropName(n.text, name);
      if (text !== n.text) await setNoteText(tx, accountId, n.id, text);
    }
    for (const n of await notificationsAbout(tx, accountId, ids)) {
      const data = JSON.stringify(eraseInJson(JSON.parse(n.data), name));
      if (data !== n.data) await setNotificationData(tx, accountId, n.id, data);
    }
    droppedJobs = await dropPendingJobs(tx, accountId, ids);
  });
  // 2. The files' bytes (their rows went above).
  for (const f of files) {
    await deps.files?.store.delete(f.storageKey).catch((err) => deps.log.warn({ err, fileId: f.id }, 'erasure: could not remove stored file bytes'));
  }
  // 3. Stored events that carry the consumer's words or name: rewritten page by page (seqs unchanged).
  const since = Math.min(Number(consumer.created_at), ...conversations.map((c) => Number(c.created_at)));
  let after: EventPosition | undefined;
  let rewritten = 0;
  for (;;) {
    const page = await eventsMentioning(db.kysely, accountId, [...ids, consumerId], since, after, EVENT_PAGE);
    await db.transaction(async (tx) => {
      for (const e of page) {
        const data = JSON.stringify(eraseInJson(JSON.parse(e.data), name));
        if (data !== e.data) {
          await setEventData(tx, e, data);
          rewritten++;
        }
      }
    });
    const last = page.at(-1);
    if (page.length < EVENT_PAGE || !last) break;
    after = [last.at, last.recipientKind, last.recipientId, last.seq];
  }
  // 4. The consumer: their own event log, identity, name and variables, sessions; stamped, audit-logged.
  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    await deleteConsumerEventsButNewest(tx, consumerId);
    await markConsumerErased(tx, accountId, consumerId, ERASED_NAME, now);
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'consumer.erased',
      targetType: 'consumer',
      targetId: consumerId,
      details: { conversations: ids.length, files: files.length, events: rewritten, pendingJobs: droppedJobs },
    });
  });
  forgetConsumerSessions(deps, consumerId);
  await deps.publisher.disconnect({ kind: 'consumer', id: consumerId }).catch((err) => deps.log.warn({ err }, 'erasure: could not drop consumer sockets'));
  return { id: consumerId, erasedAt: new Date(now).toISOString() };
}
