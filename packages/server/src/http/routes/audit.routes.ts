import { AuditEntry } from '@parley/contract';
import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import { auditCsv, listAudit, toWireAuditEntry } from '../../services/audit.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

/** The audit log newest first: the position is `[at (epoch ms), id]`. */
const AuditPosition = z.tuple([cursorPart.int, cursorPart.string]);

/** The filters both the list and the CSV take: `from` (inclusive) and `to` (exclusive) are dates or ISO times. */
const AuditFilters = {
  from: z.string().min(10).max(40).optional().describe('date or ISO time, inclusive'),
  to: z.string().min(10).max(40).optional().describe('date or ISO time, exclusive'),
  actorId: z.string().min(1).max(100).optional().describe('the user (or API key) who acted'),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_]+\.[a-z_]+$/, 'an action such as skill.created')
    .optional(),
};

function parseFilters(q: { from?: string | undefined; to?: string | undefined; actorId?: string | undefined; action?: string | undefined }) {
  const from = q.from === undefined ? undefined : Date.parse(q.from);
  const to = q.to === undefined ? undefined : Date.parse(q.to);
  if (from !== undefined && Number.isNaN(from)) throw invalid('from must be a date or ISO time', 'from');
  if (to !== undefined && Number.isNaN(to)) throw invalid('to must be a date or ISO time', 'to');
  if (from !== undefined && to !== undefined && to <= from) throw invalid('to must be after from', 'to');
  return { from, to, actorId: q.actorId, action: q.action };
}

export function auditRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['audit (manager)'];
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'The audit log, newest first (append-only: no API changes or deletes it)',
        querystring: z.strictObject({ ...AuditFilters, ...pageQuery(AuditPosition, { defaultLimit: 50 }) }),
        response: { 200: Page(AuditEntry) },
      },
    },
    async (req) => {
      const { limit, cursor, ...filters } = req.query;
      const rows = await listAudit(deps, userOf(req).accountId, { ...parseFilters(filters), after: cursor, limit: limit + 1 });
      return keysetPage(rows, limit, (e) => [e.at, e.id], toWireAuditEntry);
    },
  );
  app.get(
    '/api/v1/audit.csv',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'The audit log as CSV, newest first, with the same filters (the export is itself logged as report.exported)',
        querystring: z.strictObject(AuditFilters),
      },
    },
    async (req, reply) => {
      const filters = parseFilters(req.query);
      const csv = await auditCsv(deps, userOf(req).accountId, filters, actorOf(req));
      const day = new Date(deps.clock.now()).toISOString().slice(0, 10);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="audit-${day}.csv"`).send(csv);
    },
  );
}
