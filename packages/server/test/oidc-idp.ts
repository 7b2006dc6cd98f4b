import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider on loopback for the SSO tests: oidc-provider (the certified Node
 * implementation) with its development login form, where any login name signs in as that subject
 * (the password is not checked). Its users' `preferred_username` is the login name, their email
 * `{login}@idp.test`. Consent is given at once (a grant for openid profile email), so the only
 * page is the login form. PKCE S256 is required.
 */
export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Requests the provider received (method and path), to see what Parley called. */
  requests: string[];
  close(): Promise<void>;
}

export async function startIdp(o: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestIdp> {
  const clientId = o.clientId ?? 'parley';
  const clientSecret = o.clientSecret ?? randomBytes(24).toString('base64url');
  const requests: string[] = [];
  let handler: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: o.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, preferred_username: sub, name: sub, email: `${sub}@idp.test` }),
    }),
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
  });
  handler = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser's part of a sign-in, without a browser: follows redirects with a cookie jar from `url`,
 * fills the provider's login form as `login`, and stops at the first URL that starts with `stopAt`
 * (Parley's callback), which it returns without requesting it.
 */
export async function signInAtIdp(url: string, login: string, stopAt: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
    }
  };
  let next = new URL(url);
  let body: { method: string; form?: URLSearchParams } = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    if (next.href.startsWith(stopAt)) return next;
    const res = await fetch(next, {
      method: body.method,
      redirect: 'manual',
      headers: { cookie: cookie(), ...(body.form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(body.form && { body: body.form.toString() }),
    });
    keep(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, next);
      body = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !html.includes('name="login"'))
      throw new Error(`unexpected page at ${next.href}: ${res.status} ${html.slice(0, 300)}`);
    next = new URL(action, next);
    body = { method: 'POST', form: new URLSearchParams({ prompt: 'login', login, password: 'any' }) };
  }
  throw new Error('too many redirects');
}
