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

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (detail: string) => new DomainError('conflict', detail);
export const forbidden = (detail = 'you may not do this') => new DomainError('forbidden', detail);
export const invalid = (detail: string, path?: string) => new DomainError('invalid_request', detail, path ? [{ path, message: detail }] : undefined);
