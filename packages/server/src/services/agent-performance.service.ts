import type { AgentPerformanceRow } from '@parley/contract';
import { agentStateTotals } from '../domain/agent-states.js';
import { csatScore } from '../domain/surveys.js';
import { agentPerformanceRows } from '../storage/repos/agent-performance.repo.js';
import { listAgentStatesOverlapping } from '../storage/repos/status-reasons.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';

const avgSec = (ms: number, n: number) => (n ? Math.round(ms / n / 1000) : null);

/**
 * `GET /api/v1/reports/agents`: per agent (by display name) in `[from, to)`: conversations handled
 * (wrote in), closed (had last when it closed), the average time from assignment to close, the
 * average first response (the first responses they gave), CSAT (% of 4–5 answers about them) and
 * the time online from the state-change log.
 */
export async function agentsReport(deps: Deps, accountId: string, from: number, to: number): Promise<AgentPerformanceRow[]> {
  const tx = deps.db.kysely;
  const [rows, spans, users] = await Promise.all([
    agentPerformanceRows(tx, accountId, from, to),
    listAgentStatesOverlapping(tx, accountId, from, to),
    listUsers(tx, accountId),
  ]);
  const states = agentStateTotals(spans, from, to, deps.clock.now());
  return [...users]
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id))
    .map((u) => {
      const closed = rows.closed.get(u.id);
      const first = rows.firstResponses.get(u.id);
      const csat = rows.csat.get(u.id) ?? { total: 0, satisfied: 0 };
      return {
        agentId: u.id,
        displayName: u.displayName,
        handled: rows.handled.get(u.id) ?? 0,
        closed: closed?.n ?? 0,
        avgHandleSec: closed ? avgSec(closed.handleMs, closed.withHandle) : null,
        avgFirstResponseSec: first ? avgSec(first.waitMs, first.n) : null,
        csat: csatScore(csat),
        csatResponses: csat.total,
        onlineSec: Math.round((states.get(u.id)?.byStatus.online ?? 0) / 1000),
      };
    });
}
