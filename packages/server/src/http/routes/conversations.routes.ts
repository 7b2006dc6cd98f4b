import { ActiveItem, ListStatus, Message } from '@parley/contract';
import { z } from 'zod';
import { activeList, getConversationDetails, listAll, markRead, transcript, transcriptText } from '../../services/conversations.service.js';
import { directory } from '../../services/directory.service.js';
import { accept, closeByUser, decline, dismiss, resume, setManualSla, transfer } from '../../services/lifecycle.service.js';
import { userOf } from '../auth.js';
import { sendMessageRoute } from '../uploads.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, WholeList, wholeList, type ZApp } from './types.js';

const isoTime = z.iso.datetime({ offset: true });
const statusList = z
  .string()
  .max(100)
  .transform((s, ctx) => {
    const parts = s.split(',').filter(Boolean);
    const bad = parts.filter((p) => !ListStatus.safeParse(p).success);
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `unknown status ${bad.join(', ')}` });
      return z.NEVER;
    }
    return parts as ListStatus[];
  });

export function conversationsRoutes(app: ZApp, { deps }: RouteContext): void {
  const security = bearerAuth;
  app.get(
    '/api/v1/workspace/active',
    {
      config: { access: 'user' },
      schema: {
        tags: ['workspace'],
        summary: 'The Active list, sorted by urgency; counts ignore the filter',
        security,
        querystring: z.strictObject({ status: statusList.optional() }),
        response: {
          200: WholeList(ActiveItem).extend({ counts: z.object({ ongoing: z.number(), overdue: z.number(), idle: z.number(), closed: z.number() }) }),
        },
      },
    },
    async (req) => ({ ...(await activeList(deps, userOf(req), req.query.status)), nextCursor: null }),
  );
  app.delete(
    '/api/v1/workspace/active/:id',
    {
      config: { access: 'user' },
      schema: { tags: ['workspace'], summary: 'Dismiss a closed conversation', security, params: IdParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      await dismiss(deps, userOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  const tags = ['conversations'];
  app.get(
    '/api/v1/conversations',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The All tab: newest first, keyset-paginated',
        security,
        querystring: z.strictObject({
          from: isoTime.optional(),
          to: isoTime.optional(),
          q: z.string().max(200).optional(),
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(ActiveItem), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => {
      const q = req.query;
      return listAll(deps, userOf(req), {
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
        q: q.q,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  );
  app.get('/api/v1/conversations/:id', { config: { access: 'conversation:read' }, schema: { tags, security, params: IdParams } }, async (req) =>
    getConversationDetails(deps, userOf(req), req.params.id),
  );
  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversation:read' },
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: z.strictObject({
          includePrevious: z.enum(['true', 'false']).optional(),
          after: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
        }),
        response: { 200: WholeList(Message) },
      },
    },
    async (req) =>
      wholeList(await transcript(deps, userOf(req), req.params.id, { includePrevious: req.query.includePrevious === 'true', after: req.query.after })),
  );
  app.get(
    '/api/v1/conversations/:id/transcript.txt',
    { config: { access: 'conversation:read' }, schema: { tags, security, params: IdParams } },
    async (req, reply) => reply.type('text/plain; charset=utf-8').send(await transcriptText(deps, userOf(req), req.params.id)),
  );
  sendMessageRoute(app, deps, {
    path: '/api/v1/conversations/:id/messages',
    access: 'conversation:act',
    principal: userOf,
    tags,
    summary: 'Send a message: text, or a file (multipart)',
  });
  app.post(
    '/api/v1/conversations/:id/close',
    { config: { access: 'conversation:act' }, schema: { tags, security, params: IdParams, response: { 200: ActiveItem } } },
    async (req) => closeByUser(deps, userOf(req), req.params.id),
  );
  app.post(
    '/api/v1/conversations/:id/resume',
    {
      config: { access: 'conversation:act' },
      schema: { tags, summary: 'Reopen a closed conversation and take it', security, params: IdParams, response: { 200: ActiveItem } },
    },
    async (req) => resume(deps, userOf(req), req.params.id),
  );
  app.post(
    '/api/v1/conversations/:id/accept',
    {
      config: { access: 'conversation:act' },
      schema: { tags, summary: 'Accept a ringing conversation', security, params: IdParams, response: { 200: ActiveItem } },
    },
    async (req) => accept(deps, userOf(req), req.params.id),
  );
  app.post(
    '/api/v1/conversations/:id/decline',
    {
      config: { access: 'conversation:act' },
      schema: { tags, summary: 'Decline a ringing conversation', security, params: IdParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      await decline(deps, userOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/conversations/:id/transfer',
    {
      config: { access: 'conversation:act' },
      schema: {
        tags,
        summary: 'Transfer to a skill or an agent',
        security,
        params: IdParams,
        body: z.strictObject({ skillId: z.string().min(1).max(100).optional(), agentId: z.string().min(1).max(100).optional() }),
        response: { 200: z.object({ id: z.string(), state: z.string() }) },
      },
    },
    async (req) => transfer(deps, userOf(req), req.params.id, req.body),
  );
  app.put(
    '/api/v1/conversations/:id/sla',
    {
      config: { access: 'conversation:act' },
      schema: { tags, summary: 'Set a manual SLA', security, params: IdParams, body: z.strictObject({ dueAt: isoTime }), response: { 200: ActiveItem } },
    },
    async (req) => setManualSla(deps, userOf(req), req.params.id, Date.parse(req.body.dueAt)),
  );
  app.delete(
    '/api/v1/conversations/:id/sla',
    { config: { access: 'conversation:act' }, schema: { tags, summary: 'Clear the manual SLA', security, params: IdParams, response: { 200: ActiveItem } } },
    async (req) => setManualSla(deps, userOf(req), req.params.id, null),
  );
  app.get(
    '/api/v1/directory',
    {
      config: { access: 'user' },
      schema: {
        tags: ['workspace'],
        summary: 'Skills and agents a conversation can be transferred to',
        security,
        querystring: z.strictObject({ q: z.string().max(100).optional() }),
      },
    },
    async (req) => directory(deps, userOf(req), req.query.q),
  );
  app.post(
    '/api/v1/conversations/:id/read',
    { config: { access: 'conversation:act' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await markRead(deps, userOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
