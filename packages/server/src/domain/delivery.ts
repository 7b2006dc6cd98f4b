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
