import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { openDownload } from '../../services/files.service.js';
import { consumerOf, userOf } from '../auth.js';
import { sendDownload } from '../uploads.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

const LinkQuery = z.strictObject({
  exp: z.coerce.number().int().min(0).max(99_999_999_999).optional().describe('signed link: expiry, epoch seconds'),
  sig: z.string().min(1).max(128).optional().describe('signed link: signature'),
});

const description =
  'The bytes of an uploaded file, with its real Content-Type, `X-Content-Type-Options: nosniff`, ' +
  "`Content-Security-Policy: default-src 'none'; sandbox`, and `Content-Disposition: attachment` unless it is an image (inline).";

export function filesRoutes(app: ZApp, { deps, guards }: RouteContext): void {
  /** A signed link (`?exp=…&sig=…`, as in Message.file.url) needs no token; without one, a user token is required. */
  const linkOrUser = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Record<string, unknown> | undefined;
    if (q && typeof q.sig === 'string' && q.exp !== undefined) return;
    await guards.scopedUser('conversations:read')(req, reply);
  };

  app.get(
    '/api/v1/files/:id',
    {
      config: { access: 'file' },
      onRequest: linkOrUser,
      schema: {
        tags: ['files'],
        summary: 'Download a file (signed link from Message.file.url, or a user token: its agents and managers)',
        description,
        security: bearerAuth,
        params: IdParams,
        querystring: LinkQuery,
      },
    },
    async (req, reply) => {
      const { exp, sig } = req.query;
      const by = exp !== undefined && sig !== undefined ? { link: { exp, sig } } : { principal: userOf(req) };
      return sendDownload(reply, await openDownload(deps, req.params.id, by));
    },
  );

  app.get(
    '/api/v1/consumer/files/:id',
    {
      config: { access: 'consumer' },
      schema: {
        tags: ['consumer'],
        summary: 'Download a file of one of my conversations (consumer token)',
        description,
        security: bearerAuth,
        params: IdParams,
      },
    },
    async (req, reply) => sendDownload(reply, await openDownload(deps, req.params.id, { principal: consumerOf(req) })),
  );
}
