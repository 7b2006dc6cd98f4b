import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { LOGIN_WINDOW_MS } from '../../src/domain/login-lockout.js';
import { makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

/**
 * The client address behind a load balancer (PARLEY_TRUST_PROXY) and what depends on it: the
 * consumer-session rate limit, the login lockout, Retry-After on 429, the access log.
 */

/** A request as it reaches Parley: from TCP peer `peer`, with an X-Forwarded-For header when given. */
type Via = { peer: string; xff?: string };

function session(t: TestApp, accountId: string, via: Via) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/consumer/session',
    remoteAddress: via.peer,
    headers: { 'content-type': 'application/json', ...(via.xff && { 'x-forwarded-for': via.xff }) },
    payload: JSON.stringify({ accountId, name: 'Visitor' }),
  });
}

function signIn(t: TestApp, accountId: string, username: string, password: string, via: Via) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: via.peer,
    headers: { 'content-type': 'application/json', ...(via.xff && { 'x-forwarded-for': via.xff }) },
    payload: JSON.stringify({ accountId, username, password }),
  });
}

const LB = '10.0.0.2';

describe.each(dialects)('client address and rate limits on %s', (dialect) => {
  it('PARLEY_TRUST_PROXY unset: X-Forwarded-For is ignored, visitors behind one peer share its bucket', async () => {
    const t = await startTestApp(dialect, { consumerSessionRateLimitPerMinute: 2 });
    try {
      const acc = await makeAccount(t);
      expect((await session(t, acc.accountId, { peer: LB, xff: '198.51.100.1' })).statusCode).toBe(201);
      expect((await session(t, acc.accountId, { peer: LB, xff: '198.51.100.2' })).statusCode).toBe(201);
      const refused = await session(t, acc.accountId, { peer: LB, xff: '198.51.100.3' });
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // another TCP peer has a bucket of its own
      expect((await session(t, acc.accountId, { peer: '10.0.0.3', xff: '198.51.100.3' })).statusCode).toBe(201);
    } finally {
      await t.stop();
    }
  });

  it("a channel's webhook URL follows X-Forwarded-Proto/Host only from a trusted proxy", async () => {
    for (const [trustProxy, want] of [
      [undefined, 'http://parley.internal:8080'],
      [[LB], 'https://chat.brand.example'],
    ] as const) {
      const t = await startTestApp(dialect, trustProxy ? { trustProxy: [...trustProxy] } : {});
      try {
        const acc = await makeAccount(t);
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/channels',
          remoteAddress: LB,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${acc.manager.token}`,
            host: 'parley.internal:8080',
            'x-forwarded-proto': 'https',
            'x-forwarded-host': 'chat.brand.example',
          },
          payload: JSON.stringify({ type: 'sms', name: 'SMS', skillId: acc.skills.Sales }),
        });
        expect(res.statusCode, res.body).toBe(201);
        expect((res.json() as { inboundUrl: string }).inboundUrl.startsWith(`${want}/api/v1/channels/`)).toBe(true);
      } finally {
        await t.stop();
      }
    }
  });

  it('1 trusted hop: 121 visitors behind the balancer all get a session; the 121st from one address gets 429 + Retry-After', async () => {
    const t = await startTestApp(dialect, { trustProxy: 1 });
    try {
      const acc = await makeAccount(t);
      for (let i = 0; i < 121; i++) {
        const r = await session(t, acc.accountId, { peer: LB, xff: `198.51.${100 + (i >> 8)}.${i & 255}` });
        expect(r.statusCode, `visitor ${i}: ${r.body}`).toBe(201);
      }
      // One visitor: whatever it puts in front of X-Forwarded-For, the balancer appends the address
      // it saw, and that (the last entry) is the client.
      for (let i = 0; i < 120; i++) {
        const r = await session(t, acc.accountId, { peer: LB, xff: `203.0.113.${i % 250}, 192.0.2.77` });
        expect(r.statusCode, `request ${i}: ${r.body}`).toBe(201);
      }
      const refused = await session(t, acc.accountId, { peer: LB, xff: '203.0.113.251, 192.0.2.77' });
      expectProblem(refused, 429, 'rate_limited');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await session(t, acc.accountId, { peer: LB, xff: '192.0.2.78' })).statusCode).toBe(201);
    } finally {
      await t.stop();
    }
  });

  it('PARLEY_RATE_LIMIT_CONSUMER_SESSIONS sets the per-address limit', async () => {
    const t = await startTestApp(dialect, { consumerSessionRateLimitPerMinute: 3 });
    try {
      const acc = await makeAccount(t);
      for (let i = 0; i < 3; i++) expect((await session(t, acc.accountId, { peer: '192.0.2.10' })).statusCode).toBe(201);
      const refused = await session(t, acc.accountId, { peer: '192.0.2.10' });
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await session(t, acc.accountId, { peer: '192.0.2.11' })).statusCode).toBe(201);
    } finally {
      await t.stop();
    }
  });

  it('trusted proxies by address/CIDR: their X-Forwarded-For counts, anyone else’s is ignored; the access log names the client', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const t = await startTestApp(dialect, { trustProxy: ['10.0.0.0/8'], consumerSessionRateLimitPerMinute: 1, logger: pino({ level: 'info' }, sink) });
    try {
      const acc = await makeAccount(t);
      expect((await session(t, acc.accountId, { peer: '10.1.2.3', xff: '198.51.100.1' })).statusCode).toBe(201);
      // another proxy of the range, another client: a bucket of its own
      expect((await session(t, acc.accountId, { peer: '10.9.9.9', xff: '198.51.100.2' })).statusCode).toBe(201);
      // the same client through another proxy: the same bucket
      expectProblem(await session(t, acc.accountId, { peer: '10.9.9.9', xff: '198.51.100.1' }), 429, 'rate_limited');
      // a peer outside the range is the client itself, whatever it claims
      expect((await session(t, acc.accountId, { peer: '192.0.2.50', xff: '198.51.100.3' })).statusCode).toBe(201);
      expectProblem(await session(t, acc.accountId, { peer: '192.0.2.50', xff: '198.51.100.4' }), 429, 'rate_limited');

      const logged = lines.filter((l) => l.msg === 'request' && l.url === '/api/v1/consumer/session').map((l) => [l.ip, l.statusCode]);
      expect(logged).toEqual([
        ['198.51.100.1', 201],
        ['198.51.100.2', 201],
        ['198.51.100.1', 429],
        ['192.0.2.50', 201],
        ['192.0.2.50', 429],
      ]);
    } finally {
      await t.stop();
    }
  });

  describe('login lockout per user and client address', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect, { clock: new FakeClock(Date.UTC(2026, 0, 5, 9, 0, 0)), trustProxy: 1 });
    });
    afterAll(async () => t.stop());

    it('5 wrong passwords from address X lock X (429 + Retry-After); the right password from Y still signs in', async () => {
      const acc = await makeAccount(t);
      await acc.agent('alice');
      const X = { peer: '192.0.2.1' };
      const Y = { peer: '192.0.2.2' };
      for (let i = 0; i < 5; i++) expectProblem(await signIn(t, acc.accountId, 'alice', `guess ${i}`, X), 401, 'unauthorized');
      const locked = await signIn(t, acc.accountId, 'alice', PASSWORD, X);
      expectProblem(locked, 429, 'rate_limited');
      expect(locked.headers['retry-after']).toBe(String(LOGIN_WINDOW_MS / 1000));

      expect((await signIn(t, acc.accountId, 'alice', PASSWORD, Y)).statusCode).toBe(200);
      // Y's success does not wipe X's failures: X stays locked
      expectProblem(await signIn(t, acc.accountId, 'alice', PASSWORD, X), 429, 'rate_limited');
      const stored = await t.db.kysely
        .selectFrom('login_failures')
        .select(['client_address'])
        .where('account_id', '=', acc.accountId)
        .where('username', '=', 'alice')
        .execute();
      expect(stored.map((r) => r.client_address)).toEqual(Array(5).fill('192.0.2.1'));

      // Retry-After counts down with the clock, and the lock lifts when the window has passed
      await t.advance(10 * 60_000);
      expect((await signIn(t, acc.accountId, 'alice', PASSWORD, X)).headers['retry-after']).toBe(String(5 * 60));
      await t.advance(5 * 60_000);
      expect((await signIn(t, acc.accountId, 'alice', PASSWORD, X)).statusCode).toBe(200);
    });

    it('behind the balancer the address is the forwarded one: a visitor locking itself out does not lock the agent in the office', async () => {
      const acc = await makeAccount(t);
      await acc.agent('bob');
      const attacker = { peer: LB, xff: '198.51.100.66' };
      const office = { peer: LB, xff: '203.0.113.10' };
      for (let i = 0; i < 5; i++) expectProblem(await signIn(t, acc.accountId, 'bob', `guess ${i}`, attacker), 401, 'unauthorized');
      expectProblem(await signIn(t, acc.accountId, 'bob', PASSWORD, attacker), 429, 'rate_limited');
      expect((await signIn(t, acc.accountId, 'bob', PASSWORD, office)).statusCode).toBe(200);
    });

    it('the global brake: 50 failures from all addresses together lock the user everywhere until they age out', async () => {
      const acc = await makeAccount(t);
      await acc.agent('carol');
      const from = (n: number) => ({ peer: LB, xff: `198.51.100.${n}` });
      const home = { peer: LB, xff: '203.0.113.20' };
      // 49 failures from ten addresses (five from nine of them, four from the tenth)
      for (let i = 0; i < 49; i++) expectProblem(await signIn(t, acc.accountId, 'carol', `guess ${i}`, from(i % 10)), 401, 'unauthorized');
      expect((await signIn(t, acc.accountId, 'carol', PASSWORD, home)).statusCode).toBe(200);
      await t.advance(60_000);
      // the 50th (the tenth address's fifth)
      expectProblem(await signIn(t, acc.accountId, 'carol', 'guess 49', from(9)), 401, 'unauthorized');
      const braked = await signIn(t, acc.accountId, 'carol', PASSWORD, home);
      expectProblem(braked, 429, 'rate_limited');
      expect(Number(braked.headers['retry-after'])).toBe(LOGIN_WINDOW_MS / 1000 - 60);
      expectProblem(await signIn(t, acc.accountId, 'carol', PASSWORD, { peer: LB, xff: '203.0.113.21' }), 429, 'rate_limited');
      // the first 49 leave the window 14 minutes later: the brake lifts, for the guessing addresses too
      await t.advance(14 * 60_000 - 1000);
      expectProblem(await signIn(t, acc.accountId, 'carol', PASSWORD, home), 429, 'rate_limited');
      await t.advance(1000);
      expect((await signIn(t, acc.accountId, 'carol', PASSWORD, home)).statusCode).toBe(200);
      expect((await signIn(t, acc.accountId, 'carol', PASSWORD, from(0))).statusCode).toBe(200);
    });
  });
});
