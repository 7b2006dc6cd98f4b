import type { Kysely } from 'kysely';

/**
 * `audit_log`: the append-only record of every change made by a person, an API key or the system
 * (API.md "Enterprise controls"; services/audit.service.ts writes it in the transaction of the
 * change). Nothing updates a row; only the audit retention job deletes rows older than
 * `settings.audit.retentionMonths`.
 *
 * - `id` (UUIDv7, time-ordered), `account_id`, `at` (epoch ms);
 * - `actor_type` `user | api_key | system`, `actor_id` (null for the system and for a failed
 *   sign-in of an unknown user), `ip` (the client address as PARLEY_TRUST_PROXY derives it);
 * - `action` (`skill.created`, `auth.login_failed`, …), `target_type`, `target_id`;
 * - `details`: JSON, a compact diff with secrets and passwords redacted.
 *
 * Indexes: the account's log newest first (`at`, `id`), filtered by actor or by action.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_account_at').on('audit_log').columns(['account_id', 'at', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['account_id', 'actor_id', 'at', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['account_id', 'action', 'at', 'id']).execute();
}
