import type { ApiKeyScope } from '@parley/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { authenticateApiKey, createApiKeyLimiter, DEFAULT_API_KEY_RATE_PER_MINUTE, isApiKey } from '../services/api-keys.service.js';
import { authenticateConsumer, authenticateUser } from '../services/auth.service.js';
import type { Deps } from '../services/context.js';
import type { BotPrincipal, ConsumerPrincipal, UserPrincipal } from '../services/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserPrincipal;
    consumer?: ConsumerPrincipal;
    /** A bot's own key, on the routes that take bots (`config.bot`). */
    bot?: BotPrincipal;
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/**
 * Route guards, used as `onRequest` hooks: they run before the body is even parsed.
 *
 * A user guard takes a session token or an API key (`pk_…`). A key passes only where the route
 * names a scope (`scope`, from its declared access: http/access.ts) that the key holds — 403
 * otherwise — and within its rate (per key, per node). A bot's own key passes only on the routes
 * that take bots (`bot`, from `config.bot`), as the bot (`req.bot`); 403 everywhere else.
 */
export function guards(deps: Deps, opts: { apiKeyRatePerMinute?: number } = {}) {
  const limit = createApiKeyLimiter(opts.apiKeyRatePerMinute ?? DEFAULT_API_KEY_RATE_PER_MINUTE);
  const authenticate = async (req: FastifyRequest, scope: ApiKeyScope | undefined, bot = false) => {
    const token = bearer(req);
    if (!token) throw new DomainError('unauthorized', 'missing bearer token');
    if (isApiKey(token)) {
      const p = await authenticateApiKey(deps, token);
      if (p?.kind === 'bot') {
        if (!bot) throw new DomainError('forbidden', "a bot's key may only answer, escalate and read predefined content");
        limit(p.keyId, deps.clock.now());
        req.bot = p;
        return;
      }
      if (!p?.apiKey) throw new DomainError('unauthorized', 'invalid or revoked API key');
      if (!scope) throw new DomainError('forbidden', 'API keys may not call this route');
      if (!p.apiKey.scopes.includes(scope)) throw new DomainError('forbidden', `this API key lacks the scope ${scope}`);
      limit(p.apiKey.id, deps.clock.now());
      req.user = p;
      return;
    }
    const p = await authenticateUser(deps, token);
    if (!p) throw new DomainError('unauthorized', 'invalid or expired token');
    req.user = p;
  };
  /** Any signed-in user; an API key with `scope`; with `bot`, a bot's own key too. */
  const scopedUser =
    (scope?: ApiKeyScope, bot = false) =>
    async (req: FastifyRequest, _reply: FastifyReply) =>
      authenticate(req, scope, bot);
  /** Managers; an API key with `scope`. */
  const scopedManager = (scope?: ApiKeyScope) => async (req: FastifyRequest, _reply: FastifyReply) => {
    await authenticate(req, scope);
    if (req.user?.role !== 'manager') throw new DomainError('forbidden', 'managers only');
  };
  const user = scopedUser();
  const manager = scopedManager();
  const consumer = async (req: FastifyRequest, _reply: FastifyReply) => {
    const token = bearer(req);
    if (!token) throw new DomainError('unauthorized', 'missing consumer token');
    const p = await authenticateConsumer(deps, token);
    if (!p) throw new DomainError('unauthorized', 'invalid or expired consumer token');
    req.consumer = p;
  };
  return { user, manager, consumer, scopedUser, scopedManager };
}

export type Guards = ReturnType<typeof guards>;

export function userOf(req: FastifyRequest): UserPrincipal {
  if (!req.user) throw new DomainError('unauthorized', 'not signed in');
  return req.user;
}

/** The user, or the bot of a bot's key (routes with `config.bot`). */
export function userOrBotOf(req: FastifyRequest): UserPrincipal | BotPrincipal {
  return req.bot ?? userOf(req);
}

export function consumerOf(req: FastifyRequest): ConsumerPrincipal {
  if (!req.consumer) throw new DomainError('unauthorized', 'no consumer session');
  return req.consumer;
}
