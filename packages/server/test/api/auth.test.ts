import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { http, login, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect, type Listener, roundTrip, tryConnect } from '../socket-client.js';
import { expectProblem, snapshot } from './support.js';

/** Resolves when the socket is dropped by the server (or rejects after `ms`). */
function disconnected(l: Listener, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!l.socket.connected) return resolve('already');
    const timer = setTimeout(() => reject(new Error('socket was not disconnected')), ms);
    l.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe.each(dialects)('authentication on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock: new FakeClock(Date.UTC(2026, 0, 5, 9, 0, 0)) });
    await t.listen();
  });
  afterAll(async () => t.stop());

  const loginReq = (accountId: string, username: string, password: string, remoteAddress?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ accountId, username, password }),
      ...(remoteAddress && { remoteAddress }),
    });

  it('stores argon2id hashes only: never the password, never a token, never a hash in a response', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const req = http(t);
    expect((await req('PATCH', `/api/v1/users/${alice.id}`, { token: acc.manager.token, body: { password: 'a brand new passphrase' } })).statusCode).toBe(200);
    const rows = await t.db.kysely.selectFrom('users').select(['username', 'password_hash']).where('account_id', '=', acc.accountId).execute();
    expect(rows.map((r) => r.username).sort()).toEqual(['alice', 'boss']);
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(r.password_hash).not.toContain(PASSWORD);
    }
    const [a, b] = rows.map((r) => r.password_hash);
    expect(a).not.toBe(b); // salted: never the same twice

    const { token } = (await loginReq(acc.accountId, 'boss', PASSWORD)).json();
    const tokens = await t.db.kysely.selectFrom('auth_tokens').select('token_hash').where('account_id', '=', acc.accountId).execute();
    expect(tokens.length).toBeGreaterThan(0);
    for (const r of tokens) {
      expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.token_hash).not.toBe(token);
    }
    for (const url of ['/api/v1/users', '/api/v1/me']) {
      const body = (await req('GET', url, { token: acc.manager.token })).body;
      expect(body).not.toMatch(/argon2|password/i);
    }
    expect((await loginReq(acc.accountId, 'boss', PASSWORD)).body).not.toMatch(/argon2|password/i);
  });

  it('a wrong password gets 401 with the same body whether the account or user exists or not', async () => {
    const acc = await makeAccount(t);
    await acc.agent('alice');
    const gone = await acc.agent('gone');
    expect((await http(t)('PATCH', `/api/v1/users/${gone.id}`, { token: acc.manager.token, body: { active: false } })).statusCode).toBe(200);
    const before = await snapshot(t, [acc.accountId]);
    const answers = [
      await loginReq(acc.accountId, 'alice', 'wrong password'),
      await loginReq(acc.accountId, 'nobody', 'wrong password'),
      await loginReq(acc.accountId, 'gone', PASSWORD), // deactivated, right password
      await loginReq('no-such-account', 'alice', PASSWORD),
      await loginReq(acc.accountId, 'ALICE', 'wrong password'),
    ];
    const [first, ...rest] = answers.map((r) => ({
      body: expectProblem(r, 401, 'unauthorized'),
      type: r.headers['content-type'],
      auth: r.headers['www-authenticate'],
    }));
    for (const r of rest) expect(r).toEqual(first);
    // only failure counters and the audit log's auth.login_failed entries were written
    const after = await snapshot(t, [acc.accountId]);
    expect({ ...after, login_failures: [], audit_log: [] }).toEqual({ ...before, login_failures: [], audit_log: [] });
    const failed = (after.audit_log ?? []).filter((row) => !(before.audit_log ?? []).includes(row)).map((row) => JSON.parse(row).action);
    expect(failed).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed']);
    expect((await loginReq(acc.accountId, 'alice', PASSWORD)).statusCode).toBe(200);
  });

  it('5 failed logins for one account+username → 429, even with the right password, until the window passes', async () => {
    const clock = t.clock as FakeClock;
    const acc = await makeAccount(t);
    await acc.agent('alice');
    await acc.agent('bert');
    for (let i = 0; i < 5; i++) expectProblem(await loginReq(acc.accountId, 'alice', `guess ${i}`), 401, 'unauthorized');
    expectProblem(await loginReq(acc.accountId, 'alice', PASSWORD), 429, 'rate_limited');
    expectProblem(await loginReq(acc.accountId, 'Alice', PASSWORD), 429, 'rate_limited');
    expectProblem(await loginReq(acc.accountId, 'alice', 'guess 6'), 429, 'rate_limited');
    // the lock is per account+username: a colleague, and the same name elsewhere, are unaffected
    expect((await loginReq(acc.accountId, 'bert', PASSWORD)).statusCode).toBe(200);
    const elsewhere = await makeAccount(t);
    await elsewhere.agent('alice');
    expect((await loginReq(elsewhere.accountId, 'alice', PASSWORD)).statusCode).toBe(200);
    // unknown usernames are locked the same way (no hint that they do not exist)
    for (let i = 0; i < 5; i++) expectProblem(await loginReq(acc.accountId, 'ghost', `guess ${i}`), 401, 'unauthorized');
    expectProblem(await loginReq(acc.accountId, 'ghost', PASSWORD), 429, 'rate_limited');

    clock.advance(16 * 60_000);
    expect((await loginReq(acc.accountId, 'alice', PASSWORD)).statusCode).toBe(200);
    // a success clears the count
    for (let i = 0; i < 4; i++) expectProblem(await loginReq(acc.accountId, 'alice', `again ${i}`), 401, 'unauthorized');
    expect((await loginReq(acc.accountId, 'alice', PASSWORD)).statusCode).toBe(200);
  });

  it('per-IP login rate limit → 429 problem JSON, for everyone from that address only', async () => {
    const limited = await startTestApp(dialect, { loginRateLimitPerMinute: 3 });
    try {
      const acc = await makeAccount(limited);
      const as = (ip: string, password = PASSWORD) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: ip,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ accountId: acc.accountId, username: 'boss', password }),
        });
      expect((await as('10.0.0.1')).statusCode).toBe(200);
      expectProblem(await as('10.0.0.1', 'wrong'), 401, 'unauthorized');
      expect((await as('10.0.0.1')).statusCode).toBe(200);
      const limitedRes = await as('10.0.0.1');
      expectProblem(limitedRes, 429, 'rate_limited');
      expect(Number(limitedRes.headers['retry-after'])).toBeGreaterThan(0);
      expectProblem(await as('10.0.0.1', 'wrong'), 429, 'rate_limited');
      // another address is not affected, nor are other endpoints from the limited one
      expect((await as('10.0.0.2')).statusCode).toBe(200);
      const me = await limited.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        remoteAddress: '10.0.0.1',
        headers: { authorization: `Bearer ${acc.manager.token}` },
      });
      expect(me.statusCode).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('logout: 204, that token stops working and its sockets are dropped; other sessions stay', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const second = await login(t, acc.accountId, 'alice');
    const sock = await connect(t.url, '/agent', alice.token);
    const other = await connect(t.url, '/agent', second);
    const gone = disconnected(sock);
    const req = http(t);
    const out = await req('POST', '/api/v1/auth/logout', { token: alice.token });
    expect(out.statusCode).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expectProblem(await req('GET', '/api/v1/me', { token: alice.token }), 401, 'unauthorized');
    expectProblem(await req('POST', '/api/v1/auth/logout', { token: alice.token }), 401, 'unauthorized');
    expect(await tryConnect(t.url, '/agent', { token: alice.token })).toBe('unauthorized');
    // the other session is untouched
    expect((await req('GET', '/api/v1/me', { token: second })).statusCode).toBe(200);
    // The logout dropped its sockets before answering; a round trip on the other one shows no drop came for it.
    await roundTrip(other);
    expect(other.socket.connected).toBe(true);
    other.close();
    // Signed in elsewhere still: her status stays online. Signing out of the last session takes her offline.
    expect((await req('GET', '/api/v1/me', { token: second })).json().status).toBe('online');
    expect((await req('POST', '/api/v1/auth/logout', { token: second })).statusCode).toBe(204);
    const users = (await req('GET', '/api/v1/users', { token: acc.manager.token })).json().items as { id: string; status: string }[];
    expect(users.find((u) => u.id === alice.id)?.status).toBe('offline');
    // …and routing no longer gives her conversations.
    const c = await (await acc.consumer()).open({ skill: 'Sales', text: 'anyone?' });
    expect(c.state).toBe('queued');
  });

  it('PATCH /users/{id} with a password revokes all the user’s tokens and sockets; the new password works', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const second = await login(t, acc.accountId, 'alice');
    const bert = await acc.agent('bert');
    const socks = [await connect(t.url, '/agent', alice.token), await connect(t.url, '/agent', second)];
    const bertSock = await connect(t.url, '/agent', bert.token);
    const gone = socks.map((s) => disconnected(s));
    const req = http(t);
    expect((await req('PATCH', `/api/v1/users/${alice.id}`, { token: acc.manager.token, body: { password: 'changed by the boss' } })).statusCode).toBe(200);
    await Promise.all(gone);
    for (const tok of [alice.token, second]) expectProblem(await req('GET', '/api/v1/me', { token: tok }), 401, 'unauthorized');
    expect(await tryConnect(t.url, '/agent', { token: second })).toBe('unauthorized');
    expectProblem(await loginReq(acc.accountId, 'alice', PASSWORD), 401, 'unauthorized');
    expect((await loginReq(acc.accountId, 'alice', 'changed by the boss')).statusCode).toBe(200);
    // nobody else was signed out
    expect((await req('GET', '/api/v1/me', { token: bert.token })).statusCode).toBe(200);
    expect(bertSock.socket.connected).toBe(true);
    bertSock.close();
  });

  it('PATCH /users/{id} with active:false revokes all tokens and sockets and blocks login; active:true lets them back', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const sock = await connect(t.url, '/agent', alice.token);
    const gone = disconnected(sock);
    const req = http(t);
    const r = await req('PATCH', `/api/v1/users/${alice.id}`, { token: acc.manager.token, body: { active: false } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ active: false, status: 'offline' });
    await gone;
    expectProblem(await req('GET', '/api/v1/me', { token: alice.token }), 401, 'unauthorized');
    expectProblem(await loginReq(acc.accountId, 'alice', PASSWORD), 401, 'unauthorized');
    expect(await tryConnect(t.url, '/agent', { token: alice.token })).toBe('unauthorized');
    expect((await req('PATCH', `/api/v1/users/${alice.id}`, { token: acc.manager.token, body: { active: true } })).statusCode).toBe(200);
    const fresh = (await loginReq(acc.accountId, 'alice', PASSWORD)).json().token as string;
    expect((await req('GET', '/api/v1/me', { token: fresh })).statusCode).toBe(200);
    // the old token stays revoked
    expectProblem(await req('GET', '/api/v1/me', { token: alice.token }), 401, 'unauthorized');
  });

  it('a PATCH that changes neither password nor active keeps the sessions', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const sock = await connect(t.url, '/agent', alice.token);
    const req = http(t);
    expect(
      (await req('PATCH', `/api/v1/users/${alice.id}`, { token: acc.manager.token, body: { displayName: 'Alice A.', maxConcurrent: 3 } })).statusCode,
    ).toBe(200);
    expect((await req('GET', '/api/v1/me', { token: alice.token })).json()).toMatchObject({ displayName: 'Alice A.', maxConcurrent: 3 });
    await roundTrip(sock);
    expect(sock.socket.connected).toBe(true);
    sock.close();
  });

  it('a role change applies to the very next request of an existing token', async () => {
    const acc = await makeAccount(t);
    const mia = await acc.agent('mia', { role: 'manager' });
    const req = http(t);
    expect((await req('GET', '/api/v1/users', { token: mia.token })).statusCode).toBe(200);
    expect((await req('PATCH', `/api/v1/users/${mia.id}`, { token: acc.manager.token, body: { role: 'agent' } })).statusCode).toBe(200);
    expectProblem(await req('GET', '/api/v1/users', { token: mia.token }), 403, 'forbidden');
    expectProblem(await req('POST', '/api/v1/skills', { token: mia.token, body: { name: 'Sneaky' } }), 403, 'forbidden');
    expect((await req('GET', '/api/v1/me', { token: mia.token })).json().role).toBe('agent');
  });

  it('Socket.IO refuses forged, missing and wrong-kind credentials with connect_error', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const jo = await acc.consumer();
    const forged = `pat_${'A'.repeat(43)}`;
    for (const auth of [{}, { token: '' }, { token: forged }, { token: 42 }, { token: { $ne: null } }, { token: jo.token }, { token: `${alice.token}x` }]) {
      expect(await tryConnect(t.url, '/agent', auth), JSON.stringify(auth)).toBe('unauthorized');
    }
    for (const auth of [{}, { consumerToken: 'cst_forged' }, { consumerToken: alice.token }, { token: jo.token }]) {
      expect(await tryConnect(t.url, '/consumer', auth), JSON.stringify(auth)).toBe('unauthorized');
    }
    // the real ones still connect
    expect(await tryConnect(t.url, '/agent', { token: alice.token })).toBe('connected');
    expect(await tryConnect(t.url, '/consumer', { consumerToken: jo.token })).toBe('connected');
  });
});
