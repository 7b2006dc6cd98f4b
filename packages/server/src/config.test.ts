import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('flags win over the environment; defaults otherwise', () => {
    const c = loadConfig({ port: '9001' }, { PORT: '9000', HOST: '0.0.0.0' });
    expect(c).toMatchObject({ port: 9001, host: '0.0.0.0', sqliteSynchronous: 'NORMAL', bodyLimit: 1_048_576, loginRateLimitPerMinute: 30, demo: true });
    expect(loadConfig({}, {}).port).toBe(8080);
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
});
