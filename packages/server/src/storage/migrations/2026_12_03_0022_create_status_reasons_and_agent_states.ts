import type { Kysely } from 'kysely';

/**
 * Status reasons and the state-change log (API.md "Contact-center operations"):
 * - `status_reasons`: manager-defined reasons under Away and Back soon (`status`); deleting one
 *   sets `deleted` so the log and the reports keep its name.
 * - `agent_states`: one row per stretch of an agent's status (and reason): `started_at`, and
 *   `ended_at` once the next change closed it (null: the current one). The agent-state report
 *   sums these stretches; nothing is sampled.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('status_reasons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('status_reasons_account_name').on('status_reasons').columns(['account_id', 'name']).execute();
  await db.schema
    .createTable('agent_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema.createIndex('agent_states_account_started').on('agent_states').columns(['account_id', 'started_at']).execute();
  await db.schema.createIndex('agent_states_user_ended').on('agent_states').columns(['user_id', 'ended_at']).execute();
}
