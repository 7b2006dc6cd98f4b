import { ApiClient } from '@parley/contract';
import { t } from '../i18n/index.js';

export { ApiError } from '@parley/contract';

/**
 * The workspace's client of API v1: the contract's typed client (endpoint → request and response
 * types), bearer-authenticated with the session's token. `onUnauthorized` fires on a 401 (the
 * token was revoked).
 */
export const api = new ApiClient({
  offline: {
    get title() {
      return t('error.network');
    },
    get detail() {
      return t('error.offline');
    },
  },
});

export function newClientMessageId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
