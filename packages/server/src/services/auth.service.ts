import type { User } from '@parley/contract';
import { DomainError } from '../domain/errors.js';
import { TtlCache } from '../storage/cache.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import {
  clearLoginFailures,
  countLoginFailures,
  findAuthToken,
  findConsumerSession,
  insertAuthToken,
  recordLoginFailure,
  revokeAuthToken,
} from '../storage/repos/tokens.repo.js';
import { findUser, findUserByUsername, type UserRecord } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import { verifyPassword } from './passwords.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';
import { hashToken, newToken } from './tokens.js';

export const TOKEN_TTL_MS = 30 * 24 * 3600_000;
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export const toWireUser = (u: UserRecord): User => ({
  id: u.id,
  accountId: u.accountId,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  skills: u.skills,
  maxConcurrent: u.maxConcurrent,
  status: u.status,
  active: u.active,
});

/**
 * Log in. Failures are counted per account+username; past the limit the answer is 429 until the
 * window passes, even for the right password. The answer to a bad login is the same whether or
 * not the account or user exists.
 */
export async function login(deps: Deps, input: { accountId: string; username: string; password: string }): Promise<{ token: string; user: User }> {
  const now = deps.clock.now();
  const { db } = deps;
  const recent = await countLoginFailures(db.kysely, input.accountId, input.username.toLowerCase(), now - LOGIN_WINDOW_MS);
  if (recent >= LOGIN_MAX_FAILURES) throw new DomainError('rate_limited', 'too many failed logins; try again later');
  const account = await findAccount(db.kysely, input.accountId);
  const user = account ? await findUserByUsername(db.kysely, input.accountId, input.username) : undefined;
  const ok = await verifyPassword(user?.active ? user.passwordHash : undefined, input.password);
  if (!ok || !user) {
    await recordLoginFailure(db.kysely, input.accountId, input.username.toLowerCase(), now);
    throw new DomainError('unauthorized', 'wrong account, username or password');
  }
  const token = newToken('pat');
  await db.transaction(async (tx) => {
    await clearLoginFailures(tx, input.accountId, input.username.toLowerCase());
    await insertAuthToken(tx, { hash: hashToken(token), accountId: user.accountId, userId: user.id, createdAt: now, expiresAt: now + TOKEN_TTL_MS });
  });
  return { token, user: toWireUser(user) };
}

export async function logout(deps: Deps, p: UserPrincipal): Promise<void> {
  await revokeAuthToken(deps.db.kysely, p.tokenHash, deps.clock.now());
  await deps.publisher.disconnect({ kind: 'agent', id: p.userId }, p.tokenHash);
}

export async function authenticateUser(deps: Deps, token: string): Promise<UserPrincipal | undefined> {
  const h = hashToken(token);
  const row = await findAuthToken(deps.db.kysely, h, deps.clock.now());
  if (!row) return undefined;
  const user = await findUser(deps.db.kysely, row.accountId, row.subjectId);
  if (!user?.active) return undefined;
  return { kind: 'user', accountId: user.accountId, userId: user.id, role: user.role, tokenHash: h };
}

// Consumer sessions are never revoked before they expire, so a short cache is safe.
const consumerSessions = new TtlCache<{ accountId: string; subjectId: string; expiresAt: number } | undefined>(10_000);

export async function authenticateConsumer(deps: Deps, token: string): Promise<ConsumerPrincipal | undefined> {
  const h = hashToken(token);
  const row = await consumerSessions.get(h, () => findConsumerSession(deps.db.kysely, h, deps.clock.now()));
  if (!row || row.expiresAt <= deps.clock.now()) return undefined;
  return { kind: 'consumer', accountId: row.accountId, consumerId: row.subjectId };
}
