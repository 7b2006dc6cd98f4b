import type { User } from '@parley/contract';
import { agentRecipient } from '../domain/audience.js';
import { DomainError, RateLimited } from '../domain/errors.js';
import { LOGIN_MAX_FAILURES_PER_USER, LOGIN_WINDOW_MS, loginLock } from '../domain/login-lockout.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findCurrentAgentState } from '../storage/repos/status-reasons.repo.js';
import {
  clearLoginFailures,
  findAuthToken,
  findConsumerSession,
  insertAuthToken,
  recentLoginFailures,
  recordLoginFailure,
  revokeAuthToken,
} from '../storage/repos/tokens.repo.js';
import { findUser, findUserByUsername, type UserRecord } from '../storage/repos/users.repo.js';
import { recordAudit } from './audit.service.js';
import type { Deps } from './context.js';
import { verifyPassword } from './passwords.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';
import { hashToken, newToken } from './tokens.js';

export const TOKEN_TTL_MS = 30 * 24 * 3600_000;

/** Whether the account's agents must sign in through its OpenID provider (their password is refused; managers keep theirs). */
export const ssoEnforcedFor = (account: Account, user: Pick<UserRecord, 'role'>): boolean =>
  user.role === 'agent' && account.settings.sso.oidc.enabled && account.settings.sso.oidc.enforce;

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
 * Log in from `clientAddress` (req.ip). Failures are counted per account+username and client
 * address, with a slower brake over all addresses (domain/login-lockout.ts); while locked the
 * answer is 429 with the seconds to wait, even for the right password. The answer to a bad login
 * is the same whether or not the account or user exists.
 */
export async function login(
  deps: Deps,
  input: { accountId: string; username: string; password: string },
  clientAddress: string,
): Promise<{ token: string; user: User }> {
  const now = deps.clock.now();
  const { db } = deps;
  const username = input.username.toLowerCase();
  const failures = await recentLoginFailures(db.kysely, input.accountId, username, now - LOGIN_WINDOW_MS, LOGIN_MAX_FAILURES_PER_USER);
  const lock = loginLock(failures, clientAddress, now);
  if (lock) throw new RateLimited('too many failed logins; try again later', Math.ceil(lock.retryAfterMs / 1000));
  const account = await findAccount(db.kysely, input.accountId);
  const user = account ? await findUserByUsername(db.kysely, input.accountId, input.username) : undefined;
  const ok = await verifyPassword(user?.active ? user.passwordHash : undefined, input.password);
  if (!ok || !user) {
    await db.transaction(async (tx) => {
      await recordLoginFailure(tx, { accountId: input.accountId, username, address: clientAddress, at: now, before: now - LOGIN_WINDOW_MS });
      // Only an existing account has an audit log to read; the answer is the same either way.
      if (account) {
        await recordAudit(tx, now, {
          accountId: input.accountId,
          actorType: 'user',
          actorId: user?.id ?? null,
          ip: clientAddress,
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id ?? null,
          details: { username, ...(user && !user.active && { reason: 'deactivated' }) },
        });
      }
    });
    throw new DomainError('unauthorized', 'wrong account, username or password');
  }
  // The account signs its agents in through its OpenID provider: a right password is refused too
  // (checked after it, so the answer says nothing about a user to whoever does not know the password).
  if (account && ssoEnforcedFor(account, user)) {
    await recordAudit(db.kysely, now, {
      accountId: account.id,
      actorType: 'user',
      actorId: user.id,
      ip: clientAddress,
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: user.id,
      details: { username, reason: 'sso_required' },
    });
    throw new DomainError('sso_required', 'this account signs its agents in with single sign-on: use the "Sign in with" button');
  }
  const token = await db.transaction(async (tx) => {
    await clearLoginFailures(tx, input.accountId, username, clientAddress);
    return startSession(tx, user, { now, clientAddress, details: { username: user.username } });
  });
  return { token, user: await signedInUser(db.kysely, user) };
}

/** The user as a sign-in answers it: with the reason of their current status, as `GET /api/v1/me` has it. */
export async function signedInUser(tx: Tx, user: UserRecord): Promise<User> {
  const s = await findCurrentAgentState(tx, user.accountId, user.id);
  return { ...toWireUser(user), statusReasonId: s && s.status === user.status ? s.reasonId : null };
}

/**
 * A new session token for a user who signed in (password or single sign-on), and its `auth.login`
 * audit entry, in the caller's transaction.
 */
export async function startSession(tx: Tx, user: UserRecord, o: { now: number; clientAddress: string; details: Record<string, unknown> }): Promise<string> {
  const token = newToken('pat');
  await insertAuthToken(tx, { hash: hashToken(token), accountId: user.accountId, userId: user.id, createdAt: o.now, expiresAt: o.now + TOKEN_TTL_MS });
  await recordAudit(tx, o.now, {
    accountId: user.accountId,
    actorType: 'user',
    actorId: user.id,
    ip: o.clientAddress,
    action: 'auth.login',
    targetType: 'user',
    targetId: user.id,
    details: o.details,
  });
  return token;
}

export async function logout(deps: Deps, p: UserPrincipal): Promise<void> {
  await revokeAuthToken(deps.db.kysely, p.tokenHash, deps.clock.now());
  await deps.publisher.disconnect(agentRecipient(p.userId), p.tokenHash);
}

export async function authenticateUser(deps: Deps, token: string): Promise<UserPrincipal | undefined> {
  const h = hashToken(token);
  const row = await findAuthToken(deps.db.kysely, h, deps.clock.now());
  if (!row) return undefined;
  const user = await findUser(deps.db.kysely, row.accountId, row.subjectId);
  if (!user?.active) return undefined;
  return { kind: 'user', accountId: user.accountId, userId: user.id, role: user.role, tokenHash: h };
}

export async function authenticateConsumer(deps: Deps, token: string): Promise<ConsumerPrincipal | undefined> {
  const h = hashToken(token);
  const row = await deps.caches.consumerSessions.get(h, () => findConsumerSession(deps.db.kysely, h, deps.clock.now()));
  if (!row || row.expiresAt <= deps.clock.now()) return undefined;
  return { kind: 'consumer', accountId: row.accountId, consumerId: row.subjectId };
}

/** The consumer's sessions were deleted (erasure): this node stops accepting them at once. */
export function forgetConsumerSessions(deps: Pick<Deps, 'caches'>, consumerId: string): void {
  deps.caches.consumerSessions.deleteWhere((row) => row?.subjectId === consumerId);
}
