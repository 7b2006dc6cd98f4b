import type { DomainEvent } from '@parley/contract';
import { toConsumerView } from '../domain/conversation.js';
import { listQueueOrder } from '../storage/repos/queue.repo.js';
import { type Deps, emit, inTransaction } from './context.js';

/** Positions beyond this are not pushed (they are still answered by GET …/conversations/{id}). */
const MAX_PUSHED = 1000;

/** Per app and account: the position last pushed to each waiting conversation's consumer. */
const lastPushed = new WeakMap<Deps, Map<string, Map<string, number>>>();

/**
 * Waiting consumers see their place in the queue live: after each routing run of an account
 * (every change that can move a queue kicks routing: arrivals, assignments, closes, transfers,
 * urgent, declines), the queued conversations whose position changed get `conversation.updated`
 * with `queuePosition` and `expectedResponseSec`, as GET /api/v1/consumer/conversations/{id} has.
 * The last pushed positions are kept in memory per node; another node may push the same position
 * again, which is harmless.
 */
export async function pushQueuePositions(deps: Deps, accountId: string): Promise<void> {
  let byAccount = lastPushed.get(deps);
  if (!byAccount) {
    byAccount = new Map();
    lastPushed.set(deps, byAccount);
  }
  const before = byAccount.get(accountId) ?? new Map<string, number>();
  const queued = await listQueueOrder(deps.db.kysely, accountId, MAX_PUSHED);
  const now = deps.clock.now();
  const rank = new Map<string, number>();
  const after = new Map<string, number>();
  const updates: { c: (typeof queued)[number]; event: DomainEvent }[] = [];
  for (const c of queued) {
    const skill = c.skillId ?? '';
    const position = (rank.get(skill) ?? 0) + 1;
    rank.set(skill, position);
    after.set(c.id, position);
    if (before.get(c.id) === position) continue;
    const expectedResponseSec = Math.max(0, Math.round(((c.slaDueAt ?? now) - now) / 1000));
    updates.push({ c, event: { type: 'conversation.updated', data: { ...toConsumerView(c, null), queuePosition: position, expectedResponseSec } } });
  }
  if (after.size) byAccount.set(accountId, after);
  else byAccount.delete(accountId);
  if (updates.length)
    await inTransaction(deps, accountId, async (_tx, out) => {
      // A queued conversation is with no agent: only its consumer hears of its place.
      for (const u of updates) emit(out, [u.event], { conversation: { ...u.c, agentId: null, lastAgentId: null } });
    });
}
