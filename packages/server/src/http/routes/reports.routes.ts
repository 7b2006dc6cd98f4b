import { DailyReport, LiveReport } from '@parley/contract';
import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import { conversationsCsv, dailyReport, liveReport } from '../../services/reports.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { OffsetPosition, offsetPage, pageQuery } from '../pagination.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** Manager reports behind the console's dashboard (docs/console.md). Days are UTC. */
export function reportsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['reports (manager)'];
  const security = bearerAuth;
  app.get(
    '/api/v1/reports/live',
    {
      config: { access: 'manager', scope: 'reports:read' },
      schema: { tags, security, summary: 'Queues, agents, SLA and CSAT now', response: { 200: LiveReport } },
    },
    async (req) => liveReport(deps, userOf(req).accountId),
  );
  app.get(
    '/api/v1/reports/daily',
    {
      config: { access: 'manager', scope: 'reports:read' },
      schema: {
        tags,
        security,
        summary: 'Per hour of a UTC day: arrivals, first response, SLA',
        querystring: z.strictObject({ date: date.optional(), ...pageQuery(OffsetPosition) }),
        response: { 200: DailyReport },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const report = await dailyReport(deps, userOf(req).accountId, req.query.date ?? new Date(deps.clock.now()).toISOString().slice(0, 10));
      const page = offsetPage(report.hours, limit, cursor);
      return { ...report, ...page, hours: page.items };
    },
  );
  app.get(
    '/api/v1/reports/conversations.csv',
    {
      config: { access: 'manager', scope: 'reports:read' },
      schema: {
        tags,
        security,
        summary: 'One row per conversation created in [from, to) (dates or ISO times), with survey answers',
        querystring: z.strictObject({ from: z.string().min(10).max(40), to: z.string().min(10).max(40) }),
      },
    },
    async (req, reply) => {
      const from = Date.parse(req.query.from);
      const to = Date.parse(req.query.to);
      if (Number.isNaN(from)) throw invalid('from must be a date or ISO time', 'from');
      if (Number.isNaN(to) || to <= from) throw invalid('to must be a date or ISO time after from', 'to');
      if (to - from > 400 * 24 * 3600_000) throw invalid('at most 400 days at a time', 'to');
      const csv = await conversationsCsv(deps, userOf(req).accountId, from, to, actorOf(req));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="conversations-${req.query.from.slice(0, 10)}.csv"`)
        .send(csv);
    },
  );
}
