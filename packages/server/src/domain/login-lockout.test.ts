import { describe, expect, it } from 'vitest';
import { LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_MAX_FAILURES_PER_USER, LOGIN_WINDOW_MS, type LoginFailure, loginLock } from './login-lockout.js';

const now = 1_000_000_000;
const from = (address: string | null, count: number, at = now - 1000): LoginFailure[] => Array.from({ length: count }, (_, i) => ({ at: at - i, address }));

describe('login lockout', () => {
  it('documents its numbers: 5 per address, 50 per user, 15 minutes', () => {
    expect([LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_MAX_FAILURES_PER_USER, LOGIN_WINDOW_MS]).toEqual([5, 50, 15 * 60_000]);
  });

  it('5 failures from one address lock that address only', () => {
    expect(loginLock(from('10.0.0.1', 4), '10.0.0.1', now)).toBeUndefined();
    const lock = loginLock(from('10.0.0.1', 5), '10.0.0.1', now);
    expect(lock?.scope).toBe('address');
    expect(loginLock(from('10.0.0.1', 5), '10.0.0.2', now)).toBeUndefined();
    // failures from before addresses were stored count for the per-user brake only
    expect(loginLock(from(null, 49), '10.0.0.2', now)).toBeUndefined();
  });

  it('the lock lifts when the fifth newest failure leaves the window', () => {
    const failures = [...from('a', 4, now - 1000), { at: now - 10 * 60_000, address: 'a' }];
    const lock = loginLock(failures, 'a', now);
    expect(lock).toEqual({ scope: 'address', retryAfterMs: 5 * 60_000 });
    expect(loginLock(failures, 'a', now + 5 * 60_000 - 1)).toBeDefined();
    expect(loginLock(failures, 'a', now + 5 * 60_000)).toBeUndefined();
  });

  it('50 failures from all addresses together lock the user everywhere', () => {
    const spread = Array.from({ length: 50 }, (_, i) => ({ at: now - 1000 - i, address: `10.0.${i % 25}.1` }));
    expect(loginLock(spread.slice(0, 49), '192.0.2.1', now)).toBeUndefined();
    expect(loginLock(spread, '192.0.2.1', now)).toEqual({ scope: 'user', retryAfterMs: LOGIN_WINDOW_MS - 1000 - 49 });
    // failures outside the window do not count, in any order
    expect(loginLock(spread.map((f) => ({ ...f, at: f.at - LOGIN_WINDOW_MS })).reverse(), '192.0.2.1', now)).toBeUndefined();
  });

  it('locked both ways: the later of the two lifts decides', () => {
    const own = from('a', 5, now - 1000);
    const others = from('b', 45, now - 14 * 60_000);
    const lock = loginLock([...own, ...others], 'a', now);
    expect(lock).toEqual({ scope: 'address', retryAfterMs: LOGIN_WINDOW_MS - 1000 - 4 });
  });
});
