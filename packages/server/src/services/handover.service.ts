import * as lifecycle from '../domain/conversation-lifecycle.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { listConversationIdsOfAgent, lockConversation } from '../storage/repos/conversations.repo.js';
import { countUnanswered } from '../storage/repos/messages.repo.js';
import { type Deps, inTransaction } from './context.js';
import { commit, settingsFor } from './persist.js';

/**
 * Shift-end handover: the agent's open conversations that await the agent go back to their skill
 * queues (keeping their original waiting time); those awaiting the consumer, or under a manual SLA,
 * stay with the agent (the `requeue` transition decides).
 */
export async function handover(deps: Deps, accountId: string, agentId: string): Promise<{ returned: string[] }> {
  const returned = await inTransaction(deps, accountId, async (tx, out) => {
    const account = await findAccount(tx, accountId);
    if (!account) return [];
    const ids: string[] = [];
    for (const id of await listConversationIdsOfAgent(tx, accountId, agentId, 'open')) {
      const c = await lockConversation(tx, deps.db.dialect, accountId, id);
      if (!c || c.agentId !== agentId) continue;
      const s = await settingsFor(tx, account, c.skillId);
      const t = lifecycle.requeue(c, s, deps.clock.now(), { unanswered: c.awaiting === 'agent' ? await countUnanswered(tx, accountId, c.id) : 0 });
      if (lifecycle.isRefusal(t)) continue;
      await commit(deps, tx, out, c, t);
      ids.push(c.id);
    }
    return ids;
  });
  if (returned.length) deps.kickRouting(accountId);
  return { returned };
}
