import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { authenticateConsumer, authenticateUser } from '../services/auth.service.js';
import type { Deps } from '../services/context.js';
import type { ConsumerPrincipal, UserPrincipal } from '../services/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: UserPrincipal;
    consumer?: ConsumerPrincipal;
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** Route guards, used as `onRequest` hooks: they run before the body is even parsed. */
export function guards(deps: Deps) {
  const user = async (req: FastifyRequest, _reply: FastifyReply) => {
    const token = bearer(req);
    if (!token) throw new DomainError('unauthorized', 'missing bearer token');
    const p = await authenticateUser(deps, token);
    if (!p) throw new DomainError('unauthorized', 'invalid or expired token');
    req.user = p;
  };
  const manager = async (req: FastifyRequest, reply: FastifyReply) => {
    await user(req, reply);
    if (req.user?.role !== 'manager') throw new DomainError('forbidden', 'managers only');
  };
  const consumer = async (req: FastifyRequest, _reply: FastifyReply) => {
    const token = bearer(req);
    if (!token) throw new DomainError('unauthorized', 'missing consumer token');
    const p = await authenticateConsumer(deps, token);
    if (!p) throw new DomainError('unauthorized', 'invalid or expired consumer token');
    req.consumer = p;
  };
  return { user, manager, consumer };
}

export type Guards = ReturnType<typeof guards>;

export function userOf(req: FastifyRequest): UserPrincipal {
  if (!req.user) throw new DomainError('unauthorized', 'not signed in');
  return req.user;
}

export function consumerOf(req: FastifyRequest): ConsumerPrincipal {
  if (!req.consumer) throw new DomainError('unauthorized', 'no consumer session');
  return req.consumer;
}
