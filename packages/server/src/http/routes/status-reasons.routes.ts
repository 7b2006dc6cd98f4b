import { AgentPerformanceRow, AgentStatesRow, CreateStatusReasonRequest, StatusReason, UpdateStatusReasonRequest } from '@parley/contract';
import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import { agentsReport } from '../../services/agent-performance.service.js';
import {
  agentStatesReport,
  createStatusReason,
  listAccountStatusReasons,
  patchStatusReason,
  removeStatusReason,
} from '../../services/status-reasons.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, OffsetPosition, offsetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

const ReasonPosition = z.tuple([cursorPart.string, cursorPart.string]);
const MAX_PERIOD_MS = 400 * 24 * 3600_000;

/** `from` and `to` of a report (dates or ISO times), checked: `to` after `from`, at most 400 days. */
export function reportPeriod(q: { from: string; to: string }): { from: number; to: number } {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (Number.isNaN(from)) throw invalid('from must be a date or ISO time', 'from');
  if (Number.isNaN(to) || to <= from) throw invalid('to must be a date or ISO time after from', 'to');
  if (to - from > MAX_PERIOD_MS) throw invalid('at most 400 days at a time', 'to');
  return { from, to };
}

export const PeriodQuery = { from: z.string().min(10).max(40), to: z.string().min(10).max(40) };

export function statusReasonsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['status reasons'];
  const security = bearerAuth;
  app.get(
    '/api/v1/status-reasons',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security,
        summary: 'Reasons under Away and Back soon, by name (every user: the status menu offers them)',
        querystring: z.strictObject(pageQuery(ReasonPosition)),
        response: { 200: Page(StatusReason) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const items = await listAccountStatusReasons(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (r) => [r.name, r.id]);
    },
  );
  app.post(
    '/api/v1/status-reasons',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateStatusReasonRequest, response: { 201: StatusReason } } },
    async (req, reply) => reply.code(201).send(await createStatusReason(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/status-reasons/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateStatusReasonRequest, response: { 200: StatusReason } } },
    async (req) => patchStatusReason(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/status-reasons/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeStatusReason(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/reports/agent-states',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports (manager)'],
        security,
        summary: 'Per agent: seconds in each status and status reason in [from, to), from the state-change log',
        querystring: z.strictObject({ ...PeriodQuery, ...pageQuery(OffsetPosition) }),
        response: { 200: Page(AgentStatesRow) },
      },
    },
    async (req) => {
      const { from, to } = reportPeriod(req.query);
      return offsetPage(await agentStatesReport(deps, userOf(req).accountId, from, to), req.query.limit, req.query.cursor);
    },
  );
  app.get(
    '/api/v1/reports/agents',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports (manager)'],
        security,
        summary: 'Per agent in [from, to): handled, closed, average handle time, average first response, CSAT, time online',
        querystring: z.strictObject({ ...PeriodQuery, ...pageQuery(OffsetPosition) }),
        response: { 200: Page(AgentPerformanceRow) },
      },
    },
    async (req) => {
      const { from, to } = reportPeriod(req.query);
      return offsetPage(await agentsReport(deps, userOf(req).accountId, from, to), req.query.limit, req.query.cursor);
    },
  );
}
