import { describe, expect, it } from 'vitest';
import { FakeClock } from '../domain/clock.js';
import { TtlCache } from './cache.js';

describe('the read cache', () => {
  it('keeps an entry for its time to live on the injected clock, then loads it again', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache<number>(clock, 1000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    clock.advance(999);
    expect(await cache.get('a', load)).toBe(1);
    clock.advance(1);
    expect(await cache.get('a', load)).toBe(2);
  });

  it('loads again at once after a delete, and evicts the oldest entry when full', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache<string>(clock, 60_000, 2);
    let n = 0;
    const load = async () => `v${++n}`;
    expect(await cache.get('a', load)).toBe('v1');
    cache.delete('a');
    expect(await cache.get('a', load)).toBe('v2');
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('a', load)).toBe('v5');
  });
});
