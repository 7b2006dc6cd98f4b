import { describe, expect, it } from 'vitest';
import { HandshakeGate, MAX_RETRY_AFTER_MS, shedError } from './handshake-gate.js';

const clock = (start = 1_000_000) => {
  const c = { t: start, now: () => c.t };
  return c;
};

describe('HandshakeGate', () => {
  it('admits a burst up to the rate, then refuses with hints that spread the excess over time', () => {
    const c = clock();
    const gate = new HandshakeGate({ ratePerSec: 10, maxConcurrent: 1000 }, c.now);
    for (let i = 0; i < 10; i++) {
      const a = gate.admit();
      expect(a.ok).toBe(true);
      if (a.ok) a.release();
    }
    const hints: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = gate.admit();
      expect(a).toMatchObject({ ok: false, reason: 'rate' });
      if (!a.ok) hints.push(a.retryAfterMs);
    }
    // The n-th refused client is told to come back about n / rate seconds later: 100 ms apart at 10/s.
    expect(hints[0]).toBe(250);
    expect(hints[29]).toBe(3000);
    for (let i = 1; i < hints.length; i++) expect(hints[i]).toBeGreaterThanOrEqual(hints[i - 1] ?? 0);
    // Tokens come back with time: 0.5 s later five handshakes pass again.
    c.t += 500;
    const again = Array.from({ length: 6 }, () => gate.admit());
    expect(again.map((a) => a.ok)).toEqual([true, true, true, true, true, false]);
  });

  it('refuses over the concurrency limit until a handshake in progress is released', () => {
    const c = clock();
    const gate = new HandshakeGate({ ratePerSec: 1000, maxConcurrent: 2 }, c.now);
    const a = gate.admit();
    const b = gate.admit();
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(gate.active).toBe(2);
    expect(gate.admit()).toMatchObject({ ok: false, reason: 'concurrency' });
    if (a.ok) {
      a.release();
      a.release(); // twice is once
    }
    expect(gate.active).toBe(1);
    expect(gate.admit().ok).toBe(true);
    expect(gate.admit().ok).toBe(false);
  });

  it('refuses while the node is busy (its event loop lags), with the same spread-out hints', () => {
    const c = clock();
    let busy = true;
    const gate = new HandshakeGate({ ratePerSec: 100, maxConcurrent: 100, maxLagMs: 100 }, c.now, () => busy);
    const a = gate.admit();
    const b = gate.admit();
    expect(a).toMatchObject({ ok: false, reason: 'busy', retryAfterMs: 250 });
    expect(b).toMatchObject({ ok: false, reason: 'busy' });
    busy = false;
    expect(gate.admit().ok).toBe(true);
  });

  it('caps the hint, and the error carries it as connect_error data', () => {
    const c = clock();
    const gate = new HandshakeGate({ ratePerSec: 1, maxConcurrent: 10 }, c.now);
    gate.admit();
    let last = 0;
    for (let i = 0; i < 100; i++) {
      const a = gate.admit();
      if (!a.ok) last = a.retryAfterMs;
    }
    expect(last).toBe(MAX_RETRY_AFTER_MS);
    const err = shedError(1234);
    expect(err.message).toBe('overloaded');
    expect(err.data).toEqual({ code: 'overloaded', retryAfterMs: 1234 });
    expect(() => new HandshakeGate({ ratePerSec: 0, maxConcurrent: 1 }, c.now)).toThrow();
  });
});

describe('loopLag', () => {
  it('reports how late its timer fired when the loop was blocked', async () => {
    const { loopLag } = await import('./loop-lag.js');
    const lag = loopLag(20);
    try {
      // Block the loop for 150 ms, then wait for the timer to fire once after it.
      await new Promise((r) => setTimeout(r, 25));
      const until = performance.now() + 150;
      while (performance.now() < until) {
        /* busy */
      }
      await new Promise((r) => setTimeout(r, 30));
      expect(lag.lagMs()).toBeGreaterThanOrEqual(100);
    } finally {
      lag.stop();
    }
  });
});
