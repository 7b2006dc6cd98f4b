import type { Tx } from '../db.js';

export interface TokenRow {
  accountId: string;
  subjectId: string;
  expiresAt: number;
}

export async function insertAuthToken(tx: Tx, t: { hash: string; accountId: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await tx
    .insertInto('auth_tokens')
    .values({ token_hash: t.hash, account_id: t.accountId, user_id: t.userId, created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: null })
    .execute();
}

export async function findAuthToken(tx: Tx, hash: string, now: number): Promise<TokenRow | undefined> {
  const r = await tx
    .selectFrom('auth_tokens')
    .select(['account_id', 'user_id', 'expires_at'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r ? { accountId: r.account_id, subjectId: r.user_id, expiresAt: r.expires_at } : undefined;
}

export async function revokeAuthToken(tx: Tx, hash: string, now: number): Promise<void> {
  await tx.updateTable('auth_tokens').set({ revoked_at: now }).where('token_hash', '=', hash).where('revoked_at', 'is', null).execute();
}

/** Whether the user has a signed-in session (a token neither revoked nor expired). */
export async function hasLiveToken(tx: Tx, accountId: string, userId: string, now: number): Promise<boolean> {
  const r = await tx
    .selectFrom('auth_tokens')
    .select('token_hash')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

export async function revokeUserTokens(tx: Tx, accountId: string, userId: string, now: number): Promise<void> {
  await tx
    .updateTable('auth_tokens')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function insertConsumerSession(
  tx: Tx,
  t: { hash: string; accountId: string; consumerId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await tx
    .insertInto('consumer_sessions')
    .values({ token_hash: t.hash, account_id: t.accountId, consumer_id: t.consumerId, created_at: t.createdAt, expires_at: t.expiresAt })
    .execute();
}

export async function findConsumerSession(tx: Tx, hash: string, now: number): Promise<TokenRow | undefined> {
  const r = await tx
    .selectFrom('consumer_sessions')
    .select(['account_id', 'consumer_id', 'expires_at'])
    .where('token_hash', '=', hash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r ? { accountId: r.account_id, subjectId: r.consumer_id, expiresAt: r.expires_at } : undefined;
}

/** Stores a failed sign-in and drops that user's failures older than `before` (out of every window). */
export async function recordLoginFailure(tx: Tx, f: { accountId: string; username: string; address: string; at: number; before: number }): Promise<void> {
  await tx.insertInto('login_failures').values({ account_id: f.accountId, username: f.username, client_address: f.address, failed_at: f.at }).execute();
  await tx.deleteFrom('login_failures').where('account_id', '=', f.accountId).where('username', '=', f.username).where('failed_at', '<=', f.before).execute();
}

/** The user's failed sign-ins after `since`, newest first, at most `limit` (from every address). */
export async function recentLoginFailures(
  tx: Tx,
  accountId: string,
  username: string,
  since: number,
  limit: number,
): Promise<{ at: number; address: string | null }[]> {
  const rows = await tx
    .selectFrom('login_failures')
    .select(['failed_at', 'client_address'])
    .where('account_id', '=', accountId)
    .where('username', '=', username)
    .where('failed_at', '>', since)
    .orderBy('failed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ at: r.failed_at, address: r.client_address }));
}

/** A successful sign-in forgets the failures from its own address (those from elsewhere still count). */
export async function clearLoginFailures(tx: Tx, accountId: string, username: string, address: string): Promise<void> {
  await tx.deleteFrom('login_failures').where('account_id', '=', accountId).where('username', '=', username).where('client_address', '=', address).execute();
}
