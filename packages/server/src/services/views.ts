import type { ActiveItem } from '@parley/contract';
import { type Conversation, toActiveItem } from '../domain/conversation.js';
import type { Outbox } from './context.js';

/** Pushes an agent's Active-list row for `c` to the agent whose list it is in. */
export function pushActiveItem(out: Outbox, c: Conversation, consumerName: string, idleAfterSec: number, now: number): ActiveItem | null {
  const agentId = c.agentId ?? (c.state === 'closed' ? c.lastAgentId : null);
  if (!agentId) return null;
  const item = toActiveItem({ conversation: c, consumerName }, idleAfterSec, now);
  out.push({ recipient: { kind: 'agent', id: agentId }, type: 'conversation.upserted', data: item });
  return item;
}

export interface ConsumerConversationView {
  id: string;
  state: Conversation['state'];
  skillId: string | null;
  channel: Conversation['channel'];
  agent: { id: string; displayName: string } | null;
  awaiting: Conversation['awaiting'];
  urgent: boolean;
  createdAt: string;
  closedAt: string | null;
  closedBy: Conversation['closedBy'];
}

export function toConsumerView(
  c: Pick<Conversation, 'id' | 'state' | 'skillId' | 'channel' | 'awaiting' | 'urgent' | 'createdAt' | 'closedAt' | 'closedBy'>,
  agent: { id: string; displayName: string } | null,
): ConsumerConversationView {
  return {
    id: c.id,
    state: c.state,
    skillId: c.skillId,
    channel: c.channel,
    agent,
    awaiting: c.awaiting,
    urgent: c.urgent,
    createdAt: new Date(c.createdAt).toISOString(),
    closedAt: c.closedAt === null ? null : new Date(c.closedAt).toISOString(),
    closedBy: c.closedBy,
  };
}
