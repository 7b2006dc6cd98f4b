import { CreateDispositionRequest, Disposition, UpdateDispositionRequest } from '@parley/contract';
import { z } from 'zod';
import { createDisposition, dispositionsReport, listAccountDispositions, patchDisposition, removeDisposition } from '../../services/dispositions.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, OffsetPosition, offsetPage, Page, pageQuery } from '../pagination.js';
import { PeriodQuery, reportPeriod } from './status-reasons.routes.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

const NamePosition = z.tuple([cursorPart.string, cursorPart.string]);

export function dispositionsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['wrap-up'];
  const security = bearerAuth;
  app.get(
    '/api/v1/dispositions',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security,
        summary: 'Wrap-up dispositions by name (every user: the close dialog offers them)',
        querystring: z.strictObject(pageQuery(NamePosition)),
        response: { 200: Page(Disposition) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const items = await listAccountDispositions(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (d) => [d.name, d.id]);
    },
  );
  app.post(
    '/api/v1/dispositions',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateDispositionRequest, response: { 201: Disposition } } },
    async (req, reply) => reply.code(201).send(await createDisposition(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/dispositions/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateDispositionRequest, response: { 200: Disposition } } },
    async (req) => patchDisposition(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/dispositions/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeDisposition(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/reports/dispositions',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports (manager)'],
        security,
        summary: 'Closes in [from, to) per disposition, most used first',
        querystring: z.strictObject({ ...PeriodQuery, ...pageQuery(OffsetPosition) }),
        response: { 200: Page(z.object({ dispositionId: z.string(), name: z.string(), count: z.number().int() })) },
      },
    },
    async (req) => {
      const { from, to } = reportPeriod(req.query);
      return offsetPage(await dispositionsReport(deps, userOf(req).accountId, from, to), req.query.limit, req.query.cursor);
    },
  );
}
