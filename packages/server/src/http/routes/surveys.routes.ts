import { SurveyView } from '@parley/contract';
import { z } from 'zod';
import { getSurvey, submitSurvey } from '../../services/surveys.service.js';
import { consumerOf } from '../auth.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

/** Values are checked per question type by the survey rules (domain/surveys.ts), after the conversation is known to be the consumer's. */
const SubmitSurveyRequest = z.strictObject({
  answers: z
    .record(z.string().min(1).max(64), z.union([z.number(), z.string().max(10_000)]))
    .refine((a) => Object.keys(a).length <= 50, 'at most 50 answers')
    .describe('question id → value: csat an integer 1–5, nps an integer 0–10, text a string of at most 2000 characters, choice one of its choices'),
});

export function surveysRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['consumer'];
  const security = bearerAuth;
  app.get(
    '/api/v1/consumer/conversations/:id/survey',
    {
      config: { access: 'consumer' },
      schema: {
        tags,
        security,
        summary: 'The post-conversation survey sent for this conversation (404 when none was sent)',
        params: IdParams,
        response: { 200: SurveyView },
      },
    },
    async (req) => getSurvey(deps, consumerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/consumer/conversations/:id/survey',
    {
      config: { access: 'consumer' },
      schema: {
        tags,
        security,
        summary: 'Answer the post-conversation survey (409 when it was already answered, has expired or was withdrawn)',
        params: IdParams,
        body: SubmitSurveyRequest,
        response: { 200: SurveyView },
      },
    },
    async (req) => submitSurvey(deps, consumerOf(req), req.params.id, req.body.answers),
  );
}
