import type { Kysely } from 'kysely';

/**
 * `routing_key`: a short digest of a conversation's recorded routing decision (everything but its
 * time), so a routing run can tell whether a waiting conversation's reason changed without reading
 * and parsing the full candidate list of every queued conversation.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('routing_key', 'text').execute();
}
