import { ApiClient, type ErrorCode, type Problem } from '@parley/contract';
import { currentLanguage, type MessageKey, t } from '../i18n/index.js';

export { ApiError } from '@parley/contract';

/**
 * The workspace's client of API v1: the contract's typed client (endpoint → request and response
 * types), bearer-authenticated with the session's token. `onUnauthorized` fires on a 401 (the
 * token was revoked).
 */
export const api = new ApiClient({
  message: problemMessage,
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

/** The catalogue's sentence for each stable error code (a new code in the contract fails the type check until it has one). */
const CODE_MESSAGE: Record<ErrorCode, MessageKey> = {
  invalid_request: 'error.code.invalid_request',
  outbound_address_refused: 'error.code.outbound_address_refused',
  invalid_pattern: 'error.code.invalid_pattern',
  unauthorized: 'error.code.unauthorized',
  forbidden: 'error.code.forbidden',
  sso_required: 'error.code.sso_required',
  not_found: 'error.code.not_found',
  method_not_allowed: 'error.code.method_not_allowed',
  conflict: 'error.code.conflict',
  outside_service_window: 'error.code.outside_service_window',
  payload_too_large: 'error.code.payload_too_large',
  unsupported_media_type: 'error.code.unsupported_media_type',
  rate_limited: 'error.code.rate_limited',
  internal_error: 'error.code.internal_error',
  unavailable: 'error.code.unavailable',
};

/** Codes whose detail says what to fix (the field, the pattern, what is in the way): kept beside the translated sentence. */
const WITH_DETAIL: ReadonlySet<string> = new Set<ErrorCode>(['invalid_request', 'invalid_pattern', 'outbound_address_refused', 'conflict']);

/**
 * What an error answer says to the agent. The server writes its problem details in English, so
 * English shows them as they are; every other language shows the catalogue's sentence for the
 * problem's stable code (`error.code.*`), with the server's detail beside it where that detail
 * names what to fix.
 */
export function problemMessage(status: number, problem: Partial<Problem>): string {
  const detail = problem.detail || problem.title || `HTTP ${status}`;
  if (currentLanguage() === 'en') return detail;
  const key: MessageKey = (problem.code && CODE_MESSAGE[problem.code]) || 'error.code.other';
  const message = t(key, { status });
  return problem.code && WITH_DETAIL.has(problem.code) && problem.detail ? t('error.withDetail', { message, detail: problem.detail }) : message;
}
