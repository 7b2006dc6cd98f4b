import type { Role } from '@parley/contract';

export interface UserPrincipal {
  kind: 'user';
  accountId: string;
  userId: string;
  role: Role;
  tokenHash: string;
}

export interface ConsumerPrincipal {
  kind: 'consumer';
  accountId: string;
  consumerId: string;
}

export type Principal = UserPrincipal | ConsumerPrincipal;
