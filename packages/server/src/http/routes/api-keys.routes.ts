import { ApiKey, CreateApiKeyRequest, CreatedApiKey } from '@parley/contract';
import { z } from 'zod';
import { createApiKey, listAccountApiKeys, revokeAccountApiKey, toWireApiKey } from '../../services/api-keys.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Keys newest first: the position is `[createdAt (epoch ms), id]`. */
const ApiKeyPosition = z.tuple([cursorPart.int, cursorPart.string]);

/** API keys (managers; no API key may manage keys, whatever its scopes). */
export function apiKeysRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['API keys (manager)'];
  app.get(
    '/api/v1/api-keys',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'API keys, newest first (revoked ones too; never the key itself)',
        querystring: z.strictObject(pageQuery(ApiKeyPosition)),
        response: { 200: Page(ApiKey) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listAccountApiKeys(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(rows, limit, (k) => [k.createdAt, k.id], toWireApiKey);
    },
  );
  app.post(
    '/api/v1/api-keys',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Create an API key: the key is in this answer only (only its hash is kept)',
        description: 'Use it as `Authorization: Bearer <key>`: it acts for you, only on routes whose scope it holds (`x-scope`).',
        body: CreateApiKeyRequest,
        response: { 201: CreatedApiKey },
      },
    },
    async (req, reply) => reply.code(201).send(await createApiKey(deps, userOf(req), req.body, actorOf(req))),
  );
  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'manager' },
      schema: { tags, security: bearerAuth, summary: 'Revoke an API key (at once)', params: IdParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      await revokeAccountApiKey(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
}
