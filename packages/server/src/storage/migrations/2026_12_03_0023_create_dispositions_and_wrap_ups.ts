import type { Kysely } from 'kysely';

/**
 * Wrap-up (API.md "Contact-center operations"):
 * - `dispositions`: manager-defined wrap-up codes; deleting one sets `deleted` (past wrap-ups and
 *   the reports keep its name).
 * - `conversation_wrap_ups`: what the agent chose when closing (`disposition_ids`, a JSON array,
 *   and an optional `note`), one row per conversation (a later close after a resume replaces it);
 *   `closed_at` is that close, for the per-disposition report.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dispositions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dispositions_account_name').on('dispositions').columns(['account_id', 'name']).execute();
  await db.schema
    .createTable('conversation_wrap_ups')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('disposition_ids', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('closed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_wrap_ups_account_closed').on('conversation_wrap_ups').columns(['account_id', 'closed_at']).execute();
}
