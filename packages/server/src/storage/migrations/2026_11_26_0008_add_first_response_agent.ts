import { type Kysely, sql } from 'kysely';

/**
 * `first_response_agent_id`: the agent whose message was the conversation's first agent response
 * (set with `first_response_at`), so the reports credit the first response to the agent who gave it
 * rather than to the conversation's last agent after a transfer. Existing answered conversations get
 * the sender of their first agent message (by the unique `messages_conversation_seq`). The index
 * `conversations_first_response (account_id, first_response_agent_id, first_response_at)` serves an
 * agent's first responses of a day (GET /api/v1/me/kpis).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('first_response_agent_id', 'text').execute();
  await sql`
    update conversations set first_response_agent_id = (
      select m.sender_id from messages m
      where m.conversation_id = conversations.id and m.sender_type = 'agent'
      order by m.seq limit 1
    )
    where first_response_at is not null`.execute(db);
  await db.schema
    .createIndex('conversations_first_response')
    .on('conversations')
    .columns(['account_id', 'first_response_agent_id', 'first_response_at'])
    .execute();
}
