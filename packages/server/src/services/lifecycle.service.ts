import type { ActiveItem } from '@parley/contract';
import { type ClosedBy, type Conversation, toActiveItem } from '../domain/conversation.js';
import { conflict, DomainError, notFound } from '../domain/errors.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { lockConversation, saveConversation } from '../storage/repos/conversations.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { type Deps, inTransaction } from './context.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';
import { type ConsumerConversationView, pushActiveItem, toConsumerView } from './views.js';

/** Close; the conversation stays in its agent's Active list (status closed) until dismissed or retention ends. */
async function close(deps: Deps, p: UserPrincipal | ConsumerPrincipal, id: string, by: ClosedBy): Promise<{ c: Conversation; item: ActiveItem }> {
  const now = deps.clock.now();
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), []);
    if (p.kind === 'user') assertCanAct(p, c);
    if (c.state === 'closed') throw conflict('the conversation is already closed');
    if (p.kind === 'consumer' && c.channel !== 'web') throw new DomainError('forbidden', 'consumers on this channel cannot close conversations');
    const next: Conversation = {
      ...c,
      state: 'closed',
      agentId: null,
      lastAgentId: c.agentId ?? c.lastAgentId,
      closedAt: now,
      closedBy: by,
      slaDueAt: null,
      manualSlaAt: null,
      agentUnread: 0,
      updatedAt: now,
    };
    await saveConversation(tx, next);
    const account = await findAccount(tx, p.accountId);
    const consumer = await findConsumer(tx, p.accountId, c.consumerId);
    const idle = account?.settings.idleAfterSec ?? 240;
    if (c.state === 'ringing' && c.agentId) out.push({ recipient: { kind: 'agent', id: c.agentId }, type: 'conversation.removed', data: { id: c.id } });
    else pushActiveItem(out, next, consumer?.name ?? 'Visitor', idle, now);
    out.push({ recipient: { kind: 'consumer', id: c.consumerId }, type: 'conversation.closed', data: toConsumerView(next, null) });
    return { c: next, item: toActiveItem({ conversation: next, consumerName: consumer?.name ?? 'Visitor' }, idle, now) };
  });
  deps.kickRouting(p.accountId);
  return r;
}

export async function closeByUser(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  return (await close(deps, p, id, 'agent')).item;
}

export async function closeByConsumer(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversationView> {
  return toConsumerView((await close(deps, p, id, 'consumer')).c, null);
}

/** Remove a closed conversation from the agent's Active list ("x"). */
export async function dismiss(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = await lockConversation(tx, deps.db.dialect, p.accountId, id);
    if (!c || (c.lastAgentId !== p.userId && c.agentId !== p.userId)) throw notFound('conversation');
    if (c.state !== 'closed') throw conflict('only closed conversations can be dismissed');
    if (c.dismissed) return;
    await saveConversation(tx, { ...c, dismissed: true, updatedAt: deps.clock.now() });
    out.push({ recipient: { kind: 'agent', id: p.userId }, type: 'conversation.removed', data: { id: c.id } });
  });
}
