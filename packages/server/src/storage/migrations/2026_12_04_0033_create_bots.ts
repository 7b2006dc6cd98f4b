import type { Kysely } from 'kysely';

/**
 * Bots (API.md "Bots"): a bot takes the new conversations of its skills first.
 * - `bots`: name, the URL its signed `bot.message` deliveries go to, `skill_ids` (JSON array),
 *   `timeout_sec`, the signing `secret` (whsec_, sealed like the webhooks' secrets); `deleted_at`
 *   set instead of deleting the row, so the transcript and the reports keep the bot's name.
 * - `api_keys.bot_id`: the bot's own key (scope `bots`) — it acts as that bot, nowhere else.
 * - `conversations.bot_id`, `bot_status` ('handling' | 'escalated'), `bot_timeout_sec`: the bot that
 *   took the conversation, whether it still has it, and the reply time it had when it took it (the
 *   bot_reply timer counts from the consumer's first unanswered message).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('skill_ids', 'text', (c) => c.notNull())
    .addColumn('timeout_sec', 'integer', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('bots_account').on('bots').columns(['account_id', 'created_at', 'id']).execute();
  await db.schema.alterTable('api_keys').addColumn('bot_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('bot_id', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('bot_status', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('bot_timeout_sec', 'integer').execute();
}
