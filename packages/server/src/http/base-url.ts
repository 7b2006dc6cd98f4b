import type { FastifyRequest } from 'fastify';

/**
 * The base URL a request was made to: PARLEY_PUBLIC_URL when set, else the request's protocol and
 * host as Fastify derives them — X-Forwarded-Proto/Host count only from a proxy trusted by
 * PARLEY_TRUST_PROXY, so a client cannot choose the URL a provider's signature is checked against
 * (or the redirect URI an OpenID provider is given). Twilio signs the exact URL it called, so
 * behind a proxy that rewrites either, set PARLEY_PUBLIC_URL.
 */
export function baseUrlOf(req: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.host || 'localhost'}`;
}
