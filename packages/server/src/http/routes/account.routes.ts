import { AccountSettings, AccountSettingsPatch, IdentitySecret } from '@parley/contract';
import { getIdentitySecret, getSettings, patchSettings, rotateIdentitySecret } from '../../services/accounts.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

export function accountRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['account (manager)'];
  app.get(
    '/api/v1/account/settings',
    { config: { access: 'manager' }, schema: { tags, security: bearerAuth, response: { 200: AccountSettings } } },
    async (req) => getSettings(deps, userOf(req).accountId),
  );
  app.patch(
    '/api/v1/account/settings',
    { config: { access: 'manager' }, schema: { tags, security: bearerAuth, body: AccountSettingsPatch, response: { 200: AccountSettings } } },
    async (req) => patchSettings(deps, userOf(req).accountId, req.body, actorOf(req)),
  );
  app.get(
    '/api/v1/account/identity-secret',
    {
      config: { access: 'manager' },
      schema: { tags, security: bearerAuth, summary: 'The secret that signs web consumer identity tokens', response: { 200: IdentitySecret } },
    },
    async (req) => getIdentitySecret(deps, userOf(req).accountId),
  );
  app.post(
    '/api/v1/account/identity-secret/rotate',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Replace the identity secret (tokens signed with the old one are refused)',
        response: { 200: IdentitySecret },
      },
    },
    async (req) => rotateIdentitySecret(deps, userOf(req).accountId, actorOf(req)),
  );
}
