import {
  ActiveItem,
  ActiveListPage,
  CloseConversationBody,
  ConversationDetails,
  ConversationState,
  Directory,
  ListStatus,
  Message,
  SetSlaRequest,
  TransferRequest,
  TransferResult,
} from '@parley/contract';
import { z } from 'zod';
import { activeList, getConversationDetails, listAll, markRead, transcript, transcriptText } from '../../services/conversations.service.js';
import { directory } from '../../services/directory.service.js';
import { accept, closeByUser, decline, dismiss, resume, setManualSla, takeOver, transfer } from '../../services/lifecycle.service.js';
import { actorOf } from '../actor.js';
import { userOf, userOrBotOf } from '../auth.js';
import { cursorPart, keysetPage, OffsetPosition, offsetPage, Page, pageQuery } from '../pagination.js';
import { sendMessageRoute } from '../uploads.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** A transcript page ends at `[conversation createdAt (ms), conversation id, seq]` (the consumer's transcript too). */
export const TranscriptPosition = z.tuple([cursorPart.int, cursorPart.string, cursorPart.int]);
/** The All tab, newest first: `[createdAt (ms), id]`. */
const ConversationPosition = z.tuple([cursorPart.int, cursorPart.string]);
/** The directory: skills (0) by name, then agents (1) by username; then the id. */
const DirectoryPosition = z.tuple([z.union([z.literal(0), z.literal(1)]), cursorPart.string, cursorPart.string]);

const isoTime = z.iso.datetime({ offset: true });
/** `state=open` or a comma list (`state=open,queued,ringing`: what the supervision view watches). */
const stateList = z
  .string()
  .max(100)
  .transform((s, ctx) => {
    const parts = [...new Set(s.split(',').filter(Boolean))];
    const bad = parts.filter((p) => !ConversationState.safeParse(p).success);
    if (bad.length || !parts.length) {
      ctx.addIssue({ code: 'custom', message: bad.length ? `unknown state ${bad.join(', ')}` : 'give at least one state' });
      return z.NEVER;
    }
    return parts as ConversationState[];
  });
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
        summary: 'The Active list, sorted by urgency; counts ignore the filter (and the page)',
        description:
          "Computed and sorted in memory (it is bounded by the agent's capacity and the closed-retention window), then paged by offset: the default limit, 200, is the whole list for every agent in practice.",
        security,
        querystring: z.strictObject({ status: statusList.optional(), ...pageQuery(OffsetPosition) }),
        response: { 200: ActiveListPage },
      },
    },
    async (req) => {
      const { status, limit, cursor } = req.query;
      const { counts, items } = await activeList(deps, userOf(req), status);
      return { counts, ...offsetPage(items, limit, cursor) };
    },
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
      config: { access: 'user', scope: 'conversations:read' },
      schema: {
        tags,
        summary: 'The All tab and the supervision view: newest first, keyset-paginated; filters by state, agent, skill, label (managers see the whole account)',
        security,
        querystring: z.strictObject({
          from: isoTime.optional(),
          to: isoTime.optional(),
          q: z.string().max(200).optional(),
          state: stateList.optional(),
          agentId: z.string().min(1).max(100).optional(),
          skillId: z.string().min(1).max(100).optional(),
          label: z.string().min(1).max(100).optional(),
          ...pageQuery(ConversationPosition, { defaultLimit: 50 }),
        }),
        response: { 200: Page(ActiveItem) },
      },
    },
    async (req) => {
      const q = req.query;
      const items = await listAll(deps, userOf(req), {
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
        q: q.q,
        state: q.state,
        agentId: q.agentId,
        skillId: q.skillId,
        labelId: q.label,
        after: q.cursor,
        limit: q.limit + 1,
      });
      return keysetPage(items, q.limit, (i) => [Date.parse(i.createdAt), i.id]);
    },
  );
  app.get(
    '/api/v1/conversations/:id',
    { config: { access: 'conversation:read' }, schema: { tags, security, params: IdParams, response: { 200: ConversationDetails } } },
    async (req) => getConversationDetails(deps, userOf(req), req.params.id),
  );
  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversation:read', bot: true },
      schema: {
        tags,
        security,
        params: IdParams,
        summary: 'The transcript (earlier conversations first with includePrevious), keyset-paginated',
        querystring: z.strictObject({
          includePrevious: z.enum(['true', 'false']).optional(),
          after: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
          ...pageQuery(TranscriptPosition),
        }),
        response: { 200: Page(Message) },
      },
    },
    async (req) => {
      const { includePrevious, after, limit, cursor } = req.query;
      const rows = await transcript(deps, userOrBotOf(req), req.params.id, {
        includePrevious: includePrevious === 'true',
        after,
        page: { after: cursor, limit: limit + 1 },
      });
      return keysetPage(
        rows,
        limit,
        (r) => r.position,
        (r) => r.message,
      );
    },
  );
  app.get(
    '/api/v1/conversations/:id/transcript.txt',
    { config: { access: 'conversation:read' }, schema: { tags, security, params: IdParams } },
    async (req, reply) => reply.type('text/plain; charset=utf-8').send(await transcriptText(deps, userOf(req), req.params.id)),
  );
  sendMessageRoute(app, deps, {
    path: '/api/v1/conversations/:id/messages',
    access: 'conversation:act',
    // A bot's key answers in the conversations its bot has (shown as the bot's: senderType "bot").
    bot: true,
    principal: userOrBotOf,
    tags,
    summary: 'Send a message: text, or a file (multipart)',
  });
  app.post(
    '/api/v1/conversations/:id/close',
    {
      config: { access: 'conversation:act' },
      schema: {
        tags,
        security,
        summary: 'Close, with the wrap-up: dispositions (required when the skill says so) and a note',
        params: IdParams,
        body: CloseConversationBody,
        response: { 200: ActiveItem },
      },
    },
    async (req) => closeByUser(deps, userOf(req), req.params.id, req.body ?? {}),
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
        body: TransferRequest,
        response: { 200: TransferResult },
      },
    },
    async (req) => transfer(deps, userOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/conversations/:id/take-over',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Supervision: the manager takes the conversation over (it becomes theirs, open, whoever had it)',
        security,
        params: IdParams,
        response: { 200: ActiveItem },
      },
    },
    async (req) => takeOver(deps, userOf(req), req.params.id, actorOf(req)),
  );
  app.put(
    '/api/v1/conversations/:id/sla',
    {
      config: { access: 'conversation:act' },
      schema: { tags, summary: 'Set a manual SLA', security, params: IdParams, body: SetSlaRequest, response: { 200: ActiveItem } },
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
        summary: 'Skills and agents a conversation can be transferred to: skills by name, then agents by username',
        description: '`items` is the page, skills first; `skills` and `agents` are the same entries split by kind (as before pagination).',
        security,
        querystring: z.strictObject({ q: z.string().max(100).optional(), ...pageQuery(DirectoryPosition) }),
        response: { 200: Directory },
      },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const rows = await directory(deps, userOf(req), q, { after: cursor, limit: limit + 1 });
      const page = keysetPage(
        rows,
        limit,
        (r) => r.position,
        (r) => r.entry,
      );
      return {
        ...page,
        skills: page.items.flatMap((e) => (e.kind === 'skill' ? [e] : [])),
        agents: page.items.flatMap((e) => (e.kind === 'agent' ? [e] : [])),
      };
    },
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
