import type { AgentStatesRow, StatusReason, UpdateStatusReasonRequest } from '@parley/contract';
import { agentStateTotals } from '../domain/agent-states.js';
import { findCurrentAgentState, listAgentStatesOverlapping, type StatusReasonRecord, statusReasonsRepo } from '../storage/repos/status-reasons.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import { namedListService } from './named-list.service.js';

const reasons = namedListService<StatusReasonRecord, StatusReason, Omit<StatusReason, 'id'>, UpdateStatusReasonRequest>({
  repo: statusReasonsRepo,
  noun: 'status reason',
  kind: 'status_reason',
  toWire: (r) => ({ id: r.id, name: r.name, status: r.status }),
  build: (input) => ({ status: input.status }),
  apply: (r, patch) => ({ ...r, status: patch.status ?? r.status }),
});

export const listAccountStatusReasons = reasons.list;
export const createStatusReason = reasons.create;
export const patchStatusReason = reasons.patch;
/** Deleted reasons leave the menu; the log and the reports keep their name. Agents away with it keep their status. */
export const removeStatusReason = reasons.remove;

/** The reason of the agent's current status, if they chose one. */
export async function currentStatusReasonId(deps: Deps, accountId: string, userId: string, status: string): Promise<string | null> {
  const s = await findCurrentAgentState(deps.db.kysely, accountId, userId);
  return s && s.status === status ? s.reasonId : null;
}

const sec = (ms: number) => Math.round(ms / 1000);

/**
 * `GET /api/v1/reports/agent-states`: per agent (by display name), seconds in each status and in
 * each reason within `[from, to)`, summed from the state-change log. Agents with no logged time
 * in the period are listed with zeros.
 */
export async function agentStatesReport(deps: Deps, accountId: string, from: number, to: number): Promise<AgentStatesRow[]> {
  const tx = deps.db.kysely;
  const [spans, users, reasons] = await Promise.all([
    listAgentStatesOverlapping(tx, accountId, from, to),
    listUsers(tx, accountId),
    statusReasonsRepo.listAll(tx, accountId),
  ]);
  const totals = agentStateTotals(spans, from, to, deps.clock.now());
  const reasonById = new Map(reasons.map((r) => [r.id, r]));
  return [...users]
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id))
    .map((u) => {
      const t = totals.get(u.id);
      const s = t?.byStatus ?? { online: 0, away: 0, back_soon: 0, offline: 0 };
      return {
        agentId: u.id,
        displayName: u.displayName,
        seconds: { online: sec(s.online), away: sec(s.away), back_soon: sec(s.back_soon), offline: sec(s.offline) },
        reasons: [...(t?.byReason ?? new Map<string, number>())]
          .flatMap(([id, ms]) => {
            const r = reasonById.get(id);
            return r ? [{ reasonId: id, name: r.name, status: r.status, seconds: sec(ms) }] : [];
          })
          .sort((a, b) => b.seconds - a.seconds || a.name.localeCompare(b.name)),
      };
    });
}
