import type { ApiKeyScope } from '@parley/contract';
import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import type { Guards } from './auth.js';

/**
 * Who may call a route, declared once next to the route as `config: { access }`. The guard that
 * enforces the kind of principal is derived from it (a route never names its guard itself), the
 * OpenAPI operation carries it as `x-access`, and the authorization matrix test
 * (test/api/authorization-matrix.test.ts) derives the expected answer of every principal from it.
 * A route under /api/ without a declared access fails at start-up.
 *
 * Finer rules (which conversation, which file) are the services' (`services/access.ts`); the
 * access level names which of them applies, so the matrix knows what to expect.
 */
export const ACCESS = {
  public: 'anyone; per account (the account id is part of the request)',
  provider: "a messaging provider: the channel's signature or verify token (no bearer token)",
  consumer: 'a consumer session; only its own conversations, files and surveys (others: 404)',
  user: 'any signed-in agent or manager of the account; only their own records',
  'conversation:read': 'a user who may see the conversation: its agent, an agent of its skill, or a manager (others: 404)',
  'conversation:act': 'the agent it is assigned to, or a manager (an agent of its skill: 403; others: 404)',
  file: 'a signed download link, or a user who may see the conversation of the file',
  manager: 'managers of the account (agents: 403)',
} as const;

export type Access = keyof typeof ACCESS;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (see ACCESS in http/access.ts). Required on every /api/ route. */
    access?: Access;
    /**
     * The API key scope that lets a key call this route. Conversation routes default to
     * `conversations:read` / `conversations:write` (see DEFAULT_SCOPE); any other route takes no
     * key unless it names a scope here.
     */
    scope?: ApiKeyScope;
    /**
     * A bot's own key may call this route too (API.md "Bots"), as the bot: on a conversation route
     * only in the conversations the bot has. Published as `x-bot`. Only `user` and conversation
     * routes may take bots.
     */
    bot?: boolean;
  }
}

/** The scope an API key needs on a route of this access when the route names none. */
const DEFAULT_SCOPE: Partial<Record<Access, ApiKeyScope>> = {
  'conversation:read': 'conversations:read',
  'conversation:act': 'conversations:write',
  file: 'conversations:read',
};

/** The scope an API key needs to call a route, or undefined when no key may (published as `x-scope`). */
export const scopeOf = (access: Access, scope: ApiKeyScope | undefined): ApiKeyScope | undefined => scope ?? DEFAULT_SCOPE[access];

/** Method + OpenAPI path (`/api/v1/conversations/{id}`) → declared access (and key scope), for the OpenAPI document. */
export type AccessRegistry = Map<string, { access: Access; scope: ApiKeyScope | undefined; bot: boolean }>;

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
export const accessKey = (method: string, url: string) => `${method.toUpperCase()} ${openApiPath(url)}`;

function guardFor(access: Access, guards: Guards, scope: ApiKeyScope | undefined, bot: boolean): onRequestHookHandler | undefined {
  switch (access) {
    case 'consumer':
      return guards.consumer;
    case 'user':
    case 'conversation:read':
    case 'conversation:act':
      return guards.scopedUser(scope, bot);
    case 'manager':
      return guards.scopedManager(scope);
    // public and provider routes need no token; a file route checks its link or token itself
    case 'public':
    case 'provider':
    case 'file':
      return undefined;
  }
}

/**
 * Every route added after this call: its declared access is checked (required under /api/), its
 * guard is put first among its onRequest hooks, and the declaration is recorded for OpenAPI.
 */
export function enforceDeclaredAccess(app: FastifyInstance, guards: Guards): AccessRegistry {
  const registry: AccessRegistry = new Map();
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (!route.url.startsWith('/api/')) return;
    if (!access || !(access in ACCESS)) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access, see http/access.ts)`);
    const scope = scopeOf(access, route.config?.scope);
    const bot = route.config?.bot === true;
    if (bot && !['user', 'conversation:read', 'conversation:act'].includes(access))
      throw new Error(`route ${String(route.method)} ${route.url}: only user and conversation routes take bots`);
    const guard = guardFor(access, guards, scope, bot);
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    if (guard && own.length) throw new Error(`route ${String(route.method)} ${route.url}: its guard comes from config.access; remove onRequest`);
    if (guard) route.onRequest = [guard];
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) {
      if (m !== 'HEAD' && m !== 'OPTIONS') registry.set(accessKey(m, route.url), { access, scope, bot });
    }
  });
  return registry;
}

/** Adds `x-access` and `x-scope` (and a line of the description) to each operation of the OpenAPI document. */
export function documentAccess(doc: Record<string, unknown>, registry: AccessRegistry): Record<string, unknown> {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const declared = registry.get(`${method.toUpperCase()} ${path}`);
      if (!declared) continue;
      const { access, scope, bot } = declared;
      op['x-access'] = access;
      if (scope) op['x-scope'] = scope;
      if (bot) op['x-bot'] = true;
      const line = `Access: \`${access}\` — ${ACCESS[access]}.${scope ? ` API keys: scope \`${scope}\`.` : ''}${bot ? " A bot's key too (in the conversations the bot has)." : ''}`;
      op.description = op.description ? `${String(op.description)}\n\n${line}` : line;
    }
  }
  return doc;
}
