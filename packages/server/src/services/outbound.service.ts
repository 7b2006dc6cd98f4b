import type { Conversation } from '../domain/conversation.js';
import type { Tx } from '../storage/db.js';
import type { MessageRecord } from '../storage/repos/messages.repo.js';
import type { Deps } from './context.js';

/**
 * Called in the transaction that stores an agent message. Web consumers read messages over the
 * API and Socket.IO; for channel conversations (SMS, Messenger, webhook) this is where the message
 * is queued for durable delivery to the provider.
 */
export async function enqueueOutbound(_deps: Deps, _tx: Tx, c: Conversation, _message: MessageRecord): Promise<void> {
  if (c.channel === 'web') return;
}
