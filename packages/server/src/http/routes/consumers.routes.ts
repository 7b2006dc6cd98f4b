import { ConsumerExport, ConsumerSearchItem, ErasureAccepted } from '@parley/contract';
import { z } from 'zod';
import { eraseConsumer, exportConsumer, findConsumers } from '../../services/consumer-data.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

/** The consumer search ends at `[createdAt (ms), id]`, newest first. */
const ConsumerPosition = z.tuple([cursorPart.int, cursorPart.string]);

/** Consumer data rights (manager): find, export, erase (API.md "Enterprise controls"; services/consumer-data.service.ts). */
export function consumersRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['consumers (manager)'];
  const security = bearerAuth;
  app.get(
    '/api/v1/consumers',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Find consumers by name, identity (brand id, phone number, page-scoped id) or id; newest first',
        querystring: z.strictObject({ q: z.string().max(200).optional(), ...pageQuery(ConsumerPosition, { defaultLimit: 50 }) }),
        response: { 200: Page(ConsumerSearchItem) },
      },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const { rows } = await findConsumers(deps, userOf(req).accountId, q, { limit, after: cursor });
      return keysetPage(
        rows,
        limit,
        (r) => r.position,
        ({ position: _p, ...item }) => item,
      );
    },
  );
  app.get(
    '/api/v1/consumers/:id/export',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Everything held about a consumer (JSON): their record, conversations with messages and survey answers, files with download links',
        params: IdParams,
        response: { 200: ConsumerExport },
      },
    },
    async (req, reply) => {
      const out = await exportConsumer(deps, userOf(req).accountId, req.params.id, actorOf(req));
      reply.header('content-disposition', `attachment; filename="consumer-${req.params.id.replace(/[^A-Za-z0-9_-]/g, '_')}.json"`);
      return out;
    },
  );
  app.post(
    '/api/v1/consumers/:id/erase',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security,
        summary: 'Erase a consumer: message texts read [erased], files and custom variables go, the name becomes Erased consumer; again: nothing more',
        params: IdParams,
        response: { 202: ErasureAccepted },
      },
    },
    async (req, reply) => reply.code(202).send(await eraseConsumer(deps, userOf(req).accountId, req.params.id, actorOf(req))),
  );
}
