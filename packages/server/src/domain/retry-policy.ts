/**
 * How long a durable job is retried, pure: exponential backoff (`firstDelayMs · factor^(n-1)`,
 * capped at `maxDelayMs`) with optional jitter, bounded by a number of attempts and/or an age.
 *
 * Jitter spreads the retries of many jobs that failed together (a provider outage) so they do not
 * all come back at once:
 * - `none`: the exponential delay itself (deterministic: channel deliveries, CRM sync);
 * - `full`: a random delay between 0 and the exponential delay;
 * - `decorrelated`: a random delay between `firstDelayMs` and three times the previous delay,
 *   capped at `maxDelayMs` (grows like the exponential one, but never in step with other jobs).
 *
 * `maxAgeMs` counts from when the job was queued: no attempt is scheduled after that deadline (the
 * last retry is moved to the deadline itself), and a failure at or past it gives up.
 */
export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  jitter: 'none' | 'full' | 'decorrelated';
  /** Give up once this many attempts failed. */
  maxAttempts?: number;
  /** Give up once this long has passed since the job was queued. */
  maxAgeMs?: number;
}

export type RetryDecision = { kind: 'retry'; at: number; delayMs: number } | { kind: 'give_up'; reason: 'max_attempts' | 'max_age' };

export interface FailureFacts {
  /** Attempts that failed so far, this one included (≥ 1). */
  failedAttempts: number;
  /** When the job was queued (the start of its retry window). */
  queuedAt: number;
  now: number;
  /** The delay chosen after the previous failure (decorrelated jitter grows from it); none on the first. */
  previousDelayMs?: number;
  /** The far side asked to wait this long (e.g. HTTP 429 Retry-After): never retry sooner. */
  retryAfterMs?: number;
}

/** A number in [0, 1): `Math.random` in production, a fixed sequence in tests. */
export type Random = () => number;

/** The exponential delay after `failedAttempts` (≥ 1) failures, before jitter. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  const n = Math.max(1, failedAttempts);
  const factor = policy.factor ?? 2;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * factor ** Math.min(n - 1, 60));
}

/** The delay after `failedAttempts` failures, jitter included. */
export function retryDelayFor(policy: RetryPolicy, failedAttempts: number, random: Random, previousDelayMs?: number): number {
  switch (policy.jitter) {
    case 'none':
      return backoffDelayMs(policy, failedAttempts);
    case 'full':
      return Math.floor(random() * backoffDelayMs(policy, failedAttempts));
    case 'decorrelated': {
      const base = policy.firstDelayMs;
      const upper = Math.max(base, 3 * (previousDelayMs ?? base));
      return Math.min(policy.maxDelayMs, Math.floor(base + random() * (upper - base)));
    }
  }
}

/** What follows a failed attempt: another one (when), or give up (why). */
export function afterFailedAttempt(policy: RetryPolicy, facts: FailureFacts, random: Random = Math.random): RetryDecision {
  if (policy.maxAttempts !== undefined && facts.failedAttempts >= policy.maxAttempts) return { kind: 'give_up', reason: 'max_attempts' };
  const deadline = policy.maxAgeMs === undefined ? Number.POSITIVE_INFINITY : facts.queuedAt + policy.maxAgeMs;
  if (facts.now >= deadline) return { kind: 'give_up', reason: 'max_age' };
  const delay = Math.max(retryDelayFor(policy, facts.failedAttempts, random, facts.previousDelayMs), facts.retryAfterMs ?? 0);
  const at = Math.min(facts.now + delay, deadline);
  return { kind: 'retry', at, delayMs: at - facts.now };
}
