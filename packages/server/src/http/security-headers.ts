import type { FastifyInstance, FastifyReply } from 'fastify';

export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export interface SecurityHeaders {
  /** Sets them on one reply (for answers no hook sees: Fastify's router errors). */
  set(reply: FastifyReply): void;
  /** On every response: a Fastify hook, and the raw HTTP server for what Fastify never sees. */
  register(app: FastifyInstance): void;
}

/**
 * Headers every response carries: `X-Content-Type-Options: nosniff` (no browser guesses a type
 * other than the one sent, so no upload, transcript or JSON body is ever run as a script or page),
 * and with `hsts` `Strict-Transport-Security` (PARLEY_HSTS=on; only meaningful when the public
 * side is HTTPS, which is what turning it on asserts).
 *
 * Three places, so that nothing is missed: an `onRequest` hook for every route, 404, problem
 * answer and static file (and `inject()` in tests); `set()` in the router's error handler, which
 * runs before any hook; and the raw HTTP server for the Socket.IO long-polling answers. Register
 * after Socket.IO is attached: engine.io wraps the server's `request` listeners that exist when it
 * attaches, and this one must run for its requests too.
 */
export function securityHeaders(opts: { hsts: boolean }): SecurityHeaders {
  const headers: [string, string][] = [['x-content-type-options', 'nosniff']];
  if (opts.hsts) headers.push(['strict-transport-security', HSTS_VALUE]);
  const set = (reply: FastifyReply) => {
    for (const [name, value] of headers) reply.header(name, value);
  };
  return {
    set,
    register(app) {
      app.addHook('onRequest', (_req, reply, done) => {
        set(reply);
        done();
      });
      app.server.prependListener('request', (_req, res) => {
        for (const [name, value] of headers) res.setHeader(name, value);
      });
    },
  };
}
