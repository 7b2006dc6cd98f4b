import type { User } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSO_FLOW_TTL_MS, SSO_HANDOFF_TTL_MS } from '../../src/services/sso.service.js';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { type AccountHandle, http, login, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { signInAtIdp, startIdp, type TestIdp } from '../oidc-idp.js';
import { startStubServer } from '../stub-server.js';
import { expectProblem, snapshot } from './support.js';

const CALLBACK = '/api/v1/auth/oidc/callback';

interface PageData {
  handoff: { code: string; popup: boolean; accountId: string } | null;
  error: { code: string; detail: string } | null;
}

/** Single sign-on against a real OpenID provider (oidc-provider on loopback), end to end through HTTP. */
describe.each(dialects)('single sign-on (OIDC) on %s', (dialect) => {
  let t: TestApp;
  let idp: TestIdp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    idp = await startIdp({ redirectUris: [`${t.url}${CALLBACK}`] });
    req = http(t);
  });
  afterAll(async () => {
    await t.stop();
    await idp.close();
  });

  const enableSso = async (acc: AccountHandle, extra: Record<string, unknown> = {}) => {
    const r = await req('PATCH', '/api/v1/account/settings', {
      token: acc.manager.token,
      body: { sso: { oidc: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, ...extra } } },
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  const startUrl = (accountId: string, popup = false) => `${t.url}/api/v1/auth/oidc/start?accountId=${encodeURIComponent(accountId)}${popup ? '&popup=1' : ''}`;

  /** Parley's callback as the browser requests it: the page, its status and the data its script reads. */
  const callback = async (url: URL, accept = 'text/html') => {
    const res = await fetch(url, { headers: { accept }, redirect: 'manual' });
    const body = await res.text();
    const island = /<script type="application\/json" id="parley-sso">(.*?)<\/script>/s.exec(body)?.[1];
    return { status: res.status, body, headers: res.headers, data: island ? (JSON.parse(island) as PageData) : null };
  };

  const exchange = (code: string, frameAccountId?: string) =>
    req('POST', '/api/v1/auth/oidc/exchange', { body: { code, ...(frameAccountId && { frameAccountId }) } });

  it('signs in end to end: start → the provider’s login form → callback → one-time code → session token; the secret is never returned', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const settings = await enableSso(acc, { label: 'Acme SSO' });
    expect(settings.sso.oidc).toEqual({
      enabled: true,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretSet: true,
      usernameClaim: 'preferred_username',
      enforce: false,
      label: 'Acme SSO',
    });
    const read = await req('GET', '/api/v1/account/settings', { token: acc.manager.token });
    expect(read.body).not.toContain(idp.clientSecret);

    // The sign-in page learns that the account has SSO, and what the button says.
    expect((await req('GET', `/api/v1/auth/sso?accountId=${acc.accountId}`)).json()).toEqual({ oidc: { label: 'Acme SSO', enforced: false } });
    expect((await req('GET', '/api/v1/auth/sso?accountId=no-such-account')).json()).toEqual({ oidc: null });

    // The redirect carries code + PKCE (S256), state and nonce.
    const start = await fetch(startUrl(acc.accountId), { redirect: 'manual' });
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location') ?? '');
    expect(to.origin).toBe(idp.issuer);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: `${t.url}${CALLBACK}`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{20,}$/),
      nonce: expect.stringMatching(/^[\w-]{20,}$/),
      scope: expect.stringContaining('openid'),
    });

    const back = await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`);
    expect(back.searchParams.get('code')).toBeTruthy();
    const page = await callback(back);
    expect(page.status, page.body).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const code = page.data?.handoff?.code ?? '';
    expect(code).toMatch(/^sso_/);
    // No session token in the page: only the one-time code.
    expect(page.body).not.toMatch(/pat_/);

    const session = await exchange(code);
    expect(session.statusCode, session.body).toBe(200);
    const { token, user } = session.json() as { token: string; user: User };
    expect(user).toMatchObject({ id: alice.id, username: 'alice', accountId: acc.accountId });
    expect((await req('GET', '/api/v1/me', { token })).json()).toMatchObject({ id: alice.id });

    // The code serves once.
    expectProblem(await exchange(code), 401, 'unauthorized');
    // The sign-in is in the audit log, as auth.login by that user.
    const audit = await listAuditEntries(t.db.kysely, acc.accountId, { action: 'auth.login', limit: 10 });
    expect(audit.filter((e) => e.details.method === 'oidc')).toEqual([
      expect.objectContaining({ actorType: 'user', actorId: alice.id, action: 'auth.login', targetId: alice.id, ip: '127.0.0.1' }),
    ]);
    // Discovery, token and userinfo requests reached the provider (through the guarded outbound client).
    expect(idp.requests).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'POST /token', 'GET /me']));
  });

  it('refuses a user the account does not have, with a page that says so (and a problem when JSON is asked for)', async () => {
    const acc = await makeAccount(t);
    await enableSso(acc);
    const back = await signInAtIdp(startUrl(acc.accountId, true), 'mallory', `${t.url}${CALLBACK}`);
    const page = await callback(back);
    expect(page.status).toBe(401);
    expect(page.body).toContain('No active Parley user &#34;mallory&#34;');
    expect(page.data).toMatchObject({ handoff: null, error: { code: 'unauthorized', detail: expect.stringContaining('mallory') } });
    const failed = await listAuditEntries(t.db.kysely, acc.accountId, { action: 'auth.login_failed', limit: 10 });
    expect(failed[0]).toMatchObject({
      actorType: 'user',
      actorId: null,
      action: 'auth.login_failed',
      details: { method: 'oidc', reason: expect.stringContaining('mallory') },
    });

    const again = await signInAtIdp(startUrl(acc.accountId), 'mallory', `${t.url}${CALLBACK}`);
    const json = await callback(again, 'application/json');
    expect(json.status).toBe(401);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(json.body)).toMatchObject({ code: 'unauthorized', detail: expect.stringContaining('mallory') });

    // A deactivated user is refused too.
    const bob = await acc.agent('bob');
    expect((await req('PATCH', `/api/v1/users/${bob.id}`, { token: acc.manager.token, body: { active: false } })).statusCode).toBe(200);
    const off = await callback(await signInAtIdp(startUrl(acc.accountId), 'bob', `${t.url}${CALLBACK}`));
    expect(off.status).toBe(401);
  });

  it('refuses a wrong state, a used state, an expired sign-in, a code already redeemed, and an expired or foreign handoff code', async () => {
    const acc = await makeAccount(t);
    await acc.agent('alice');
    await enableSso(acc);
    const back = await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`);

    // A wrong state: refused, and nothing signs in.
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const wrong = await callback(forged);
    expect(wrong.status).toBe(401);
    expect(wrong.data?.handoff).toBeNull();
    expect(wrong.body).toContain('unknown, expired or was already used');
    const noState = new URL(back);
    noState.searchParams.delete('state');
    expect((await callback(noState)).status).toBe(401);

    // The genuine one works once; the same callback again is refused (its state was used).
    const ok = await callback(back);
    expect(ok.status, ok.body).toBe(200);
    expect((await callback(back)).status).toBe(401);

    // The redeemed code with a fresh state (its own verifier): the provider refuses the code.
    const fresh = await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`);
    const replay = new URL(fresh);
    replay.searchParams.set('code', back.searchParams.get('code') ?? '');
    const replayed = await callback(replay);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toContain('did not confirm the sign-in');

    // A sign-in left at the provider past its 10 minutes: expired.
    const slow = await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`);
    t.clock.advance(SSO_FLOW_TTL_MS + 1);
    const late = await callback(slow);
    expect(late.status).toBe(401);
    expect(late.body).toContain('expired');

    // A handoff code not exchanged within 60 s is refused; one exchanged in a frame of another account too.
    const code = (await callback(await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`))).data?.handoff?.code ?? '';
    t.clock.advance(SSO_HANDOFF_TTL_MS + 1);
    expectProblem(await exchange(code), 401, 'unauthorized');
    const other = (await callback(await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`))).data?.handoff?.code ?? '';
    expectProblem(await exchange(other, 'another-account'), 403, 'forbidden');
    expectProblem(await exchange('sso_made-up'), 401, 'unauthorized');
  });

  it('enforce: agents’ passwords are refused (sso_required), managers keep theirs, agents still sign in through the provider', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    await enableSso(acc, { enforce: true });
    expect((await req('GET', `/api/v1/auth/sso?accountId=${acc.accountId}`)).json()).toEqual({
      oidc: { label: new URL(idp.issuer).host, enforced: true },
    });

    const agentLogin = await req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: PASSWORD } });
    expectProblem(agentLogin, 403, 'sso_required');
    const refused = await listAuditEntries(t.db.kysely, acc.accountId, { action: 'auth.login_failed', limit: 10 });
    expect(refused[0]).toMatchObject({ actorId: alice.id, details: { username: 'alice', reason: 'sso_required' } });
    // A wrong password is the usual 401: the answer says nothing about the user to who does not know the password.
    expectProblem(
      await req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: 'wrong password!' } }),
      401,
      'unauthorized',
    );
    // The manager's password still works (break-glass).
    expect(await login(t, acc.accountId, 'boss')).toMatch(/^pat_/);
    // The agent's token from before enforce still works; SSO signs the agent in.
    expect((await req('GET', '/api/v1/me', { token: alice.token })).statusCode).toBe(200);
    const code = (await callback(await signInAtIdp(startUrl(acc.accountId), 'alice', `${t.url}${CALLBACK}`))).data?.handoff?.code ?? '';
    expect((await exchange(code)).statusCode).toBe(200);

    // Turning SSO off lets the password in again.
    expect((await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { sso: { oidc: { enabled: false } } } })).statusCode).toBe(200);
    expect(await login(t, acc.accountId, 'alice')).toMatch(/^pat_/);
  });

  it('settings: enabling needs issuer, client id and secret; the secret is write-only; an account without SSO gets a page, not a redirect', async () => {
    const acc = await makeAccount(t);
    const before = await snapshot(t, [acc.accountId]);
    const patch = (oidc: Record<string, unknown>) => req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { sso: { oidc } } });
    expect(expectProblem(await patch({ enabled: true, issuer: idp.issuer, clientId: 'x' }), 400, 'invalid_request').detail).toContain('clientSecret');
    expectProblem(await patch({ issuer: 'ftp://idp.example.com' }), 400, 'invalid_request');
    expectProblem(await patch({ issuer: 'http://idp.example.com' }), 400, 'invalid_request'); // http only on loopback
    expectProblem(await patch({ clientSecretSet: true }), 400, 'invalid_request');
    expect(await snapshot(t, [acc.accountId])).toEqual(before);

    const page = await fetch(startUrl(acc.accountId), { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('this account has no single sign-on');
    expectProblem(await req('GET', `/api/v1/auth/oidc/start?accountId=${acc.accountId}`, { headers: { accept: 'application/json' } }), 404, 'not_found');

    // A provider that does not answer: the start says so (503), nothing redirects.
    const closed = await startStubServer();
    const deadIssuer = closed.url;
    await closed.close();
    expect((await patch({ enabled: true, issuer: deadIssuer, clientId: 'x', clientSecret: 'y' })).statusCode).toBe(200);
    const down = await fetch(startUrl(acc.accountId), { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(down.status).toBe(503);
    expect(await down.text()).toContain('could not be reached');

    // The secret: set, then removed (null), and enabling again needs it.
    await enableSso(acc);
    const off = await patch({ enabled: false, clientSecret: null });
    expect(off.json().sso.oidc).toMatchObject({ enabled: false, clientSecretSet: false });
    expectProblem(await patch({ enabled: true }), 400, 'invalid_request');
  });

  it('the issuer is an outbound URL: without PARLEY_OUTBOUND_ALLOW a loopback issuer is refused when saved', async () => {
    const strict = await startTestApp(dialect, { outboundAllow: [] });
    try {
      const acc = await makeAccount(strict);
      const r = await http(strict)('PATCH', '/api/v1/account/settings', {
        token: acc.manager.token,
        body: { sso: { oidc: { enabled: true, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret } } },
      });
      expectProblem(r, 400, 'outbound_address_refused');
    } finally {
      await strict.stop();
    }
  });
});
