import { ERROR_CODES, type ErrorCode, PROBLEM_TYPE_BASE, type Problem } from '@parley/contract';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, RateLimited } from '../domain/errors.js';

const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'Invalid request',
  outbound_address_refused: 'Outbound address refused',
  invalid_pattern: 'Invalid pattern',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  sso_required: 'Single sign-on required',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  outside_service_window: 'Outside the service window',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  unavailable: 'Service unavailable',
};

export function problem(code: ErrorCode, detail: string, errors?: Problem['errors']): Problem {
  return { type: `${PROBLEM_TYPE_BASE}${code}`, title: TITLES[code], status: ERROR_CODES[code], detail, code, ...(errors && { errors }) };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Maps every error to RFC 9457 problem JSON; status codes live here and only here. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError | Error, req, reply) => {
    if (err instanceof DomainError) {
      // Every 429 says when to come back: the lockout knows exactly, anything else a minute.
      if (err.code === 'rate_limited') reply.header('retry-after', String(err instanceof RateLimited ? Math.max(1, Math.ceil(err.retryAfterSec)) : 60));
      return sendProblem(reply, problem(err.code, err.message, err.errors));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return sendProblem(reply, problem('internal_error', 'internal error'));
    }
    const fe = err as FastifyError;
    const status = fe.statusCode ?? 500;
    if (status === 413 || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, problem('payload_too_large', 'request body too large'));
    if (status === 415 || fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, problem('unsupported_media_type', fe.message));
    if (status === 429) {
      // @fastify/rate-limit has set Retry-After already; any other 429 gets a minute (every 429 carries one).
      if (!reply.hasHeader('retry-after')) reply.header('retry-after', '60');
      return sendProblem(reply, problem('rate_limited', 'too many requests; slow down'));
    }
    if (status >= 400 && status < 500) return sendProblem(reply, problem('invalid_request', fe.message));
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, problem('internal_error', 'internal error'));
  });
  const allowedMethods = apiMethods(app);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.length === 0 || allowed.includes(req.method)) return sendProblem(reply, problem('not_found', `no route ${req.method} ${path}`));
    reply.header('allow', allowed.join(', '));
    return sendProblem(reply, problem('method_not_allowed', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`));
  });
}

/**
 * The methods an API path has, from the routes as they are registered (so the hook must be added
 * before them): a path that exists answers another method with 405 and `Allow`, not 404. Only
 * `/api/` routes without wildcards count; the workspace's `GET /*` fallback would match anything.
 */
function apiMethods(app: FastifyInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  const segment = (s: string) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') || r.url.includes('*')) return;
    routes.push({ pattern: new RegExp(`^${r.url.split('/').map(segment).join('/')}$`), methods: [r.method].flat() });
  });
  return (path) => {
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** Fastify's router errors (undecodable URL, a path parameter past maxParamLength) as problem JSON, not Fastify's own body. */
export function frameworkErrorProblem(err: FastifyError, _req: unknown, reply: FastifyReply): void {
  sendProblem(reply, problem('invalid_request', err.message));
}
