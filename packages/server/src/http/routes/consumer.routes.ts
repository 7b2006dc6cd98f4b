import {
  ConsumerConversation,
  ConsumerConversationView,
  ConsumerHistory,
  ConsumerOpenConversationRequest,
  ConsumerSession,
  ConsumerSessionRequest,
  ConsumerSkill,
  Message,
} from '@parley/contract';
import { z } from 'zod';
import { consumerHistory, createConsumerSession } from '../../services/consumers.service.js';
import { getConsumerConversation, listConsumerMessages, openConversation } from '../../services/conversations.service.js';
import { closeByConsumer, markUrgent } from '../../services/lifecycle.service.js';
import { listAccountSkills } from '../../services/skills.service.js';
import { consumerOf } from '../auth.js';
import { keysetPage, Page, pageQuery } from '../pagination.js';
import { sendMessageRoute } from '../uploads.js';
import { TranscriptPosition } from './conversations.routes.js';
import { SkillPosition } from './skills.routes.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

export function consumerRoutes(app: ZApp, { deps }: RouteContext, limits: { sessionsPerMinute: number }): void {
  const tags = ['consumer'];
  const security = bearerAuth;
  app.post(
    '/api/v1/consumer/session',
    {
      schema: {
        tags,
        summary: 'Start a consumer session',
        body: ConsumerSessionRequest,
        response: { 201: ConsumerSession },
      },
      config: { access: 'public', rateLimit: { max: limits.sessionsPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => reply.code(201).send(await createConsumerSession(deps, req.body)),
  );
  app.get(
    '/api/v1/consumer/skills',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Skills a consumer can write to (public: for widgets offering a topic)',
        querystring: z.strictObject({ accountId: z.string().min(1).max(100), ...pageQuery(SkillPosition) }),
        response: { 200: Page(ConsumerSkill) },
      },
    },
    async (req) => {
      const { accountId, limit, cursor } = req.query;
      const skills = await listAccountSkills(deps, accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(
        skills,
        limit,
        (s) => [s.name, s.id],
        (s) => ({ id: s.id, name: s.name }),
      );
    },
  );
  app.get(
    '/api/v1/consumer/history',
    {
      config: { access: 'consumer' },
      schema: {
        tags,
        security,
        summary: "The consumer's own conversations (newest `limit`, oldest first) with their messages: earlier ones and the open one",
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
        response: { 200: ConsumerHistory },
      },
    },
    async (req) => consumerHistory(deps, consumerOf(req), req.query.limit),
  );
  app.post(
    '/api/v1/consumer/conversations',
    {
      config: { access: 'consumer' },
      schema: { tags, security, body: ConsumerOpenConversationRequest.default({}), response: { 200: ConsumerConversation, 201: ConsumerConversation } },
    },
    async (req, reply) => {
      const r = await openConversation(deps, consumerOf(req), req.body ?? {});
      return reply.code(r.created ? 201 : 200).send(r.conversation);
    },
  );
  app.get(
    '/api/v1/consumer/conversations/:id',
    {
      config: { access: 'consumer' },
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: ConsumerConversationView },
      },
    },
    async (req) => getConsumerConversation(deps, consumerOf(req), req.params.id),
  );
  app.get(
    '/api/v1/consumer/conversations/:id/messages',
    {
      config: { access: 'consumer' },
      schema: {
        tags,
        security,
        params: IdParams,
        summary: 'The transcript in seq order (after `after`, a seq), keyset-paginated',
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).max(2_147_483_647).default(0), ...pageQuery(TranscriptPosition) }),
        response: { 200: Page(Message) },
      },
    },
    async (req) => {
      const { after, limit, cursor } = req.query;
      const rows = await listConsumerMessages(deps, consumerOf(req), req.params.id, after, { after: cursor, limit: limit + 1 });
      return keysetPage(
        rows,
        limit,
        (r) => r.position,
        (r) => r.message,
      );
    },
  );
  app.post(
    '/api/v1/consumer/conversations/:id/urgent',
    { config: { access: 'consumer' }, schema: { tags, security, params: IdParams, response: { 200: ConsumerConversation } } },
    async (req) => markUrgent(deps, consumerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/consumer/conversations/:id/close',
    { config: { access: 'consumer' }, schema: { tags, security, params: IdParams, response: { 200: ConsumerConversation } } },
    async (req) => closeByConsumer(deps, consumerOf(req), req.params.id),
  );
  sendMessageRoute(app, deps, {
    path: '/api/v1/consumer/conversations/:id/messages',
    access: 'consumer',
    principal: consumerOf,
    tags,
    summary: 'Send a message: text, or a photo (multipart)',
  });
}
