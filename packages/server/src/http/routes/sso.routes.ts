import { randomBytes } from 'node:crypto';
import { LoginResponse, SsoExchangeRequest, SsoInfo } from '@parley/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { exchangeSsoCode, finishOidcSignIn, publicSsoInfo, SsoCallbackError, startOidcSignIn } from '../../services/sso.service.js';
import { baseUrlOf } from '../base-url.js';
import { problem, sendProblem } from '../problem.js';
import type { RouteContext, ZApp } from './types.js';

const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const accountId = z.string().min(1).max(100);

export interface SsoRoutesOptions {
  /** PARLEY_PUBLIC_URL: the redirect URI registered at the provider is `{publicUrl}/api/v1/auth/oidc/callback`. */
  publicUrl?: string | undefined;
}

/**
 * Single sign-on (OIDC). `start` and `callback` are browser navigations: they answer pages (a JSON
 * problem when the client asks for JSON only). The callback never puts the session token in a URL:
 * it hands the workspace a one-time code — by `postMessage` to its opener (the popup flow, which
 * also works in an embedding frame) with the target origin set to Parley's own, or in the fragment
 * of a redirect to the workspace — and the workspace exchanges it by POST for its token.
 */
export function ssoRoutes(app: ZApp, { deps, loginRateLimitPerMinute }: RouteContext, opts: SsoRoutesOptions = {}): void {
  const tags = ['auth'];
  const redirectUri = (req: FastifyRequest) => `${baseUrlOf(req, opts.publicUrl)}${CALLBACK_PATH}`;

  app.get(
    '/api/v1/auth/sso',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "The account's single sign-on, as the sign-in page shows it (null: none)",
        querystring: z.strictObject({ accountId }),
        response: { 200: SsoInfo },
      },
    },
    async (req) => publicSsoInfo(deps, req.query.accountId),
  );

  app.get(
    '/api/v1/auth/oidc/start',
    {
      config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: "Redirect to the account's OpenID provider (authorization code + PKCE)",
        querystring: z.strictObject({ accountId, popup: z.enum(['0', '1']).optional() }),
        response: { 302: z.null().describe('Redirect to the provider') },
      },
    },
    async (req, reply) => {
      const popup = req.query.popup === '1';
      try {
        const url = await startOidcSignIn(deps, { accountId: req.query.accountId, popup, redirectUri: redirectUri(req) });
        return reply.code(302).header('cache-control', 'no-store').header('location', url.href).send(null);
      } catch (err) {
        if (err instanceof DomainError) return refusedPage(req, reply, err, { accountId: req.query.accountId, popup });
        throw err;
      }
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Where the OpenID provider sends the browser back; hands the workspace a one-time sign-in code',
        querystring: z.object({
          code: z.string().max(2000).optional(),
          state: z.string().max(500).optional(),
          error: z.string().max(500).optional(),
          error_description: z.string().max(2000).optional(),
          iss: z.string().max(500).optional(),
        }),
      },
    },
    async (req, reply) => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      try {
        const done = await finishOidcSignIn(deps, new URL(`${redirectUri(req)}${query}`), req.ip);
        return page(reply, 200, {
          title: 'Signed in',
          message: 'You are signed in. You can close this window if it stays open',
          handoff: { code: done.code, popup: done.popup, accountId: done.accountId },
        });
      } catch (err) {
        if (err instanceof SsoCallbackError) return refusedPage(req, reply, err, err.flow);
        throw err;
      }
    },
  );

  app.post(
    '/api/v1/auth/oidc/exchange',
    {
      config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Exchange the one-time code of a single sign-on for a session token (once, within 60 s)',
        body: SsoExchangeRequest,
        response: { 200: LoginResponse },
      },
    },
    async (req) => exchangeSsoCode(deps, req.body, req.ip),
  );
}

/** A refused start or callback: a page that says why (and tells the opener in the popup flow), or the problem as JSON. */
function refusedPage(req: FastifyRequest, reply: FastifyReply, err: DomainError, flow: { accountId: string; popup: boolean } | null): FastifyReply {
  const p = problem(err.code, err.message, err.errors);
  const accept = req.headers.accept ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) return sendProblem(reply, p);
  return page(reply, p.status, {
    title: 'Sign-in refused',
    message: p.detail,
    error: { code: p.code, detail: p.detail },
    ...(flow && { accountId: flow.accountId }),
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The callback's page. Its one script (allowed by nonce only) reads the JSON data island and: in a
 * popup, posts `{ type: 'parley.sso', code }` (or `error`) to its opener with Parley's own origin as
 * the target, so no other page can receive the code, and closes; otherwise replaces itself with the
 * workspace, the code in the fragment (never sent to a server, removed by the workspace at once).
 */
function page(
  reply: FastifyReply,
  status: number,
  o: {
    title: string;
    message: string;
    handoff?: { code: string; popup: boolean; accountId: string };
    error?: { code: string; detail: string };
    accountId?: string;
  },
): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const data = JSON.stringify({ handoff: o.handoff ?? null, error: o.error ?? null, accountId: o.handoff?.accountId ?? o.accountId ?? null }).replace(
    /</g,
    '\\u003c',
  );
  const back = o.accountId ? `/?account=${encodeURIComponent(o.accountId)}` : '/';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(o.title)} · Parley</title>
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f5f7;color:#1f2328}
main{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:32px;max-width:28rem;margin:16px}
h1{font-size:1.25rem;margin:0 0 12px}a{color:#0b57d0}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(o.title)}</h1>
<p>${escapeHtml(o.message.charAt(0).toUpperCase() + o.message.slice(1))}.</p>
${o.error ? `<p><a href="${escapeHtml(back)}">Back to the sign-in page</a></p>` : ''}
</main>
<script type="application/json" id="parley-sso">${data}</script>
<script nonce="${nonce}">
(function () {
  var d = JSON.parse(document.getElementById('parley-sso').textContent);
  var opener = null;
  try { opener = window.opener; } catch (e) { opener = null; }
  if (opener && opener !== window) {
    opener.postMessage(d.handoff ? { type: 'parley.sso', code: d.handoff.code } : { type: 'parley.sso', error: d.error }, location.origin);
    if (d.handoff) window.close();
    return;
  }
  if (d.handoff) location.replace('/?account=' + encodeURIComponent(d.handoff.accountId) + '#sso=' + encodeURIComponent(d.handoff.code));
})();
</script>
</body>
</html>`;
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    )
    .type('text/html; charset=utf-8')
    .send(html);
}
