import type { Kysely } from 'kysely';

/** Messaging channels (SMS, Messenger, signed webhook), inbound de-duplication, and the durable outbound delivery queue. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('skill_id', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('outbound_url', 'text')
    .addColumn('provider_base_url', 'text')
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channels_account').on('channels').columns(['account_id', 'created_at']).execute();

  // One row per provider event id (MessageSid, mid, eventId) already stored: a repeat is ignored.
  await db.schema
    .createTable('channel_events')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_events_pk', ['channel_id', 'event_id'])
    .execute();
  await db.schema.createIndex('channel_events_created').on('channel_events').columns(['created_at']).execute();

  // The outbound queue: one row per message to deliver, sent in seq order per conversation.
  await db.schema
    .createTable('deliveries')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_conversation').on('deliveries').columns(['conversation_id', 'status', 'seq']).execute();

  // What the agent sees on a message sent to a channel: queued, sent or failed (null for web).
  await db.schema.alterTable('messages').addColumn('delivery', 'text').execute();
}
