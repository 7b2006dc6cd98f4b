import type { AgentStatesRow, StatusReason, UpdateStatusReasonRequest } from '@parley/contract';
import { agentStateTotals } from '../domain/agent-states.js';
import { conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  findCurrentAgentState,
  findStatusReason,
  findStatusReasonByName,
  insertStatusReason,
  listAgentStatesOverlapping,
  listAllStatusReasons,
  listStatusReasons,
  type StatusReasonRecord,
  updateStatusReason,
} from '../storage/repos/status-reasons.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import { type Actor, changes, recordAudit } from './audit.service.js';
import type { Deps } from './context.js';

const toWire = (r: StatusReasonRecord): StatusReason => ({ id: r.id, name: r.name, status: r.status });

export async function listAccountStatusReasons(deps: Deps, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  return (await listStatusReasons(deps.db.kysely, accountId, page)).map(toWire);
}

export async function createStatusReason(deps: Deps, accountId: string, input: Omit<StatusReason, 'id'>, actor: Actor): Promise<StatusReason> {
  return deps.db.transaction(async (tx) => {
    if (await findStatusReasonByName(tx, accountId, input.name)) throw conflict(`a status reason named "${input.name}" exists`);
    const r: StatusReasonRecord = { id: newId(), accountId, name: input.name, status: input.status, deleted: false, createdAt: deps.clock.now() };
    await insertStatusReason(tx, r);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'status_reason.created',
      targetType: 'status_reason',
      targetId: r.id,
      details: toWire(r),
    });
    return toWire(r);
  });
}

export async function patchStatusReason(deps: Deps, accountId: string, id: string, patch: UpdateStatusReasonRequest, actor: Actor): Promise<StatusReason> {
  return deps.db.transaction(async (tx) => {
    const r = await findStatusReason(tx, accountId, id);
    if (!r) throw notFound('status reason');
    if (patch.name !== undefined && patch.name !== r.name && (await findStatusReasonByName(tx, accountId, patch.name))) {
      throw conflict(`a status reason named "${patch.name}" exists`);
    }
    const next = { ...r, name: patch.name ?? r.name, status: patch.status ?? r.status };
    await updateStatusReason(tx, next);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'status_reason.updated',
      targetType: 'status_reason',
      targetId: id,
      details: changes(toWire(r), toWire(next)),
    });
    return toWire(next);
  });
}

/** Deleted reasons leave the menu; the log and the reports keep their name. Agents away with it keep their status. */
export async function removeStatusReason(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const r = await findStatusReason(tx, accountId, id);
    if (!r) throw notFound('status reason');
    await updateStatusReason(tx, { ...r, deleted: true });
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'status_reason.deleted',
      targetType: 'status_reason',
      targetId: id,
      details: { name: r.name },
    });
  });
}

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
    listAllStatusReasons(tx, accountId),
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
