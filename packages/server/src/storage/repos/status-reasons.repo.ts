import type { AgentStatus, ReasonStatus } from '@parley/contract';
import type { StateSpan } from '../../domain/agent-states.js';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';

export interface StatusReasonRecord {
  id: string;
  accountId: string;
  name: string;
  status: ReasonStatus;
  deleted: boolean;
  createdAt: number;
}

type Row = { id: string; account_id: string; name: string; status: string; deleted: number; created_at: number };
const toReason = (r: Row): StatusReasonRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  status: r.status as ReasonStatus,
  deleted: r.deleted === 1,
  createdAt: r.created_at,
});

export async function insertStatusReason(tx: Tx, r: StatusReasonRecord): Promise<void> {
  await tx
    .insertInto('status_reasons')
    .values({ id: r.id, account_id: r.accountId, name: r.name, status: r.status, deleted: r.deleted ? 1 : 0, created_at: r.createdAt })
    .execute();
}

/** A reason that is not deleted. */
export async function findStatusReason(tx: Tx, accountId: string, id: string): Promise<StatusReasonRecord | undefined> {
  const r = await tx
    .selectFrom('status_reasons')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return r ? toReason(r) : undefined;
}

export async function findStatusReasonByName(tx: Tx, accountId: string, name: string): Promise<StatusReasonRecord | undefined> {
  const r = await tx
    .selectFrom('status_reasons')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return r ? toReason(r) : undefined;
}

/** The account's reasons by name (then id), up to `limit` after the position `[name, id]`. */
export async function listStatusReasons(tx: Tx, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  let q = tx.selectFrom('status_reasons').selectAll().where('account_id', '=', accountId).where('deleted', '=', 0);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'name', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  return (await q.orderBy('name').orderBy('id').limit(page.limit).execute()).map(toReason);
}

/** Every reason of the account, deleted ones too (the report names what was chosen then). */
export async function listAllStatusReasons(tx: Tx, accountId: string): Promise<StatusReasonRecord[]> {
  return (await tx.selectFrom('status_reasons').selectAll().where('account_id', '=', accountId).execute()).map(toReason);
}

export async function updateStatusReason(tx: Tx, r: StatusReasonRecord): Promise<void> {
  await tx
    .updateTable('status_reasons')
    .set({ name: r.name, status: r.status, deleted: r.deleted ? 1 : 0 })
    .where('account_id', '=', r.accountId)
    .where('id', '=', r.id)
    .execute();
}

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
