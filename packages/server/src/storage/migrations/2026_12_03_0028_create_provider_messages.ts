import type { Kysely } from 'kysely';

/**
 * The provider's id of each message Parley sent (WhatsApp's wamid, Telegram's message_id, Meta's
 * mid), so its receipts find the message. A receipt that arrives before the send was recorded
 * (the provider is faster than our commit) waits here in `status` with no `message_id`, and is
 * applied when the send is recorded.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('provider_messages')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('status', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('provider_messages_pk', ['channel_id', 'provider_id'])
    .execute();
  await db.schema.createIndex('provider_messages_message').on('provider_messages').columns(['message_id']).execute();
}
