import type { ApiKey, CreateApiKeyRequest, CreatedApiKey } from '@parley/contract';
import { notFound, RateLimited } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { type ApiKeyRecord, findApiKey, findLiveApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey } from '../storage/repos/api-keys.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { type Actor, recordAudit } from './audit.service.js';
import type { Deps } from './context.js';
import type { BotPrincipal, UserPrincipal } from './principal.js';
import { hashToken, newToken } from './tokens.js';

/**
 * API keys (API.md "Automation and integration"): bearer keys for systems, with scopes. The key
 * is shown once and only its SHA-256 is stored. A key acts on behalf of the manager who created it
 * — it stops working when that person is deactivated or no longer a manager — and only on routes
 * whose scope it holds (the guard in http/auth.ts, from the route's declared access). What a key
 * does is audited with `actorType: 'api_key'`.
 */

/** Every API key starts with this, so the guard can tell it from a session token (`pat_`). */
export const API_KEY_PREFIX = 'pk_';

export const isApiKey = (token: string): boolean => token.startsWith(API_KEY_PREFIX);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const toWireApiKey = (k: ApiKeyRecord): ApiKey => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes as ApiKey['scopes'],
  prefix: k.prefix,
  createdAt: new Date(k.createdAt).toISOString(),
  createdBy: k.createdBy,
  revokedAt: iso(k.revokedAt),
});

export async function createApiKey(deps: Deps, p: UserPrincipal, input: CreateApiKeyRequest, actor: Actor): Promise<CreatedApiKey> {
  const now = deps.clock.now();
  const key = newToken(API_KEY_PREFIX.slice(0, -1));
  const record: ApiKeyRecord = {
    id: newId(),
    accountId: p.accountId,
    name: input.name,
    prefix: key.slice(0, 10),
    scopes: [...new Set(input.scopes)],
    createdBy: p.userId,
    createdAt: now,
    revokedAt: null,
    botId: null,
  };
  await deps.db.transaction(async (tx) => {
    await insertApiKey(tx, { ...record, keyHash: hashToken(key) });
    await recordAudit(tx, now, {
      accountId: p.accountId,
      ...actor,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: record.id,
      details: { name: record.name, scopes: record.scopes },
    });
  });
  return { ...toWireApiKey(record), key };
}

export async function listAccountApiKeys(deps: Deps, accountId: string, opts: { after?: [number, string] | undefined; limit: number }) {
  return listApiKeys(deps.db.kysely, accountId, opts);
}

export async function revokeAccountApiKey(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const key = await findApiKey(tx, accountId, id);
    if (!key) throw notFound('api key');
    // Revoking twice is fine: the key is revoked either way (and logged once).
    if (!(await revokeApiKey(tx, accountId, id, now))) return;
    await recordAudit(tx, now, { accountId, ...actor, action: 'api_key.revoked', targetType: 'api_key', targetId: id, details: { name: key.name } });
  });
}

/** Requests per key per minute, on each node (PARLEY_API_KEY_RATE_LIMIT_PER_MINUTE). */
export const DEFAULT_API_KEY_RATE_PER_MINUTE = 600;

/** A fixed one-minute window per key, on the injected clock. */
export function createApiKeyLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (keyId: string, now: number): void => {
    const minute = now - (now % 60_000);
    let w = windows.get(keyId);
    if (!w || w.start !== minute) {
      if (windows.size > 10_000) windows.clear();
      w = { start: minute, count: 0 };
      windows.set(keyId, w);
    }
    w.count++;
    if (w.count > perMinute) throw new RateLimited('too many requests with this API key', Math.ceil((minute + 60_000 - now) / 1000));
  };
}

/**
 * The principal of an API key, or undefined when the key is unknown, revoked, or its manager is
 * no longer an active manager. Read on every request: revoking takes effect at once, on every node.
 */
export async function authenticateApiKey(deps: Deps, key: string): Promise<UserPrincipal | BotPrincipal | undefined> {
  const h = hashToken(key);
  const row = await findLiveApiKeyByHash(deps.db.kysely, h);
  if (!row) return undefined;
  // A bot's key acts as its bot (not as the manager who made it): it lives as long as the bot.
  if (row.botId) return { kind: 'bot', accountId: row.accountId, botId: row.botId, keyId: row.id };
  const owner = await findUser(deps.db.kysely, row.accountId, row.createdBy);
  if (!owner?.active || owner.role !== 'manager') return undefined;
  return { kind: 'user', accountId: row.accountId, userId: owner.id, role: 'manager', tokenHash: h, apiKey: { id: row.id, scopes: row.scopes } };
}
