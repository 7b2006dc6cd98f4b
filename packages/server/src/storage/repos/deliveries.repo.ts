import type { DeliveryStatus } from '@parley/contract';
import type { Tx } from '../db.js';
import { findJob, type JobState } from './jobs.repo.js';

/** One message waiting for (or done with) delivery to its channel's provider: its `delivery` job (jobs.repo.ts), as deliveries speak of it. */
export interface DeliveryRecord {
  messageId: string;
  accountId: string;
  conversationId: string;
  channelId: string;
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** The provider's HTTP status on the last attempt, if it answered. */
  lastStatus: number | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

const STATUS: Record<JobState, DeliveryStatus> = { queued: 'queued', done: 'sent', failed: 'failed' };

export async function findDelivery(tx: Tx, accountId: string, messageId: string): Promise<DeliveryRecord | undefined> {
  const job = await findJob(tx, accountId, messageId);
  if (job?.kind !== 'delivery') return undefined;
  return {
    messageId: job.id,
    accountId: job.accountId,
    conversationId: job.key,
    channelId: String(job.payload.channelId),
    seq: job.position,
    status: STATUS[job.state],
    attempts: job.attempts,
    nextAttemptAt: job.nextAt,
    lastError: job.lastError,
    lastStatus: job.lastStatus,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    sentAt: job.state === 'done' ? job.finishedAt : null,
  };
}
