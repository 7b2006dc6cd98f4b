import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/audit.service.js';

/**
 * The audit actor of a request: the signed-in user, or the API key (`api_key`, its id), and the client address as PARLEY_TRUST_PROXY derives it (`req.ip`).
 */
export function actorOf(req: FastifyRequest): Actor {
  if (req.bot) return { actorType: 'api_key', actorId: req.bot.keyId, ip: req.ip ?? null };
  const u = req.user;
  if (u?.apiKey) return { actorType: 'api_key', actorId: u.apiKey.id, ip: req.ip ?? null };
  return { actorType: 'user', actorId: u?.userId ?? null, ip: req.ip ?? null };
}
