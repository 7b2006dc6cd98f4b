import { csatScore, npsScore } from '../domain/surveys.js';
import { getSettings } from './accounts.service.js';
import type { Deps } from './context.js';
import { listAccountSkills } from './skills.service.js';
import { listAccountUsers } from './users.service.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** A conversation is "soon overdue" when its deadline is this close. */
export const SOON_OVERDUE_MS = 60_000;

type Scores = { csat: { total: number; satisfied: number }; nps: { total: number; promoters: number; detractors: number } };
const emptyScores = (): Scores => ({ csat: { total: 0, satisfied: 0 }, nps: { total: 0, promoters: 0, detractors: 0 } });
function addScore(s: Scores, type: string, v: number): void {
  if (type === 'csat') {
    s.csat.total++;
    if (v >= 4) s.csat.satisfied++;
  } else if (type === 'nps') {
    s.nps.total++;
    if (v >= 9) s.nps.promoters++;
    else if (v <= 6) s.nps.detractors++;
  }
}
const scoreOut = (s: Scores) => ({ csat: csatScore(s.csat), nps: npsScore(s.nps), responses: s.csat.total + s.nps.total });
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);

/** First-response SLA target of a skill (its override, else the account's default), in ms. */
async function slaTargets(deps: Deps, accountId: string) {
  const [settings, skills] = await Promise.all([getSettings(deps, accountId), listAccountSkills(deps, accountId)]);
  const target = new Map<string | null, number>();
  for (const s of skills) target.set(s.id, ((s.sla as { defaultSec?: number } | undefined)?.defaultSec ?? settings.sla.defaultSec) * 1000);
  return { skills, settings, targetOf: (skillId: string | null) => target.get(skillId) ?? settings.sla.defaultSec * 1000 };
}

/**
 * Conversations created in [from, to): index `conversations_created (account_id, created_at)`.
 * Answered within the SLA: the first agent response came no later than created_at + the skill's target.
 */
function createdBetween(deps: Deps, accountId: string, from: number, to: number) {
  return deps.db.kysely
    .selectFrom('conversations')
    .select(['id', 'skill_id', 'state', 'agent_id', 'last_agent_id', 'created_at', 'first_response_at', 'closed_at', 'closed_by', 'channel', 'consumer_id'])
    .where('account_id', '=', accountId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .orderBy('created_at')
    .execute();
}

/** Survey answers (csat, nps) since a time: index `survey_answers_time (account_id, answered_at)` (migration 0006). */
function answersSince(deps: Deps, accountId: string, since: number) {
  return deps.db.kysely
    .selectFrom('survey_answers')
    .select(['type', 'int_value', 'agent_id', 'skill_id', 'answered_at'])
    .where('account_id', '=', accountId)
    .where('answered_at', '>=', since)
    .execute();
}

/**
 * GET /api/v1/reports/live: what the dashboard shows now. Every query is bounded by an index:
 * the open conversations by `conversations_queue` (account_id, state…), today's arrivals by
 * `conversations_created`, today's closes by `conversations_closed` and answers by `survey_answers_time`.
 */
export async function liveReport(deps: Deps, accountId: string) {
  const now = deps.clock.now();
  const dayStart = now - (now % DAY);
  const db = deps.db.kysely;
  const [{ skills, targetOf }, users, open, today, closedToday, answers] = await Promise.all([
    slaTargets(deps, accountId),
    listAccountUsers(deps, accountId),
    db
      .selectFrom('conversations')
      .select(['skill_id', 'state', 'agent_id', 'awaiting', 'queued_at', 'created_at', 'sla_due_at', 'manual_sla_at'])
      .where('account_id', '=', accountId)
      .where('state', 'in', ['queued', 'ringing', 'open'])
      .execute(),
    createdBetween(deps, accountId, dayStart, now + 1),
    db
      .selectFrom('conversations')
      .select(['last_agent_id', 'skill_id'])
      .where('account_id', '=', accountId)
      .where('closed_at', '>=', dayStart)
      .where('state', '=', 'closed')
      .execute(),
    answersSince(deps, accountId, Math.min(dayStart, now - 12 * HOUR)),
  ]);
  const agents = users.filter((u) => u.active);
  const skillIds = [...skills.map((s) => s.id)];
  const perSkill = new Map(
    skillIds.map((id) => [
      id,
      {
        queue: 0,
        longestWaitSec: 0,
        open: 0,
        overdue: 0,
        soonOverdue: 0,
        slaMet: 0,
        slaDue: 0,
        today: emptyScores(),
        last12h: emptyScores(),
      },
    ]),
  );
  const load = new Map<string, number>();
  for (const c of open) {
    if (c.agent_id && c.state !== 'queued') load.set(c.agent_id, (load.get(c.agent_id) ?? 0) + 1);
    const s = perSkill.get(c.skill_id ?? '');
    if (!s) continue;
    if (c.state === 'queued') {
      s.queue++;
      s.longestWaitSec = Math.max(s.longestWaitSec, Math.round((now - Number(c.queued_at ?? c.created_at)) / 1000));
    } else s.open++;
    const due = c.manual_sla_at ?? c.sla_due_at;
    if (c.awaiting === 'agent' && due !== null) {
      if (Number(due) <= now) s.overdue++;
      else if (Number(due) - now <= SOON_OVERDUE_MS) s.soonOverdue++;
    }
  }
  for (const c of today) {
    const s = perSkill.get(c.skill_id ?? '');
    if (!s) continue;
    const deadline = Number(c.created_at) + targetOf(c.skill_id);
    if (c.first_response_at !== null) {
      s.slaDue++;
      if (Number(c.first_response_at) <= deadline) s.slaMet++;
    } else if (deadline <= now) s.slaDue++;
  }
  const agentScores = new Map<string, Scores>();
  for (const a of answers) {
    if (a.int_value === null) continue;
    const v = Number(a.int_value);
    const at = Number(a.answered_at);
    const s = perSkill.get(a.skill_id ?? '');
    if (s) {
      if (at >= dayStart) addScore(s.today, a.type, v);
      if (at >= now - 12 * HOUR) addScore(s.last12h, a.type, v);
    }
    if (a.agent_id && at >= dayStart) {
      const sc = agentScores.get(a.agent_id) ?? emptyScores();
      addScore(sc, a.type, v);
      agentScores.set(a.agent_id, sc);
    }
  }
  const closedBy = new Map<string, number>();
  for (const c of closedToday) if (c.last_agent_id) closedBy.set(c.last_agent_id, (closedBy.get(c.last_agent_id) ?? 0) + 1);
  const responses = new Map<string, number[]>();
  for (const c of today) {
    if (c.first_response_at === null || !c.last_agent_id) continue;
    const list = responses.get(c.last_agent_id) ?? [];
    list.push((Number(c.first_response_at) - Number(c.created_at)) / 1000);
    responses.set(c.last_agent_id, list);
  }
  return {
    at: new Date(now).toISOString(),
    skills: skills.map((sk) => {
      // biome-ignore lint/style/noNonNullAssertion: every skill has an entry
      const s = perSkill.get(sk.id)!;
      const withSkill = agents.filter((a) => a.skills.includes(sk.id));
      return {
        id: sk.id,
        name: sk.name,
        queue: s.queue,
        longestWaitSec: s.longestWaitSec,
        agents: {
          online: withSkill.filter((a) => a.status === 'online').length,
          away: withSkill.filter((a) => a.status === 'away').length,
          backSoon: withSkill.filter((a) => a.status === 'back_soon').length,
        },
        open: s.open,
        overdue: s.overdue,
        soonOverdue: s.soonOverdue,
        slaToday: pct(s.slaMet, s.slaDue),
        today: scoreOut(s.today),
        last12h: scoreOut(s.last12h),
      };
    }),
    agents: agents.map((a) => {
      const r = responses.get(a.id) ?? [];
      return {
        id: a.id,
        displayName: a.displayName,
        role: a.role,
        status: a.status,
        load: load.get(a.id) ?? 0,
        capacity: a.maxConcurrent,
        closedToday: closedBy.get(a.id) ?? 0,
        avgFirstResponseSec: r.length ? Math.round(r.reduce((x, y) => x + y, 0) / r.length) : null,
        csat: csatScore((agentScores.get(a.id) ?? emptyScores()).csat),
      };
    }),
  };
}

/** GET /api/v1/reports/daily?date=YYYY-MM-DD (UTC): per hour, arrivals, average first response and SLA attainment. */
export async function dailyReport(deps: Deps, accountId: string, date: string) {
  const from = Date.parse(`${date}T00:00:00Z`);
  const now = deps.clock.now();
  const [{ targetOf }, rows] = await Promise.all([slaTargets(deps, accountId), createdBetween(deps, accountId, from, from + DAY)]);
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, arrivals: 0, responses: [] as number[], met: 0, due: 0 }));
  for (const c of rows) {
    // biome-ignore lint/style/noNonNullAssertion: 0–23
    const h = hours[Math.floor((Number(c.created_at) - from) / HOUR)]!;
    h.arrivals++;
    const deadline = Number(c.created_at) + targetOf(c.skill_id);
    if (c.first_response_at !== null) {
      h.responses.push((Number(c.first_response_at) - Number(c.created_at)) / 1000);
      h.due++;
      if (Number(c.first_response_at) <= deadline) h.met++;
    } else if (deadline <= now) h.due++;
  }
  return {
    date,
    hours: hours.map((h) => ({
      hour: h.hour,
      arrivals: h.arrivals,
      avgFirstResponseSec: h.responses.length ? Math.round(h.responses.reduce((a, b) => a + b, 0) / h.responses.length) : null,
      slaAttainment: pct(h.met, h.due),
    })),
  };
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote, and neutralize spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
};
const iso = (ms: unknown) => (ms === null || ms === undefined ? '' : new Date(Number(ms)).toISOString());

/**
 * GET /api/v1/reports/conversations.csv?from=&to=: one row per conversation created in [from, to)
 * (at most MAX_CSV_ROWS), with its survey answers as one column per question id seen.
 */
export const MAX_CSV_ROWS = 100_000;
export async function conversationsCsv(deps: Deps, accountId: string, from: number, to: number): Promise<string> {
  const [rows, skills, users] = await Promise.all([
    createdBetween(deps, accountId, from, to),
    listAccountSkills(deps, accountId),
    listAccountUsers(deps, accountId),
  ]);
  const list = rows.slice(0, MAX_CSV_ROWS);
  const answers = new Map<string, Record<string, string>>();
  const questionIds = new Set<string>();
  // Surveys of those conversations, in chunks: index surveys_account_conversation (account_id, conversation_id) (migration 0006).
  for (let i = 0; i < list.length; i += 500) {
    const ids = list.slice(i, i + 500).map((c) => c.id);
    const surveys = await deps.db.kysely
      .selectFrom('surveys')
      .select(['conversation_id', 'answers'])
      .where('account_id', '=', accountId)
      .where('conversation_id', 'in', ids)
      .execute();
    for (const s of surveys) {
      let a: Record<string, unknown> = {};
      try {
        a = typeof s.answers === 'string' ? (JSON.parse(s.answers) as Record<string, unknown>) : (s.answers as Record<string, unknown>);
      } catch {
        // unreadable: no answers
      }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(a ?? {})) {
        questionIds.add(k);
        out[k] = String(v);
      }
      answers.set(s.conversation_id, out);
    }
  }
  const skillName = new Map(skills.map((s) => [s.id, s.name]));
  const userName = new Map(users.map((u) => [u.id, u.displayName]));
  const qs = [...questionIds].sort();
  const head = [
    'conversation_id',
    'created_at',
    'first_response_at',
    'closed_at',
    'state',
    'channel',
    'skill',
    'agent',
    'first_response_sec',
    'close_reason',
    ...qs.map((q) => `survey_${q}`),
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const c of list) {
    const a = answers.get(c.id) ?? {};
    const agent = c.last_agent_id ?? c.agent_id;
    lines.push(
      [
        c.id,
        iso(c.created_at),
        iso(c.first_response_at),
        iso(c.closed_at),
        c.state,
        c.channel,
        skillName.get(c.skill_id ?? '') ?? c.skill_id ?? '',
        agent ? (userName.get(agent) ?? agent) : '',
        c.first_response_at === null ? '' : Math.round((Number(c.first_response_at) - Number(c.created_at)) / 1000),
        c.closed_by ?? '',
        ...qs.map((q) => a[q] ?? ''),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
