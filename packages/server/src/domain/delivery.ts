/**
 * Outbound delivery to a channel's provider: how often and how long a message is retried.
 * Attempt n (1-based) that fails is retried after 1 s · 2^(n-1), capped at one minute; after
 * MAX_DELIVERY_ATTEMPTS failed attempts the message is marked failed and the next one in the
 * conversation goes out (1 + 2 + 4 + … + 64 s ≈ 2 min of trying).
 */
export const MAX_DELIVERY_ATTEMPTS = 8;
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 60_000;

export type DeliveryOutcome = { kind: 'retry'; at: number } | { kind: 'failed' };

/** Delay before the next attempt after `failedAttempts` (≥ 1) attempts failed. */
export function retryDelayMs(failedAttempts: number): number {
  const n = Math.max(1, failedAttempts);
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(n - 1, 30));
}

/** What follows a failed attempt: another one later, or give up. */
export function afterFailure(failedAttempts: number, now: number, maxAttempts = MAX_DELIVERY_ATTEMPTS): DeliveryOutcome {
  if (failedAttempts >= maxAttempts) return { kind: 'failed' };
  return { kind: 'retry', at: now + retryDelayMs(failedAttempts) };
}
