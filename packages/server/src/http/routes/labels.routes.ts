import { CreateLabelRequest, Label, LabelIds, SetLabelsRequest, UpdateLabelRequest } from '@parley/contract';
import { z } from 'zod';
import { createLabel, labelsReport, listAccountLabels, patchLabel, removeLabel, setLabels } from '../../services/labels.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, OffsetPosition, offsetPage, Page, pageQuery } from '../pagination.js';
import { PeriodQuery, reportPeriod } from './status-reasons.routes.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

const NamePosition = z.tuple([cursorPart.string, cursorPart.string]);

export function labelsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['labels'];
  const security = bearerAuth;
  app.get(
    '/api/v1/labels',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security,
        summary: 'Labels by name (every user: agents put them on conversations)',
        querystring: z.strictObject(pageQuery(NamePosition)),
        response: { 200: Page(Label) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const items = await listAccountLabels(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (l) => [l.name, l.id]);
    },
  );
  app.post(
    '/api/v1/labels',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateLabelRequest, response: { 201: Label } } },
    async (req, reply) => reply.code(201).send(await createLabel(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/labels/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateLabelRequest, response: { 200: Label } } },
    async (req) => patchLabel(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/labels/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeLabel(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/v1/conversations/:id/labels',
    {
      config: { access: 'conversation:act' },
      schema: {
        tags,
        security,
        summary: "Set the conversation's labels (the whole set)",
        params: IdParams,
        body: SetLabelsRequest,
        response: { 200: LabelIds },
      },
    },
    async (req) => setLabels(deps, userOf(req), req.params.id, req.body.labelIds),
  );
  app.get(
    '/api/v1/reports/labels',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports (manager)'],
        security,
        summary: 'Conversations created in [from, to) per label, most used first',
        querystring: z.strictObject({ ...PeriodQuery, ...pageQuery(OffsetPosition) }),
        response: { 200: Page(z.object({ labelId: z.string(), name: z.string(), color: z.string(), count: z.number().int() })) },
      },
    },
    async (req) => {
      const { from, to } = reportPeriod(req.query);
      return offsetPage(await labelsReport(deps, userOf(req).accountId, from, to), req.query.limit, req.query.cursor);
    },
  );
}
