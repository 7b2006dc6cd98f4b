import type { OidcSettings, SsoSettings, SsoSettingsPatch, User } from '@parley/contract';
import type * as Oidc from 'openid-client';
import { DomainError, invalid } from '../domain/errors.js';
import { OutboundError, type OutboundHttp } from '../outbound/guarded-http.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findSsoClientSecret, insertSsoFlow, insertSsoHandoff, saveSsoClientSecret, takeSsoFlow, takeSsoHandoff } from '../storage/repos/sso.repo.js';
import { findUser, findUserByUsername } from '../storage/repos/users.repo.js';
import { recordAudit } from './audit.service.js';
import { signedInUser, startSession } from './auth.service.js';
import type { Deps } from './context.js';
import { assertOutboundUrls } from './outbound-urls.service.js';
import { hashToken, newToken } from './tokens.js';

/** openid-client, loaded at the first single sign-on: a server whose accounts use none never loads it. */
const openidClient = (): Promise<typeof Oidc> => import('openid-client');

/**
 * Single sign-on with the account's OpenID provider (settings.sso.oidc): authorization code flow
 * with PKCE, `state` and `nonce`, through `openid-client`, every request of which (discovery, the
 * token request, userinfo) goes through the guarded outbound client.
 *
 *   start     → a row per `state` (verifier, nonce; 10 minutes) and the redirect to the provider
 *   callback  → the row taken (a state serves once), the code exchanged, the ID token checked, the
 *               user whose username is the claim looked up; a one-time code (60 s) for the workspace
 *   exchange  → the workspace trades that code for its session token (POST body, never a URL)
 */

export const SSO_FLOW_TTL_MS = 10 * 60_000;
export const SSO_HANDOFF_TTL_MS = 60_000;

// ------------------------------------------------------------------ settings (PATCH /api/v1/account/settings)

/** Before the settings transaction: the issuer must not point at a refused address (outbound_address_refused). */
export async function assertSsoUrls(deps: Deps, patch: SsoSettingsPatch | undefined): Promise<void> {
  if (patch?.oidc?.issuer) await assertOutboundUrls(deps, [{ path: 'sso.oidc.issuer', url: patch.oidc.issuer }]);
}

/** Apply `sso` of a settings patch: stores or removes the write-only client secret; an enabled sign-in needs issuer, client id and secret. */
export async function applySsoPatchIn(tx: Tx, accountId: string, current: SsoSettings, patch: SsoSettingsPatch, now: number): Promise<SsoSettings> {
  const p = patch.oidc;
  if (!p) return current;
  const { clientSecret, ...fields } = p;
  let clientSecretSet = current.oidc.clientSecretSet;
  if (clientSecret !== undefined) {
    const secret = clientSecret?.trim() ?? '';
    await saveSsoClientSecret(tx, accountId, 'oidc', secret === '' ? null : secret, now);
    clientSecretSet = secret !== '';
  }
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const next: OidcSettings = { ...current.oidc, ...defined, clientSecretSet };
  if (next.enabled) {
    const missing: string[] = (['issuer', 'clientId'] as const).filter((k) => !next[k]);
    if (!clientSecretSet) missing.push('clientSecret');
    if (missing.length > 0) throw invalid(`to enable single sign-on, set ${missing.join(', ')}`, 'sso.oidc.enabled');
  }
  return { oidc: next };
}

/** What the sign-in page may know of an account's SSO: whether it has one, and the button's label. */
export async function publicSsoInfo(deps: Deps, accountId: string): Promise<{ oidc: { label: string; enforced: boolean } | null }> {
  const a = await findAccount(deps.db.kysely, accountId);
  const o = a?.settings.sso.oidc;
  if (!o?.enabled) return { oidc: null };
  return { oidc: { label: o.label || hostOf(o.issuer), enforced: o.enforce } };
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

// ------------------------------------------------------------------ the provider, through the guarded client

/** openid-client's fetch, answered by the guarded outbound client (address policy, pinned DNS, time and size bounds). */
function guardedFetch(outbound: OutboundHttp): Oidc.CustomFetch {
  return async (url, options) => {
    const headers = { ...options.headers };
    const body = options.body === undefined || options.body === null ? undefined : String(options.body);
    const r = await outbound.request({ url, method: options.method ?? 'GET', headers, ...(body !== undefined && { body }), maxBodyBytes: 256 * 1024 });
    return new Response(r.status === 204 || r.status === 304 ? null : new Uint8Array(r.body), { status: r.status, headers: r.headers });
  };
}

async function providerConfig(deps: Deps, accountId: string, o: OidcSettings): Promise<Oidc.Configuration> {
  const oidc = await openidClient();
  const secret = await findSsoClientSecret(deps.db.kysely, accountId, 'oidc');
  if (!secret) throw new DomainError('forbidden', 'single sign-on is not set up for this account');
  const key = `${accountId}\n${o.issuer}\n${o.clientId}\n${hashToken(secret)}`;
  try {
    // A failed discovery is not kept: the next sign-in tries again.
    // Discovered configurations are kept per account and settings (deps.caches: a settings change makes a new key).
    return await deps.caches.oidcConfigurations.get(key, () =>
      oidc.discovery(new URL(o.issuer), o.clientId, undefined, oidc.ClientSecretBasic(secret), {
        [oidc.customFetch]: guardedFetch(deps.outbound),
        // http only on loopback (the settings schema allows no other), for test providers.
        ...(new URL(o.issuer).protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
      }),
    );
  } catch (err) {
    throw providerError(deps, err, 'the identity provider could not be reached');
  }
}

/** Why the provider failed, as a problem the person can act on (details to the log only). */
function providerError(deps: Deps, err: unknown, what: string): DomainError {
  if (err instanceof DomainError) return err;
  deps.log.warn({ err }, `oidc: ${what}`);
  if (err instanceof OutboundError) return new DomainError('unavailable', `${what}: ${err.message}`);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundError) return new DomainError('unavailable', `${what}: ${cause.message}`);
  return new DomainError('unauthorized', `${what}: ${(err as Error).message}`);
}

async function enabledAccount(deps: Deps, accountId: string): Promise<Account> {
  const a = await findAccount(deps.db.kysely, accountId);
  if (!a?.settings.sso.oidc.enabled) throw new DomainError('not_found', 'this account has no single sign-on');
  return a;
}

// ------------------------------------------------------------------ the flow

/** Start a sign-in: the provider's authorization URL (code + PKCE S256, state, nonce) to redirect to. */
export async function startOidcSignIn(deps: Deps, input: { accountId: string; popup: boolean; redirectUri: string }): Promise<URL> {
  const oidc = await openidClient();
  const account = await enabledAccount(deps, input.accountId);
  const config = await providerConfig(deps, account.id, account.settings.sso.oidc);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const now = deps.clock.now();
  await insertSsoFlow(deps.db.kysely, {
    state,
    accountId: account.id,
    codeVerifier,
    nonce,
    popup: input.popup,
    createdAt: now,
    expiresAt: now + SSO_FLOW_TTL_MS,
  });
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
}

export interface CallbackOutcome {
  accountId: string;
  popup: boolean;
  /** The one-time code the workspace exchanges for its token. */
  code: string;
}

/** Where a refused callback came from: the page still knows whether to answer a popup. */
export class SsoCallbackError extends DomainError {
  constructor(
    err: DomainError,
    readonly flow: { accountId: string; popup: boolean } | null,
  ) {
    super(err.code, err.message, err.errors);
  }
}

/**
 * The provider sent the browser back: `callbackUrl` is the redirect URI with the query as received.
 * Refused (unauthorized) when the state is unknown, used or expired, the provider reports an error,
 * the code does not redeem (expired, used, or another verifier), the ID token fails its checks, or
 * no active user of the account has the claimed username.
 */
export async function finishOidcSignIn(deps: Deps, callbackUrl: URL, clientAddress: string): Promise<CallbackOutcome> {
  const oidc = await openidClient();
  const state = callbackUrl.searchParams.get('state') ?? '';
  const flow = state ? await deps.db.transaction((tx) => takeSsoFlow(tx, state)) : undefined;
  if (!flow) throw new SsoCallbackError(new DomainError('unauthorized', 'this sign-in is unknown, expired or was already used; start again'), null);
  const where = { accountId: flow.accountId, popup: flow.popup };
  try {
    const now = deps.clock.now();
    if (flow.expiresAt <= now) throw new DomainError('unauthorized', 'this sign-in took too long and expired; start again');
    const refusal = callbackUrl.searchParams.get('error');
    if (refusal) {
      const description = callbackUrl.searchParams.get('error_description');
      throw new DomainError('unauthorized', `the identity provider refused the sign-in: ${description ? `${refusal} (${description})` : refusal}`);
    }
    const account = await enabledAccount(deps, flow.accountId);
    const settings = account.settings.sso.oidc;
    const config = await providerConfig(deps, account.id, settings);
    let claims: Record<string, unknown>;
    let accessToken: string;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      accessToken = tokens.access_token;
    } catch (err) {
      throw providerError(deps, err, 'the identity provider did not confirm the sign-in');
    }
    let username = claims[settings.usernameClaim];
    if (typeof username !== 'string' || username === '') {
      try {
        const info = (await oidc.fetchUserInfo(config, accessToken, String(claims.sub))) as Record<string, unknown>;
        username = info[settings.usernameClaim];
      } catch (err) {
        throw providerError(deps, err, 'the identity provider did not answer the user info request');
      }
    }
    if (typeof username !== 'string' || username === '') {
      throw new DomainError(
        'unauthorized',
        `the identity provider sent no "${settings.usernameClaim}" claim; ask your administrator to check the SSO settings`,
      );
    }
    const user = await findUserByUsername(deps.db.kysely, account.id, username);
    if (!user?.active) {
      throw new DomainError('unauthorized', `no active Parley user "${username}" in this account; ask your administrator to create it`);
    }
    const code = newToken('sso');
    await insertSsoHandoff(deps.db.kysely, {
      codeHash: hashToken(code),
      accountId: account.id,
      userId: user.id,
      createdAt: now,
      expiresAt: now + SSO_HANDOFF_TTL_MS,
    });
    return { ...where, code };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await recordAudit(deps.db.kysely, deps.clock.now(), {
      accountId: flow.accountId,
      actorType: 'user',
      actorId: null,
      ip: clientAddress,
      action: 'auth.login_failed',
      details: { method: 'oidc', reason: err.message },
    });
    throw new SsoCallbackError(err, where);
  }
}

/**
 * The workspace trades the callback's one-time code for its session (once; within 60 s). The new
 * session and its `auth.login` audit entry (`details.method: "oidc"`) are written together.
 */
export async function exchangeSsoCode(
  deps: Deps,
  input: { code: string; frameAccountId?: string | undefined },
  clientAddress: string,
): Promise<{ token: string; user: User }> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const handoff = await takeSsoHandoff(tx, hashToken(input.code), now);
    if (!handoff) throw new DomainError('unauthorized', 'this sign-in code is unknown, expired or was already used; sign in again');
    if (input.frameAccountId !== undefined && input.frameAccountId !== handoff.accountId) {
      throw new DomainError(
        'forbidden',
        `this embedded workspace signs in to account ${input.frameAccountId} only; open Parley in its own tab for another account`,
      );
    }
    const user = await findUser(tx, handoff.accountId, handoff.userId);
    if (!user?.active) throw new DomainError('unauthorized', 'this user is no longer active');
    const token = await startSession(tx, user, { now, clientAddress, details: { method: 'oidc', username: user.username } });
    return { token, user: await signedInUser(tx, user) };
  });
}
