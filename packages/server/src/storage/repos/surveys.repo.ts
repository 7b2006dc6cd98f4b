import type { Selectable } from 'kysely';
import type { Answers, SurveyQuestion } from '../../domain/surveys.js';
import type { Dialect, Tx } from '../db.js';
import { forUpdate } from '../dialects/lock.js';
import type { SurveysTable } from '../schema.js';
import { parseJson } from './json.js';

/** `withdrawn`: no longer asked, because the conversation went on (resumed, or the consumer started a new one). */
export type SurveyStatus = 'pending' | 'answered' | 'expired' | 'withdrawn';

export interface SurveyRecord {
  id: string;
  accountId: string;
  conversationId: string;
  consumerId: string;
  /** The agent the conversation was with when it closed: CSAT and NPS count for them. */
  agentId: string | null;
  skillId: string | null;
  channel: string;
  closedBy: string;
  questions: SurveyQuestion[];
  status: SurveyStatus;
  answers: Answers;
  requestedAt: number;
  expiresAt: number;
  answeredAt: number | null;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<SurveysTable>;

const toSurvey = (r: Row): SurveyRecord => ({
  id: r.id,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  consumerId: r.consumer_id,
  agentId: r.agent_id,
  skillId: r.skill_id,
  channel: r.channel,
  closedBy: r.closed_by,
  questions: parseJson<SurveyQuestion[]>(r.questions, []),
  status: r.status as SurveyStatus,
  answers: parseJson<Answers>(r.answers, {}),
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  answeredAt: r.answered_at,
});

const toRow = (s: SurveyRecord): Row => ({
  id: s.id,
  account_id: s.accountId,
  conversation_id: s.conversationId,
  consumer_id: s.consumerId,
  agent_id: s.agentId,
  skill_id: s.skillId,
  channel: s.channel,
  closed_by: s.closedBy,
  questions: JSON.stringify(s.questions),
  status: s.status,
  answers: JSON.stringify(s.answers),
  requested_at: s.requestedAt,
  expires_at: s.expiresAt,
  answered_at: s.answeredAt,
});

/** The survey of a conversation; with `dialect`, row-locked (PostgreSQL) for an update in the same transaction. */
export async function findSurveyOfConversation(tx: Tx, accountId: string, conversationId: string, dialect?: Dialect): Promise<SurveyRecord | undefined> {
  const q = tx.selectFrom('surveys').selectAll().where('account_id', '=', accountId).where('conversation_id', '=', conversationId);
  const r = await (dialect ? forUpdate(q, dialect) : q).executeTakeFirst();
  return r ? toSurvey(r) : undefined;
}

export async function findSurvey(tx: Tx, accountId: string, id: string, dialect?: Dialect): Promise<SurveyRecord | undefined> {
  const q = tx.selectFrom('surveys').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  const r = await (dialect ? forUpdate(q, dialect) : q).executeTakeFirst();
  return r ? toSurvey(r) : undefined;
}

export async function insertSurvey(tx: Tx, s: SurveyRecord): Promise<void> {
  await tx.insertInto('surveys').values(toRow(s)).execute();
}

/** Save a survey; with `expectedStatus`, only if the stored status still is that (false when someone else changed it). */
export async function saveSurvey(tx: Tx, s: SurveyRecord, expectedStatus?: SurveyStatus): Promise<boolean> {
  const { id, account_id, ...rest } = toRow(s);
  let q = tx.updateTable('surveys').set(rest).where('id', '=', id).where('account_id', '=', account_id);
  if (expectedStatus) q = q.where('status', '=', expectedStatus);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** One row per answered question (replacing an earlier answer to the same question). */
export async function upsertAnswers(tx: Tx, s: SurveyRecord, answers: Answers, at: number, types: Record<string, string>): Promise<void> {
  for (const [questionId, value] of Object.entries(answers)) {
    const row = {
      account_id: s.accountId,
      agent_id: s.agentId,
      skill_id: s.skillId,
      type: types[questionId] ?? 'text',
      int_value: typeof value === 'number' ? value : null,
      text_value: typeof value === 'string' ? value : null,
      answered_at: at,
    };
    await tx
      .insertInto('survey_answers')
      .values({ survey_id: s.id, question_id: questionId, ...row })
      .onConflict((oc) => oc.columns(['survey_id', 'question_id']).doUpdateSet(row))
      .execute();
  }
}

/** CSAT and NPS answer counts for an agent's conversations, answered since `since`. */
export async function scoreCounts(
  tx: Tx,
  accountId: string,
  agentId: string,
  since: number,
): Promise<{ csat: { total: number; satisfied: number }; nps: { total: number; promoters: number; detractors: number } }> {
  const rows = await tx
    .selectFrom('survey_answers')
    .select(['type', 'int_value'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('agent_id', '=', agentId)
    .where('type', 'in', ['csat', 'nps'])
    .where('answered_at', '>=', since)
    .where('int_value', 'is not', null)
    .groupBy(['type', 'int_value'])
    .execute();
  const csat = { total: 0, satisfied: 0 };
  const nps = { total: 0, promoters: 0, detractors: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    const v = Number(r.int_value);
    if (r.type === 'csat') {
      csat.total += n;
      if (v >= 4) csat.satisfied += n;
    } else {
      nps.total += n;
      if (v >= 9) nps.promoters += n;
      else if (v <= 6) nps.detractors += n;
    }
  }
  return { csat, nps };
}
