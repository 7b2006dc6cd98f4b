import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../db.js';

/**
 * The manager reports' queries (services/reports.service.ts). Each reads a bounded index range: a time
 * window (today, one day, the CSV's range) through an index led by (account_id, <time>), the open
 * conversations through (account_id, state), or given conversations by id. So their cost follows the
 * window, never the account's history; and the dashboard's figures are aggregated in SQL, so a busy day
 * returns a few rows per skill and agent instead of every conversation.
 *
 * Counts come back as numbers on both dialects (PostgreSQL returns SUM over bigint as numeric text).
 */

const HOUR = 3600_000;
const count = (v: unknown): number => Number(v ?? 0);

/** First-response target (ms) per skill id, and the target of any other conversation. */
export interface SlaTargets {
  bySkill: ReadonlyMap<string, number>;
  defaultMs: number;
}

/** The target of the row's skill: `case skill_id when … then … else … end`, as bigint on both dialects. */
function targetOf(t: SlaTargets): RawBuilder<number> {
  const ms = (v: number) => sql`cast(${v} as bigint)`;
  if (t.bySkill.size === 0) return sql<number>`${ms(t.defaultMs)}`;
  const whens = [...t.bySkill].map(([id, v]) => sql`when ${id} then ${ms(v)}`);
  return sql<number>`(case skill_id ${sql.join(whens, sql` `)} else ${ms(t.defaultMs)} end)`;
}

/**
 * First response and SLA of conversations: how many have a first agent response, the sum of their
 * response times, how many of those came within the skill's target (first_response_at ≤ created_at +
 * target), and how many are still unanswered past that deadline.
 */
export function responseColumns(t: SlaTargets, now: number) {
  const target = targetOf(t);
  return [
    sql<number>`count(*)`.as('arrivals'),
    sql<number>`count(first_response_at)`.as('responded'),
    sql<number>`sum(first_response_at - created_at)`.as('response_ms'),
    sql<number>`sum(case when first_response_at - created_at <= ${target} then 1 else 0 end)`.as('met'),
    sql<number>`sum(case when first_response_at is null and created_at + ${target} <= ${now} then 1 else 0 end)`.as('late_unanswered'),
  ] as const;
}

export interface ResponseCounts {
  arrivals: number;
  responded: number;
  /** Sum of first_response_at − created_at over the responded ones. */
  responseMs: number;
  met: number;
  lateUnanswered: number;
}
export const responseCounts = (r: { arrivals: unknown; responded: unknown; response_ms: unknown; met: unknown; late_unanswered: unknown }): ResponseCounts => ({
  arrivals: count(r.arrivals),
  responded: count(r.responded),
  responseMs: count(r.response_ms),
  met: count(r.met),
  lateUnanswered: count(r.late_unanswered),
});

/**
 * Conversations created in [from, to) per (skill, agent who gave the first response; null while
 * unanswered): index `conversations_created (account_id, created_at)`.
 */
export async function arrivalsBySkillAndResponder(
  tx: Tx,
  accountId: string,
  from: number,
  to: number,
  targets: SlaTargets,
  now: number,
): Promise<(ResponseCounts & { skillId: string | null; responderId: string | null })[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select(['skill_id', 'first_response_agent_id'])
    .select(responseColumns(targets, now))
    .where('account_id', '=', accountId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy(['skill_id', 'first_response_agent_id'])
    .execute();
  return rows.map((r) => ({ skillId: r.skill_id, responderId: r.first_response_agent_id, ...responseCounts(r) }));
}

/** Conversations created in [from, from + 24 h) per hour (from is a UTC midnight): index `conversations_created`. */
export async function arrivalsByHour(
  tx: Tx,
  accountId: string,
  from: number,
  targets: SlaTargets,
  now: number,
): Promise<(ResponseCounts & { hour: number })[]> {
  // created_at / HOUR is an integer division on both dialects (a bigint column by an integer literal).
  const hourOf = sql<number>`created_at / ${sql.lit(HOUR)}`;
  const rows = await tx
    .selectFrom('conversations')
    .select(hourOf.as('hour_index'))
    .select(responseColumns(targets, now))
    .where('account_id', '=', accountId)
    .where('created_at', '>=', from)
    .where('created_at', '<', from + 24 * HOUR)
    .groupBy(hourOf)
    .execute();
  return rows.map((r) => ({ hour: count(r.hour_index) - Math.floor(from / HOUR), ...responseCounts(r) }));
}

/** The day's figures of conversations retention deleted (table `report_hours`, migration 0016), per hour of the day. */
export async function archivedHours(tx: Tx, accountId: string, from: number): Promise<(ResponseCounts & { hour: number })[]> {
  const rows = await tx
    .selectFrom('report_hours')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('hour_start', '>=', from)
    .where('hour_start', '<', from + 24 * HOUR)
    .execute();
  return rows.map((r) => ({ hour: Math.floor((count(r.hour_start) - from) / HOUR), ...responseCounts(r) }));
}

/**
 * The first responses an agent gave since a time (a transfer does not move them): how many, and the sum
 * of their response times (first_response_at − created_at). Index `conversations_first_response
 * (account_id, first_response_agent_id, first_response_at)`.
 */
export async function firstResponsesBy(tx: Tx, accountId: string, agentId: string, since: number): Promise<{ n: number; ms: number }> {
  const r = await tx
    .selectFrom('conversations')
    .select([sql<number>`count(*)`.as('n'), sql<number | null>`sum(first_response_at - created_at)`.as('ms')])
    .where('account_id', '=', accountId)
    .where('first_response_agent_id', '=', agentId)
    .where('first_response_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { n: count(r.n), ms: count(r.ms) };
}

/** Conversations one agent closed (was the last agent of) since a time. */
export async function countClosedBy(tx: Tx, accountId: string, agentId: string, since: number): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('last_agent_id', '=', agentId)
    .where('state', '=', 'closed')
    .where('closed_at', '>=', since)
    .executeTakeFirstOrThrow();
  return count(r.n);
}

/** Conversations ringing to or open with one agent now. */
export async function countHeldBy(tx: Tx, accountId: string, agentId: string): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('agent_id', '=', agentId)
    .where('state', 'in', ['open', 'ringing'])
    .executeTakeFirstOrThrow();
  return count(r.n);
}

/** Conversations closed since a time, per last agent: index `conversations_closed (account_id, closed_at)`. */
export async function closedByAgent(tx: Tx, accountId: string, since: number): Promise<Map<string, number>> {
  const rows = await tx
    .selectFrom('conversations')
    .select('last_agent_id')
    .select(sql<number>`count(*)`.as('n'))
    .where('account_id', '=', accountId)
    .where('closed_at', '>=', since)
    .where('state', '=', 'closed')
    .where('last_agent_id', 'is not', null)
    .groupBy('last_agent_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.last_agent_id ? [[r.last_agent_id, count(r.n)] as const] : [])));
}

/** The conversations waiting, ringing or open now: index `conversations_queue (account_id, state, …)`. */
export function openConversations(tx: Tx, accountId: string) {
  return tx
    .selectFrom('conversations')
    .select(['skill_id', 'state', 'agent_id', 'awaiting', 'queued_at', 'created_at', 'sla_due_at', 'manual_sla_at'])
    .where('account_id', '=', accountId)
    .where('state', 'in', ['queued', 'ringing', 'open'])
    .execute();
}

/**
 * CSAT and NPS answers (integer values) since a time, counted per skill, agent, question type and value,
 * and whether they came at or after `dayStart` and `recentFrom`: index `survey_answers_time (account_id, answered_at)`.
 */
export async function scoreAnswersSince(
  tx: Tx,
  accountId: string,
  since: number,
  dayStart: number,
  recentFrom: number,
): Promise<{ skillId: string | null; agentId: string | null; type: string; value: number; today: boolean; recent: boolean; n: number }[]> {
  const rows = await tx
    .selectFrom('survey_answers')
    .select(['skill_id', 'agent_id', 'type', 'int_value'])
    .select([
      sql<number>`case when answered_at >= ${dayStart} then 1 else 0 end`.as('today_flag'),
      sql<number>`case when answered_at >= ${recentFrom} then 1 else 0 end`.as('recent_flag'),
      sql<number>`count(*)`.as('n'),
    ])
    .where('account_id', '=', accountId)
    .where('answered_at', '>=', since)
    .where('type', 'in', ['csat', 'nps'])
    .where('int_value', 'is not', null)
    // The flags by their output names: PostgreSQL would not match a repeated expression with new parameters.
    .groupBy(['skill_id', 'agent_id', 'type', 'int_value', sql`today_flag`, sql`recent_flag`])
    .execute();
  return rows.map((r) => ({
    skillId: r.skill_id,
    agentId: r.agent_id,
    type: r.type,
    value: count(r.int_value),
    today: count(r.today_flag) === 1,
    recent: count(r.recent_flag) === 1,
    n: count(r.n),
  }));
}

/**
 * Conversations created in [from, to), oldest first, at most `limit`, each with its survey's answers
 * (JSON text, or null): index `conversations_created`, then per row the survey by the unique
 * `surveys_conversation (conversation_id)`. A correlated subquery rather than a
 * join: for a day's conversations PostgreSQL would hash-join them against every survey the account
 * ever had (a sequential scan of its history), and id lists sent back in chunks cost a round trip each.
 */
export function conversationsWithSurveys(tx: Tx, accountId: string, from: number, to: number, limit: number) {
  return tx
    .selectFrom('conversations')
    .select([
      'id',
      'skill_id',
      'state',
      'agent_id',
      'last_agent_id',
      'created_at',
      'first_response_at',
      'first_response_agent_id',
      'closed_at',
      'closed_by',
      'channel',
    ])
    .select((eb) =>
      eb
        .selectFrom('surveys')
        .select('surveys.answers')
        .whereRef('surveys.account_id', '=', 'conversations.account_id')
        .whereRef('surveys.conversation_id', '=', 'conversations.id')
        .as('answers'),
    )
    .where('account_id', '=', accountId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** The conversations that arrived in [from, to) and a bot took, per bot: how many, closed while the bot had them (contained), escalated. */
export async function botOutcomes(
  tx: Tx,
  accountId: string,
  from: number,
  to: number,
): Promise<{ botId: string; handled: number; contained: number; escalated: number }[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select((eb) => [
      'bot_id',
      eb.fn.countAll<number | string>().as('handled'),
      eb.fn
        .sum<number | string | null>(
          eb
            .case()
            .when(eb.and([eb('bot_status', '=', 'handling'), eb('state', '=', 'closed')]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('contained'),
      eb.fn.sum<number | string | null>(eb.case().when('bot_status', '=', 'escalated').then(1).else(0).end()).as('escalated'),
    ])
    .where('account_id', '=', accountId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .where('bot_id', 'is not', null)
    .groupBy('bot_id')
    .execute();
  return rows.map((r) => ({ botId: String(r.bot_id), handled: Number(r.handled), contained: Number(r.contained ?? 0), escalated: Number(r.escalated ?? 0) }));
}
