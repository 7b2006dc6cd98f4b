/**
 * Sheds excess Socket.IO handshakes instead of falling over under a reconnect storm (every client
 * of a node that went down comes back at once). Two limits per node: handshakes started per
 * second (a token bucket with one second of burst) and handshakes in progress at once (the
 * token lookup each one does). A handshake over either limit is refused before any database work,
 * with a retry hint: each refused client is given its own slot in a virtual queue drained at the
 * rate, so a storm of N is told to come back spread over about N / rate seconds (capped) rather
 * than all at once again. Clients add jitter of their own (@parley/contract: retryDelayAfterShed).
 */
export interface HandshakeLimits {
  /** Handshakes admitted per second (PARLEY_HANDSHAKE_RATE, default 1000). */
  ratePerSec: number;
  /** Handshakes in progress at once (PARLEY_HANDSHAKE_CONCURRENCY, default 200). */
  maxConcurrent: number;
  /**
   * Also refuse while the event loop lags by more than this (PARLEY_HANDSHAKE_MAX_LAG_MS; unset:
   * off): the admitted rate then follows the CPU the node really has (realtime/loop-lag.ts).
   */
  maxLagMs?: number | undefined;
}

export const DEFAULT_HANDSHAKE_LIMITS: HandshakeLimits = { ratePerSec: 1000, maxConcurrent: 200 };
/** The longest retry hint given: past this a client is told to wait this long (and jitters it). */
export const MAX_RETRY_AFTER_MS = 60_000;
const MIN_RETRY_AFTER_MS = 250;

export type Admission = { ok: true; release(): void } | { ok: false; retryAfterMs: number; reason: 'rate' | 'concurrency' | 'busy' };

export class HandshakeGate {
  private tokens: number;
  private last: number;
  private inProgress = 0;
  /** The virtual time at which the last refused client was told to come back. */
  private queueEnd = 0;

  constructor(
    private readonly limits: HandshakeLimits,
    private readonly now: () => number,
    /** True while the node is too busy to take handshakes (the event loop lags). */
    private readonly busy: () => boolean = () => false,
  ) {
    if (!(limits.ratePerSec > 0 && limits.maxConcurrent > 0)) throw new Error('handshake limits must be > 0');
    this.tokens = limits.ratePerSec;
    this.last = now();
  }

  /** Handshakes in progress now (for metrics and tests). */
  get active(): number {
    return this.inProgress;
  }

  admit(): Admission {
    const t = this.now();
    this.tokens = Math.min(this.limits.ratePerSec, this.tokens + ((t - this.last) / 1000) * this.limits.ratePerSec);
    this.last = t;
    const reason = this.inProgress >= this.limits.maxConcurrent ? 'concurrency' : this.tokens < 1 ? 'rate' : this.busy() ? 'busy' : undefined;
    if (reason) {
      this.queueEnd = Math.max(this.queueEnd, t) + 1000 / this.limits.ratePerSec;
      const retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.ceil(this.queueEnd - t)));
      return { ok: false, retryAfterMs, reason };
    }
    this.tokens -= 1;
    this.inProgress++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inProgress--;
      },
    };
  }
}

/** The connect_error a shed handshake gets: message `overloaded`, data `{ code, retryAfterMs }`. */
export function shedError(retryAfterMs: number): Error & { data: { code: 'overloaded'; retryAfterMs: number } } {
  return Object.assign(new Error('overloaded'), { data: { code: 'overloaded' as const, retryAfterMs } });
}
