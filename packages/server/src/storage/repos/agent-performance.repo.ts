import { sql } from 'kysely';
import type { Tx } from '../db.js';

/** Per agent in `[from, to)`: the figures of `GET /api/v1/reports/agents`, each from its own source. */
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

const num = (v: unknown) => Number(v ?? 0);

export async function agentPerformanceRows(tx: Tx, accountId: string, from: number, to: number): Promise<AgentPerformanceRows> {
  const [handled, closed, first, csat] = await Promise.all([
    tx
      .selectFrom('messages')
      .select(['sender_id', sql<number>`count(distinct conversation_id)`.as('n')])
      .where('account_id', '=', accountId)
      .where('sender_type', '=', 'agent')
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .groupBy('sender_id')
      .execute(),
    tx
      .selectFrom('conversations')
      .select([
        'last_agent_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when assigned_at is not null then closed_at - assigned_at else 0 end)`.as('handle_ms'),
        sql<number>`sum(case when assigned_at is not null then 1 else 0 end)`.as('with_handle'),
      ])
      .where('account_id', '=', accountId)
      .where('state', '=', 'closed')
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .where('last_agent_id', 'is not', null)
      .groupBy('last_agent_id')
      .execute(),
    tx
      .selectFrom('conversations')
      .select(['first_response_agent_id', sql<number>`count(*)`.as('n'), sql<number>`sum(first_response_at - created_at)`.as('wait_ms')])
      .where('account_id', '=', accountId)
      .where('first_response_at', '>=', from)
      .where('first_response_at', '<', to)
      .where('first_response_agent_id', 'is not', null)
      .groupBy('first_response_agent_id')
      .execute(),
    tx
      .selectFrom('survey_answers')
      .select(['agent_id', sql<number>`count(*)`.as('n'), sql<number>`sum(case when int_value >= 4 then 1 else 0 end)`.as('satisfied')])
      .where('account_id', '=', accountId)
      .where('type', '=', 'csat')
      .where('int_value', 'is not', null)
      .where('answered_at', '>=', from)
      .where('answered_at', '<', to)
      .where('agent_id', 'is not', null)
      .groupBy('agent_id')
      .execute(),
  ]);
  return {
    handled: new Map(handled.flatMap((r) => (r.sender_id ? [[r.sender_id, num(r.n)] as const] : []))),
    closed: new Map(
      closed.flatMap((r) => (r.last_agent_id ? [[r.last_agent_id, { n: num(r.n), handleMs: num(r.handle_ms), withHandle: num(r.with_handle) }] as const] : [])),
    ),
    firstResponses: new Map(
      first.flatMap((r) => (r.first_response_agent_id ? [[r.first_response_agent_id, { n: num(r.n), waitMs: num(r.wait_ms) }] as const] : [])),
    ),
    csat: new Map(csat.flatMap((r) => (r.agent_id ? [[r.agent_id, { total: num(r.n), satisfied: num(r.satisfied) }] as const] : []))),
  };
}
