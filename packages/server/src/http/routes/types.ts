import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../services/context.js';
import type { Guards } from '../auth.js';

export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface RouteContext {
  deps: Deps;
  guards: Guards;
  loginRateLimitPerMinute: number;
}

export const IdParams = z.strictObject({ id: z.string().min(1).max(100) });
export const Problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), code: z.string() });
export const NoContent = z.null().describe('No content');
export const bearerAuth = [{ bearerAuth: [] }];
