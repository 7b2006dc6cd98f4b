import { CreateWebhookRequest, RotateWebhookSecretRequest, UpdateWebhookRequest, Webhook, WebhookDelivery, WebhookWithSecret } from '@parley/contract';
import { z } from 'zod';
import {
  createWebhook,
  getWebhook,
  listAccountWebhooks,
  listDeliveries,
  patchWebhook,
  redeliver,
  removeWebhook,
  rotateWebhookSecret,
  toWireDelivery,
  toWireWebhook,
} from '../../services/webhooks.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Newest first: the position is `[createdAt (epoch ms), id]`. */
const Position = z.tuple([cursorPart.int, cursorPart.string]);
const DeliveryParams = z.strictObject({ id: z.string().min(1).max(100), deliveryId: z.string().min(1).max(100) });

/** Outbound webhooks (managers, or an API key with `webhooks:manage`). */
export function webhooksRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['webhooks (manager)'];
  const config = { access: 'manager', scope: 'webhooks:manage' } as const;
  const security = bearerAuth;
  app.get(
    '/api/v1/webhooks',
    {
      config,
      schema: { tags, security, summary: 'Webhooks, newest first', querystring: z.strictObject(pageQuery(Position)), response: { 200: Page(Webhook) } },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listAccountWebhooks(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      const now = deps.clock.now();
      return keysetPage(
        rows,
        limit,
        (w) => [w.createdAt, w.id],
        (w) => toWireWebhook(w, now),
      );
    },
  );
  app.post(
    '/api/v1/webhooks',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Add a webhook: the signing secret (whsec_…) is in this answer only',
        description: 'The URL is checked by the outbound address policy (400 `outbound_address_refused`).',
        body: CreateWebhookRequest,
        response: { 201: WebhookWithSecret },
      },
    },
    async (req, reply) => reply.code(201).send(await createWebhook(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.get('/api/v1/webhooks/:id', { config, schema: { tags, security, params: IdParams, response: { 200: Webhook } } }, async (req) =>
    toWireWebhook(await getWebhook(deps, userOf(req).accountId, req.params.id), deps.clock.now()),
  );
  app.patch(
    '/api/v1/webhooks/:id',
    { config, schema: { tags, security, params: IdParams, body: UpdateWebhookRequest, response: { 200: Webhook } } },
    async (req) => patchWebhook(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete('/api/v1/webhooks/:id', { config, schema: { tags, security, params: IdParams, response: { 204: NoContent } } }, async (req, reply) => {
    await removeWebhook(deps, userOf(req).accountId, req.params.id, actorOf(req));
    return reply.code(204).send(null);
  });
  app.post(
    '/api/v1/webhooks/:id/rotate-secret',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'A new signing secret; the old one signs too for graceSec (two signatures)',
        params: IdParams,
        body: RotateWebhookSecretRequest,
        response: { 200: WebhookWithSecret },
      },
    },
    async (req) => rotateWebhookSecret(deps, userOf(req).accountId, req.params.id, req.body.graceSec, actorOf(req)),
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'The delivery log, newest first: status, attempts, last response code',
        params: IdParams,
        querystring: z.strictObject(pageQuery(Position)),
        response: { 200: Page(WebhookDelivery) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listDeliveries(deps, userOf(req).accountId, req.params.id, { after: cursor, limit: limit + 1 });
      return keysetPage(rows, limit, (j) => [j.createdAt, j.id], toWireDelivery);
    },
  );
  app.post(
    '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    { config, schema: { tags, security, summary: 'Send a delivery again (same webhook-id)', params: DeliveryParams, response: { 200: WebhookDelivery } } },
    async (req) => redeliver(deps, userOf(req).accountId, req.params.id, req.params.deliveryId, actorOf(req)),
  );
}
