import type { ErrorCode } from '@parley/contract';

/** A rule was broken or a thing was not found; `http/` maps `code` to a status and problem JSON. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** `rate_limited` (429) with the whole seconds to wait, sent as `Retry-After`. */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super('rate_limited', message);
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (detail: string) => new DomainError('conflict', detail);
export const forbidden = (detail = 'you may not do this') => new DomainError('forbidden', detail);
export const invalid = (detail: string, path?: string) => new DomainError('invalid_request', detail, path ? [{ path, message: detail }] : undefined);

/** `where` (`body`, `querystring`, `params`) and the keys below it, dot-joined: `body.sla.urgentSec`, or just `body` for the whole of it. */
export const fieldPath = (where: string, path: readonly PropertyKey[]) => [where, ...path.map(String)].join('.');

/** Validation issues (zod's, or any with a key path) as a 400 whose `errors` name each field and whose detail lists them all. */
export function invalidFields(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): DomainError {
  const errors = issues.map((i) => ({ path: fieldPath(where, i.path), message: i.message }));
  return new DomainError('invalid_request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}
