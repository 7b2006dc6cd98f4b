import { type Kysely, sql } from 'kysely';

/**
 * One durable-job table for every "send this until it is acknowledged" (ADR 12): channel
 * deliveries and CRM sync move into it from `deliveries` and `crm_syncs`, which are dropped;
 * webhooks and bot turns will be kinds of it too.
 *
 * - `id`: the job's id, the same on every attempt (the idempotency key a receiver sees);
 *   a delivery keeps its message id, a CRM sync is `crm_sync:<provider>:<conversation id>`.
 * - `kind`, `ordering_key`, `position`: jobs of one kind and key run one at a time in
 *   `(position, id)` order, the head of the queue blocking the rest (a delivery: the conversation
 *   and the message seq).
 * - `state` `queued | done | failed`; `attempts`, `next_at` (due), `lease_until` / `lease_token`
 *   (an attempt in flight), `last_error`, `last_status` (e.g. the HTTP status), `result` (JSON,
 *   what the last success returned), `queued_at` (the start of the retry window), `finished_at`.
 *
 * The copy is plain SQL that both dialects run (`||` concatenation; the ids are app-made UUIDs and
 * Salesforce ids, which need no JSON escaping). It all happens in one transaction: Kysely opens it
 * on PostgreSQL; on SQLite (where Kysely runs migrations outside one) this migration opens its own,
 * so a failure leaves the old tables as they were.
 * The `delivery` and `crm_sync` timers keep working as they are: a job kind's timer is
 * `(kind, ordering key)`, which is what they already were.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) await move(db);
  else await db.transaction().execute(move);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against an untyped schema by design
async function move(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('lease_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('result', 'text')
    .addColumn('queued_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // The head of a key's queue; the due heads of a kind; a kind's log per account, newest first.
  await db.schema.createIndex('jobs_queue').on('jobs').columns(['kind', 'ordering_key', 'state', 'position', 'id']).execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'next_at']).execute();
  await db.schema.createIndex('jobs_account').on('jobs').columns(['account_id', 'kind', 'created_at']).execute();

  await sql`
      insert into jobs (id, account_id, kind, ordering_key, position, payload, state, attempts, next_at, lease_until, lease_token,
                        last_error, last_status, result, queued_at, created_at, updated_at, finished_at)
      select message_id, account_id, 'delivery', conversation_id, seq, '{"channelId":"' || channel_id || '"}',
             case status when 'sent' then 'done' when 'failed' then 'failed' else 'queued' end,
             attempts, next_attempt_at, claimed_until, claim_token, last_error, null, null, created_at, created_at, updated_at,
             case when status = 'queued' then null else coalesce(sent_at, updated_at) end
      from deliveries
      `.execute(db);
  await db.schema.dropIndex('deliveries_conversation').execute();
  await db.schema.dropTable('deliveries').execute();
  await sql`
      insert into jobs (id, account_id, kind, ordering_key, position, payload, state, attempts, next_at, lease_until, lease_token,
                        last_error, last_status, result, queued_at, created_at, updated_at, finished_at)
      select 'crm_sync:' || provider || ':' || conversation_id, account_id, 'crm_sync', conversation_id, 0,
             '{"provider":"' || provider || '"}',
             case status when 'synced' then 'done' when 'failed' then 'failed' else 'queued' end,
             attempts, next_attempt_at, claimed_until, claim_token, last_error, null,
             case when status = 'synced' then
               '{"recordId":' || coalesce('"' || record_id || '"', 'null') || ',"externalId":' || coalesce('"' || external_id || '"', 'null') || '}'
             end,
             updated_at, created_at, updated_at,
             case when status = 'synced' then coalesce(synced_at, updated_at) when status = 'failed' then updated_at end
      from crm_syncs
      `.execute(db);
  await db.schema.dropIndex('crm_syncs_account').execute();
  await db.schema.dropTable('crm_syncs').execute();
}
