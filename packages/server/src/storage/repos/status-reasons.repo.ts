import type { AgentStatus, ReasonStatus } from '@parley/contract';
import type { StateSpan } from '../../domain/agent-states.js';
import type { Tx } from '../db.js';
import { type NamedRecord, namedListRepo } from './named-list.repo.js';

export interface StatusReasonRecord extends NamedRecord {
  status: ReasonStatus;
}

export const statusReasonsRepo = namedListRepo<StatusReasonRecord>('status_reasons', {
  fromRow: (r) => ({ status: r.status as ReasonStatus }),
  toRow: (r) => ({ status: r.status }),
});

/** A reason that is not deleted. */
export const findStatusReason = statusReasonsRepo.find;

// ---------------------------------------------------------------- the state-change log

/** The agent's current stretch (the one not yet ended), if any was logged. */
export async function findCurrentAgentState(tx: Tx, accountId: string, userId: string): Promise<StateSpan | undefined> {
  const r = await tx
    .selectFrom('agent_states')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return r ? toSpan(r) : undefined;
}

type SpanRow = { user_id: string; status: string; reason_id: string | null; started_at: number; ended_at: number | null };
const toSpan = (r: SpanRow): StateSpan => ({
  userId: r.user_id,
  status: r.status as AgentStatus,
  reasonId: r.reason_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

/** A status change: the current stretch ends now and a new one starts (in the caller's transaction). */
export async function logAgentState(tx: Tx, s: { id: string; accountId: string; userId: string; status: AgentStatus; reasonId: string | null; at: number }) {
  await tx
    .updateTable('agent_states')
    .set({ ended_at: s.at })
    .where('account_id', '=', s.accountId)
    .where('user_id', '=', s.userId)
    .where('ended_at', 'is', null)
    .execute();
  await tx
    .insertInto('agent_states')
    .values({ id: s.id, account_id: s.accountId, user_id: s.userId, status: s.status, reason_id: s.reasonId, started_at: s.at, ended_at: null })
    .execute();
}

/** The stretches of the account's agents that overlap `[from, to)`. */
export async function listAgentStatesOverlapping(tx: Tx, accountId: string, from: number, to: number): Promise<StateSpan[]> {
  const rows = await tx
    .selectFrom('agent_states')
    .select(['user_id', 'status', 'reason_id', 'started_at', 'ended_at'])
    .where('account_id', '=', accountId)
    .where('started_at', '<', to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]))
    .execute();
  return rows.map(toSpan);
}
