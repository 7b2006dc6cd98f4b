import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/audit.service.js';

/**
 * The audit actor of a request: the signed-in user (API keys, when they exist, become
 * `api_key`), and the client address as PARLEY_TRUST_PROXY derives it (`req.ip`).
 */
export function actorOf(req: FastifyRequest): Actor {
  const u = req.user;
  return { actorType: 'user', actorId: u?.userId ?? null, ip: req.ip ?? null };
}
