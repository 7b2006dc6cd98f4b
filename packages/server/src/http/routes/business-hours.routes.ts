import { Availability, BusinessHours } from '@parley/contract';
import { z } from 'zod';
import { getAvailability, getBusinessHours, putBusinessHours } from '../../services/business-hours.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

export function businessHoursRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['business hours'];
  app.get(
    '/api/v1/business-hours',
    {
      config: { access: 'manager' },
      schema: { tags, security: bearerAuth, summary: "The account's business hours (a skill may override them)", response: { 200: BusinessHours } },
    },
    async (req) => getBusinessHours(deps, userOf(req).accountId),
  );
  app.put(
    '/api/v1/business-hours',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Replace the business hours: SLA and auto-close clocks run only while open',
        body: BusinessHours,
        response: { 200: BusinessHours },
      },
    },
    async (req) => putBusinessHours(deps, userOf(req).accountId, req.body, actorOf(req)),
  );
  app.get(
    '/api/v1/consumer/availability',
    {
      config: { access: 'public' },
      schema: {
        tags: ['consumer'],
        summary: 'Whether the account (or a skill) is open now, and when it opens next (null while open)',
        querystring: z.strictObject({ accountId: z.string().min(1).max(100), skillId: z.string().min(1).max(100).optional() }),
        response: { 200: Availability },
      },
    },
    async (req) => getAvailability(deps, req.query.accountId, req.query.skillId),
  );
}
