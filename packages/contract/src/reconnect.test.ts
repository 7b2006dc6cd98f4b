import { describe, expect, it } from 'vitest';
import { RECONNECT_OPTIONS, retryDelayAfterShed } from './reconnect.js';

describe('reconnect', () => {
  it('jitters socket.io-client backoff', () => {
    expect(RECONNECT_OPTIONS.randomizationFactor).toBeGreaterThan(0);
    expect(RECONNECT_OPTIONS.reconnectionDelayMax).toBeGreaterThan(RECONNECT_OPTIONS.reconnectionDelay);
  });

  it('waits the server hint ± 25 % after a shed handshake, and nothing for other errors', () => {
    const shed = { message: 'overloaded', data: { code: 'overloaded', retryAfterMs: 2000 } };
    expect(retryDelayAfterShed(shed, () => 0)).toBe(1500);
    expect(retryDelayAfterShed(shed, () => 0.5)).toBe(2000);
    expect(retryDelayAfterShed(shed, () => 0.999999)).toBe(2500);
    expect(retryDelayAfterShed({ message: 'overloaded', data: { retryAfterMs: 0 } }, () => 0.5)).toBe(250);
    expect(retryDelayAfterShed({ message: 'overloaded', data: { retryAfterMs: 1e12 } }, () => 0.5)).toBe(90_000);
    expect(retryDelayAfterShed({ message: 'overloaded' }, () => 0.5)).toBe(5000);
    expect(retryDelayAfterShed({ message: 'unauthorized' })).toBeUndefined();
    expect(retryDelayAfterShed(new Error('xhr poll error'))).toBeUndefined();
    expect(retryDelayAfterShed(undefined)).toBeUndefined();
  });
});
