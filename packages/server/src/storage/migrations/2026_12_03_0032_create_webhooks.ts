import type { Kysely } from 'kysely';

/**
 * Outbound webhooks (API.md "Automation and integration", Standard Webhooks). `events` is a JSON
 * array of event types; `secret` the signing key (`whsec_<base64>`), write-only on the API;
 * `previous_secret` signs too until `previous_secret_until` (a rotation's grace period);
 * `failing_since` the first failed delivery since the last success (3 days of it disable the
 * webhook: `active` 0, `disabled_reason` 'failing'). The deliveries themselves are jobs of kind
 * `webhook` (key `<webhook id>:<conversation id>`), written in the transaction of their event.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'bigint')
    .addColumn('failing_since', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_account').on('webhooks').columns(['account_id', 'created_at', 'id']).execute();
}
