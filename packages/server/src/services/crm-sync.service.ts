import type { CrmSettings, CrmSettingsPatch } from '@parley/contract';
import { PUSH_TIMEOUT_MS, parsePrivateKey, pushTranscriptTask } from '../crm/salesforce.js';
import type { Conversation } from '../domain/conversation.js';
import { CRM_SYNC_RETRY, crmKeysOf, transcriptTask } from '../domain/crm-sync.js';
import { invalid } from '../domain/errors.js';
import { OutboundError } from '../outbound/guarded-http.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { type CrmProvider, crmSyncJobId, findCrmPrivateKey, saveCrmPrivateKey } from '../storage/repos/crm.repo.js';
import type { Deps } from './context.js';
import { renderTranscript } from './conversations.service.js';
import { wrapUpOf } from './dispositions.service.js';
import { enqueueJob, type JobKindHandler, type JobOutcome, runJobQueue } from './jobs.service.js';
import { assertOutboundUrls } from './outbound-urls.service.js';

/**
 * Server-side CRM sync (Salesforce): when a conversation closes, its transcript is written to the
 * CRM as a Task on the consumer's Contact. A durable job (ADR 12), like channel delivery: the
 * close transaction queues a `crm_sync` job for the conversation; the job runner attempts the
 * write under a lease and retries with backoff (domain/crm-sync.ts). The Task is upserted on its
 * external id (the conversation id), so retries, a second node or a re-close never make a second Task.
 */

// ------------------------------------------------------------------ settings (PATCH /api/v1/account/settings)

/** Before the settings transaction: the Salesforce URLs of a patch must not point at refused addresses (outbound_address_refused). */
export async function assertCrmUrls(deps: Deps, patch: CrmSettingsPatch | undefined): Promise<void> {
  const sf = patch?.salesforce;
  if (!sf) return;
  await assertOutboundUrls(deps, [
    { path: 'crm.salesforce.loginUrl', url: sf.loginUrl },
    { path: 'crm.salesforce.instanceUrl', url: sf.instanceUrl },
  ]);
}

/** Apply `crm` of a settings patch: stores or removes the write-only private key, and checks that an enabled sync has what it needs. */
export async function applyCrmPatchIn(tx: Tx, accountId: string, current: CrmSettings, patch: CrmSettingsPatch, now: number): Promise<CrmSettings> {
  const p = patch.salesforce;
  if (!p) return current;
  const { privateKey, ...fields } = p;
  let privateKeySet = current.salesforce.privateKeySet;
  if (privateKey !== undefined) {
    if (privateKey === null || privateKey.trim() === '') {
      await saveCrmPrivateKey(tx, accountId, 'salesforce', null, now);
      privateKeySet = false;
    } else {
      try {
        parsePrivateKey(privateKey);
      } catch (err) {
        throw invalid(`privateKey: ${(err as Error).message}`, 'crm.salesforce.privateKey');
      }
      await saveCrmPrivateKey(tx, accountId, 'salesforce', privateKey.trim(), now);
      privateKeySet = true;
    }
  }
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const next = { ...current.salesforce, ...defined, privateKeySet };
  if (next.enabled) {
    const missing = (['loginUrl', 'consumerKey', 'username'] as const).filter((k) => !next[k]);
    if (!privateKeySet) missing.push('privateKey' as never);
    if (missing.length > 0) throw invalid(`to enable the Salesforce sync, set ${missing.join(', ')}`, 'crm.salesforce.enabled');
  }
  return { salesforce: next };
}

// ------------------------------------------------------------------ on close

/** What a `crm_sync` job carries besides its key (the conversation). */
export interface CrmSyncPayload {
  provider: CrmProvider;
}

/**
 * Called in the transaction that closes a conversation: queue its transcript for the CRM, if the
 * account syncs one. A conversation closed again is queued again under the same job id: attempts
 * from zero, and an attempt still in flight (the older transcript) has its outcome dropped.
 */
export async function queueCrmSyncIn(deps: Deps, tx: Tx, account: Account, c: Conversation, now: number): Promise<void> {
  if (!account.settings.crm.salesforce.enabled) return;
  const payload: CrmSyncPayload = { provider: 'salesforce' };
  await enqueueJob(
    deps,
    tx,
    { id: crmSyncJobId('salesforce', c.id), accountId: account.id, kind: 'crm_sync', key: c.id, position: 0, payload: { ...payload }, nextAt: now },
    { replace: true },
  );
}

// ------------------------------------------------------------------ the `crm_sync` job

/** What a successful sync records: the record linked to and the Task written. */
type SyncResult = { recordId: string | null; externalId: string | null };

export const crmSyncJob: JobKindHandler<CrmSyncPayload, SyncResult> = {
  policy: CRM_SYNC_RETRY,
  // Longer than a push may take.
  leaseMs: 2 * PUSH_TIMEOUT_MS,

  async handle(deps, job): Promise<JobOutcome<SyncResult>> {
    const db = deps.db.kysely;
    const { accountId, key: conversationId } = job;
    const now = deps.clock.now();
    const account = await findAccount(db, accountId);
    const sf = account?.settings.crm.salesforce;
    if (!account || !sf?.enabled) return { ok: false, error: 'the Salesforce sync is turned off', permanent: true };
    const privateKey = await findCrmPrivateKey(db, accountId, 'salesforce');
    if (!privateKey) return { ok: false, error: 'no private key is set', permanent: true };
    const c = await findConversation(db, accountId, conversationId);
    if (!c) return { ok: false, error: 'the conversation is gone', permanent: true };
    const consumer = await findConsumer(db, accountId, c.consumerId);
    const transcript = await renderTranscript(db, c);
    const wrap = await wrapUpOf(db, accountId, conversationId);
    const wrapUp = wrap && { dispositions: wrap.dispositions.map((d) => d.name), note: wrap.note };
    try {
      const result = await pushTranscriptTask(
        deps.outbound,
        { loginUrl: sf.loginUrl, instanceUrl: sf.instanceUrl, consumerKey: sf.consumerKey, username: sf.username, privateKey },
        {
          conversationId,
          keys: crmKeysOf(consumer?.customVariables ?? {}, c.channel, consumer?.externalId ?? null),
          task: (whoId) =>
            transcriptTask({ consumerName: consumer?.name ?? 'Visitor', channel: c.channel, transcript, closedAt: c.closedAt ?? now, whoId, wrapUp }),
          now,
        },
      );
      deps.log.info({ conversationId, taskId: result.taskId, recordId: result.recordId, attempts: job.attempts + 1 }, 'transcript synced to Salesforce');
      return { ok: true, result: { recordId: result.recordId, externalId: result.taskId } };
    } catch (err) {
      // A refused address (the login URL, the instance_url of the token answer, a redirect) is not retried.
      if (err instanceof OutboundError && err.kind === 'refused') return { ok: false, error: err.message, permanent: true };
      const e = err as Error & { errorCode?: string };
      return { ok: false, error: `${e.errorCode ?? e.name ?? 'Error'}: ${e.message}`.slice(0, 1000) };
    }
  },
};

/**
 * The `crm_sync` timer of a conversation: write its transcript to the CRM, once, under a claim
 * (the job runner, for this kind). Safe when stale or fired twice; a failure is retried at the
 * backoff time (domain/crm-sync.ts).
 */
export async function syncConversationToCrm(deps: Deps, accountId: string, conversationId: string): Promise<void> {
  await runJobQueue(deps, 'crm_sync', crmSyncJob, accountId, conversationId);
}
