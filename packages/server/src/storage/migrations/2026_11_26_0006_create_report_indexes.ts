import type { Kysely } from 'kysely';

/**
 * Indexes for the manager reports (services/reports.service.ts): today's closes per account, the
 * account's survey answers by time (CSAT/NPS per skill), and a conversation's surveys (CSV export).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('conversations_closed').on('conversations').columns(['account_id', 'closed_at']).execute();
  await db.schema.createIndex('survey_answers_time').on('survey_answers').columns(['account_id', 'answered_at']).execute();
  await db.schema.createIndex('surveys_account_conversation').on('surveys').columns(['account_id', 'conversation_id']).execute();
}
