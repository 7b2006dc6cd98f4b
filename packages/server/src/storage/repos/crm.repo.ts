import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import type { CrmSyncsTable } from '../schema.js';

export type CrmProvider = 'salesforce';
export type CrmSyncStatus = 'pending' | 'synced' | 'failed';

// ------------------------------------------------------------------ credentials (write-only secrets)

export async function findCrmPrivateKey(tx: Tx, accountId: string, provider: CrmProvider): Promise<string | undefined> {
  const r = await tx
    .selectFrom('crm_credentials')
    .select('private_key')
    .where('account_id', '=', accountId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return r?.private_key;
}

export async function saveCrmPrivateKey(tx: Tx, accountId: string, provider: CrmProvider, privateKey: string | null, now: number): Promise<void> {
  if (privateKey === null) {
    await tx.deleteFrom('crm_credentials').where('account_id', '=', accountId).where('provider', '=', provider).execute();
    return;
  }
  await tx
    .insertInto('crm_credentials')
    .values({ account_id: accountId, provider, private_key: privateKey, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'provider']).doUpdateSet({ private_key: privateKey, updated_at: now }))
    .execute();
}

// ------------------------------------------------------------------ sync queue (one row per conversation and CRM)

export interface CrmSyncRecord {
  conversationId: string;
  provider: CrmProvider;
  accountId: string;
  status: CrmSyncStatus;
  attempts: number;
  nextAttemptAt: number;
  claimedUntil: number | null;
  lastError: string | null;
  /** The CRM record the transcript was linked to (a Contact or Lead id), if any matched. */
  recordId: string | null;
  /** The CRM's id of what was written (the Task id). */
  externalId: string | null;
  createdAt: number;
  updatedAt: number;
  syncedAt: number | null;
}

/** A row as read (all but the claim token); the shape is defined once, in storage/schema.ts. */
type Row = Omit<Selectable<CrmSyncsTable>, 'claim_token'>;

const toSync = (r: Row): CrmSyncRecord => ({
  conversationId: r.conversation_id,
  provider: r.provider as CrmProvider,
  accountId: r.account_id,
  status: r.status as CrmSyncStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  claimedUntil: r.claimed_until,
  lastError: r.last_error,
  recordId: r.record_id,
  externalId: r.external_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  syncedAt: r.synced_at,
});

export async function findCrmSync(tx: Tx, accountId: string, conversationId: string, provider: CrmProvider): Promise<CrmSyncRecord | undefined> {
  const r = await tx
    .selectFrom('crm_syncs')
    .select([
      'conversation_id',
      'provider',
      'account_id',
      'status',
      'attempts',
      'next_attempt_at',
      'claimed_until',
      'last_error',
      'record_id',
      'external_id',
      'created_at',
      'updated_at',
      'synced_at',
    ])
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return r ? toSync(r) : undefined;
}

/** Queue (or re-queue, after a conversation was closed again) a conversation for its CRM: pending, attempts from zero. */
export async function queueCrmSync(tx: Tx, accountId: string, conversationId: string, provider: CrmProvider, now: number): Promise<void> {
  await tx
    .insertInto('crm_syncs')
    .values({
      conversation_id: conversationId,
      provider,
      account_id: accountId,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      claimed_until: null,
      claim_token: null,
      last_error: null,
      record_id: null,
      external_id: null,
      created_at: now,
      updated_at: now,
      synced_at: null,
    })
    .onConflict((oc) =>
      // A claim in flight keeps its lease but loses its token: its outcome (the older transcript) is not recorded, the next run writes the new one.
      oc
        .columns(['conversation_id', 'provider'])
        .doUpdateSet({ status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, claim_token: null, updated_at: now }),
    )
    .execute();
}

/** Claim a pending sync for one attempt (a guarded update): false when another node holds it or it is not pending. */
export async function claimCrmSync(tx: Tx, conversationId: string, provider: CrmProvider, token: string, now: number, leaseMs: number): Promise<boolean> {
  const r = await tx
    .updateTable('crm_syncs')
    .set({ claimed_until: now + leaseMs, claim_token: token, updated_at: now })
    .where('conversation_id', '=', conversationId)
    .where('provider', '=', provider)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Record the outcome of a claimed attempt and release the claim; false if the claim was lost meanwhile. */
export async function settleCrmSync(
  tx: Tx,
  conversationId: string,
  provider: CrmProvider,
  token: string,
  patch: {
    status: CrmSyncStatus;
    attempts: number;
    nextAttemptAt: number;
    lastError: string | null;
    recordId?: string | null;
    externalId?: string | null;
    syncedAt: number | null;
    now: number;
  },
): Promise<boolean> {
  const r = await tx
    .updateTable('crm_syncs')
    .set({
      status: patch.status,
      attempts: patch.attempts,
      next_attempt_at: patch.nextAttemptAt,
      last_error: patch.lastError,
      ...(patch.recordId !== undefined && { record_id: patch.recordId }),
      ...(patch.externalId !== undefined && { external_id: patch.externalId }),
      synced_at: patch.syncedAt,
      claimed_until: null,
      claim_token: null,
      updated_at: patch.now,
    })
    .where('conversation_id', '=', conversationId)
    .where('provider', '=', provider)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
