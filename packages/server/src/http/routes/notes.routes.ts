import { CreateNoteRequest, Note, NotificationsPage } from '@parley/contract';
import { z } from 'zod';
import { addNote, listNotes, listNotifications, markNotificationRead } from '../../services/notes.service.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Notes (oldest first) and notifications (newest first) end at `[createdAt (ms), id]`. */
const TimePosition = z.tuple([cursorPart.int, cursorPart.string]);

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
    {
      config: { access: 'conversation:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Internal notes, oldest first',
        security,
        params: IdParams,
        querystring: z.strictObject(pageQuery(TimePosition)),
        response: { 200: Page(Note) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const notes = await listNotes(deps, userOf(req), req.params.id, { after: cursor, limit: limit + 1 });
      return keysetPage(notes, limit, (n) => [Date.parse(n.createdAt), n.id]);
    },
  );
  app.get(
    '/api/v1/me/notifications',
    {
      config: { access: 'user' },
      schema: {
        tags: ['me'],
        security,
        summary: 'My notifications, newest first; unread counts them all',
        querystring: z.strictObject(pageQuery(TimePosition, { defaultLimit: 50 })),
        response: { 200: NotificationsPage },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const { items, unread } = await listNotifications(deps, userOf(req), { after: cursor, limit: limit + 1 });
      return { unread, ...keysetPage(items, limit, (n) => [Date.parse(n.createdAt), n.id]) };
    },
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
