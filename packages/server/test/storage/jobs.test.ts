import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../src/domain/retry-policy.js';
import { type JobKindHandler, type JobOutcome, runJobQueue } from '../../src/services/jobs.service.js';
import { dropPgSchema } from '../../src/storage/db.js';
import { type ClaimedJob, claimJobs, findJob, insertJob, type NewJob, settleJob } from '../../src/storage/repos/jobs.repo.js';
import { findTimer } from '../../src/storage/repos/timers.repo.js';
import { makeAccount } from '../factories/index.js';
import { dialects, openTestDb, pgUrl, startTestApp } from '../harness.js';

const job = (id: string, key: string, position: number, extra: Partial<NewJob> = {}): NewJob => ({
  id,
  accountId: 'acc',
  kind: 'delivery',
  key,
  position,
  payload: { n: id },
  ...extra,
});
const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id).sort();
const done = (now: number) => ({ state: 'done' as const, attempts: 1, nextAt: now, lastError: null, lastStatus: 200, result: { ok: 1 }, finishedAt: now, now });

describe.each(dialects)('durable jobs on %s', (dialect) => {
  it('claims each due head once per lease; an expired lease (a crashed node) is claimed again with the same id, and the stale settle is refused', async () => {
    const { db, destroy } = await openTestDb(dialect);
    try {
      await insertJob(db.kysely, job('a1', 'conv-a', 1), 100);
      await insertJob(db.kysely, job('b1', 'conv-b', 1, { nextAt: 500 }), 100);
      await insertJob(db.kysely, job('c1', 'conv-c', 1), 100, {});
      const first = await claimJobs(db, { now: 200, leaseMs: 1000, token: 't1', limit: 10 });
      expect(ids(first)).toEqual(['a1', 'c1']); // b1 is not due
      expect(first[0]).toMatchObject({ state: 'queued', attempts: 0, leaseUntil: 1200, leaseToken: 't1' });
      expect(await claimJobs(db, { now: 600, leaseMs: 1000, token: 't2', limit: 10 })).toMatchObject([{ id: 'b1' }]); // a1, c1 leased
      // c1 settles; a1's node died: its lease ends and it is claimed again, as the same job.
      const c1 = first.find((j) => j.id === 'c1') as ClaimedJob;
      expect(await settleJob(db.kysely, c1, done(700))).toBe(true);
      const again = await claimJobs(db, { now: 1200, leaseMs: 1000, token: 't3', limit: 10 });
      expect(again).toMatchObject([{ id: 'a1', payload: { n: 'a1' }, leaseToken: 't3' }]);
      // The dead node's late settle changes nothing; the new holder's goes through.
      expect(await settleJob(db.kysely, first.find((j) => j.id === 'a1') as ClaimedJob, done(1300))).toBe(false);
      expect(await findJob(db.kysely, 'acc', 'a1')).toMatchObject({ state: 'queued', attempts: 0 });
      expect(await settleJob(db.kysely, again[0] as ClaimedJob, done(1300))).toBe(true);
      expect(await findJob(db.kysely, 'acc', 'a1')).toMatchObject({
        state: 'done',
        attempts: 1,
        lastStatus: 200,
        result: { ok: 1 },
        finishedAt: 1300,
        leaseUntil: null,
      });
      expect(await findJob(db.kysely, 'other-account', 'a1')).toBeUndefined();
    } finally {
      await destroy();
    }
  });

  it('runs a key in order: the head blocks the rest while it waits for its retry, and the next goes once it is done or failed', async () => {
    const { db, destroy } = await openTestDb(dialect);
    try {
      for (const [id, pos] of [
        ['m3', 3],
        ['m1', 1],
        ['m2', 2],
      ] as const)
        await insertJob(db.kysely, job(id, 'conv', pos), 0);
      await insertJob(db.kysely, job('other', 'conv-2', 9), 0);
      // Another kind with the same key is a queue of its own.
      await insertJob(db.kysely, job('sync', 'conv', 0, { kind: 'crm_sync' }), 0);
      const claim = (now: number, token: string) => claimJobs(db, { now, leaseMs: 100, token, limit: 10, kind: 'delivery', key: 'conv' });
      const [m1, ...rest] = await claimJobs(db, { now: 10, leaseMs: 100, token: 't1', limit: 10, kind: 'delivery' });
      expect([m1?.id, ...ids(rest)]).toEqual(['m1', 'other']);
      expect(await claimJobs(db, { now: 10, leaseMs: 100, token: 'k', limit: 10, kind: 'crm_sync' })).toMatchObject([{ id: 'sync' }]);
      // m1 fails and waits for its retry at 1000: m2 and m3 wait behind it, even with m1's lease gone.
      await settleJob(db.kysely, m1 as ClaimedJob, {
        state: 'queued',
        attempts: 1,
        nextAt: 1000,
        lastError: 'HTTP 503',
        lastStatus: 503,
        finishedAt: null,
        now: 20,
      });
      expect(await claim(500, 't2')).toEqual([]);
      const [retry] = await claim(1000, 't3');
      expect(retry).toMatchObject({ id: 'm1', attempts: 1, lastError: 'HTTP 503' });
      await settleJob(db.kysely, retry as ClaimedJob, {
        state: 'failed',
        attempts: 2,
        nextAt: 1000,
        lastError: 'HTTP 503',
        lastStatus: 503,
        finishedAt: 1001,
        now: 1001,
      });
      const [m2] = await claim(1001, 't4');
      expect(m2?.id).toBe('m2');
      expect(await claim(1002, 't5')).toEqual([]); // m2 leased: m3 still waits
      await settleJob(db.kysely, m2 as ClaimedJob, done(1003));
      expect(await claim(1003, 't6')).toMatchObject([{ id: 'm3' }]);
    } finally {
      await destroy();
    }
  });

  it('a job queued again (replace) starts over under the same id; the attempt in flight keeps its lease but its outcome is dropped', async () => {
    const { db, destroy } = await openTestDb(dialect);
    try {
      await insertJob(db.kysely, job('j', 'k', 0, { kind: 'crm_sync' }), 0);
      const [held] = await claimJobs(db, { now: 0, leaseMs: 1000, token: 't1', limit: 1 });
      await insertJob(db.kysely, job('j', 'k', 0, { kind: 'crm_sync', payload: { n: 'newer' } }), 50, { replace: true });
      expect(await claimJobs(db, { now: 60, leaseMs: 1000, token: 't2', limit: 1 })).toEqual([]); // still leased
      expect(await settleJob(db.kysely, held as ClaimedJob, done(70))).toBe(false);
      const [next] = await claimJobs(db, { now: 1000, leaseMs: 1000, token: 't3', limit: 1 });
      expect(next).toMatchObject({ id: 'j', payload: { n: 'newer' }, attempts: 0, queuedAt: 50 });
      await expect(insertJob(db.kysely, job('j', 'k', 0), 2000)).rejects.toThrow();
    } finally {
      await destroy();
    }
  });
});

describe.each(dialects)('the job runner on %s', (dialect) => {
  /** A handler that fails with 503 until told otherwise, recording every attempt's time and id. */
  const flaky = (policy: RetryPolicy, random: () => number) => {
    const seen: { at: number; id: string }[] = [];
    const state = { failing: true, finished: [] as string[] };
    const handler: JobKindHandler = {
      policy,
      leaseMs: 30_000,
      random,
      async handle(deps, j): Promise<JobOutcome> {
        seen.push({ at: deps.clock.now(), id: j.id });
        return state.failing ? { ok: false, status: 503, error: 'HTTP 503' } : { ok: true, status: 204 };
      },
      async finished(_deps, _tx, _out, j, s) {
        state.finished.push(`${j.id}:${s}`);
      },
    };
    return { handler, seen, state };
  };

  it('retries on the policy’s schedule with the injected jitter, re-arming the queue’s timer, and gives up at the maximum age', async () => {
    const t = await startTestApp(dialect);
    try {
      const acc = await makeAccount(t);
      const start = t.clock.now();
      const policy: RetryPolicy = { firstDelayMs: 4000, maxDelayMs: 60_000, jitter: 'full', maxAgeMs: 20_000 };
      const { handler, seen, state } = flaky(policy, () => 0.5);
      await t.deps.db.transaction(async (tx) => {
        await insertJob(tx, { id: 'w1', accountId: acc.accountId, kind: 'delivery', key: 'conv', position: 1, payload: {} }, start);
        // Queued later: its retry window starts later.
        await insertJob(tx, { id: 'w2', accountId: acc.accountId, kind: 'delivery', key: 'conv', position: 2, payload: {} }, start + 15_000);
      });
      const run = () => runJobQueue(t.deps, 'delivery', handler, acc.accountId, 'conv');
      const w1 = () => seen.filter((x) => x.id === 'w1').map((x) => x.at - start);
      // Full jitter at 0.5: 2 s, 4 s, 8 s after each failure; then the deadline (20 s) caps the wait.
      const expected = [0, 2000, 6000, 14_000, 20_000];
      for (const [i, offset] of expected.entries()) {
        t.clock.set(start + offset);
        await run();
        expect(w1()).toEqual(expected.slice(0, i + 1));
        if (i < expected.length - 1) {
          expect(await findTimer(t.db.kysely, 'delivery', 'conv')).toMatchObject({ dueAt: start + (expected[i + 1] ?? 0) });
          // Not before its time.
          t.clock.set(start + (expected[i + 1] ?? 0) - 1);
          await run();
          expect(w1()).toHaveLength(i + 1);
        }
      }
      // w2 waited behind w1 throughout; at w1's deadline w1 failed and w2 went next (failing once, then it waits).
      expect(seen.map((x) => x.id)).toEqual(['w1', 'w1', 'w1', 'w1', 'w1', 'w2']);
      expect(seen[5]).toMatchObject({ id: 'w2', at: start + 20_000 });
      expect(state.finished).toEqual(['w1:failed']);
      expect(await findJob(t.db.kysely, acc.accountId, 'w1')).toMatchObject({ state: 'failed', attempts: 5, lastStatus: 503, lastError: 'HTTP 503' });
      // w2 has its own window: it succeeds on its retry.
      state.failing = false;
      t.clock.set(start + 22_000);
      await run();
      expect(state.finished).toEqual(['w1:failed', 'w2:done']);
      expect(await findJob(t.db.kysely, acc.accountId, 'w2')).toMatchObject({ state: 'done', attempts: 2, lastStatus: 204, lastError: null });
    } finally {
      await t.stop();
    }
  });

  it('decorrelated jitter grows from the delay chosen before; a handler that throws counts as a failed attempt', async () => {
    const t = await startTestApp(dialect);
    try {
      const acc = await makeAccount(t);
      const start = t.clock.now();
      const policy: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, jitter: 'decorrelated', maxAttempts: 3 };
      let calls = 0;
      const handler: JobKindHandler = {
        policy,
        leaseMs: 30_000,
        random: () => 0.5,
        async handle() {
          calls++;
          throw new Error('boom');
        },
      };
      await insertJob(t.db.kysely, { id: 'd1', accountId: acc.accountId, kind: 'crm_sync', key: 'k', payload: {} }, start);
      const run = () => runJobQueue(t.deps, 'crm_sync', handler, acc.accountId, 'k');
      await run();
      // between 1 s and 3 s: 2 s
      expect(await findJob(t.db.kysely, acc.accountId, 'd1')).toMatchObject({ attempts: 1, nextAt: start + 2000, lastError: 'Error: boom' });
      t.clock.set(start + 2000);
      await run();
      // between 1 s and 3 · 2 s: 3.5 s
      expect(await findJob(t.db.kysely, acc.accountId, 'd1')).toMatchObject({ attempts: 2, nextAt: start + 5500 });
      t.clock.set(start + 5500);
      await run();
      expect(await findJob(t.db.kysely, acc.accountId, 'd1')).toMatchObject({ attempts: 3, state: 'failed' });
      expect(calls).toBe(3);
    } finally {
      await t.stop();
    }
  });
});

describe.each(dialects)('migration 0012 on %s', (dialect) => {
  it('moves the queued, sent, synced and failed rows of deliveries and crm_syncs into jobs, keeping ids, order, attempts and leases', async () => {
    const dir = join(import.meta.dirname, '../../src/storage/migrations');
    const migrations: Record<string, Migration> = {};
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')))
      migrations[f.replace(/\.ts$/, '')] = await import(join(dir, f));
    const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    // biome-ignore lint/suspicious/noExplicitAny: the tables of before and after the migration, untyped like the migrations
    let db: Kysely<any>;
    if (dialect === 'sqlite') db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    else {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgUrl, max: 2, options: `-c search_path=${schema}` }) }) });
    }
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(dialect === 'postgres' && { migrationTableSchema: schema }) });
    try {
      expect((await migrator.migrateTo('2026_12_02_0011_add_closer_and_last_sender')).error).toBeUndefined();
      const d = { account_id: 'acc', conversation_id: 'conv', channel_id: '01930000-0000-7000-8000-00000000c4a1', created_at: 10, updated_at: 20 };
      await db
        .insertInto('deliveries')
        .values([
          {
            ...d,
            message_id: 'm1',
            seq: 1,
            status: 'sent',
            attempts: 1,
            next_attempt_at: 10,
            claimed_until: null,
            claim_token: null,
            last_error: null,
            sent_at: 15,
          },
          {
            ...d,
            message_id: 'm2',
            seq: 2,
            status: 'failed',
            attempts: 8,
            next_attempt_at: 10,
            claimed_until: null,
            claim_token: null,
            last_error: 'HTTP 500',
            sent_at: null,
          },
          {
            ...d,
            message_id: 'm3',
            seq: 3,
            status: 'queued',
            attempts: 2,
            next_attempt_at: 4000,
            claimed_until: 3000,
            claim_token: 'tok',
            last_error: 'HTTP 503',
            sent_at: null,
          },
        ])
        .execute();
      const s = { provider: 'salesforce', account_id: 'acc', created_at: 10, updated_at: 30, claimed_until: null, claim_token: null };
      await db
        .insertInto('crm_syncs')
        .values([
          {
            ...s,
            conversation_id: 'c1',
            status: 'synced',
            attempts: 1,
            next_attempt_at: 10,
            last_error: null,
            record_id: '0035g00000EmmaAAA',
            external_id: '00T1',
            synced_at: 25,
          },
          {
            ...s,
            conversation_id: 'c2',
            status: 'pending',
            attempts: 3,
            next_attempt_at: 9000,
            last_error: 'unavailable',
            record_id: null,
            external_id: null,
            synced_at: null,
          },
          {
            ...s,
            conversation_id: 'c3',
            status: 'failed',
            attempts: 12,
            next_attempt_at: 10,
            last_error: 'gone',
            record_id: null,
            external_id: null,
            synced_at: null,
          },
        ])
        .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rows = await db.selectFrom('jobs').selectAll().orderBy('id').execute();
      const numbers = (r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k !== 'id' ? Number(v) : v]));
      expect(rows.map(numbers)).toEqual([
        expect.objectContaining({ id: 'crm_sync:salesforce:c1', kind: 'crm_sync', ordering_key: 'c1', state: 'done', attempts: 1, finished_at: 25 }),
        expect.objectContaining({ id: 'crm_sync:salesforce:c2', state: 'queued', attempts: 3, next_at: 9000, last_error: 'unavailable', result: null }),
        expect.objectContaining({ id: 'crm_sync:salesforce:c3', state: 'failed', attempts: 12, finished_at: 30 }),
        expect.objectContaining({ id: 'm1', kind: 'delivery', ordering_key: 'conv', position: 1, state: 'done', finished_at: 15, queued_at: 10 }),
        expect.objectContaining({ id: 'm2', position: 2, state: 'failed', attempts: 8, last_error: 'HTTP 500' }),
        expect.objectContaining({
          id: 'm3',
          position: 3,
          state: 'queued',
          attempts: 2,
          next_at: 4000,
          lease_until: 3000,
          lease_token: 'tok',
          finished_at: null,
        }),
      ]);
      expect(JSON.parse(String(rows[0]?.result))).toEqual({ recordId: '0035g00000EmmaAAA', externalId: '00T1' });
      expect(JSON.parse(String(rows[0]?.payload))).toEqual({ provider: 'salesforce' });
      expect(JSON.parse(String(rows[3]?.payload))).toEqual({ channelId: d.channel_id });
      const tables = (await db.introspection.getTables()).filter((x) => dialect === 'sqlite' || x.schema === schema).map((x) => x.name);
      expect(tables).toContain('jobs');
      expect(tables).not.toContain('deliveries');
      expect(tables).not.toContain('crm_syncs');
    } finally {
      await db.destroy();
      if (dialect === 'postgres' && pgUrl) await dropPgSchema(pgUrl, schema);
    }
  });
});

describe.skipIf(!pgUrl)('jobs across PostgreSQL connections', () => {
  it('nodes claiming at once never get the same job, nor two jobs of one key', async () => {
    const { db, destroy } = await openTestDb('postgres');
    try {
      for (let k = 0; k < 60; k++) for (let p = 0; p < 3; p++) await insertJob(db.kysely, job(`k${k}-p${p}`, `k${k}`, p), 0);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => claimJobs(db, { now: 10, leaseMs: 60_000, token: `node-${i}`, limit: 20 })));
      const claimed = results.flat();
      expect(new Set(claimed.map((j) => j.id)).size).toBe(claimed.length);
      expect(new Set(claimed.map((j) => j.key)).size).toBe(claimed.length);
      expect(claimed.every((j) => j.id.endsWith('-p0'))).toBe(true);
      expect(claimed.length).toBe(60);
    } finally {
      await destroy();
    }
  });
});
