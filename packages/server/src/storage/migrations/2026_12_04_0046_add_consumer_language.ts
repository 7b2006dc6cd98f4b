import type { Kysely } from 'kysely';

/**
 * Languages (issue 19): `consumers.language`, the BCP 47 tag the consumer's widget speaks (sent
 * with `POST /api/v1/consumer/session`); null for channel consumers and older rows, which get the
 * account's default language. Nullable, so an upgrade keeps every row as it is.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('consumers').addColumn('language', 'text').execute();
}
