import { Bot, CreateBotRequest, CreatedBot, EscalateRequest, EscalateResult, UpdateBotRequest } from '@parley/contract';
import { z } from 'zod';
import { createBot, escalateConversation, getBot, listAccountBots, patchBot, removeBot, toWireBot } from '../../services/bots.service.js';
import { actorOf } from '../actor.js';
import { userOf, userOrBotOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Newest first: the position is `[createdAt (epoch ms), id]`. */
const Position = z.tuple([cursorPart.int, cursorPart.string]);

/** Bots (managers, or an API key with `bots`), and the hand-over a bot (its own key) or a user asks for. */
export function botsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['bots (manager)'];
  const config = { access: 'manager', scope: 'bots' } as const;
  const security = bearerAuth;
  app.get(
    '/api/v1/bots',
    { config, schema: { tags, security, summary: 'Bots, newest first', querystring: z.strictObject(pageQuery(Position)), response: { 200: Page(Bot) } } },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listAccountBots(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(rows, limit, (b) => [b.createdAt, b.id], toWireBot);
    },
  );
  app.post(
    '/api/v1/bots',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Register a bot for skills: its key and its signing secret are in this answer only',
        description:
          'New conversations of these skills go to the bot first: each consumer message is POSTed to `url` as a Standard Webhooks delivery ' +
          '(`type: "bot.message"`), signed with `secret`. The bot answers with `key` through `POST /api/v1/conversations/{id}/messages` ' +
          'and hands over with `POST /api/v1/conversations/{id}/escalate`. A skill belongs to one bot at most (409). The URL is checked by the outbound address policy.',
        body: CreateBotRequest,
        response: { 201: CreatedBot },
      },
    },
    async (req, reply) => reply.code(201).send(await createBot(deps, userOf(req), req.body, actorOf(req))),
  );
  app.get('/api/v1/bots/:id', { config, schema: { tags, security, params: IdParams, response: { 200: Bot } } }, async (req) =>
    toWireBot(await getBot(deps, userOf(req).accountId, req.params.id)),
  );
  app.patch(
    '/api/v1/bots/:id',
    { config, schema: { tags, security, summary: 'Change name, URL, skills or reply time', params: IdParams, body: UpdateBotRequest, response: { 200: Bot } } },
    async (req) => patchBot(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/bots/:id',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Delete a bot: its key stops, and the conversations it has escalate to agents',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await removeBot(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/conversations/:id/escalate',
    {
      config: { access: 'conversation:act', bot: true },
      schema: {
        tags: ['conversations'],
        security,
        summary: 'Hand a conversation over from its bot to the agents: a skill (default: its own) or an agent, with a note for them',
        description:
          "The conversation queues like a transfer; the bot's messages stay in the transcript and the note is an internal note. 409 when no bot has it.",
        params: IdParams,
        body: EscalateRequest.default({}),
        response: { 200: EscalateResult },
      },
    },
    async (req) => escalateConversation(deps, userOrBotOf(req), req.params.id, req.body ?? {}, actorOf(req)),
  );
}
