import type { Tx } from '../db.js';
import { openSecret, sealSecret } from '../secrets.js';
import { findJob, type JobState } from './jobs.repo.js';

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
  return r ? openSecret(tx, accountId, PRIVATE_KEY, r.private_key) : undefined;
}

const PRIVATE_KEY = 'crm_credentials.private_key';

export async function saveCrmPrivateKey(tx: Tx, accountId: string, provider: CrmProvider, privateKey: string | null, now: number): Promise<void> {
  if (privateKey === null) {
    await tx.deleteFrom('crm_credentials').where('account_id', '=', accountId).where('provider', '=', provider).execute();
    return;
  }
  const sealed = await sealSecret(tx, accountId, PRIVATE_KEY, privateKey);
  await tx
    .insertInto('crm_credentials')
    .values({ account_id: accountId, provider, private_key: sealed, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'provider']).doUpdateSet({ private_key: sealed, updated_at: now }))
    .execute();
}

// ------------------------------------------------------------------ sync queue (one `crm_sync` job per conversation and CRM)

/** The id of a conversation's sync job for a CRM: one per conversation and CRM, queued again on a re-close. */
export const crmSyncJobId = (provider: CrmProvider, conversationId: string): string => `crm_sync:${provider}:${conversationId}`;

/** A conversation's `crm_sync` job (jobs.repo.ts), as the CRM sync speaks of it. */
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

const STATUS: Record<JobState, CrmSyncStatus> = { queued: 'pending', done: 'synced', failed: 'failed' };
const idOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export async function findCrmSync(tx: Tx, accountId: string, conversationId: string, provider: CrmProvider): Promise<CrmSyncRecord | undefined> {
  const job = await findJob(tx, accountId, crmSyncJobId(provider, conversationId));
  if (!job) return undefined;
  return {
    conversationId: job.key,
    provider,
    accountId: job.accountId,
    status: STATUS[job.state],
    attempts: job.attempts,
    nextAttemptAt: job.nextAt,
    claimedUntil: job.leaseUntil,
    lastError: job.lastError,
    recordId: idOrNull(job.result?.recordId),
    externalId: idOrNull(job.result?.externalId),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    syncedAt: job.state === 'done' ? job.finishedAt : null,
  };
}
