import type { Kysely } from 'kysely';

/**
 * Approved WhatsApp message templates of a channel, as the manager lists them in the console: the
 * only messages WhatsApp accepts more than 24 h after the consumer's last message. `params` is the
 * number of body parameters ({{1}}…{{n}}) the template takes.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channel_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('params', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('channel_templates_name', ['channel_id', 'name', 'language'])
    .execute();
}
