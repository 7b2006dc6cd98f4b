import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  // Uploaded files: the bytes live in a FileStore under `storage_key`; this row says whose they are.
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('uploaded_by_kind', 'text', (c) => c.notNull())
    .addColumn('uploaded_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_conversation').on('files').columns(['account_id', 'conversation_id']).execute();

  // One post-conversation survey per conversation: the questions as they were when it was sent.
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
    .addColumn('consumer_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('skill_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addUniqueConstraint('surveys_conversation', ['conversation_id'])
    .execute();
  await db.schema.createIndex('surveys_agent').on('surveys').columns(['account_id', 'agent_id', 'answered_at']).execute();

  // One row per answered question, for KPI aggregation (CSAT, NPS) without parsing JSON in SQL.
  await db.schema
    .createTable('survey_answers')
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id'))
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('skill_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('int_value', 'integer')
    .addColumn('text_value', 'text')
    .addColumn('answered_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_answers_pk', ['survey_id', 'question_id'])
    .execute();
  await db.schema.createIndex('survey_answers_agent').on('survey_answers').columns(['account_id', 'agent_id', 'type', 'answered_at']).execute();

  // Installation-wide secrets (not per account): the key that signs file download links, shared by every node.
  await db.schema
    .createTable('server_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('server_keys')
    .values({ name: 'file_links', value: randomBytes(32).toString('base64url'), created_at: Date.now() })
    .execute();
}
