import {
  ChannelTemplate,
  CreateChannelRequest,
  CreateChannelTemplateRequest,
  Message,
  MessagingChannel,
  MessagingChannelWithSecret,
  RotateChannelSecretRequest,
  UpdateChannelRequest,
} from '@parley/contract';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  answerChallenge,
  conversationTemplates,
  createChannel,
  createChannelTemplate,
  getChannel,
  listAccountChannels,
  listChannelTemplates,
  receiveInbound,
  removeChannelTemplate,
  rotateChannelSecret,
  updateChannel,
} from '../../services/channels.service.js';
import { retryDelivery } from '../../services/outbound.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { baseUrlOf } from '../base-url.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Channels, oldest first: the position is `[createdAt (ms), id]`. */
const ChannelPosition = z.tuple([cursorPart.int, cursorPart.string]);
/** Templates by name, then language. */
const TemplatePosition = z.tuple([cursorPart.string, cursorPart.string]);
const TemplateParams = z.strictObject({ id: IdParams.shape.id, templateId: IdParams.shape.id });
const MessageParams = z.strictObject({ id: IdParams.shape.id, messageId: IdParams.shape.id });

export interface ChannelRoutesOptions {
  /** The public base URL providers call (PARLEY_PUBLIC_URL); else taken from the request. */
  publicUrl?: string | undefined;
}

export function channelsRoutes(app: ZApp, { deps }: RouteContext, opts: ChannelRoutesOptions = {}): void {
  const tags = ['channels (manager)'];
  const security = bearerAuth;
  const base = (req: FastifyRequest) => baseUrlOf(req, opts.publicUrl);

  app.get(
    '/api/v1/channels',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Channels, oldest first',
        querystring: z.strictObject(pageQuery(ChannelPosition)),
        response: { 200: Page(MessagingChannel) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const channels = await listAccountChannels(deps, userOf(req).accountId, base(req), { after: cursor, limit: limit + 1 });
      return keysetPage(channels, limit, (c) => [Date.parse(c.createdAt), c.id]);
    },
  );
  app.post(
    '/api/v1/channels',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Create an SMS, Messenger, WhatsApp, Instagram, Telegram or webhook channel; the answer carries its secret, shown only here',
        body: CreateChannelRequest,
        response: { 201: MessagingChannelWithSecret },
      },
    },
    async (req, reply) => reply.code(201).send(await createChannel(deps, userOf(req).accountId, req.body, base(req), actorOf(req))),
  );
  app.get(
    '/api/v1/channels/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 200: MessagingChannel } } },
    async (req) => getChannel(deps, userOf(req).accountId, req.params.id, base(req)),
  );
  app.patch(
    '/api/v1/channels/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateChannelRequest, response: { 200: MessagingChannel } } },
    async (req) => updateChannel(deps, userOf(req).accountId, req.params.id, req.body, base(req), actorOf(req)),
  );
  app.post(
    '/api/v1/channels/:id/rotate-secret',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Replace the channel secret (random, or the given one); the new secret is shown only here',
        params: IdParams,
        body: RotateChannelSecretRequest.default({}),
        response: { 200: MessagingChannelWithSecret },
      },
    },
    async (req) => rotateChannelSecret(deps, userOf(req).accountId, req.params.id, req.body ?? {}, base(req), actorOf(req)),
  );

  app.get(
    '/api/v1/channels/:id/templates',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: "A WhatsApp channel's approved message templates, by name then language",
        params: IdParams,
        querystring: z.strictObject(pageQuery(TemplatePosition)),
        response: { 200: Page(ChannelTemplate) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const items = await listChannelTemplates(deps, userOf(req).accountId, req.params.id, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (t) => [t.name, t.language]);
    },
  );
  app.post(
    '/api/v1/channels/:id/templates',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Add a template approved in the WhatsApp Manager: its name, language and number of body parameters',
        params: IdParams,
        body: CreateChannelTemplateRequest,
        response: { 201: ChannelTemplate },
      },
    },
    async (req, reply) => reply.code(201).send(await createChannelTemplate(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req))),
  );
  app.delete(
    '/api/v1/channels/:id/templates/:templateId',
    { config: { access: 'manager' }, schema: { tags, security, params: TemplateParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeChannelTemplate(deps, userOf(req).accountId, req.params.id, req.params.templateId, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/conversations/:id/templates',
    {
      config: { access: 'conversation:read' },
      schema: {
        tags: ['conversations'],
        security,
        summary: "The templates the composer may offer: the approved templates of the conversation's WhatsApp channel (empty for other channels)",
        params: IdParams,
        querystring: z.strictObject(pageQuery(TemplatePosition)),
        response: { 200: Page(ChannelTemplate) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const items = await conversationTemplates(deps, userOf(req), req.params.id, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (t) => [t.name, t.language]);
    },
  );
  app.post(
    '/api/v1/conversations/:id/messages/:messageId/retry',
    {
      config: { access: 'conversation:act' },
      schema: {
        tags: ['conversations'],
        security,
        summary: 'Send a message whose delivery failed again (its delivery is queued anew)',
        params: MessageParams,
        response: { 202: Message },
      },
    },
    async (req, reply) => reply.code(202).send(await retryDelivery(deps, userOf(req), req.params.id, req.params.messageId, actorOf(req))),
  );

  // Provider webhooks. Signatures are over the raw body, so this scope keeps the bytes: JSON and
  // form bodies arrive as a Buffer and the channel adapter parses them after verifying.
  app.register(async (scoped) => {
    const hooks = scoped.withTypeProvider<ZodTypeProvider>();
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const inboundTags = ['channels (provider webhooks)'];
    hooks.post(
      '/api/v1/channels/:id/inbound',
      {
        config: { access: 'provider' },
        schema: {
          tags: inboundTags,
          summary:
            'Inbound provider webhook: Twilio form (sms), Messenger Platform JSON (messenger, instagram), WhatsApp Cloud API JSON (whatsapp), Telegram Update (telegram) or Parley JSON (webhook), signed',
          params: IdParams,
        },
      },
      async (req, reply) => {
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const answer = await receiveInbound(deps, req.params.id, { url: `${base(req)}${req.url}`, headers: req.headers, rawBody });
        return reply.code(200).type(answer.contentType).send(answer.body);
      },
    );
    hooks.get(
      '/api/v1/channels/:id/inbound',
      {
        config: { access: 'provider' },
        schema: {
          tags: inboundTags,
          summary: "Meta's webhook verification (Messenger, Instagram, WhatsApp): answers hub.challenge when hub.verify_token matches",
          params: IdParams,
          querystring: z.object({
            'hub.mode': z.string().max(100).optional(),
            'hub.verify_token': z.string().max(500).optional(),
            'hub.challenge': z.string().max(500).optional(),
          }),
        },
      },
      async (req, reply) => reply.type('text/plain; charset=utf-8').send(await answerChallenge(deps, req.params.id, req.query)),
    );
  });
}
