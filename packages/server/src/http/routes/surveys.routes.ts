import { SubmitSurveyRequest, SurveyView } from '@parley/contract';
import { getSurvey, submitSurvey } from '../../services/surveys.service.js';
import { consumerOf } from '../auth.js';
import { bearerAuth, IdParams, type RouteContext, type ZApp } from './types.js';

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
