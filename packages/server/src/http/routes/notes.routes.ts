import { CreateNoteRequest, Note, Notification } from '@parley/contract';
import { z } from 'zod';
import { addNote, listNotes, listNotifications, markNotificationRead } from '../../services/notes.service.js';
import { userOf } from '../auth.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, WholeList, wholeList, type ZApp } from './types.js';

export function notesRoutes(app: ZApp, { deps }: RouteContext): void {
  const security = bearerAuth;
  app.post(
    '/api/v1/conversations/:id/notes',
    {
      config: { access: 'conversation:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Internal note; @username mentions notify',
        security,
        params: IdParams,
        body: CreateNoteRequest,
        response: { 201: Note },
      },
    },
    async (req, reply) => reply.code(201).send(await addNote(deps, userOf(req), req.params.id, req.body.text)),
  );
  app.get(
    '/api/v1/conversations/:id/notes',
    { config: { access: 'conversation:read' }, schema: { tags: ['conversations'], security, params: IdParams, response: { 200: WholeList(Note) } } },
    async (req) => wholeList(await listNotes(deps, userOf(req), req.params.id)),
  );
  app.get(
    '/api/v1/me/notifications',
    {
      config: { access: 'user' },
      schema: {
        tags: ['me'],
        security,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: WholeList(Notification).extend({ unread: z.number() }) },
      },
    },
    async (req) => ({ ...(await listNotifications(deps, userOf(req), req.query.limit)), nextCursor: null }),
  );
  app.post(
    '/api/v1/me/notifications/:id/read',
    { config: { access: 'user' }, schema: { tags: ['me'], security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await markNotificationRead(deps, userOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
