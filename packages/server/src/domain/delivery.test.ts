import { describe, expect, it } from 'vitest';
import { DELIVERY_RETRY, MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './delivery.js';
import { afterFailedAttempt } from './retry-policy.js';

describe('outbound delivery backoff', () => {
  it('doubles from one second and caps at a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('retries until the last attempt, then fails', () => {
    const after = (failedAttempts: number, now: number) => afterFailedAttempt(DELIVERY_RETRY, { failedAttempts, queuedAt: 0, now });
    expect(after(1, 10_000)).toEqual({ kind: 'retry', at: 11_000, delayMs: 1000 });
    expect(after(MAX_DELIVERY_ATTEMPTS - 1, 0)).toMatchObject({ kind: 'retry' });
    expect(after(MAX_DELIVERY_ATTEMPTS, 0)).toEqual({ kind: 'give_up', reason: 'max_attempts' });
  });
});
