import type { Kysely } from 'kysely';

/**
 * `conversations_created` becomes `(account_id, created_at, id)`: the All tab pages newest first
 * by the keyset `(created_at, id)` (repos/conversations.repo.ts listConversations), and with the id
 * in the index a page reads its rows in order from the cursor and stops at the limit, instead of
 * sorting every conversation of the range (a search reaches the whole history window). Every
 * other use of the old index (`account_id, created_at` ranges) is served by its prefix.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_created').execute();
  await db.schema.createIndex('conversations_created').on('conversations').columns(['account_id', 'created_at', 'id']).execute();
}
