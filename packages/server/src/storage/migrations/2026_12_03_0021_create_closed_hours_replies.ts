import type { Kysely } from 'kysely';

/**
 * The automatic closed-hours reply a channel consumer gets once per conversation when writing
 * while the account (or the conversation's skill) is closed: one row per conversation that got
 * it, so a second message while still closed sends nothing (the insert is the guard).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('closed_hours_replies')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .execute();
}
