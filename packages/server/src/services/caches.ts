import type * as oidc from 'openid-client';
import type { Clock } from '../domain/clock.js';
import { TtlCache } from '../storage/cache.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findSkill, type SkillRecord } from '../storage/repos/skills.repo.js';
import type { TokenRow } from '../storage/repos/tokens.repo.js';
import type { AccountSuggestions } from './suggestions.service.js';

/**
 * The read caches of one app, made by `buildApp` on its injected clock (so a test's fake clock
 * expires them, and two apps in one process never share one). For hot read paths only, never for
 * read-modify-write; the services that write a cached row forget it once the write is committed
 * (`forgetAccount`, `forgetSkill`).
 */
export interface ReadCaches {
  /** Accounts (their settings) for 1 s: read on every message. */
  accounts: TtlCache<Account | undefined>;
  /** Skills (their overrides) for 1 s: the SLA targets of every message. */
  skills: TtlCache<SkillRecord | undefined>;
  /** Consumer sessions for 10 s: never revoked before they expire, so a short cache is safe. */
  consumerSessions: TtlCache<TokenRow | undefined>;
  /** Discovered OpenID provider configurations for 5 minutes, per account and settings (services/sso.service.ts). */
  oidcConfigurations: TtlCache<oidc.Configuration>;
  /**
   * Each account's suggestion index (services/suggestions.service.ts) for a minute, up to 1,000
   * accounts: dropped at once when the content changes in this process; other nodes and the
   * learning from new transcripts catch up within the minute.
   */
  suggestions: TtlCache<AccountSuggestions>;
  /**
   * Each account's active webhook subscriptions (id and events) for 1 s: looked up for every event
   * that may be delivered (services/webhooks.service.ts). Forgotten in this process when a webhook
   * is written; other nodes see the change within the second.
   */
  webhookSubscriptions: TtlCache<WebhookSubscription[]>;
}

export interface WebhookSubscription {
  id: string;
  events: string[];
}

/** How long a suggestion index serves before it is rebuilt from the content and transcripts. */
export const SUGGESTION_INDEX_TTL_MS = 60_000;

export function createReadCaches(clock: Clock): ReadCaches {
  return {
    accounts: new TtlCache(clock, 1000),
    skills: new TtlCache(clock, 1000),
    consumerSessions: new TtlCache(clock, 10_000),
    oidcConfigurations: new TtlCache(clock, 5 * 60_000, 1000),
    suggestions: new TtlCache(clock, SUGGESTION_INDEX_TTL_MS, 1000),
    webhookSubscriptions: new TtlCache(clock, 1000),
  };
}

type WithCaches = { caches: ReadCaches };

/** `findAccount` through the 1 s cache. */
export function findAccountCached(deps: WithCaches, tx: Tx, id: string): Promise<Account | undefined> {
  return deps.caches.accounts.get(id, () => findAccount(tx, id));
}

/** `findSkill` through the 1 s cache. */
export function findSkillCached(deps: WithCaches, tx: Tx, accountId: string, id: string): Promise<SkillRecord | undefined> {
  return deps.caches.skills.get(`${accountId}:${id}`, () => findSkill(tx, accountId, id));
}

/** The account was written: this process reads it afresh. */
export function forgetAccount(deps: WithCaches, id: string): void {
  deps.caches.accounts.delete(id);
}

/** The skill was written: this process reads it afresh. */
export function forgetSkill(deps: WithCaches, accountId: string, id: string): void {
  deps.caches.skills.delete(`${accountId}:${id}`);
}
