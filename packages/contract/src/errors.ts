/** Stable machine-readable error codes, shared by server and clients. */
export const ERROR_CODES = {
  invalid_request: 400,
  /** A URL for outbound requests points at a private, loopback, link-local or reserved address (PARLEY_OUTBOUND_ALLOW). */
  outbound_address_refused: 400,
  /** A masking pattern is not valid RE2 syntax, or matches the empty string (settings.masking.rules). */
  invalid_pattern: 400,
  unauthorized: 401,
  forbidden: 403,
  /** The account signs its agents in through its OpenID provider only (settings.sso.oidc.enforce). */
  sso_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** WhatsApp: more than 24 h after the consumer's last message only an approved template may be sent. */
  outside_service_window: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** RFC 9457 problem details body as Parley sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: { path: string; message: string }[];
  instance?: string;
}

export const PROBLEM_TYPE_BASE = 'https://parley.dev/problems/';
