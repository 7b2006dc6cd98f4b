import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterFailedAttempt, backoffDelayMs, type RetryPolicy, retryDelayFor } from './retry-policy.js';

const exponential: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, jitter: 'none', maxAttempts: 8 };
/** Webhooks-like: jittered, for up to a day. */
const day: RetryPolicy = { firstDelayMs: 30_000, maxDelayMs: 3_600_000, jitter: 'full', maxAgeMs: 24 * 3_600_000 };
const sequence = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length] ?? 0;
};

describe('retry policy', () => {
  it('doubles from the first delay and caps at the maximum; the factor is configurable', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50, 10_000].map((n) => backoffDelayMs(exponential, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelayMs({ ...exponential, factor: 3 }, n))).toEqual([1000, 3000, 9000]);
    expect(backoffDelayMs(exponential, 0)).toBe(1000);
  });

  it('retries until the last allowed attempt, then gives up', () => {
    expect(afterFailedAttempt(exponential, { failedAttempts: 1, queuedAt: 0, now: 10_000 })).toEqual({ kind: 'retry', at: 11_000, delayMs: 1000 });
    expect(afterFailedAttempt(exponential, { failedAttempts: 7, queuedAt: 0, now: 0 })).toMatchObject({ kind: 'retry' });
    expect(afterFailedAttempt(exponential, { failedAttempts: 8, queuedAt: 0, now: 0 })).toEqual({ kind: 'give_up', reason: 'max_attempts' });
  });

  it('full jitter picks a delay between 0 and the exponential one, from the injected random', () => {
    expect(retryDelayFor(day, 1, () => 0)).toBe(0);
    expect(retryDelayFor(day, 1, () => 0.5)).toBe(15_000);
    expect(retryDelayFor(day, 3, () => 0.999_999)).toBe(119_999);
    expect(afterFailedAttempt(day, { failedAttempts: 2, queuedAt: 0, now: 1000 }, () => 0.25)).toEqual({ kind: 'retry', at: 16_000, delayMs: 15_000 });
  });

  it('decorrelated jitter grows from the previous delay, between the first delay and three times it, capped', () => {
    const p: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 20_000, jitter: 'decorrelated' };
    expect(retryDelayFor(p, 1, () => 0)).toBe(1000);
    expect(retryDelayFor(p, 1, () => 0.5)).toBe(2000); // between 1 s and 3 s
    expect(retryDelayFor(p, 2, () => 0.5, 4000)).toBe(6500); // between 1 s and 12 s
    expect(retryDelayFor(p, 9, () => 0.9, 19_000)).toBe(20_000);
  });

  it('never schedules past the maximum age: the last retry lands on the deadline, a failure after it gives up', () => {
    const queuedAt = 1_000_000;
    const deadline = queuedAt + 24 * 3_600_000;
    expect(afterFailedAttempt(day, { failedAttempts: 40, queuedAt, now: deadline - 60_000 }, () => 0.99)).toEqual({
      kind: 'retry',
      at: deadline,
      delayMs: 60_000,
    });
    expect(afterFailedAttempt(day, { failedAttempts: 41, queuedAt, now: deadline }, () => 0.5)).toEqual({ kind: 'give_up', reason: 'max_age' });
  });

  it('waits at least as long as the far side asked (Retry-After)', () => {
    expect(afterFailedAttempt(exponential, { failedAttempts: 1, queuedAt: 0, now: 0, retryAfterMs: 30_000 })).toEqual({
      kind: 'retry',
      at: 30_000,
      delayMs: 30_000,
    });
  });

  it('a jittered schedule stays within its bounds and its deadline for any random sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.999_999, noNaN: true }), { minLength: 1, maxLength: 200 }), (rs) => {
        const random = sequence(...rs);
        let now = 0;
        let previous: number | undefined;
        for (let n = 1; n < 200; n++) {
          const d = afterFailedAttempt(
            { ...day, jitter: n % 2 ? 'full' : 'decorrelated' },
            { failedAttempts: n, queuedAt: 0, now, previousDelayMs: previous },
            random,
          );
          if (d.kind === 'give_up') {
            expect(d.reason).toBe('max_age');
            expect(now).toBeGreaterThanOrEqual(day.maxAgeMs ?? 0);
            return;
          }
          expect(d.delayMs).toBeGreaterThanOrEqual(0);
          expect(d.delayMs).toBeLessThanOrEqual(day.maxDelayMs);
          expect(d.at).toBeLessThanOrEqual(day.maxAgeMs ?? 0);
          previous = d.delayMs;
          // A zero delay is possible with full jitter; time still moves on in the next attempt.
          now = Math.max(d.at, now + 1);
        }
      }),
      { numRuns: 50 },
    );
  });
});
