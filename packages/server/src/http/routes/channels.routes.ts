import { CreateChannelRequest, MessagingChannel, MessagingChannelWithSecret, RotateChannelSecretRequest, UpdateChannelRequest } from '@parley/contract';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  answerChallenge,
  createChannel,
  getChannel,
  listAccountChannels,
  receiveInbound,
  rotateChannelSecret,
  updateChannel,
} from '../../services/channels.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { baseUrlOf } from '../base-url.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

/** Channels, oldest first: the position is `[createdAt (ms), id]`. */
const ChannelPosition = z.tuple([cursorPart.int, cursorPart.string]);

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
        summary: 'Create an SMS, Messenger or webhook channel; the answer carries its secret, shown only here',
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
          summary: 'Inbound provider webhook: Twilio form (sms), Messenger Platform JSON (messenger) or Parley JSON (webhook), signed',
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
          summary: "Messenger's webhook verification: answers hub.challenge when hub.verify_token matches",
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
