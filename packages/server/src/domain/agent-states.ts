import type { AgentStatus } from '@parley/contract';

/** One stretch of an agent's status (and reason) from the state-change log; `endedAt` null: still going. */
export interface StateSpan {
  userId: string;
  status: AgentStatus;
  reasonId: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface AgentStateTotals {
  /** Milliseconds per status. */
  byStatus: Record<AgentStatus, number>;
  /** Milliseconds per reason id. */
  byReason: Map<string, number>;
}

/**
 * Time per agent in each status and reason within `[from, to)`: each stretch clipped to the period
 * (one still going counts up to `now`). Summed from the log, never sampled.
 */
export function agentStateTotals(spans: readonly StateSpan[], from: number, to: number, now: number): Map<string, AgentStateTotals> {
  const out = new Map<string, AgentStateTotals>();
  for (const s of spans) {
    const start = Math.max(s.startedAt, from);
    const end = Math.min(s.endedAt ?? now, to, Math.max(now, s.startedAt));
    if (end <= start) continue;
    let t = out.get(s.userId);
    if (!t) {
      t = { byStatus: { online: 0, away: 0, back_soon: 0, offline: 0 }, byReason: new Map() };
      out.set(s.userId, t);
    }
    t.byStatus[s.status] += end - start;
    if (s.reasonId !== null) t.byReason.set(s.reasonId, (t.byReason.get(s.reasonId) ?? 0) + end - start);
  }
  return out;
}
