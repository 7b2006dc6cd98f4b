import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../db.js';

/**
 * Per agent (or per agent and UTC day) in `[from, to)`: the figures of `GET /api/v1/reports/agents`,
 * each from its own source. Keys are the agent id, or `agentId|day` (day: whole UTC days since the
 * epoch) when asked `byDay`.
 */
export interface AgentPerformanceRows {
  /** Distinct conversations the agent wrote in. */
  handled: Map<string, number>;
  /** Closes of conversations the agent had last, with the summed time from assignment to close. */
  closed: Map<string, { n: number; handleMs: number; withHandle: number }>;
  /** First responses the agent gave, with the summed wait from the conversation's start. */
  firstResponses: Map<string, { n: number; waitMs: number }>;
  /** CSAT answers about the agent: how many, how many 4 or 5. */
  csat: Map<string, { total: number; satisfied: number }>;
}

export const DAY_MS = 86_400_000;

/** The key of an agent's figures on a day (`byDay`). */
export const dayKey = (agentId: string, day: number) => `${agentId}|${day}`;

const num = (v: unknown) => Number(v ?? 0);

/** The UTC day (whole days since the epoch) of a millisecond column: integer division on both dialects (bigint / integer). */
const dayOf = (column: string): RawBuilder<number> => sql<number>`(${sql.ref(column)} / ${sql.lit(DAY_MS)})`;

export async function agentPerformanceRows(tx: Tx, accountId: string, from: number, to: number, opts: { byDay?: boolean } = {}): Promise<AgentPerformanceRows> {
  const byDay = opts.byDay === true;
  // Without byDay every row is of day 0: the key is then the agent id alone.
  const day = (column: string) => (byDay ? dayOf(column) : sql<number>`0`);
  const key = (agentId: string, d: unknown) => (byDay ? dayKey(agentId, num(d)) : agentId);
  // (Never `group by …, 0`: PostgreSQL reads a number there as a column position.)
  const groups = <C extends string>(agentColumn: C, at: string) => (byDay ? [sql.ref(agentColumn), dayOf(at)] : [sql.ref(agentColumn)]);
  const [handled, closed, first, csat] = await Promise.all([
    tx
      .selectFrom('messages')
      .select(['sender_id', day('created_at').as('day'), sql<number>`count(distinct conversation_id)`.as('n')])
      .where('account_id', '=', accountId)
      .where('sender_type', '=', 'agent')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy(groups('sender_id', 'created_at'))
      .execute(),
    tx
      .selectFrom('conversations')
      .select([
        'last_agent_id',
        day('closed_at').as('day'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when assigned_at is not null then closed_at - assigned_at else 0 end)`.as('handle_ms'),
        sql<number>`sum(case when assigned_at is not null then 1 else 0 end)`.as('with_handle'),
      ])
      .where('account_id', '=', accountId)
      .where('state', '=', 'closed')
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .where('last_agent_id', 'is not', null)
      .groupBy(groups('last_agent_id', 'closed_at'))
      .execute(),
    tx
      .selectFrom('conversations')
      .select([
        'first_response_agent_id',
        day('first_response_at').as('day'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(first_response_at - created_at)`.as('wait_ms'),
      ])
      .where('account_id', '=', accountId)
      .where('first_response_at', '>=', from)
      .where('first_response_at', '<', to)
      .where('first_response_agent_id', 'is not', null)
      .groupBy(groups('first_response_agent_id', 'first_response_at'))
      .execute(),
    tx
      .selectFrom('survey_answers')
      .select([
        'agent_id',
        day('answered_at').as('day'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when int_value >= 4 then 1 else 0 end)`.as('satisfied'),
      ])
      .where('account_id', '=', accountId)
      .where('type', '=', 'csat')
      .where('int_value', 'is not', null)
      .where('answered_at', '>=', from)
      .where('answered_at', '<', to)
      .where('agent_id', 'is not', null)
      .groupBy(groups('agent_id', 'answered_at'))
      .execute(),
  ]);
  return {
    handled: new Map(handled.flatMap((r) => (r.sender_id ? [[key(r.sender_id, r.day), num(r.n)] as const] : []))),
    closed: new Map(
      closed.flatMap((r) =>
        r.last_agent_id ? [[key(r.last_agent_id, r.day), { n: num(r.n), handleMs: num(r.handle_ms), withHandle: num(r.with_handle) }] as const] : [],
      ),
    ),
    firstResponses: new Map(
      first.flatMap((r) => (r.first_response_agent_id ? [[key(r.first_response_agent_id, r.day), { n: num(r.n), waitMs: num(r.wait_ms) }] as const] : [])),
    ),
    csat: new Map(csat.flatMap((r) => (r.agent_id ? [[key(r.agent_id, r.day), { total: num(r.n), satisfied: num(r.satisfied) }] as const] : []))),
  };
}
