import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('flags win over the environment; defaults otherwise', () => {
    const c = loadConfig({ port: '9001' }, { PORT: '9000', HOST: '0.0.0.0' });
    expect(c).toMatchObject({ port: 9001, host: '0.0.0.0', sqliteSynchronous: 'NORMAL', bodyLimit: 1_048_576, loginRateLimitPerMinute: 30, demo: true });
    expect(loadConfig({}, {}).port).toBe(8080);
  });

  it('PARLEY_OUTBOUND_ALLOW: a comma list of hosts, addresses and CIDRs (none by default); a bad entry stops the start', () => {
    expect(loadConfig({}, {}).outboundAllow).toEqual([]);
    expect(loadConfig({}, { PARLEY_OUTBOUND_ALLOW: ' 127.0.0.1, ::1,10.0.0.0/8 ,crm.internal,, [fd00::1]' }).outboundAllow).toEqual([
      '127.0.0.1',
      '::1',
      '10.0.0.0/8',
      'crm.internal',
      '[fd00::1]',
    ]);
    for (const bad of ['10.0.0.0/40', 'host:8080', 'http://x/']) {
      expect(() => loadConfig({}, { PARLEY_OUTBOUND_ALLOW: bad }), bad).toThrow(/PARLEY_OUTBOUND_ALLOW: /);
    }
  });

  it('PARLEY_DEMO=off (or 0, false, no) skips the demo account', () => {
    for (const v of ['off', 'OFF', '0', 'false', 'no']) expect(loadConfig({}, { PARLEY_DEMO: v }).demo).toBe(false);
    for (const v of ['on', '1', '']) expect(loadConfig({}, { PARLEY_DEMO: v }).demo).toBe(true);
  });

  it('rejects a bad port, synchronous mode or public URL', () => {
    expect(() => loadConfig({ port: '70000' }, {})).toThrow(/invalid port/);
    expect(() => loadConfig({}, { PARLEY_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/NORMAL or FULL/);
    expect(() => loadConfig({}, { PARLEY_PUBLIC_URL: 'ftp://x' })).toThrow(/http/);
  });

  it('PARLEY_TRUST_PROXY: unset → the TCP peer; a number → that many hops; a list → those proxies', () => {
    expect(loadConfig({}, {}).trustProxy).toBe(false);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: ' 1 ' }).trustProxy).toBe(1);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({}, { PARLEY_TRUST_PROXY: '10.1.2.3, fd00::/8 ,::1,loopback' }).trustProxy).toEqual(['10.1.2.3', 'fd00::/8', '::1', 'loopback']);
  });

  it('PARLEY_TRUST_PROXY: true, junk, bad CIDRs and absurd hop counts stop the start with a clear error', () => {
    expect(() => loadConfig({}, { PARLEY_TRUST_PROXY: 'true' })).toThrow(/PARLEY_TRUST_PROXY=true would believe any client/);
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.0/8,', '300.1.1.1', '10.0.0.0/8/1', '::1/129', '-1', '1.5', 'lb.internal']) {
      expect(() => loadConfig({}, { PARLEY_TRUST_PROXY: bad }), bad).toThrow(/PARLEY_TRUST_PROXY/);
    }
    expect(() => loadConfig({}, { PARLEY_TRUST_PROXY: '10.0.0.0/8,nope' })).toThrow(/not understood: "nope"/);
    expect(() => loadConfig({}, { PARLEY_TRUST_PROXY: '1000' })).toThrow(/at most 32/);
  });

  it('PARLEY_RATE_LIMIT_CONSUMER_SESSIONS and PARLEY_LOGIN_RATE_LIMIT: whole numbers ≥ 1, defaults 120 and 30', () => {
    expect(loadConfig({}, {}).consumerSessionRateLimitPerMinute).toBe(120);
    expect(loadConfig({}, {}).handshakeLimits).toEqual({ ratePerSec: 1000, maxConcurrent: 200 });
    expect(loadConfig({}, { PARLEY_HANDSHAKE_RATE: '50', PARLEY_HANDSHAKE_CONCURRENCY: '10' }).handshakeLimits).toEqual({ ratePerSec: 50, maxConcurrent: 10 });
    expect(() => loadConfig({}, { PARLEY_HANDSHAKE_RATE: '0' })).toThrow(/PARLEY_HANDSHAKE_RATE/);
    expect(loadConfig({}, { PARLEY_HANDSHAKE_MAX_LAG_MS: '100' }).handshakeLimits).toEqual({ ratePerSec: 1000, maxConcurrent: 200, maxLagMs: 100 });
    expect(() => loadConfig({}, { PARLEY_HANDSHAKE_MAX_LAG_MS: 'soon' })).toThrow(/PARLEY_HANDSHAKE_MAX_LAG_MS/);
    expect(loadConfig({}, { PARLEY_RATE_LIMIT_CONSUMER_SESSIONS: '600' }).consumerSessionRateLimitPerMinute).toBe(600);
    expect(loadConfig({}, { PARLEY_LOGIN_RATE_LIMIT: '5' }).loginRateLimitPerMinute).toBe(5);
    for (const bad of ['0', '-3', '1.5', 'many', '1e400']) {
      expect(() => loadConfig({}, { PARLEY_RATE_LIMIT_CONSUMER_SESSIONS: bad }), bad).toThrow(/PARLEY_RATE_LIMIT_CONSUMER_SESSIONS must be a whole number/);
      expect(() => loadConfig({}, { PARLEY_LOGIN_RATE_LIMIT: bad }), bad).toThrow(/PARLEY_LOGIN_RATE_LIMIT must be a whole number/);
    }
  });

  it('PARLEY_HSTS is on or off; anything else is an error', () => {
    expect(loadConfig({}, {}).hsts).toBe(false);
    for (const v of ['on', 'ON', '1', 'true']) expect(loadConfig({}, { PARLEY_HSTS: v }).hsts).toBe(true);
    for (const v of ['off', '0', 'false', '']) expect(loadConfig({}, { PARLEY_HSTS: v }).hsts).toBe(false);
    expect(() => loadConfig({}, { PARLEY_HSTS: 'max-age=5' })).toThrow(/PARLEY_HSTS must be on or off/);
  });

  it('PARLEY_METRICS_TOKEN: unset leaves /metrics open; a short or spaced token is an error', () => {
    expect(loadConfig({}, {}).metricsToken).toBeUndefined();
    expect(loadConfig({}, { PARLEY_METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    for (const bad of ['short', 'has a space in it!!', `${'x'.repeat(20)}\n`]) {
      expect(() => loadConfig({}, { PARLEY_METRICS_TOKEN: bad }), bad).toThrow(/PARLEY_METRICS_TOKEN must be at least 16 printable characters/);
    }
  });
});
