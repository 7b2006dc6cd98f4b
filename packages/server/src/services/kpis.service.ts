import { csatScore, npsScore } from '../domain/surveys.js';
import { scoreCounts } from '../storage/repos/surveys.repo.js';
import type { Deps } from './context.js';
import type { UserPrincipal } from './principal.js';

const DAY = 24 * 3600_000;
/** CSAT and NPS count the survey answers of the last 30 days (too few answers in one day to mean much). */
export const SURVEY_WINDOW_DAYS = 30;

/**
 * The agent's KPI bar: today is the UTC day of the server clock. CSAT (% of 4–5 answers) and NPS
 * (% promoters 9–10 − % detractors 0–6) come from the surveys of conversations the agent had when
 * they closed, answered in the last 30 days; null until there is an answer.
 */
export async function myKpis(deps: Deps, p: UserPrincipal) {
  const now = deps.clock.now();
  const dayStart = now - (now % DAY);
  const tx = deps.db.kysely;
  const closed = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId)
    .where('last_agent_id', '=', p.userId)
    .where('state', '=', 'closed')
    .where('closed_at', '>=', dayStart)
    .executeTakeFirstOrThrow();
  // A conversation first answered today is still open (closed_at null) or was closed since: agents
  // cannot write in a closed conversation, and resuming clears closed_at. Reading those two ranges of
  // conversations_last_agent (account_id, last_agent_id, closed_at) keeps this to today's conversations
  // instead of every one the agent ever had (as two branches: SQLite without ANALYZE statistics would
  // not split an OR into index lookups).
  const respondedToday = tx
    .selectFrom('conversations')
    .select(['first_response_at', 'assigned_at', 'created_at'])
    .where('account_id', '=', p.accountId)
    .where('last_agent_id', '=', p.userId)
    .where('first_response_at', '>=', dayStart);
  const responded = await respondedToday
    .where('closed_at', 'is', null)
    .unionAll(respondedToday.where('closed_at', '>=', dayStart))
    .execute();
  const open = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId)
    .where('agent_id', '=', p.userId)
    .where('state', 'in', ['open', 'ringing'])
    .executeTakeFirstOrThrow();
  const scores = await scoreCounts(tx, p.accountId, p.userId, now - SURVEY_WINDOW_DAYS * DAY);
  const waits = responded.map((r) => ((r.first_response_at ?? 0) - r.created_at) / 1000);
  return {
    csat: csatScore(scores.csat),
    nps: npsScore(scores.nps),
    csatResponses: scores.csat.total,
    npsResponses: scores.nps.total,
    surveyWindowDays: SURVEY_WINDOW_DAYS,
    closedToday: Number(closed.n),
    avgFirstResponseSec: waits.length ? Math.round(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
    openNow: Number(open.n),
  };
}
