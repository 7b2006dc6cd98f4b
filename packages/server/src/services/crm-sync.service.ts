import { randomUUID } from 'node:crypto';
import type { CrmSettings, CrmSettingsPatch } from '@parley/contract';
import { PUSH_TIMEOUT_MS, type PushResult, parsePrivateKey, pushTranscriptTask } from '../crm/salesforce.js';
import type { Conversation } from '../domain/conversation.js';
import { afterCrmFailure, crmKeysOf, transcriptTask } from '../domain/crm-sync.js';
import { invalid } from '../domain/errors.js';
import { OutboundError } from '../outbound/guarded-http.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { claimCrmSync, findCrmPrivateKey, findCrmSync, queueCrmSync, saveCrmPrivateKey, settleCrmSync } from '../storage/repos/crm.repo.js';
import { scheduleTimer } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';
import { renderTranscript } from './conversations.service.js';
import { assertOutboundUrls } from './outbound-urls.service.js';

/**
 * Server-side CRM sync (Salesforce): when a conversation closes, its transcript is written to the
 * CRM as a Task on the consumer's Contact. Durable like channel delivery (ADR 4): the close
 * transaction queues a `crm_syncs` row and arms a `crm_sync` timer for the conversation; the
 * timer's handler attempts the write under a claim on the row, and a failed attempt re-arms the
 * timer at the backoff time (domain/crm-sync.ts). The Task is upserted on its external id
 * (the conversation id), so retries, a second node or a re-close never make a second Task.
 */

/** How long one attempt holds its row: longer than a push may take. */
const CLAIM_MS = 2 * PUSH_TIMEOUT_MS;

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

/** Called in the transaction that closes a conversation: queue its transcript for the CRM, if the account syncs one. */
export async function queueCrmSyncIn(deps: Deps, tx: Tx, account: Account, c: Conversation, now: number): Promise<void> {
  if (!account.settings.crm.salesforce.enabled) return;
  await queueCrmSync(tx, account.id, c.id, 'salesforce', now);
  await arm(deps, tx, account.id, c.id, now);
}

async function arm(deps: Deps, tx: Tx, accountId: string, conversationId: string, at: number): Promise<void> {
  await scheduleTimer(tx, { kind: 'crm_sync', subjectId: conversationId, accountId, dueAt: at, payload: {} });
  deps.timersChanged(at);
}

// ------------------------------------------------------------------ the `crm_sync` timer

type Attempt = { ok: true; result: PushResult } | { ok: false; error: string; permanent: boolean };

async function attempt(deps: Deps, accountId: string, conversationId: string, now: number): Promise<Attempt> {
  const db = deps.db.kysely;
  const account = await findAccount(db, accountId);
  const sf = account?.settings.crm.salesforce;
  if (!account || !sf?.enabled) return { ok: false, error: 'the Salesforce sync is turned off', permanent: true };
  const privateKey = await findCrmPrivateKey(db, accountId, 'salesforce');
  if (!privateKey) return { ok: false, error: 'no private key is set', permanent: true };
  const c = await findConversation(db, accountId, conversationId);
  if (!c) return { ok: false, error: 'the conversation is gone', permanent: true };
  const consumer = await findConsumer(db, accountId, c.consumerId);
  const transcript = await renderTranscript(db, c);
  try {
    const result = await pushTranscriptTask(
      deps.outbound,
      { loginUrl: sf.loginUrl, instanceUrl: sf.instanceUrl, consumerKey: sf.consumerKey, username: sf.username, privateKey },
      {
        conversationId,
        keys: crmKeysOf(consumer?.customVariables ?? {}, c.channel, consumer?.externalId ?? null),
        task: (whoId) => transcriptTask({ consumerName: consumer?.name ?? 'Visitor', channel: c.channel, transcript, closedAt: c.closedAt ?? now, whoId }),
        now,
      },
    );
    return { ok: true, result };
  } catch (err) {
    // A refused address (the login URL, the instance_url of the token answer, a redirect) is not retried.
    if (err instanceof OutboundError && err.kind === 'refused') return { ok: false, error: err.message, permanent: true };
    const e = err as Error & { errorCode?: string };
    return { ok: false, error: `${e.errorCode ?? e.name ?? 'Error'}: ${e.message}`.slice(0, 1000), permanent: false };
  }
}

/**
 * The `crm_sync` timer of a conversation: write its transcript to the CRM, once, under a claim.
 * Re-checks everything (a timer can be stale or fire twice); a failure re-arms the timer at the backoff time.
 */
export async function syncConversationToCrm(deps: Deps, accountId: string, conversationId: string): Promise<void> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const row = await findCrmSync(db, accountId, conversationId, 'salesforce');
  if (row?.status !== 'pending') return;
  if (row.nextAttemptAt > now) return arm(deps, db, accountId, conversationId, row.nextAttemptAt);
  const token = randomUUID();
  if (!(await claimCrmSync(db, conversationId, 'salesforce', token, now, CLAIM_MS))) {
    // Another node is at it (or a re-close took the claim's token): look again once its lease is over.
    return arm(deps, db, accountId, conversationId, Math.max(now, row.claimedUntil ?? now) + 1);
  }
  const outcome = await attempt(deps, accountId, conversationId, now);
  const settledAt = deps.clock.now();
  const attempts = row.attempts + 1;
  await deps.db.transaction(async (tx) => {
    if (outcome.ok) {
      await settleCrmSync(tx, conversationId, 'salesforce', token, {
        status: 'synced',
        attempts,
        nextAttemptAt: settledAt,
        lastError: null,
        recordId: outcome.result.recordId,
        externalId: outcome.result.taskId,
        syncedAt: settledAt,
        now: settledAt,
      });
      return;
    }
    const next = outcome.permanent ? ({ kind: 'failed' } as const) : afterCrmFailure(attempts, settledAt);
    const settled = await settleCrmSync(tx, conversationId, 'salesforce', token, {
      status: next.kind === 'failed' ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: next.kind === 'retry' ? next.at : settledAt,
      lastError: outcome.error,
      syncedAt: null,
      now: settledAt,
    });
    if (settled && next.kind === 'retry') await arm(deps, tx, accountId, conversationId, next.at);
  });
  if (outcome.ok) {
    deps.log.info({ conversationId, taskId: outcome.result.taskId, recordId: outcome.result.recordId, attempts }, 'transcript synced to Salesforce');
  } else {
    deps.log.warn({ conversationId, attempts, error: outcome.error, permanent: outcome.permanent }, 'transcript sync to Salesforce failed');
  }
}
