import type { AgentPerformanceDay, AgentPerformanceRow } from '@parley/contract';
import { agentStateTotals, type StateSpan } from '../domain/agent-states.js';
import { csatScore } from '../domain/surveys.js';
import { type AgentPerformanceRows, agentPerformanceRows, DAY_MS, dayKey } from '../storage/repos/agent-performance.repo.js';
import { listAgentStatesOverlapping } from '../storage/repos/status-reasons.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';

const avgSec = (ms: number, n: number) => (n ? Math.round(ms / n / 1000) : null);

type Figures = Omit<AgentPerformanceDay, 'date'>;

/** The figures of one key (an agent, or an agent's day) of the rows, with the online time given. */
function figures(rows: AgentPerformanceRows, key: string, onlineMs: number): Figures {
  const closed = rows.closed.get(key);
  const first = rows.firstResponses.get(key);
  const csat = rows.csat.get(key) ?? { total: 0, satisfied: 0 };
  return {
    handled: rows.handled.get(key) ?? 0,
    closed: closed?.n ?? 0,
    avgHandleSec: closed ? avgSec(closed.handleMs, closed.withHandle) : null,
    avgFirstResponseSec: first ? avgSec(first.waitMs, first.n) : null,
    csat: csatScore(csat),
    csatResponses: csat.total,
    onlineSec: Math.round(onlineMs / 1000),
  };
}

/** The UTC days `[from, to)` touches, each clipped to the period. */
function daysOf(from: number, to: number): { day: number; from: number; to: number }[] {
  const out = [];
  for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
    out.push({ day, from: Math.max(from, day * DAY_MS), to: Math.min(to, (day + 1) * DAY_MS) });
  }
  return out;
}

/** Online milliseconds per agent in each day. */
function onlineByDay(spans: readonly StateSpan[], days: ReturnType<typeof daysOf>, now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of days) {
    for (const [userId, t] of agentStateTotals(spans, d.from, d.to, now)) out.set(dayKey(userId, d.day), t.byStatus.online);
  }
  return out;
}

/**
 * `GET /api/v1/reports/agents`: per agent (by display name) in `[from, to)`: conversations handled
 * (wrote in), closed (had last when it closed), the average time from assignment to close, the
 * average first response (the first responses they gave), CSAT (% of 4–5 answers about them) and
 * the time online from the state-change log; and the same figures for every UTC day of the period.
 */
export async function agentsReport(deps: Deps, accountId: string, from: number, to: number): Promise<AgentPerformanceRow[]> {
  const tx = deps.db.kysely;
  const [rows, perDay, spans, users] = await Promise.all([
    agentPerformanceRows(tx, accountId, from, to),
    agentPerformanceRows(tx, accountId, from, to, { byDay: true }),
    listAgentStatesOverlapping(tx, accountId, from, to),
    listUsers(tx, accountId),
  ]);
  const now = deps.clock.now();
  const states = agentStateTotals(spans, from, to, now);
  const days = daysOf(from, to);
  const online = onlineByDay(spans, days, now);
  return [...users]
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id))
    .map((u) => ({
      agentId: u.id,
      displayName: u.displayName,
      ...figures(rows, u.id, states.get(u.id)?.byStatus.online ?? 0),
      days: days.map((d) => ({
        date: new Date(d.day * DAY_MS).toISOString().slice(0, 10),
        ...figures(perDay, dayKey(u.id, d.day), online.get(dayKey(u.id, d.day)) ?? 0),
      })),
    }));
}
