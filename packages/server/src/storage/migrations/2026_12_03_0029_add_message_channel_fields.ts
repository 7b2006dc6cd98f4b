import type { Kysely } from 'kysely';

/**
 * What channel messages carry besides text and a file (JSON, null when absent):
 * - `quick_replies`: an agent message's `[{ title, payload? }]` offered as buttons;
 * - `quick_reply`: a consumer message's `{ payload }`, the button they chose;
 * - `template`: an agent message sent as a WhatsApp template `{ name, language, params }`;
 * - `delivery_error`: why a delivery failed (the provider's words).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('quick_replies', 'text').execute();
  await db.schema.alterTable('messages').addColumn('quick_reply', 'text').execute();
  await db.schema.alterTable('messages').addColumn('template', 'text').execute();
  await db.schema.alterTable('messages').addColumn('delivery_error', 'text').execute();
}
