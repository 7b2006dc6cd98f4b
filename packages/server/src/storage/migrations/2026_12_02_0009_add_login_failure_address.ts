import type { Kysely } from 'kysely';

/**
 * `login_failures.client_address`: the client address (as `PARLEY_TRUST_PROXY` derives it) a failed
 * sign-in came from, so the lockout counts failures per user and address (domain/login-lockout.ts).
 * Rows from before have none; they count for the per-user brake only and age out within 15 minutes.
 * The existing index `login_failures_key (account_id, username, failed_at)` serves every query.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('client_address', 'text').execute();
}
