import type { Selectable } from 'kysely';
import type { Database, Tx } from '../db.js';
import type { JobsTable } from '../schema.js';

/**
 * Durable jobs (ADR 12): one row per "send this until it is acknowledged". Jobs of one kind and
 * ordering key form a queue in `(position, id)` order; only its head is ever claimed, so a head that
 * waits for its retry holds back the rest. The id is the same on every attempt.
 */
export type JobKind =
  /** Channel outbound: a message to its provider (key = conversation id, position = message seq, id = message id). */
  | 'delivery'
  /** CRM sync: a closed conversation's transcript to the CRM (key = conversation id, id = `crm_sync:<provider>:<conversation id>`). */
  | 'crm_sync'
  /** Webhook delivery: an event to a webhook's URL (key = `<webhook id>:<conversation id>`, id = the webhook-id header). */
  | 'webhook'
  /** Bot turn: a consumer message to the bot that has the conversation (key = `bot:<conversation id>`, id = the webhook-id header). */
  | 'bot';

export type JobState = 'queued' | 'done' | 'failed';

export interface Job<P = Record<string, unknown>> {
  id: string;
  accountId: string;
  kind: JobKind;
  /** Jobs of one kind and key run one at a time, in position order. */
  key: string;
  position: number;
  payload: P;
  state: JobState;
  /** Attempts made so far (settled ones). */
  attempts: number;
  /** When it is due (the next attempt). */
  nextAt: number;
  /** An attempt holds the job until then (null: nobody does). */
  leaseUntil: number | null;
  lastError: string | null;
  /** What the far side answered last (an HTTP status), if it answered. */
  lastStatus: number | null;
  /** What the last successful attempt returned. */
  result: Record<string, unknown> | null;
  /** The start of the retry window (a policy's max age counts from here); reset when re-queued. */
  queuedAt: number;
  createdAt: number;
  /** The last time it was queued or an attempt settled. */
  updatedAt: number;
  finishedAt: number | null;
}

/** A job claimed for one attempt: settling it needs the lease's token. */
export interface ClaimedJob<P = Record<string, unknown>> extends Job<P> {
  leaseToken: string;
}

export interface NewJob {
  id: string;
  accountId: string;
  kind: JobKind;
  key: string;
  /** Order within the key (default: `now`, i.e. the order they were queued in). */
  position?: number;
  payload: Record<string, unknown>;
  /** Not before (default `now`). */
  nextAt?: number;
}

type Row = Selectable<JobsTable>;

const toJob = (r: Row): Job => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind as JobKind,
  key: r.ordering_key,
  position: Number(r.position),
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  state: r.state as JobState,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
  lastError: r.last_error,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
  queuedAt: Number(r.queued_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
});

/**
 * Queue a job. `replace`: a job with that id already there (done, failed or still queued) is queued
 * again from the start — attempts from zero, a new retry window, the new payload — and an attempt
 * in flight keeps its lease but loses its token, so its outcome is dropped (a CRM re-close, a
 * webhook's redeliver). Without `replace` the id must be new.
 */
export async function insertJob(tx: Tx, job: NewJob, now: number, opts: { replace?: boolean } = {}): Promise<void> {
  const nextAt = job.nextAt ?? now;
  const payload = JSON.stringify(job.payload);
  const q = tx.insertInto('jobs').values({
    id: job.id,
    account_id: job.accountId,
    kind: job.kind,
    ordering_key: job.key,
    position: job.position ?? now,
    payload,
    state: 'queued',
    attempts: 0,
    next_at: nextAt,
    lease_until: null,
    lease_token: null,
    last_error: null,
    last_status: null,
    result: null,
    queued_at: now,
    created_at: now,
    updated_at: now,
    finished_at: null,
  });
  if (!opts.replace) return void (await q.execute());
  await q
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        state: 'queued',
        attempts: 0,
        next_at: nextAt,
        payload,
        lease_token: null,
        last_error: null,
        last_status: null,
        queued_at: now,
        updated_at: now,
        finished_at: null,
      }),
    )
    .execute();
}

export async function findJob(tx: Tx, accountId: string, id: string): Promise<Job | undefined> {
  const r = await tx.selectFrom('jobs').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  return r ? toJob(r) : undefined;
}

/**
 * Claim due jobs for one attempt each, for `leaseMs`: the heads of their keys' queues (no earlier
 * queued job of the same kind and key), due by `now`, with no unexpired lease. On PostgreSQL the
 * rows are locked `FOR UPDATE SKIP LOCKED`, so nodes claiming at once never wait for each other or
 * get the same job; SQLite has one writer. Each claim is also a guarded update (still queued, still
 * free), so a job is only ever claimed once per lease. A lease that is not settled (the node died)
 * expires and the job can be claimed again — with the same id.
 */
export async function claimJobs(
  db: Database,
  opts: { now: number; leaseMs: number; token: string; limit: number; kind?: JobKind; key?: string; accountId?: string },
): Promise<ClaimedJob[]> {
  const { now } = opts;
  return db.transaction(async (tx) => {
    let q = tx
      .selectFrom('jobs as j')
      .selectAll('j')
      .where('j.state', '=', 'queued')
      .where('j.next_at', '<=', now)
      .where((eb) => eb.or([eb('j.lease_until', 'is', null), eb('j.lease_until', '<=', now)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('jobs as h')
              .select('h.id')
              .whereRef('h.kind', '=', 'j.kind')
              .whereRef('h.ordering_key', '=', 'j.ordering_key')
              .where('h.state', '=', 'queued')
              .where((eb) =>
                eb.or([eb('h.position', '<', eb.ref('j.position')), eb.and([eb('h.position', '=', eb.ref('j.position')), eb('h.id', '<', eb.ref('j.id'))])]),
              ),
          ),
        ),
      );
    if (opts.kind !== undefined) q = q.where('j.kind', '=', opts.kind);
    if (opts.key !== undefined) q = q.where('j.ordering_key', '=', opts.key);
    if (opts.accountId !== undefined) q = q.where('j.account_id', '=', opts.accountId);
    q = q.orderBy('j.next_at').orderBy('j.id').limit(opts.limit);
    if (db.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    const claimed: ClaimedJob[] = [];
    for (const r of rows) {
      const u = await tx
        .updateTable('jobs')
        .set({ lease_until: now + opts.leaseMs, lease_token: opts.token })
        .where('id', '=', r.id)
        .where('state', '=', 'queued')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) === 1) claimed.push({ ...toJob({ ...r, lease_until: now + opts.leaseMs }), leaseToken: opts.token });
    }
    return claimed;
  });
}

/** The head of a key's queue (its lowest-position queued job), claimed or not. */
export async function headJob(tx: Tx, accountId: string, kind: JobKind, key: string): Promise<Job | undefined> {
  const r = await tx
    .selectFrom('jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('ordering_key', '=', key)
    .where('state', '=', 'queued')
    .orderBy('position')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r ? toJob(r) : undefined;
}

export interface JobSettlement {
  state: JobState;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  lastStatus: number | null;
  /** Set on success; kept as it was otherwise. */
  result?: Record<string, unknown> | null;
  finishedAt: number | null;
  now: number;
}

/** Record the outcome of a claimed attempt and release the lease; false if the lease was lost meanwhile (then nothing changes). */
export async function settleJob(tx: Tx, job: Pick<ClaimedJob<unknown>, 'id' | 'leaseToken'>, s: JobSettlement): Promise<boolean> {
  const r = await tx
    .updateTable('jobs')
    .set({
      state: s.state,
      attempts: s.attempts,
      next_at: s.nextAt,
      last_error: s.lastError,
      last_status: s.lastStatus,
      ...(s.result !== undefined && { result: s.result === null ? null : JSON.stringify(s.result) }),
      finished_at: s.finishedAt,
      lease_until: null,
      lease_token: null,
      updated_at: s.now,
    })
    .where('id', '=', job.id)
    .where('lease_token', '=', job.leaseToken)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A kind's jobs whose key starts with `prefix` (a webhook's deliveries), newest first, after the keyset position `[createdAt, id]`. */
export async function listJobsByKeyPrefix(
  tx: Tx,
  accountId: string,
  kind: JobKind,
  prefix: string,
  opts: { after?: [number, string] | undefined; limit: number },
): Promise<Job[]> {
  let q = tx
    .selectFrom('jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('ordering_key', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`);
  if (opts.after) {
    const [at, id] = opts.after;
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map(toJob);
}
