import { LoginRequest, LoginResponse } from '@parley/contract';
import { DomainError } from '../../domain/errors.js';
import { login, logout } from '../../services/auth.service.js';
import { signedOut } from '../../services/users.service.js';
import { userOf } from '../auth.js';
import { bearerAuth, NoContent, type RouteContext, type ZApp } from './types.js';

export function authRoutes(app: ZApp, { deps, loginRateLimitPerMinute }: RouteContext): void {
  app.post(
    '/api/v1/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in', body: LoginRequest, response: { 200: LoginResponse } },
      config: { access: 'public', rateLimit: { max: loginRateLimitPerMinute, timeWindow: 60_000 } },
    },
    async (req) => {
      // The workspace in a frame names the frame's account (`/?account=`): a page that account allowed
      // never gets a session of another account. Refused before the password is looked at or counted.
      const { frameAccountId, ...credentials } = req.body;
      if (frameAccountId !== undefined && frameAccountId !== credentials.accountId) {
        throw new DomainError(
          'forbidden',
          `this embedded workspace signs in to account ${frameAccountId} only; open Parley in its own tab for another account`,
        );
      }
      return login(deps, credentials, req.ip);
    },
  );
  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the token stops working; signed in nowhere else, the agent goes offline',
        security: bearerAuth,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const p = userOf(req);
      await logout(deps, p);
      await signedOut(deps, p.accountId, p.userId);
      return reply.code(204).send(null);
    },
  );
}
