import type { TrustProxy } from '../config.js';

/** What Fastify's `trustProxy` is given: proxy-addr's trust function `(address, hop) → trusted`. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * PARLEY_TRUST_PROXY as Fastify's `trustProxy`, so that `req.ip` is the client address:
 *
 * - `false`: nobody is trusted, `req.ip` is the TCP peer and X-Forwarded-For is ignored;
 * - a hop count N: the TCP peer and the N − 1 addresses before it in X-Forwarded-For are proxies,
 *   the next one is the client. Fastify 5.12 deliberately ignores a bare number (it fails closed,
 *   since a client reaching the server directly could prepend addresses), so the count is given as
 *   a trust function: use it only when Parley is reachable through the proxies alone;
 * - addresses/CIDRs: only those peers are proxies (proxy-addr walks X-Forwarded-For from the right
 *   and stops at the first address that is not one of them).
 */
export function trustProxyOption(trust: TrustProxy | undefined): false | string[] | TrustFunction {
  if (trust === undefined || trust === false) return false;
  if (typeof trust === 'number') {
    const hops = trust;
    return (_address, hop) => hop < hops;
  }
  return trust;
}
