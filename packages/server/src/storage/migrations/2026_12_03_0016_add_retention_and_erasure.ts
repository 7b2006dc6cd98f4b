import type { Kysely } from 'kysely';

/**
 * Retention and consumer erasure (issue 14):
 * - `report_hours`: the daily report's figures per account and UTC hour of arrival (arrivals, first
 *   responses and their total time, SLA met, late and unanswered) of conversations that retention
 *   deleted, so a day's report keeps its history after its conversations are gone. The live
 *   conversations still count as before; the report adds these rows to them.
 * - `consumers.erased_at`: when a consumer was erased (null: never). A second erasure does nothing.
 * - `channel_events_account`: pruning the de-duplication log per account by age.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_hours')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('hour_start', 'bigint', (c) => c.notNull())
    .addColumn('arrivals', 'bigint', (c) => c.notNull())
    .addColumn('responded', 'bigint', (c) => c.notNull())
    .addColumn('response_ms', 'bigint', (c) => c.notNull())
    .addColumn('met', 'bigint', (c) => c.notNull())
    .addColumn('late_unanswered', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_hours_pk', ['account_id', 'hour_start'])
    .execute();
  await db.schema.alterTable('consumers').addColumn('erased_at', 'bigint').execute();
  await db.schema.createIndex('channel_events_account').on('channel_events').columns(['account_id', 'created_at']).execute();
}
