import { randomUUID } from 'node:crypto';
import type { DeliveryStatus } from '@parley/contract';
import type { ChannelConfig, OutboundMessage } from '../channels/adapter.js';
import { adapterFor } from '../channels/adapters.js';
import { postToProvider, SEND_TIMEOUT_MS, type SendResult } from '../channels/send.js';
import type { Conversation } from '../domain/conversation.js';
import { afterFailure } from '../domain/delivery.js';
import type { Tx } from '../storage/db.js';
import { findChannel } from '../storage/repos/channels.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { claimDelivery, type DeliveryRecord, headOfQueue, insertDelivery, settleDelivery } from '../storage/repos/deliveries.repo.js';
import { findMessage, type MessageRecord, setMessageDelivery, toWireMessage } from '../storage/repos/messages.repo.js';
import { scheduleTimer } from '../storage/repos/timers.repo.js';
import { type Deps, inTransaction } from './context.js';

/** How long one attempt holds its delivery (longer than a send can take). */
const CLAIM_MS = 3 * SEND_TIMEOUT_MS;
/** Real time one timer run may spend sending before it re-arms itself (the timer's own lease is 30 s). */
const RUN_BUDGET_MS = 15_000;

/**
 * Called in the transaction that stores a message for the consumer (agent messages; a survey
 * question on SMS may use it too). Web consumers read messages over the API and Socket.IO; for
 * channel conversations (SMS, Messenger, webhook) the message is queued here, in the same
 * transaction, for durable delivery to the provider, and a `delivery` timer for the conversation
 * is armed. Returns the message as stored (with its `delivery` status).
 */
export async function enqueueOutbound(deps: Deps, tx: Tx, c: Conversation, message: MessageRecord): Promise<MessageRecord> {
  if (c.channel === 'web' || !c.channelId) return message;
  const now = deps.clock.now();
  await insertDelivery(tx, {
    messageId: message.id,
    accountId: c.accountId,
    conversationId: c.id,
    channelId: c.channelId,
    seq: message.seq,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    claimedUntil: null,
    claimToken: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
  });
  await setMessageDelivery(tx, c.accountId, message.id, 'queued');
  await armDelivery(deps, tx, c.accountId, c.id, now);
  return { ...message, delivery: 'queued' };
}

async function armDelivery(deps: Deps, tx: Tx, accountId: string, conversationId: string, at: number): Promise<void> {
  await scheduleTimer(tx, { kind: 'delivery', subjectId: conversationId, accountId, dueAt: at, payload: {} });
  deps.timersChanged(at);
}

/** The text a provider gets for a message: its text, and a file by name (files are not sent to providers yet). */
const outboundText = (m: MessageRecord): string => [m.text ?? '', m.file ? `[file: ${m.file.name}]` : ''].filter(Boolean).join('\n');

type Attempt = SendResult;

async function attempt(deps: Deps, d: DeliveryRecord): Promise<Attempt> {
  const db = deps.db.kysely;
  const channel = await findChannel(db, d.accountId, d.channelId);
  const message = await findMessage(db, d.accountId, d.messageId);
  const conversation = await findConversation(db, d.accountId, d.conversationId);
  const consumer = conversation ? await findConsumer(db, d.accountId, conversation.consumerId) : undefined;
  if (!channel || !message || !consumer?.externalId) return { ok: false, status: null, error: 'channel, message or consumer address is gone', permanent: true };
  const config: ChannelConfig = channel;
  const msg: OutboundMessage = {
    messageId: message.id,
    conversationId: d.conversationId,
    to: consumer.externalId,
    text: outboundText(message),
    createdAt: message.createdAt,
  };
  const request = adapterFor(channel.type).outbound(config, msg);
  if ('error' in request) return { ok: false, status: null, error: request.error, permanent: true };
  return postToProvider(deps.outbound, request);
}

/** Record an attempt's outcome, tell the agents, and say when to try again (if at all). */
async function settle(deps: Deps, d: DeliveryRecord, token: string, result: Attempt): Promise<{ retryAt: number | null }> {
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  let status: DeliveryStatus = 'sent';
  let retryAt: number | null = null;
  if (!result.ok) {
    const next = result.permanent ? ({ kind: 'failed' } as const) : afterFailure(attempts, now);
    if (next.kind === 'failed') status = 'failed';
    else {
      status = 'queued';
      retryAt = next.at;
    }
    deps.log.warn({ messageId: d.messageId, conversationId: d.conversationId, attempts, error: result.error, status }, 'channel delivery failed');
  }
  const settled = await inTransaction(deps, d.accountId, async (tx, out) => {
    const ok = await settleDelivery(tx, d.messageId, token, {
      status,
      attempts,
      nextAttemptAt: retryAt ?? now,
      lastError: result.ok ? null : result.error,
      sentAt: result.ok ? now : null,
      now,
    });
    if (!ok) return false;
    if (retryAt !== null) {
      await armDelivery(deps, tx, d.accountId, d.conversationId, retryAt);
      return true;
    }
    await setMessageDelivery(tx, d.accountId, d.messageId, status);
    const message = await findMessage(tx, d.accountId, d.messageId);
    const c = await findConversation(tx, d.accountId, d.conversationId);
    if (!message || !c) return true;
    const wire = toWireMessage(message);
    const agents = new Set([c.agentId ?? c.lastAgentId, message.senderType === 'agent' ? message.senderId : null].filter((x): x is string => !!x));
    for (const id of agents) out.push({ recipient: { kind: 'agent', id }, type: 'message.updated', data: wire });
    return true;
  });
  // A lost claim (this run outlived it) leaves the row to whoever claimed it next.
  return { retryAt: settled ? retryAt : null };
}

/**
 * The `delivery` timer of a conversation: send its queued messages in seq order. Only the head
 * of the queue is ever attempted, and only under a claim, so messages reach the provider in order
 * and two nodes never send the same one at the same time. A failed attempt is retried with
 * backoff (domain/delivery.ts) by re-arming the timer; a message that keeps failing is marked
 * `failed` and the next one goes out.
 */
export async function deliverConversation(deps: Deps, accountId: string, conversationId: string): Promise<void> {
  const started = performance.now();
  const db = deps.db.kysely;
  for (;;) {
    const now = deps.clock.now();
    const head = await headOfQueue(db, accountId, conversationId);
    if (!head) return;
    if (head.nextAttemptAt > now) return armDelivery(deps, db, accountId, conversationId, head.nextAttemptAt);
    const token = randomUUID();
    if (!(await claimDelivery(db, head.messageId, token, now, CLAIM_MS))) {
      // Another node is sending it; look again once its claim would have expired.
      return armDelivery(deps, db, accountId, conversationId, Math.max(now, head.claimedUntil ?? now) + 1);
    }
    const result = await attempt(deps, head);
    const { retryAt } = await settle(deps, head, token, result);
    if (retryAt !== null) return;
    if (performance.now() - started > RUN_BUDGET_MS) return armDelivery(deps, db, accountId, conversationId, deps.clock.now());
  }
}
