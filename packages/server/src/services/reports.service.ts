import type { Awaiting } from '../domain/conversation.js';
import { dashboardDeadline } from '../domain/sla.js';
import { csatScore, npsScore } from '../domain/surveys.js';
import { botNames } from '../storage/repos/bots.repo.js';
import { findDispositionsByIds, listWrapUpsOf } from '../storage/repos/dispositions.repo.js';
import {
  archivedHours,
  arrivalsByHour,
  arrivalsBySkillAndResponder,
  botOutcomes,
  closedByAgent,
  conversationsWithSurveys,
  openConversations,
  type ResponseCounts,
  type SlaTargets,
  scoreAnswersSince,
} from '../storage/repos/reports.repo.js';
import { listAgentStatesOverlapping, statusReasonsRepo } from '../storage/repos/status-reasons.repo.js';
import { getSettings } from './accounts.service.js';
import { type Actor, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import type { Deps } from './context.js';
import { listAccountSkills } from './skills.service.js';
import { listAccountUsers } from './users.service.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

type Scores = { csat: { total: number; satisfied: number }; nps: { total: number; promoters: number; detractors: number } };
const emptyScores = (): Scores => ({ csat: { total: 0, satisfied: 0 }, nps: { total: 0, promoters: 0, detractors: 0 } });
/** Count `n` answers of value `v` (CSAT 4–5 satisfied; NPS 9–10 promoters, 0–6 detractors). */
function addScore(s: Scores, type: string, v: number, n: number): void {
  if (type === 'csat') {
    s.csat.total += n;
    if (v >= 4) s.csat.satisfied += n;
  } else if (type === 'nps') {
    s.nps.total += n;
    if (v >= 9) s.nps.promoters += n;
    else if (v <= 6) s.nps.detractors += n;
  }
}
const scoreOut = (s: Scores) => ({ csat: csatScore(s.csat), nps: npsScore(s.nps), responses: s.csat.total + s.nps.total });
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);

/** First-response SLA targets: each skill's override, else the account's default, in ms. */
export async function slaTargets(deps: Deps, accountId: string) {
  const [settings, skills] = await Promise.all([getSettings(deps, accountId), listAccountSkills(deps, accountId)]);
  const bySkill = new Map<string, number>();
  for (const s of skills) bySkill.set(s.id, ((s.sla as { defaultSec?: number } | undefined)?.defaultSec ?? settings.sla.defaultSec) * 1000);
  const targets: SlaTargets = { bySkill, defaultMs: settings.sla.defaultSec * 1000 };
  return { skills, targets };
}

/**
 * SLA attainment of first responses: a conversation is due once it has a first agent response or its
 * deadline (created_at + the skill's target) has passed; it met the SLA when that response came no later
 * than the deadline.
 */
type Attainment = { met: number; due: number };
const addAttainment = (a: Attainment, r: ResponseCounts) => {
  a.met += r.met;
  a.due += r.responded + r.lateUnanswered;
};
/** Average first response in whole seconds, or null. */
const avgSec = (ms: number, n: number) => (n ? Math.round(ms / 1000 / n) : null);

/** The live report's row of the conversations without a skill (the widget's topic is optional). */
const NO_SKILL_NAME = 'No skill';

type SkillFigures = {
  queue: number;
  longestWaitSec: number;
  open: number;
  overdue: number;
  soonOverdue: number;
  sla: Attainment;
  today: Scores;
  last12h: Scores;
  /** Anything counted: the "No skill" row shows only then. */
  seen: boolean;
};
const emptyFigures = (): SkillFigures => ({
  queue: 0,
  longestWaitSec: 0,
  open: 0,
  overdue: 0,
  soonOverdue: 0,
  sla: { met: 0, due: 0 },
  today: emptyScores(),
  last12h: emptyScores(),
  seen: false,
});

/**
 * GET /api/v1/reports/live: what the dashboard shows now. Every query reads a bounded index range and
 * aggregates in SQL (storage/repos/reports.repo.ts): the open conversations by `conversations_queue`
 * (account_id, state…), today's arrivals by `conversations_created`, today's closes by
 * `conversations_closed` and the day's and last 12 h's survey answers by `survey_answers_time`.
 *
 * One row per skill, then a "No skill" row (id null; it also counts the conversations of a deleted
 * skill) when conversations without a skill are waiting or
 * open, arrived today or were rated today or in the last 12 h: its agents are every active user, as
 * routing offers such conversations to anyone. Per agent, the first responses are credited to the agent who gave them (not the one who
 * has the conversation after a transfer). Managers are listed when they have a skill or worked a
 * conversation today (open now, closed, answered first or rated today); the others only supervise.
 */
export async function liveReport(deps: Deps, accountId: string) {
  const now = deps.clock.now();
  const dayStart = now - (now % DAY);
  const recentFrom = now - 12 * HOUR;
  const db = deps.db.kysely;
  const [{ skills, today }, users, open, closedBy, answers, states, reasons] = await Promise.all([
    slaTargets(deps, accountId).then(async ({ skills, targets }) => ({
      skills,
      today: await arrivalsBySkillAndResponder(db, accountId, dayStart, now + 1, targets, now),
    })),
    listAccountUsers(deps, accountId),
    openConversations(db, accountId),
    closedByAgent(db, accountId, dayStart),
    scoreAnswersSince(db, accountId, Math.min(dayStart, recentFrom), dayStart, recentFrom),
    listAgentStatesOverlapping(db, accountId, now, now + 1),
    statusReasonsRepo.listAll(db, accountId),
  ]);
  const active = users.filter((u) => u.active);
  // Each agent's stretch going on now (the state-change log): its reason and since when.
  const current = new Map(states.filter((s) => s.endedAt === null).map((s) => [s.userId, s]));
  const reasonNames = new Map(reasons.map((r) => [r.id, r.name]));
  const statusNow = (u: (typeof active)[number]) => {
    const s = current.get(u.id);
    const same = s !== undefined && s.status === u.status;
    const reasonId = same ? s.reasonId : null;
    return {
      statusReasonId: reasonId,
      statusReason: reasonId ? (reasonNames.get(reasonId) ?? null) : null,
      statusSince: same ? new Date(s.startedAt).toISOString() : null,
    };
  };
  // Keyed by skill id; '' for the conversations without a skill.
  const perSkill = new Map<string, SkillFigures>([...skills.map((s) => [s.id, emptyFigures()] as const), ['', emptyFigures()]]);
  // A conversation whose skill was deleted since counts with those without a skill.
  const figuresOf = (skillId: string | null) => {
    const s = perSkill.get(skillId ?? '') ?? perSkill.get('');
    if (s) s.seen = true;
    return s;
  };
  const load = new Map<string, number>();
  for (const c of open) {
    if (c.agent_id && c.state !== 'queued') load.set(c.agent_id, (load.get(c.agent_id) ?? 0) + 1);
    const s = figuresOf(c.skill_id);
    if (!s) continue;
    if (c.state === 'queued') {
      s.queue++;
      s.longestWaitSec = Math.max(s.longestWaitSec, Math.round((now - Number(c.queued_at ?? c.created_at)) / 1000));
    } else s.open++;
    const deadline = dashboardDeadline(
      {
        awaiting: c.awaiting as Awaiting,
        manualSlaAt: c.manual_sla_at === null ? null : Number(c.manual_sla_at),
        slaDueAt: c.sla_due_at === null ? null : Number(c.sla_due_at),
      },
      now,
    );
    if (deadline === 'overdue') s.overdue++;
    else if (deadline === 'soon') s.soonOverdue++;
  }
  // Today's arrivals: SLA per skill; first response per agent who gave it (whatever the skill).
  const responses = new Map<string, { ms: number; n: number }>();
  for (const g of today) {
    const s = figuresOf(g.skillId);
    if (s) addAttainment(s.sla, g);
    if (g.responderId && g.responded) {
      const r = responses.get(g.responderId) ?? { ms: 0, n: 0 };
      r.ms += g.responseMs;
      r.n += g.responded;
      responses.set(g.responderId, r);
    }
  }
  const agentScores = new Map<string, Scores>();
  for (const a of answers) {
    const s = figuresOf(a.skillId);
    if (s) {
      if (a.today) addScore(s.today, a.type, a.value, a.n);
      if (a.recent) addScore(s.last12h, a.type, a.value, a.n);
    }
    if (a.agentId && a.today) {
      const sc = agentScores.get(a.agentId) ?? emptyScores();
      addScore(sc, a.type, a.value, a.n);
      agentScores.set(a.agentId, sc);
    }
  }
  const row = (id: string | null, name: string, s: SkillFigures, agents: typeof active) => ({
    id,
    name,
    queue: s.queue,
    longestWaitSec: s.longestWaitSec,
    agents: {
      online: agents.filter((a) => a.status === 'online').length,
      away: agents.filter((a) => a.status === 'away').length,
      backSoon: agents.filter((a) => a.status === 'back_soon').length,
    },
    open: s.open,
    overdue: s.overdue,
    soonOverdue: s.soonOverdue,
    slaToday: pct(s.sla.met, s.sla.due),
    today: scoreOut(s.today),
    last12h: scoreOut(s.last12h),
  });
  // biome-ignore lint/style/noNonNullAssertion: every skill and '' have an entry
  const figures = (id: string) => perSkill.get(id)!;
  const noSkill = figures('');
  const workedToday = (id: string) => load.has(id) || closedBy.has(id) || responses.has(id) || agentScores.has(id);
  return {
    at: new Date(now).toISOString(),
    skills: [
      ...skills.map((sk) =>
        row(
          sk.id,
          sk.name,
          figures(sk.id),
          active.filter((a) => a.skills.includes(sk.id)),
        ),
      ),
      ...(noSkill.seen ? [row(null, NO_SKILL_NAME, noSkill, active)] : []),
    ],
    agents: active
      .filter((a) => a.role !== 'manager' || a.skills.length > 0 || workedToday(a.id))
      .map((a) => {
        const r = responses.get(a.id);
        return {
          id: a.id,
          displayName: a.displayName,
          role: a.role,
          status: a.status,
          ...statusNow(a),
          load: load.get(a.id) ?? 0,
          capacity: a.maxConcurrent,
          closedToday: closedBy.get(a.id) ?? 0,
          avgFirstResponseSec: r ? avgSec(r.ms, r.n) : null,
          csat: csatScore((agentScores.get(a.id) ?? emptyScores()).csat),
        };
      }),
  };
}

/** GET /api/v1/reports/daily?date=YYYY-MM-DD (UTC): per hour, arrivals, average first response and SLA attainment. */
export async function dailyReport(deps: Deps, accountId: string, date: string) {
  const from = Date.parse(`${date}T00:00:00Z`);
  const now = deps.clock.now();
  const { targets } = await slaTargets(deps, accountId);
  // Conversations retention deleted still count, from the hours kept for them.
  const [live, archived] = await Promise.all([arrivalsByHour(deps.db.kysely, accountId, from, targets, now), archivedHours(deps.db.kysely, accountId, from)]);
  const rows = [...live, ...archived];
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, arrivals: 0, responseMs: 0, responded: 0, sla: { met: 0, due: 0 } }));
  for (const r of rows) {
    // biome-ignore lint/style/noNonNullAssertion: 0–23
    const h = hours[r.hour]!;
    h.arrivals += r.arrivals;
    h.responseMs += r.responseMs;
    h.responded += r.responded;
    addAttainment(h.sla, r);
  }
  const perBot = await botOutcomes(deps.db.kysely, accountId, from, from + DAY);
  const names = await botNames(
    deps.db.kysely,
    accountId,
    perBot.map((b) => b.botId),
  );
  const total = (k: 'handled' | 'contained' | 'escalated') => perBot.reduce((n, b) => n + b[k], 0);
  return {
    date,
    bots: {
      handled: total('handled'),
      contained: total('contained'),
      escalated: total('escalated'),
      byBot: perBot.map((b) => ({ id: b.botId, name: names.get(b.botId) ?? 'Bot', handled: b.handled, contained: b.contained, escalated: b.escalated })),
    },
    hours: hours.map((h) => ({
      hour: h.hour,
      arrivals: h.arrivals,
      avgFirstResponseSec: avgSec(h.responseMs, h.responded),
      slaAttainment: pct(h.sla.met, h.sla.due),
    })),
  };
}

export const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote, and neutralize spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
};
const iso = (ms: unknown) => (ms === null || ms === undefined ? '' : new Date(Number(ms)).toISOString());

/**
 * GET /api/v1/reports/conversations.csv?from=&to=: one row per conversation created in [from, to)
 * (at most MAX_CSV_ROWS), with its survey answers as one column per question id seen. `agent` is the
 * conversation's last agent; `first_response_agent` the one who sent the first agent message (they
 * differ after a transfer). A conversation without a skill has an empty `skill`.
 */
export const MAX_CSV_ROWS = 100_000;
export async function conversationsCsv(deps: Deps, accountId: string, from: number, to: number, actor: Actor = SYSTEM_ACTOR): Promise<string> {
  const [list, skills, users] = await Promise.all([
    conversationsWithSurveys(deps.db.kysely, accountId, from, to, MAX_CSV_ROWS),
    listAccountSkills(deps, accountId),
    listAccountUsers(deps, accountId),
  ]);
  const answers = new Map<string, Record<string, string>>();
  const questionIds = new Set<string>();
  for (const c of list) {
    if (c.answers === null) continue;
    let a: Record<string, unknown> = {};
    try {
      a = typeof c.answers === 'string' ? (JSON.parse(c.answers) as Record<string, unknown>) : (c.answers as Record<string, unknown>);
    } catch {
      // unreadable: no answers
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(a ?? {})) {
      questionIds.add(k);
      out[k] = String(v);
    }
    answers.set(c.id, out);
  }
  const wrapUps = new Map(
    (
      await listWrapUpsOf(
        deps.db.kysely,
        accountId,
        list.map((c) => c.id),
      )
    ).map((w) => [w.conversationId, w]),
  );
  const dispositionName = new Map(
    (await findDispositionsByIds(deps.db.kysely, accountId, [...new Set([...wrapUps.values()].flatMap((w) => w.dispositionIds))])).map((d) => [d.id, d.name]),
  );
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
    'first_response_agent',
    'close_reason',
    'dispositions',
    'wrap_up_note',
    ...qs.map((q) => `survey_${q}`),
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const c of list) {
    const a = answers.get(c.id) ?? {};
    const agent = c.last_agent_id ?? c.agent_id;
    const name = (id: string | null) => (id ? (userName.get(id) ?? id) : '');
    lines.push(
      [
        c.id,
        iso(c.created_at),
        iso(c.first_response_at),
        iso(c.closed_at),
        c.state,
        c.channel,
        skillName.get(c.skill_id ?? '') ?? c.skill_id ?? '',
        name(agent),
        c.first_response_at === null ? '' : Math.round((Number(c.first_response_at) - Number(c.created_at)) / 1000),
        name(c.first_response_agent_id),
        c.closed_by ?? '',
        (wrapUps.get(c.id)?.dispositionIds ?? []).map((d) => dispositionName.get(d) ?? d).join('; '),
        wrapUps.get(c.id)?.note ?? '',
        ...qs.map((q) => a[q] ?? ''),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  await recordAudit(deps.db.kysely, deps.clock.now(), {
    accountId,
    ...actor,
    action: 'report.exported',
    targetType: 'report',
    targetId: 'conversations',
    details: { from: iso(from), to: iso(to), rows: list.length },
  });
  return `${lines.join('\r\n')}\r\n`;
}
