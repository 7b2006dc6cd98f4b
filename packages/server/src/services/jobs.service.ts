import { randomUUID } from 'node:crypto';
import { afterFailedAttempt, type Random, type RetryPolicy } from '../domain/retry-policy.js';
import type { Tx } from '../storage/db.js';
import { type ClaimedJob, claimJobs, headJob, insertJob, type JobKind, type JobState, type NewJob, settleJob } from '../storage/repos/jobs.repo.js';
import { scheduleTimer } from '../storage/repos/timers.repo.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import type { TimerHandler } from './timers.service.js';

/**
 * The one durable-job primitive (ADR 12): every "send this until it is acknowledged" — channel
 * deliveries, CRM sync, and next webhooks and bot turns — is a `jobs` row of a kind, run here.
 *
 * - `enqueueJob` writes the job in the caller's transaction (so it exists exactly when what it
 *   sends was committed) and arms the durable timer `(kind, key)`.
 * - The timer runs `runJobQueue` for that kind and key: it claims the head of the key's queue under
 *   a lease, calls the kind's `handle` outside any transaction, and settles the outcome with the
 *   kind's retry policy (domain/retry-policy.ts) — done, failed, or queued again with the timer
 *   re-armed at the retry time — then moves on to the next job of the key.
 * - Crashes are covered twice: the timer's own lease makes it fire again, and a job whose lease
 *   ran out is claimed again, with the same id (at least once; receivers de-duplicate by it).
 */

export type JobOutcome<R extends Record<string, unknown> = Record<string, unknown>> =
  | { ok: true; status?: number | null; result?: R }
  /** `permanent`: not worth another attempt. `retryAfterMs`: the far side asked to wait (HTTP 429/503 Retry-After). */
  | { ok: false; error: string; status?: number | null; permanent?: boolean; retryAfterMs?: number };

export interface JobKindHandler<P = Record<string, unknown>, R extends Record<string, unknown> = Record<string, unknown>> {
  policy: RetryPolicy;
  /** How long one attempt holds its job: longer than `handle` can take, or another node may run it too. */
  leaseMs: number;
  /** One attempt, outside any transaction. Re-check what it acts on; a throw counts as a failed attempt. */
  handle(deps: Deps, job: ClaimedJob<P>): Promise<JobOutcome<R>>;
  /** In the transaction that records the job `done` or `failed` (events go to `out`), with the last attempt's outcome. */
  finished?(deps: Deps, tx: Tx, out: Outbox, job: ClaimedJob<P>, state: 'done' | 'failed', outcome: JobOutcome<R>): Promise<void>;
  /** After that transaction committed (e.g. kick routing for what `finished` queued). */
  settled?(deps: Deps, job: ClaimedJob<P>, state: 'done' | 'failed'): void;
  /** Jitter's source (tests pass a fixed one). */
  random?: Random;
}

/** Real time one run of a queue may spend before it re-arms its timer and lets other timers go (the timer's lease is 30 s). */
const RUN_BUDGET_MS = 15_000;

/** Queue a job in the caller's transaction and arm its queue's timer. `replace`: queue an existing id again from the start (see insertJob). */
export async function enqueueJob(deps: Deps, tx: Tx, job: NewJob, opts: { replace?: boolean } = {}): Promise<void> {
  const now = deps.clock.now();
  await insertJob(tx, job, now, opts);
  await armQueue(deps, tx, job.kind, job.accountId, job.key, job.nextAt ?? now);
}

async function armQueue(deps: Deps, tx: Tx, kind: JobKind, accountId: string, key: string, at: number): Promise<void> {
  await scheduleTimer(tx, { kind, subjectId: key, accountId, dueAt: at, payload: {} });
  deps.timersChanged(at);
}

/**
 * Run a key's queue: its jobs one at a time in order, each under a claim, until the queue is empty,
 * its head waits (for its retry time, or for another node's lease), or the run budget is spent —
 * then the queue's timer is armed for when to look again. Safe to call twice at once, or stale.
 */
export async function runJobQueue<P, R extends Record<string, unknown>>(
  deps: Deps,
  kind: JobKind,
  handler: JobKindHandler<P, R>,
  accountId: string,
  key: string,
): Promise<void> {
  const started = performance.now();
  for (;;) {
    const now = deps.clock.now();
    const [job] = await claimJobs(deps.db, { now, leaseMs: handler.leaseMs, token: randomUUID(), limit: 1, kind, key, accountId });
    if (!job) return lookAgain(deps, kind, accountId, key, now);
    const outcome = await attempt(deps, handler, job as ClaimedJob<P>);
    if ((await settle(deps, handler, job as ClaimedJob<P>, outcome)) === 'retrying') return;
    if (performance.now() - started > RUN_BUDGET_MS) return armQueue(deps, deps.db.kysely, kind, accountId, key, deps.clock.now());
  }
}

/** Nothing claimable now: arm the timer for the head's retry time, or just after another node's lease on it ends. */
async function lookAgain(deps: Deps, kind: JobKind, accountId: string, key: string, now: number): Promise<void> {
  const head = await headJob(deps.db.kysely, accountId, kind, key);
  if (!head) return;
  const leased = head.leaseUntil !== null && head.leaseUntil > now;
  await armQueue(deps, deps.db.kysely, kind, accountId, key, Math.max(head.nextAt, leased ? (head.leaseUntil ?? now) + 1 : now + 1));
}

async function attempt<P, R extends Record<string, unknown>>(deps: Deps, handler: JobKindHandler<P, R>, job: ClaimedJob<P>): Promise<JobOutcome<R>> {
  try {
    return await handler.handle(deps, job);
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: `${e.name ?? 'Error'}: ${e.message}`.slice(0, 1000) };
  }
}

/** Record an attempt's outcome with the kind's policy. 'lost': the lease ran out meanwhile and the job is someone else's now. */
async function settle<P, R extends Record<string, unknown>>(
  deps: Deps,
  handler: JobKindHandler<P, R>,
  job: ClaimedJob<P>,
  outcome: JobOutcome<R>,
): Promise<'finished' | 'retrying' | 'lost'> {
  const now = deps.clock.now();
  const attempts = job.attempts + 1;
  let state: JobState = 'done';
  let retryAt: number | null = null;
  if (!outcome.ok) {
    const next = outcome.permanent
      ? ({ kind: 'give_up' } as const)
      : afterFailedAttempt(
          handler.policy,
          {
            failedAttempts: attempts,
            queuedAt: job.queuedAt,
            now,
            // The delay chosen after the previous failure: its settle wrote both (claims leave updated_at alone).
            ...(job.attempts > 0 && { previousDelayMs: job.nextAt - job.updatedAt }),
            ...(outcome.retryAfterMs !== undefined && { retryAfterMs: outcome.retryAfterMs }),
          },
          handler.random,
        );
    if (next.kind === 'retry') {
      state = 'queued';
      retryAt = next.at;
    } else state = 'failed';
    deps.log.warn({ kind: job.kind, jobId: job.id, key: job.key, attempts, status: outcome.status, error: outcome.error, state }, 'job attempt failed');
  } else {
    deps.log.debug({ kind: job.kind, jobId: job.id, key: job.key, attempts }, 'job done');
  }
  const r = await inTransaction(deps, job.accountId, async (tx, out) => {
    const settled = await settleJob(tx, job, {
      state,
      attempts,
      nextAt: retryAt ?? now,
      lastError: outcome.ok ? null : outcome.error,
      lastStatus: outcome.status ?? null,
      ...(outcome.ok && { result: outcome.result ?? null }),
      finishedAt: state === 'queued' ? null : now,
      now,
    });
    if (!settled) return 'lost';
    if (retryAt !== null) {
      await armQueue(deps, tx, job.kind, job.accountId, job.key, retryAt);
      return 'retrying';
    }
    await handler.finished?.(deps, tx, out, job, state === 'done' ? 'done' : 'failed', outcome);
    return 'finished' as const;
  });
  if (r === 'finished') handler.settled?.(deps, job, state === 'done' ? 'done' : 'failed');
  return r;
}

/** The job kinds a server runs: each kind's queue timers are handed to the timer scheduler. */
export interface JobRunner {
  registerJobKind<P, R extends Record<string, unknown>>(kind: JobKind, handler: JobKindHandler<P, R>): void;
  /** One timer handler per registered kind: the timer `(kind, key)` runs the key's queue. */
  timerHandlers(): Partial<Record<JobKind, TimerHandler>>;
}

export function createJobRunner(): JobRunner {
  const kinds = new Map<JobKind, JobKindHandler<never, Record<string, unknown>>>();
  return {
    registerJobKind(kind, handler) {
      if (kinds.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
      kinds.set(kind, handler as unknown as JobKindHandler<never, Record<string, unknown>>);
    },
    timerHandlers() {
      const out: Partial<Record<JobKind, TimerHandler>> = {};
      for (const [kind, handler] of kinds) out[kind] = (deps, t) => runJobQueue(deps, kind, handler, t.accountId, t.subjectId);
      return out;
    },
  };
}
