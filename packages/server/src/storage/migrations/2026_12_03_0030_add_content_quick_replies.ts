import type { Kysely } from 'kysely';

/** Predefined content may carry quick replies (JSON `[{ title, payload? }]`): the agent's message offers them as buttons. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('content').addColumn('quick_replies', 'text').execute();
}
