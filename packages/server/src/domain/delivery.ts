import type { DeliveryStatus } from '@parley/contract';
import type { Conversation } from './conversation.js';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';

/**
 * Outbound delivery to a channel's provider: how often and how long a message is retried.
 * Attempt n (1-based) that fails is retried after 1 s · 2^(n-1), capped at one minute, without
 * jitter (a conversation's later messages wait behind its head anyway); after
 * MAX_DELIVERY_ATTEMPTS failed attempts the message is marked failed and the next one in the
 * conversation goes out (1 + 2 + 4 + … + 64 s ≈ 2 min of trying).
 */
export const MAX_DELIVERY_ATTEMPTS = 8;
export const DELIVERY_RETRY: RetryPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000, jitter: 'none', maxAttempts: MAX_DELIVERY_ATTEMPTS };

/** Delay before the next attempt after `failedAttempts` (≥ 1) attempts failed. */
export const retryDelayMs = (failedAttempts: number): number => backoffDelayMs(DELIVERY_RETRY, failedAttempts);

/** Messages to the consumer of this conversation go out through a channel's provider (SMS, Messenger, webhook), queued for delivery; web consumers read them over the API. */
export const sentThroughChannel = (c: Pick<Conversation, 'channel' | 'channelId'>): boolean => c.channel !== 'web' && c.channelId !== null;

/**
 * The states a delivery may move on to each state from: queued → sent → delivered → read, never
 * back. `failed` comes only before the provider confirmed delivery (a "delivered" or "read" that
 * arrives after a "failed", as WhatsApp may report for a consumer on two devices, wins).
 */
export const DELIVERY_BEFORE: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  queued: [],
  sent: ['queued'],
  delivered: ['queued', 'sent', 'failed'],
  read: ['queued', 'sent', 'delivered', 'failed'],
  failed: ['queued', 'sent'],
};

/** True when a delivery at `held` (null: none yet) may move on to `next`. */
export const movesOn = (next: DeliveryStatus, held: DeliveryStatus | null): boolean => held === null || DELIVERY_BEFORE[next].includes(held);

/**
 * WhatsApp's customer-service window: a free-form message may go to the consumer only within 24 h
 * of their last message; after that only an approved template.
 */
export const SERVICE_WINDOW_MS = 24 * 3600_000;

export const outsideServiceWindow = (channel: Conversation['channel'], lastConsumerAt: number | null, now: number): boolean =>
  channel === 'whatsapp' && (lastConsumerAt === null || now - lastConsumerAt > SERVICE_WINDOW_MS);
