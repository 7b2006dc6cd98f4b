import { sql } from 'kysely';
import type { Tx } from '../db.js';
import { mentionsAnyId } from '../text-search.js';
import { responseColumns, responseCounts, type SlaTargets } from './reports.repo.js';

/**
 * The deletions of retention (services/retention.service.ts): every query takes a bounded batch —
 * a page of conversation ids, of events, of channel events, of files — so no transaction holds its
 * locks for long, however much history has piled up.
 */

const HOUR = 3600_000;

/** Closed conversations of the account closed before `cutoff`, oldest first (index `conversations_closed`). */
export async function expiredConversations(tx: Tx, accountId: string, cutoff: number, limit: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('closed_at', '<', cutoff)
    .where('state', '=', 'closed')
    .orderBy('closed_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** How many closed conversations of the account were closed before `cutoff` (dry runs). */
export async function countExpiredConversations(tx: Tx, accountId: string, cutoff: number): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('closed_at', '<', cutoff)
    .where('state', '=', 'closed')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface StoredFileRef {
  id: string;
  storageKey: string;
}

/** The stored files of these conversations (index `files_conversation`). */
export async function filesOfConversations(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<StoredFileRef[]> {
  if (!conversationIds.length) return [];
  const rows = await tx
    .selectFrom('files')
    .select(['id', 'storage_key'])
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', [...conversationIds])
    .execute();
  return rows.map((r) => ({ id: r.id, storageKey: r.storage_key }));
}

/**
 * Add these conversations' figures to the kept report hours (`report_hours`), as the daily report
 * counts them (the hour of arrival; first response within the skill's target), before they go.
 */
export async function archiveReportHours(tx: Tx, accountId: string, conversationIds: readonly string[], targets: SlaTargets, now: number): Promise<void> {
  if (!conversationIds.length) return;
  const hourOf = sql<number>`created_at / ${sql.lit(HOUR)}`;
  const rows = await tx
    .selectFrom('conversations')
    .select(hourOf.as('hour_index'))
    .select(responseColumns(targets, now))
    .where('account_id', '=', accountId)
    .where('id', 'in', [...conversationIds])
    .groupBy(hourOf)
    .execute();
  for (const r of rows) {
    const c = responseCounts(r);
    const hourStart = Number(r.hour_index) * HOUR;
    await tx
      .insertInto('report_hours')
      .values({
        account_id: accountId,
        hour_start: hourStart,
        arrivals: c.arrivals,
        responded: c.responded,
        response_ms: c.responseMs,
        met: c.met,
        late_unanswered: c.lateUnanswered,
      })
      .onConflict((oc) =>
        oc.columns(['account_id', 'hour_start']).doUpdateSet({
          arrivals: sql`report_hours.arrivals + ${c.arrivals}`,
          responded: sql`report_hours.responded + ${c.responded}`,
          response_ms: sql`report_hours.response_ms + ${c.responseMs}`,
          met: sql`report_hours.met + ${c.met}`,
          late_unanswered: sql`report_hours.late_unanswered + ${c.lateUnanswered}`,
        }),
      )
      .execute();
  }
}

/**
 * Delete conversations with everything that hangs on them: messages (and their provider ids), notes, the mention
 * notifications that point at them, files (the rows; the caller removes the bytes), surveys and their
 * answers, queued jobs (channel deliveries, CRM sync) and timers. The consumers stay.
 */
export async function deleteConversations(tx: Tx, accountId: string, conversationIds: readonly string[]): Promise<void> {
  if (!conversationIds.length) return;
  const ids = [...conversationIds];
  const surveyIds = (await tx.selectFrom('surveys').select('id').where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute()).map(
    (r) => r.id,
  );
  if (surveyIds.length) {
    await tx.deleteFrom('survey_answers').where('survey_id', 'in', surveyIds).execute();
    await tx.deleteFrom('surveys').where('id', 'in', surveyIds).execute();
  }
  // Provider message ids (delivery receipts) of these conversations' messages.
  await tx
    .deleteFrom('provider_messages')
    .where('account_id', '=', accountId)
    .where('message_id', 'in', (eb) => eb.selectFrom('messages').select('id').where('account_id', '=', accountId).where('conversation_id', 'in', ids))
    .execute();
  await tx.deleteFrom('messages').where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute();
  await tx.deleteFrom('notes').where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute();
  await tx
    .deleteFrom('notifications')
    .where('account_id', '=', accountId)
    .where((eb) => mentionsAnyId(eb, 'data', ids))
    .execute();
  await tx.deleteFrom('files').where('account_id', '=', accountId).where('conversation_id', 'in', ids).execute();
  await tx.deleteFrom('jobs').where('account_id', '=', accountId).where('ordering_key', 'in', ids).execute();
  await tx.deleteFrom('timers').where('account_id', '=', accountId).where('subject_id', 'in', ids).execute();
  await tx.deleteFrom('conversations').where('account_id', '=', accountId).where('id', 'in', ids).execute();
}

/**
 * Per-recipient events older than `before`, except each recipient's newest event: on SQLite the
 * next seq is the highest stored + 1, so a recipient's log is never emptied (seqs must keep growing).
 */
const prunableEvents = (tx: Tx, accountId: string, before: number) =>
  tx
    .selectFrom('events')
    .where('account_id', '=', accountId)
    .where('at', '<', before)
    .where('seq', '<', (eb) =>
      eb
        .selectFrom('events as newest')
        .select((n) => n.fn.max('newest.seq').as('s'))
        .whereRef('newest.recipient_kind', '=', 'events.recipient_kind')
        .whereRef('newest.recipient_id', '=', 'events.recipient_id'),
    );

/** How many events `pruneEvents` would delete (dry runs). */
export async function countPrunableEvents(tx: Tx, accountId: string, before: number): Promise<number> {
  const r = await prunableEvents(tx, accountId, before)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many provider event ids were recorded before `before` (dry runs). */
export async function countChannelEventsBefore(tx: Tx, accountId: string, before: number): Promise<number> {
  const r = await tx
    .selectFrom('channel_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('created_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Delete up to `limit` prunable events (above), oldest first, so a log never gets a hole in the
 * middle: a client behind the oldest kept event is told to resync. Returns how many went.
 */
export async function pruneEvents(tx: Tx, accountId: string, before: number, limit: number): Promise<number> {
  const rows = await prunableEvents(tx, accountId, before).select(['recipient_kind', 'recipient_id', 'seq']).orderBy('at').limit(limit).execute();
  for (const r of rows) {
    await tx.deleteFrom('events').where('recipient_kind', '=', r.recipient_kind).where('recipient_id', '=', r.recipient_id).where('seq', '=', r.seq).execute();
  }
  return rows.length;
}

/** Delete up to `limit` provider event ids (the inbound de-duplication log) recorded before `before`; returns how many. */
export async function pruneChannelEvents(tx: Tx, accountId: string, before: number, limit: number): Promise<number> {
  const rows = await tx
    .selectFrom('channel_events')
    .select(['channel_id', 'event_id'])
    .where('account_id', '=', accountId)
    .where('created_at', '<', before)
    .limit(limit)
    .execute();
  for (const r of rows) await tx.deleteFrom('channel_events').where('channel_id', '=', r.channel_id).where('event_id', '=', r.event_id).execute();
  return rows.length;
}

/**
 * Files uploaded in [from, to) that no message refers to — a send that failed after its bytes were
 * stored and its row written (the crash window of services/files.service.ts), or a file whose
 * conversation is gone.
 */
export async function orphanFiles(tx: Tx, accountId: string, from: number, to: number, limit: number): Promise<StoredFileRef[]> {
  const rows = await tx
    .selectFrom('files as f')
    .select(['f.id', 'f.storage_key'])
    .where('f.account_id', '=', accountId)
    .where('f.created_at', '>=', from)
    .where('f.created_at', '<', to)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages as m')
            .select(sql.lit(1).as('one'))
            .whereRef('m.conversation_id', '=', 'f.conversation_id')
            .where(sql<boolean>`m.file like '%' || f.id || '%'`),
        ),
      ),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, storageKey: r.storage_key }));
}

export async function deleteFileRows(tx: Tx, accountId: string, ids: readonly string[]): Promise<void> {
  if (ids.length)
    await tx
      .deleteFrom('files')
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .execute();
}

export async function listAccountIds(tx: Tx): Promise<string[]> {
  return (await tx.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
}
