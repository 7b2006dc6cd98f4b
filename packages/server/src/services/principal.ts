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

/**
 * A bot's own key (API.md "Bots"): it acts as the bot, only on the routes that take bots
 * (`config.bot`, http/access.ts) and only in the conversations the bot has.
 */
export interface BotPrincipal {
  kind: 'bot';
  accountId: string;
  botId: string;
  /** The bot's API key (its audit actor). */
  keyId: string;
}

export type Principal = UserPrincipal | ConsumerPrincipal | BotPrincipal;
