import type { DeliveryStatus } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { DELIVERY_RETRY, MAX_DELIVERY_ATTEMPTS, movesOn, outsideServiceWindow, retryDelayMs, SERVICE_WINDOW_MS } from './delivery.js';
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

describe('receipts', () => {
  const ALL: DeliveryStatus[] = ['queued', 'sent', 'delivered', 'read', 'failed'];
  const ORDER: DeliveryStatus[] = ['queued', 'sent', 'delivered', 'read'];

  it('move a delivery forward only: queued → sent → delivered → read, never back', () => {
    for (const [i, from] of ORDER.entries()) for (const [j, to] of ORDER.entries()) expect(movesOn(to, from), `${from} → ${to}`).toBe(j > i);
  });

  it('fail only before a delivery was confirmed; a later delivered or read wins over failed', () => {
    expect(ALL.filter((held) => movesOn('failed', held))).toEqual(['queued', 'sent']);
    expect(movesOn('delivered', 'failed')).toBe(true);
    expect(movesOn('read', 'failed')).toBe(true);
    expect(movesOn('sent', 'failed')).toBe(false);
    for (const to of ALL) expect(movesOn(to, null)).toBe(true); // nothing held yet
  });

  it('close the WhatsApp window 24 h after the consumer last wrote, on WhatsApp only', () => {
    const t0 = Date.UTC(2026, 11, 3, 9);
    expect(outsideServiceWindow('whatsapp', t0, t0 + SERVICE_WINDOW_MS)).toBe(false);
    expect(outsideServiceWindow('whatsapp', t0, t0 + SERVICE_WINDOW_MS + 1)).toBe(true);
    expect(outsideServiceWindow('whatsapp', null, t0)).toBe(true);
    expect(outsideServiceWindow('telegram', t0, t0 + 10 * SERVICE_WINDOW_MS)).toBe(false);
    expect(outsideServiceWindow('sms', null, t0)).toBe(false);
  });
});
