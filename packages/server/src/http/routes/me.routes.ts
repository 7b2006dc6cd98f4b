import { HandoverResult, Kpis, SetMyStatusRequest, User, UserSettings } from '@parley/contract';
import { toWireUser } from '../../services/auth.service.js';
import { handover } from '../../services/handover.service.js';
import { myKpis } from '../../services/kpis.service.js';
import { currentStatusReasonId } from '../../services/status-reasons.service.js';
import { getMySettings, getUser, patchMySettings, setStatus } from '../../services/users.service.js';
import { userOf } from '../auth.js';
import { bearerAuth, type RouteContext, type ZApp } from './types.js';

export function meRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['me'];
  const security = bearerAuth;
  app.get('/api/v1/me', { config: { access: 'user' }, schema: { tags, security, response: { 200: User } } }, async (req) => {
    const me = userOf(req);
    const user = toWireUser(await getUser(deps, me.accountId, me.userId));
    return { ...user, statusReasonId: await currentStatusReasonId(deps, me.accountId, me.userId, user.status) };
  });
  app.put('/api/v1/me/status', { config: { access: 'user' }, schema: { tags, security, body: SetMyStatusRequest, response: { 200: User } } }, async (req) => {
    const me = userOf(req);
    const user = await setStatus(deps, me.accountId, me.userId, req.body.status, undefined, req.body.reasonId ?? null);
    if (req.body.handover) await handover(deps, me.accountId, me.userId);
    return user;
  });
  app.get('/api/v1/me/settings', { config: { access: 'user' }, schema: { tags, security, response: { 200: UserSettings } } }, async (req) => {
    const me = userOf(req);
    return getMySettings(deps, me.accountId, me.userId);
  });
  app.patch(
    '/api/v1/me/settings',
    { config: { access: 'user' }, schema: { tags, security, body: UserSettings, response: { 200: UserSettings } } },
    async (req) => {
      const me = userOf(req);
      return patchMySettings(deps, me.accountId, me.userId, req.body);
    },
  );
  app.get(
    '/api/v1/me/kpis',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security,
        response: { 200: Kpis },
      },
    },
    async (req) => myKpis(deps, userOf(req)),
  );
  app.post('/api/v1/me/handover', { config: { access: 'user' }, schema: { tags, security, response: { 200: HandoverResult } } }, async (req) => {
    const me = userOf(req);
    return handover(deps, me.accountId, me.userId);
  });
}
