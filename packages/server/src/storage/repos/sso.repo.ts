import type { Tx } from '../db.js';
import { openSecret, sealSecret } from '../secrets.js';

export type SsoProvider = 'oidc';

// ------------------------------------------------------------------ the client secret (write-only)

export async function findSsoClientSecret(tx: Tx, accountId: string, provider: SsoProvider): Promise<string | undefined> {
  const r = await tx
    .selectFrom('sso_credentials')
    .select('client_secret')
    .where('account_id', '=', accountId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return r ? openSecret(tx, accountId, CLIENT_SECRET, r.client_secret) : undefined;
}

// Secrets at rest: the client secret and a flow's PKCE verifier are sealed under the account's data key.
const CLIENT_SECRET = 'sso_credentials.client_secret';
const CODE_VERIFIER = 'sso_flows.code_verifier';

export async function saveSsoClientSecret(tx: Tx, accountId: string, provider: SsoProvider, secret: string | null, now: number): Promise<void> {
  if (secret === null) {
    await tx.deleteFrom('sso_credentials').where('account_id', '=', accountId).where('provider', '=', provider).execute();
    return;
  }
  const sealed = await sealSecret(tx, accountId, CLIENT_SECRET, secret);
  await tx
    .insertInto('sso_credentials')
    .values({ account_id: accountId, provider, client_secret: sealed, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'provider']).doUpdateSet({ client_secret: sealed, updated_at: now }))
    .execute();
}

// ------------------------------------------------------------------ sign-ins under way (one per state, used once)

export interface SsoFlow {
  state: string;
  accountId: string;
  codeVerifier: string;
  nonce: string;
  popup: boolean;
  createdAt: number;
  expiresAt: number;
}

export async function insertSsoFlow(tx: Tx, f: SsoFlow): Promise<void> {
  await tx
    .insertInto('sso_flows')
    .values({
      state: f.state,
      account_id: f.accountId,
      code_verifier: await sealSecret(tx, f.accountId, CODE_VERIFIER, f.codeVerifier),
      nonce: f.nonce,
      popup: f.popup ? 1 : 0,
      created_at: f.createdAt,
      expires_at: f.expiresAt,
    })
    .execute();
  // Sign-ins never finished leave rows behind: each new one removes some that expired.
  const stale = await tx.selectFrom('sso_flows').select('state').where('expires_at', '<=', f.createdAt).limit(100).execute();
  if (stale.length)
    await tx
      .deleteFrom('sso_flows')
      .where(
        'state',
        'in',
        stale.map((r) => r.state),
      )
      .execute();
}

/**
 * Take the flow of `state` out of the table (whatever happens next, a state serves once). Only the
 * caller whose delete removed the row gets it, so two callbacks racing on one state cannot both sign in.
 */
export async function takeSsoFlow(tx: Tx, state: string): Promise<SsoFlow | undefined> {
  const r = await tx.selectFrom('sso_flows').selectAll().where('state', '=', state).executeTakeFirst();
  if (!r) return undefined;
  const del = await tx.deleteFrom('sso_flows').where('state', '=', state).executeTakeFirst();
  if (Number(del.numDeletedRows) !== 1) return undefined;
  return {
    state: r.state,
    accountId: r.account_id,
    codeVerifier: await openSecret(tx, r.account_id, CODE_VERIFIER, r.code_verifier),
    nonce: r.nonce,
    popup: Number(r.popup) === 1,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
  };
}

// ------------------------------------------------------------------ one-time codes for the workspace

export async function insertSsoHandoff(
  tx: Tx,
  h: { codeHash: string; accountId: string; userId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await tx
    .insertInto('sso_handoffs')
    .values({ code_hash: h.codeHash, account_id: h.accountId, user_id: h.userId, created_at: h.createdAt, expires_at: h.expiresAt })
    .execute();
  await tx.deleteFrom('sso_handoffs').where('expires_at', '<=', h.createdAt).execute();
}

/** Use a handoff code: removed as it is read; undefined when unknown, used or expired. */
export async function takeSsoHandoff(tx: Tx, codeHash: string, now: number): Promise<{ accountId: string; userId: string } | undefined> {
  const r = await tx.selectFrom('sso_handoffs').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  if (!r) return undefined;
  const del = await tx.deleteFrom('sso_handoffs').where('code_hash', '=', codeHash).executeTakeFirst();
  if (Number(del.numDeletedRows) !== 1 || Number(r.expires_at) <= now) return undefined;
  return { accountId: r.account_id, userId: r.user_id };
}
