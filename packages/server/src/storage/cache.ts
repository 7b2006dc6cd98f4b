import type { Clock } from '../domain/clock.js';

/**
 * A small time-bounded read cache for rows that are read on every message and change rarely
 * (account settings, skills, consumer sessions). Entries live `ttlMs` on the injected clock;
 * writers in this process invalidate at once, other cluster nodes see a change within `ttlMs`.
 * Each cache belongs to one app (services/caches.ts, made by buildApp), never to the process.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    const now = this.clock.now();
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drop every entry whose value matches (e.g. all the cached sessions of one consumer). */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [k, e] of this.map) if (match(e.value)) this.map.delete(k);
  }
}
