import { CHANNEL_EVENT_TTL_MS, nextRetentionRunAt, ORPHAN_FILE_AGE_MS, ORPHAN_FILE_WINDOW_MS, retentionCutoff } from '../domain/retention.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import {
  archiveReportHours,
  countChannelEventsBefore,
  countExpiredConversations,
  countPrunableEvents,
  deleteConversations,
  deleteFileRows,
  expiredConversations,
  filesOfConversations,
  listAccountIds,
  orphanFiles,
  pruneChannelEvents,
  pruneEvents,
  type StoredFileRef,
} from '../storage/repos/retention.repo.js';
import { advanceClaimedTimer, findTimer, scheduleTimer, type TimerRow } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';
import { slaTargets } from './reports.service.js';

/**
 * Retention (settings.retention.conversationMonths, issue 14): closed conversations closed longer
 * ago than that are deleted with their messages, files (the stored bytes too), notes, survey
 * answers, queued deliveries and timers; per-recipient events older than that go as well (each
 * recipient keeps its newest, so seqs keep growing), provider event ids after CHANNEL_EVENT_TTL_MS,
 * and files no message refers to. Before conversations go, their figures are added to the kept
 * report hours, so the daily report keeps its history.
 *
 * Everything runs in batches of BATCH rows, one short transaction each. The daily `retention` timer
 * (one per account) does at most BATCHES_PER_FIRING batches per firing and re-arms itself at once
 * while work is left, so other timers run in between; `npx parley retention run` loops until done.
 */

export const RETENTION_BATCH = 100;
const BATCHES_PER_FIRING = 10;

export interface RetentionResult {
  accountId: string;
  /** Conversations closed before this instant are past retention. */
  cutoff: string;
  conversations: number;
  files: number;
  events: number;
  channelEvents: number;
  orphanFiles: number;
  /** False when the batch budget ran out before everything was done. */
  done: boolean;
  dryRun: boolean;
}

export interface RetentionOptions {
  /** The time to judge ages by (default: the clock). */
  now?: number;
  /** Count what would go (conversations, events, provider event ids, orphan files; not the files of the conversations), delete nothing. */
  dryRun?: boolean;
  /** At most this many batches of each kind (default: no limit). */
  maxBatches?: number;
  batchSize?: number;
}

/** One retention pass over an account. */
export async function runRetention(deps: Deps, accountId: string, opts: RetentionOptions = {}): Promise<RetentionResult> {
  const now = opts.now ?? deps.clock.now();
  const batch = opts.batchSize ?? RETENTION_BATCH;
  const budget = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  const account = await findAccount(deps.db.kysely, accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  const cutoff = retentionCutoff(now, account.settings.retention.conversationMonths);
  const result: RetentionResult = {
    accountId,
    cutoff: new Date(cutoff).toISOString(),
    conversations: 0,
    files: 0,
    events: 0,
    channelEvents: 0,
    orphanFiles: 0,
    done: true,
    dryRun: opts.dryRun === true,
  };
  if (opts.dryRun) {
    const k = deps.db.kysely;
    result.conversations = await countExpiredConversations(k, accountId, cutoff);
    result.events = await countPrunableEvents(k, accountId, cutoff);
    result.channelEvents = await countChannelEventsBefore(k, accountId, now - CHANNEL_EVENT_TTL_MS);
    result.orphanFiles = (await orphanFiles(k, accountId, now - ORPHAN_FILE_WINDOW_MS, now - ORPHAN_FILE_AGE_MS, 100_000)).length;
    return result;
  }
  const { targets } = await slaTargets(deps, accountId);

  // Conversations past retention, a batch per transaction; the stored bytes after each commit.
  for (let i = 0; ; i++) {
    if (i >= budget) {
      result.done = false;
      break;
    }
    let files: StoredFileRef[] = [];
    const n = await deps.db.transaction(async (tx) => {
      const ids = await expiredConversations(tx, accountId, cutoff, batch);
      files = await filesOfConversations(tx, accountId, ids);
      await archiveReportHours(tx, accountId, ids, targets, now);
      await deleteConversations(tx, accountId, ids);
      return ids.length;
    });
    result.conversations += n;
    result.files += await removeBytes(deps, files);
    if (n < batch) break;
  }

  result.events += await inBatches(result, budget, (tx) => pruneEvents(tx, accountId, cutoff, batch), deps, batch);
  result.channelEvents += await inBatches(result, budget, (tx) => pruneChannelEvents(tx, accountId, now - CHANNEL_EVENT_TTL_MS, batch), deps, batch);

  // Orphan files: rows (and bytes) no message refers to, uploaded in the last days but not in the last hours.
  for (let i = 0; ; i++) {
    if (i >= budget) {
      result.done = false;
      break;
    }
    let found: StoredFileRef[] = [];
    await deps.db.transaction(async (tx) => {
      found = await orphanFiles(tx, accountId, now - ORPHAN_FILE_WINDOW_MS, now - ORPHAN_FILE_AGE_MS, batch);
      await deleteFileRows(
        tx,
        accountId,
        found.map((f) => f.id),
      );
    });
    result.orphanFiles += await removeBytes(deps, found);
    if (found.length < batch) break;
  }
  return result;
}

/** Run `step` (one transaction, returns rows done) until a batch is not full or the budget runs out. */
async function inBatches(result: RetentionResult, budget: number, step: (tx: Tx) => Promise<number>, deps: Deps, batch: number): Promise<number> {
  let total = 0;
  for (let i = 0; ; i++) {
    if (i >= budget) {
      result.done = false;
      return total;
    }
    const n = await deps.db.transaction(step);
    total += n;
    if (n < batch) return total;
  }
}

async function removeBytes(deps: Deps, files: readonly StoredFileRef[]): Promise<number> {
  const store = deps.files?.store;
  if (!store) return files.length;
  for (const f of files) {
    await store.delete(f.storageKey).catch((err) => deps.log.warn({ err, fileId: f.id }, 'retention: could not remove stored file bytes'));
  }
  return files.length;
}

/** Every account: one pass each (the CLI). */
export async function runRetentionAll(deps: Deps, opts: RetentionOptions = {}): Promise<RetentionResult[]> {
  const out: RetentionResult[] = [];
  for (const id of await listAccountIds(deps.db.kysely)) out.push(await runRetention(deps, id, opts));
  return out;
}

/** The account's daily retention timer, armed if it has none (account creation, start-up). */
export async function ensureRetentionTimer(tx: Tx, accountId: string, dueAt: number): Promise<void> {
  if (await findTimer(tx, 'retention', accountId)) return;
  await scheduleTimer(tx, { kind: 'retention', subjectId: accountId, accountId, dueAt, payload: {} });
}

/** At start-up: every account gets its daily retention timer (accounts made before retention existed, or by an older version). */
export async function ensureRetentionTimers(deps: Deps): Promise<void> {
  const first = nextRetentionRunAt(deps.clock.now());
  for (const id of await listAccountIds(deps.db.kysely)) await deps.db.transaction((tx) => ensureRetentionTimer(tx, id, first));
}

/** The `retention` timer: a bounded pass; re-armed at once while work is left, else for the next day. */
export async function retentionTimer(deps: Deps, t: TimerRow): Promise<void> {
  const account = await findAccount(deps.db.kysely, t.accountId);
  if (!account) return;
  const r = await runRetention(deps, t.accountId, { maxBatches: BATCHES_PER_FIRING });
  const now = deps.clock.now();
  const next = r.done ? nextRetentionRunAt(now) : now;
  const moved = await deps.db.transaction((tx) => advanceClaimedTimer(tx, t, next, t.payload));
  if (moved) deps.timersChanged(next);
  if (r.conversations || r.events || r.channelEvents || r.orphanFiles) deps.log.info({ retention: r }, 'retention pass');
}
