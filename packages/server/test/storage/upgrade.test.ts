import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { hashPassword } from '../../src/services/passwords.js';
import { type Database, dropPgSchema, openDatabase } from '../../src/storage/db.js';
import * as r1m0001 from '../../src/storage/migrations/2026_11_26_0001_create_core.js';
import * as r1m0002 from '../../src/storage/migrations/2026_11_26_0002_create_content_and_notes.js';
import * as r1m0003 from '../../src/storage/migrations/2026_11_26_0003_create_files_and_surveys.js';
import * as r1m0004 from '../../src/storage/migrations/2026_11_26_0004_create_channels.js';
import * as r1m0005 from '../../src/storage/migrations/2026_11_26_0005_create_crm_sync.js';
import * as r1m0006 from '../../src/storage/migrations/2026_11_26_0006_create_report_indexes.js';
import * as r1m0007 from '../../src/storage/migrations/2026_11_26_0007_add_routing_key.js';
import * as r1m0008 from '../../src/storage/migrations/2026_11_26_0008_add_first_response_agent.js';
import { dialects, pgUrl } from '../harness.js';

/**
 * Upgrades keep data: a database made by the first release (its migrations 0001–0008, the last of
 * 2026-11-26 at commit 96bdb96; landed migrations are never edited, so they are imported as they are) and filled with
 * that schema's rows is migrated to the latest schema by the server's own start-up; every row is
 * still there and the server serves it (sign-in, conversation, transcript, daily report, settings
 * with the new defaults, the old queued channel delivery and CRM sync as durable jobs).
 */

const RELEASE_1: Record<string, Migration> = {
  '2026_11_26_0001_create_core': r1m0001,
  '2026_11_26_0002_create_content_and_notes': r1m0002,
  '2026_11_26_0003_create_files_and_surveys': r1m0003,
  '2026_11_26_0004_create_channels': r1m0004,
  '2026_11_26_0005_create_crm_sync': r1m0005,
  '2026_11_26_0006_create_report_indexes': r1m0006,
  '2026_11_26_0007_add_routing_key': r1m0007,
  '2026_11_26_0008_add_first_response_agent': r1m0008,
};

const T = Date.parse('2026-11-20T09:00:00Z');
const MIN = 60_000;

// biome-ignore lint/suspicious/noExplicitAny: the first release's schema, untyped on purpose
async function fillReleaseOne(k: Kysely<any>, passwordHash: string): Promise<void> {
  await k
    .insertInto('accounts')
    .values({
      id: 'acc',
      name: 'Old Brand',
      settings: JSON.stringify({ acceptMode: 'ring', sla: { defaultSec: 1200 } }),
      identity_secret: 'id-secret',
      created_at: T,
    })
    .execute();
  const user = (id: string, username: string, role: string) => ({
    id,
    account_id: 'acc',
    username,
    display_name: username.toUpperCase(),
    password_hash: passwordHash,
    role,
    max_concurrent: 3,
    status: 'offline',
    active: 1,
    settings: '{}',
    last_assigned_at: null,
    warmup_started_at: null,
    status_changed_at: T,
    created_at: T,
  });
  await k
    .insertInto('users')
    .values([user('boss', 'boss', 'manager'), user('ann', 'ann', 'agent')])
    .execute();
  await k.insertInto('skills').values({ id: 'sales', account_id: 'acc', name: 'Sales', description: '', overrides: '{}', deleted: 0, created_at: T }).execute();
  await k.insertInto('user_skills').values({ account_id: 'acc', user_id: 'ann', skill_id: 'sales' }).execute();
  await k
    .insertInto('consumers')
    .values({
      id: 'jo',
      account_id: 'acc',
      channel: 'sms',
      channel_id: null,
      external_id: '+15550100',
      name: 'Jo Old',
      custom_variables: '{"plan":"gold"}',
      last_agent_id: 'ann',
      created_at: T,
    })
    .execute();
  const conversation = {
    account_id: 'acc',
    consumer_id: 'jo',
    channel: 'sms',
    channel_id: 'ch',
    skill_id: 'sales',
    awaiting: 'consumer',
    awaiting_since: T + 2 * MIN,
    priority: 0,
    urgent: 0,
    first_time: 1,
    sla_due_at: null,
    manual_sla_at: null,
    actionable: 0,
    dismissed: 0,
    queued_at: T,
    assigned_at: T + MIN,
    agent_unread: 0,
    routing: null,
    target_agent_id: null,
    offered_at: null,
    offer_excluded: '[]',
    routing_key: null,
  };
  await k
    .insertInto('conversations')
    .values([
      {
        ...conversation,
        id: 'c-closed',
        state: 'closed',
        agent_id: null,
        last_agent_id: 'ann',
        closed_by: 'agent',
        closed_at: T + 10 * MIN,
        created_at: T,
        last_seq: 2,
        last_message_text: 'Happy to help',
        last_message_sender: 'agent',
        last_message_at: T + 2 * MIN,
        first_response_at: T + 2 * MIN,
        first_response_agent_id: 'ann',
        updated_at: T + 10 * MIN,
      },
      {
        ...conversation,
        id: 'c-queued',
        state: 'queued',
        agent_id: null,
        last_agent_id: null,
        awaiting: 'agent',
        closed_by: null,
        closed_at: null,
        created_at: T + 20 * MIN,
        last_seq: 1,
        last_message_text: 'Anyone there?',
        last_message_sender: 'consumer',
        last_message_at: T + 20 * MIN,
        first_response_at: null,
        first_response_agent_id: null,
        updated_at: T + 20 * MIN,
      },
    ])
    .execute();
  const message = (id: string, conversation_id: string, seq: number, sender_type: string, sender_id: string, text: string, at: number) => ({
    id,
    account_id: 'acc',
    conversation_id,
    seq,
    sender_type,
    sender_id,
    text,
    file: null,
    client_message_id: id,
    created_at: at,
    delivery: sender_type === 'agent' ? 'queued' : null,
  });
  await k
    .insertInto('messages')
    .values([
      message('m1', 'c-closed', 1, 'consumer', 'jo', 'My order is late', T),
      message('m2', 'c-closed', 2, 'agent', 'ann', 'Happy to help', T + 2 * MIN),
      message('m3', 'c-queued', 1, 'consumer', 'jo', 'Anyone there?', T + 20 * MIN),
    ])
    .execute();
  await k
    .insertInto('notes')
    .values({ id: 'n1', account_id: 'acc', conversation_id: 'c-closed', author_id: 'ann', text: 'Refund sent', mentions: '[]', created_at: T + 3 * MIN })
    .execute();
  await k
    .insertInto('channels')
    .values({
      id: 'ch',
      account_id: 'acc',
      type: 'sms',
      name: 'SMS',
      skill_id: 'sales',
      secret: 'twilio-auth-token',
      outbound_url: null,
      provider_base_url: 'https://api.twilio.com',
      credentials: '{"accountSid":"AC1"}',
      address: '+15550000',
      created_at: T,
      updated_at: T,
    })
    .execute();
  await k.insertInto('channel_events').values({ channel_id: 'ch', event_id: 'SM1', account_id: 'acc', created_at: T }).execute();
  await k
    .insertInto('deliveries')
    .values({
      message_id: 'm2',
      account_id: 'acc',
      conversation_id: 'c-closed',
      channel_id: 'ch',
      seq: 2,
      status: 'queued',
      attempts: 1,
      next_attempt_at: T + 5 * MIN,
      claimed_until: null,
      claim_token: null,
      last_error: 'HTTP 503',
      created_at: T + 2 * MIN,
      updated_at: T + 3 * MIN,
      sent_at: null,
    })
    .execute();
  await k
    .insertInto('crm_syncs')
    .values({
      conversation_id: 'c-closed',
      provider: 'salesforce',
      account_id: 'acc',
      status: 'synced',
      attempts: 1,
      next_attempt_at: T + 10 * MIN,
      claimed_until: null,
      claim_token: null,
      last_error: null,
      record_id: '00T1',
      external_id: 'parley-c-closed',
      created_at: T + 10 * MIN,
      updated_at: T + 11 * MIN,
      synced_at: T + 11 * MIN,
    })
    .execute();
  await k
    .insertInto('surveys')
    .values({
      id: 's1',
      account_id: 'acc',
      conversation_id: 'c-closed',
      consumer_id: 'jo',
      agent_id: 'ann',
      skill_id: 'sales',
      channel: 'sms',
      closed_by: 'agent',
      questions: JSON.stringify([{ id: 'csat', type: 'csat', text: 'How did we do?' }]),
      status: 'answered',
      answers: '{"csat":5}',
      requested_at: T + 10 * MIN,
      expires_at: T + 70 * MIN,
      answered_at: T + 12 * MIN,
    })
    .execute();
  await k
    .insertInto('survey_answers')
    .values({
      survey_id: 's1',
      question_id: 'csat',
      account_id: 'acc',
      agent_id: 'ann',
      skill_id: 'sales',
      type: 'csat',
      int_value: 5,
      text_value: null,
      answered_at: T + 12 * MIN,
    })
    .execute();
  await k
    .insertInto('events')
    .values({
      account_id: 'acc',
      recipient_kind: 'agent',
      recipient_id: 'ann',
      seq: 7,
      type: 'conversation.updated',
      data: '{"conversationId":"c-closed"}',
      at: T + 10 * MIN,
    })
    .execute();
}

/** A database as the first release left it, then opened by today's server (which migrates it). */
async function upgraded(dialect: 'sqlite' | 'postgres'): Promise<{ db: Database; destroy(): Promise<void> }> {
  const passwordHash = await hashPassword('correct horse battery');
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'parley-upgrade-'));
    const path = join(dir, 'parley.db');
    // biome-ignore lint/suspicious/noExplicitAny: the first release's schema
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
    const r = await new Migrator({ db: old, provider: { getMigrations: async () => RELEASE_1 } }).migrateToLatest();
    if (r.error) throw r.error;
    await fillReleaseOne(old, passwordHash);
    await old.destroy();
    const db = await openDatabase({ sqlitePath: path });
    return {
      db,
      async destroy() {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const url = pgUrl;
  if (!url) throw new Error('PARLEY_TEST_DATABASE_URL is not set');
  const schema = `up_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  // biome-ignore lint/suspicious/noExplicitAny: the first release's schema
  const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` }) }) });
  const r = await new Migrator({ db: old, provider: { getMigrations: async () => RELEASE_1 }, migrationTableSchema: schema }).migrateToLatest();
  if (r.error) throw r.error;
  await fillReleaseOne(old, passwordHash);
  await old.destroy();
  const db = await openDatabase({ url, pgSchema: schema, poolSize: 3, secrets: 'ephemeral' });
  return {
    db,
    async destroy() {
      await db.close();
      await dropPgSchema(url, schema);
    },
  };
}

describe.each(dialects)('upgrade from the first release on %s', (dialect) => {
  it('migrates a first-release database to the latest schema and keeps every row; the server serves them', async () => {
    const { db, destroy } = await upgraded(dialect);
    const clock = new FakeClock(T + 30 * MIN);
    const app = await buildApp({ db, clock, timers: 'manual' });
    try {
      const k = db.kysely;
      const count = async (table: 'messages' | 'conversations' | 'notes' | 'survey_answers' | 'channel_events' | 'users' | 'events') =>
        Number(
          (
            await k
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count('messages')).toBe(3);
      expect(await count('conversations')).toBe(2);
      expect(await count('notes')).toBe(1);
      expect(await count('survey_answers')).toBe(1);
      expect(await count('channel_events')).toBe(1);
      expect(await count('users')).toBe(2);
      expect(await count('events')).toBe(1);
      // Columns added since are filled from the old rows (0011: the last sender) or left unknown.
      const closed = await k.selectFrom('conversations').selectAll().where('id', '=', 'c-closed').executeTakeFirstOrThrow();
      expect(closed).toMatchObject({
        state: 'closed',
        last_message_sender_id: 'ann',
        last_message_sender_name: 'ANN',
        closed_by_id: null,
        first_response_agent_id: 'ann',
      });
      const consumer = await k.selectFrom('consumers').selectAll().where('id', '=', 'jo').executeTakeFirstOrThrow();
      expect(consumer).toMatchObject({ name: 'Jo Old', external_id: '+15550100', erased_at: null });
      // The old delivery and CRM sync rows are durable jobs now (0012).
      const jobs = await k.selectFrom('jobs').select(['id', 'kind', 'state', 'ordering_key', 'attempts']).orderBy('id').execute();
      expect(jobs).toEqual([
        { id: 'crm_sync:salesforce:c-closed', kind: 'crm_sync', state: 'done', ordering_key: 'c-closed', attempts: 1 },
        { id: 'm2', kind: 'delivery', state: 'queued', ordering_key: 'c-closed', attempts: 1 },
      ]);

      // Through the API, as a user of the old release would see it.
      const login = await app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { accountId: 'acc', username: 'boss', password: 'correct horse battery' },
      });
      expect(login.statusCode, login.body).toBe(200);
      const token = login.json().token as string;
      const get = (url: string) => app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      const settings = (await get('/api/v1/account/settings')).json();
      expect(settings).toMatchObject({ acceptMode: 'ring', sla: { defaultSec: 1200 }, retention: { conversationMonths: 13 } });
      const conv = await get('/api/v1/conversations/c-closed');
      expect(conv.statusCode, conv.body).toBe(200);
      const transcript = await get('/api/v1/conversations/c-closed/messages');
      expect(transcript.statusCode, transcript.body).toBe(200);
      expect((transcript.json().items as { text: string }[]).map((m) => m.text)).toEqual(['My order is late', 'Happy to help']);
      const notes = (await get('/api/v1/conversations/c-closed/notes')).json();
      expect(notes.items.map((n: { text: string }) => n.text)).toEqual(['Refund sent']);
      const daily = (await get('/api/v1/reports/daily?date=2026-11-20')).json();
      expect(daily.hours[9]).toMatchObject({ hour: 9, arrivals: 2, avgFirstResponseSec: 120 });
      const found = (await get('/api/v1/consumers?q=%2B15550100')).json();
      expect(found.items.map((c: { name: string }) => c.name)).toEqual(['Jo Old']);
    } finally {
      await app.close();
      await destroy();
    }
  });
});
