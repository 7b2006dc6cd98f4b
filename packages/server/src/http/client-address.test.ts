import { describe, expect, it } from 'vitest';
import { trustProxyOption } from './client-address.js';

describe('PARLEY_TRUST_PROXY → Fastify trustProxy', () => {
  it('unset trusts nobody; a list is passed as proxy-addr addresses', () => {
    expect(trustProxyOption(undefined)).toBe(false);
    expect(trustProxyOption(false)).toBe(false);
    expect(trustProxyOption(['10.0.0.0/8', '127.0.0.1'])).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('a hop count trusts the TCP peer and the hops before it, nothing further', () => {
    const two = trustProxyOption(2);
    if (typeof two !== 'function') throw new Error('a hop count is a trust function');
    expect([0, 1, 2, 3].map((hop) => two('192.0.2.1', hop))).toEqual([true, true, false, false]);
  });
});
