import { AccountSettings, AccountSettingsPatch } from '@parley/contract';
import { getSettings, patchSettings } from '../../services/accounts.service.js';
import { userOf } from '../auth.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

export function accountRoutes(app: ZApp, { deps, guards }: RouteContext): void {
  const tags = ['account (manager)'];
  app.get('/api/v1/account/settings', { onRequest: guards.manager, schema: { tags, security: bearerAuth, response: { 200: AccountSettings } } }, async (req) =>
    getSettings(deps, userOf(req).accountId),
  );
  app.patch(
    '/api/v1/account/settings',
    { onRequest: guards.manager, schema: { tags, security: bearerAuth, body: AccountSettingsPatch, response: { 200: AccountSettings } } },
    async (req) => patchSettings(deps, userOf(req).accountId, req.body),
  );
}
