import { toConsumerView, unreadForNextAgent } from '../domain/conversation.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { toConversation } from '../storage/repos/conversations.repo.js';
import { countUnanswered } from '../storage/repos/messages.repo.js';
import { type Deps, emit, inTransaction } from './context.js';
import { persist, settingsFor } from './conversation-timers.js';

/**
 * Shift-end handover: the agent's open conversations that await the agent go back to their skill
 * queues (keeping their original waiting time); those awaiting the consumer stay with the agent.
 */
export async function handover(deps: Deps, accountId: string, agentId: string): Promise<{ returned: string[] }> {
  const now = deps.clock.now();
  const returned = await inTransaction(deps, accountId, async (tx, out) => {
    const rows = await tx
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('agent_id', '=', agentId)
      .where('state', '=', 'open')
      .where('awaiting', '=', 'agent')
      .where('manual_sla_at', 'is', null)
      .execute();
    const ids: string[] = [];
    const account = await findAccount(tx, accountId);
    for (const r of rows) {
      const c = toConversation(r);
      const next = {
        ...c,
        state: 'queued' as const,
        agentId: null,
        queuedAt: c.queuedAt ?? now,
        agentUnread: unreadForNextAgent(c.awaiting, await countUnanswered(tx, accountId, c.id)),
        routing: { outcome: 'waiting' as const, rule: 'handed_back_by_agent', agentId: null, candidates: [], at: now },
        updatedAt: now,
      };
      if (!account || !(await persist(deps, tx, await settingsFor(tx, account, c.skillId), next, 'open'))) continue;
      ids.push(c.id);
      emit(
        out,
        [
          { type: 'conversation.removed', data: { id: c.id } },
          { type: 'conversation.updated', data: toConsumerView(next, null) },
        ],
        { before: c, conversation: next },
      );
    }
    return ids;
  });
  if (returned.length) deps.kickRouting(accountId);
  return { returned };
}
