import { CreateUserRequest, SetStatusRequest, UpdateUserRequest, User } from '@parley/contract';
import { z } from 'zod';
import { handover } from '../../services/handover.service.js';
import { createUser, getUser, listAccountUsers, patchUser, setStatus } from '../../services/users.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

/** Users by username: the position is `[username, id]`. */
const UserPosition = z.tuple([cursorPart.string, cursorPart.string]);

export function usersRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['users (manager)'];
  app.get(
    '/api/v1/users',
    {
      config: { access: 'manager', scope: 'users:manage' },
      schema: { tags, security: bearerAuth, summary: 'Users by username', querystring: z.strictObject(pageQuery(UserPosition)), response: { 200: Page(User) } },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const users = await listAccountUsers(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(users, limit, (u) => [u.username, u.id]);
    },
  );
  app.post(
    '/api/v1/users',
    { config: { access: 'manager', scope: 'users:manage' }, schema: { tags, security: bearerAuth, body: CreateUserRequest, response: { 201: User } } },
    async (req, reply) => reply.code(201).send(await createUser(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'manager', scope: 'users:manage' },
      schema: { tags, security: bearerAuth, params: IdParams, body: UpdateUserRequest, response: { 200: User } },
    },
    async (req) => patchUser(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.put(
    '/api/v1/users/:id/status',
    {
      config: { access: 'manager', scope: 'users:manage' },
      schema: { tags, security: bearerAuth, params: IdParams, body: SetStatusRequest, response: { 200: User } },
    },
    async (req) => {
      const me = userOf(req);
      await getUser(deps, me.accountId, req.params.id);
      const user = await setStatus(deps, me.accountId, req.params.id, req.body.status, actorOf(req));
      if (req.body.handover) await handover(deps, me.accountId, req.params.id);
      return user;
    },
  );
}
