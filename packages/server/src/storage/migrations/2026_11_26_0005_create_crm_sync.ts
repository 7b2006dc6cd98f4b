import type { Kysely } from 'kysely';

/**
 * CRM sync (Salesforce first): the write-only credentials of an account's CRM connection, and one
 * row per conversation to write to the CRM on close, retried on the durable timers like channel delivery.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  // Secrets kept out of accounts.settings, so no settings read can ever return them.
  await db.schema
    .createTable('crm_credentials')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('crm_credentials_pk', ['account_id', 'provider'])
    .execute();

  // pending → synced | failed; a re-closed conversation goes back to pending and updates the same CRM record.
  await db.schema
    .createTable('crm_syncs')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('record_id', 'text')
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('synced_at', 'bigint')
    .addPrimaryKeyConstraint('crm_syncs_pk', ['conversation_id', 'provider'])
    .execute();
  await db.schema.createIndex('crm_syncs_account').on('crm_syncs').columns(['account_id', 'status']).execute();
}
