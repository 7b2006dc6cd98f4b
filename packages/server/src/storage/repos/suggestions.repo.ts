import type { Tx } from '../db.js';

/** A consumer's or agent's text message, as suggestions learn from them. */
export interface ExchangeRow {
  conversationId: string;
  seq: number;
  senderType: 'consumer' | 'agent';
  text: string;
}

/**
 * The text messages of consumers and agents in the account's latest `maxConversations`
 * conversations created since `since` (through the conversations_created index), in transcript
 * order per conversation; at most `maxMessages`.
 */
export async function recentExchanges(
  tx: Tx,
  accountId: string,
  opts: { since: number; maxConversations: number; maxMessages: number },
): Promise<ExchangeRow[]> {
  const rows = await tx
    .selectFrom('messages')
    .select(['conversation_id', 'seq', 'sender_type', 'text'])
    .where('account_id', '=', accountId)
    .where('conversation_id', 'in', (eb) =>
      eb
        .selectFrom('conversations')
        .select('id')
        .where('account_id', '=', accountId)
        .where('created_at', '>=', opts.since)
        .orderBy('created_at', 'desc')
        .limit(opts.maxConversations),
    )
    .where('sender_type', 'in', ['consumer', 'agent'])
    .where('text', 'is not', null)
    .orderBy('conversation_id')
    .orderBy('seq')
    .limit(opts.maxMessages)
    .execute();
  return rows.map((r) => ({ conversationId: r.conversation_id, seq: r.seq, senderType: r.sender_type as 'consumer' | 'agent', text: r.text ?? '' }));
}
