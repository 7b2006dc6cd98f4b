import { type Kysely, sql } from 'kysely';

/**
 * Who closed a conversation and who wrote its last message, so the Active list, the All tab and
 * the transcript can say "Closed by Dana Reyes" and "Bob Chen: …" (not "You: …" for a colleague's
 * words after a transfer):
 * - `closed_by_id`, `closed_by_name`: the user (agent or manager) who closed it, and their display
 *   name then; null for consumer and automatic closes, and for closes from before (unknown).
 * - `last_message_sender_id`, `last_message_sender_name`: the author of `last_message_text` (the
 *   consumer's id or the agent's user id; an agent's display name then). Existing rows get the
 *   sender of their latest message of that sender type and, for agents, their current name.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('closed_by_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('closed_by_name', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('last_message_sender_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('last_message_sender_name', 'text').execute();
  await sql`
    update conversations set last_message_sender_id = (
      select m.sender_id from messages m
      where m.conversation_id = conversations.id and m.sender_type = conversations.last_message_sender
      order by m.seq desc limit 1
    )
    where last_message_sender in ('consumer', 'agent')`.execute(db);
  await sql`
    update conversations set last_message_sender_name = (
      select u.display_name from users u where u.id = conversations.last_message_sender_id
    )
    where last_message_sender = 'agent' and last_message_sender_id is not null`.execute(db);
}
