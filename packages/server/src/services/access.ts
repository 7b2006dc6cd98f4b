import type { Conversation } from '../domain/conversation.js';
import { forbidden, notFound } from '../domain/errors.js';
import type { Principal, UserPrincipal } from './principal.js';

/**
 * Who may see a conversation: its consumer; a bot that took it; managers of the account; the agent it is assigned or
 * ringing to, or who last had it; agents of its skill (the All tab). Anything else is 404, so
 * other accounts' ids reveal nothing.
 */
export function assertCanRead(p: Principal, c: Conversation | undefined, userSkills: readonly string[]): Conversation {
  if (!c || c.accountId !== p.accountId) throw notFound('conversation');
  if (p.kind === 'consumer') {
    if (c.consumerId !== p.consumerId) throw notFound('conversation');
    return c;
  }
  // A bot reads the conversations it took (it acts only while it has them: the transitions check).
  if (p.kind === 'bot') {
    if (c.botId !== p.botId) throw notFound('conversation');
    return c;
  }
  if (p.role === 'manager') return c;
  if (c.agentId === p.userId || c.lastAgentId === p.userId) return c;
  if (c.skillId !== null && userSkills.includes(c.skillId)) return c;
  throw notFound('conversation');
}

/** Who may act (send, read, close, transfer…): the agent it is assigned/ringing to, or a manager. */
export function assertCanAct(p: UserPrincipal, c: Conversation): void {
  if (p.role === 'manager') return;
  if (c.agentId === p.userId) return;
  if (c.state === 'closed' && c.lastAgentId === p.userId) return;
  throw forbidden('only the assigned agent or a manager may act on this conversation');
}
