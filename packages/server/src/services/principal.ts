import type { Role } from '@parley/contract';

export interface UserPrincipal {
  kind: 'user';
  accountId: string;
  userId: string;
  role: Role;
  tokenHash: string;
  /**
   * Set when the caller is an API key rather than a person: the key acts for the manager who made
   * it (`userId`), only on routes whose scope it holds (http/access.ts), and is audited as `api_key`.
   */
  apiKey?: { id: string; scopes: readonly string[] };
}

export interface ConsumerPrincipal {
  kind: 'consumer';
  accountId: string;
  consumerId: string;
}

export type Principal = UserPrincipal | ConsumerPrincipal;
