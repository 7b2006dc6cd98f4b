import { type Kpis, startOfDay } from '@parley/contract';
import { csatScore, npsScore } from '../domain/surveys.js';
import { countClosedBy, countHeldBy, firstResponsesBy } from '../storage/repos/reports.repo.js';
import { scoreCounts } from '../storage/repos/surveys.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import type { UserPrincipal } from './principal.js';

const DAY = 24 * 3600_000;
/** CSAT and NPS count the survey answers of the last 30 days (too few answers in one day to mean much). */
export const SURVEY_WINDOW_DAYS = 30;

/**
 * The agent's KPI bar: today is the calendar day in the agent's own time zone (settings; UTC
 * until they choose one). Closed today counts the conversations
 * the agent had when they closed; the average first response (first response − creation) counts the
 * first responses the agent gave today, whoever has the conversation now. CSAT (% of 4–5 answers) and
 * NPS (% promoters 9–10 − % detractors 0–6) come from the surveys of conversations the agent had when
 * they closed, answered in the last 30 days; null until there is an answer.
 */
export async function myKpis(deps: Deps, p: UserPrincipal): Promise<Kpis> {
  const now = deps.clock.now();
  const tx = deps.db.kysely;
  const timeZone = (await findUser(tx, p.accountId, p.userId))?.settings.timeZone ?? 'UTC';
  const dayStart = startOfDay(now, timeZone);
  const closed = await countClosedBy(tx, p.accountId, p.userId, dayStart);
  const responded = await firstResponsesBy(tx, p.accountId, p.userId, dayStart);
  const open = await countHeldBy(tx, p.accountId, p.userId);
  const scores = await scoreCounts(tx, p.accountId, p.userId, now - SURVEY_WINDOW_DAYS * DAY);
  return {
    csat: csatScore(scores.csat),
    nps: npsScore(scores.nps),
    csatResponses: scores.csat.total,
    npsResponses: scores.nps.total,
    surveyWindowDays: SURVEY_WINDOW_DAYS,
    closedToday: closed,
    avgFirstResponseSec: responded.n ? Math.round(responded.ms / 1000 / responded.n) : null,
    openNow: open,
  };
}
