import type { ChannelConfig, OutboundMessage } from '../channels/adapter.js';
import { adapterFor } from '../channels/adapters.js';
import { postToProvider, SEND_TIMEOUT_MS } from '../channels/send.js';
import type { Conversation } from '../domain/conversation.js';
import { DELIVERY_RETRY, sentThroughChannel } from '../domain/delivery.js';
import type { Tx } from '../storage/db.js';
import { findChannel } from '../storage/repos/channels.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { findMessage, type MessageRecord, setMessageDelivery, toWireMessage } from '../storage/repos/messages.repo.js';
import { type Deps, emit } from './context.js';
import { enqueueJob, type JobKindHandler, type JobOutcome, runJobQueue } from './jobs.service.js';

/**
 * Channel delivery (ADR 4) on the durable jobs (ADR 12): a `delivery` job per agent message on a
 * channel conversation, keyed by the conversation and ordered by the message seq, so a
 * conversation's messages reach the provider in order, each retried with backoff
 * (domain/delivery.ts) until it is sent or failed, and two nodes never send the same one at once.
 * The job id is the message id (webhook receivers get it as `X-Parley-Event-Id`).
 */

/** What a delivery job carries besides its id (the message) and key (the conversation). */
export interface DeliveryPayload {
  channelId: string;
}

/**
 * Called in the transaction that stores a message for the consumer (agent messages; a survey
 * question on SMS may use it too). Web consumers read messages over the API and Socket.IO; for
 * channel conversations (SMS, Messenger, webhook) the message is queued here, in the same
 * transaction, for durable delivery to the provider. Returns the message as stored (with its
 * `delivery` status).
 */
export async function enqueueOutbound(deps: Deps, tx: Tx, c: Conversation, message: MessageRecord): Promise<MessageRecord> {
  if (!sentThroughChannel(c) || !c.channelId) return message;
  const payload: DeliveryPayload = { channelId: c.channelId };
  await enqueueJob(deps, tx, { id: message.id, accountId: c.accountId, kind: 'delivery', key: c.id, position: message.seq, payload: { ...payload } });
  await setMessageDelivery(tx, c.accountId, message.id, 'queued');
  return { ...message, delivery: 'queued' };
}

/** The text a provider gets for a message: its text, and a file by name (files are not sent to providers yet). */
const outboundText = (m: MessageRecord): string => [m.text ?? '', m.file ? `[file: ${m.file.name}]` : ''].filter(Boolean).join('\n');

export const deliveryJob: JobKindHandler<DeliveryPayload> = {
  policy: DELIVERY_RETRY,
  // Longer than a send can take.
  leaseMs: 3 * SEND_TIMEOUT_MS,

  async handle(deps, job): Promise<JobOutcome> {
    const db = deps.db.kysely;
    const channel = await findChannel(db, job.accountId, job.payload.channelId);
    const message = await findMessage(db, job.accountId, job.id);
    const conversation = await findConversation(db, job.accountId, job.key);
    const consumer = conversation ? await findConsumer(db, job.accountId, conversation.consumerId) : undefined;
    if (!channel || !message || !consumer?.externalId)
      return { ok: false, status: null, error: 'channel, message or consumer address is gone', permanent: true };
    const config: ChannelConfig = channel;
    const msg: OutboundMessage = {
      messageId: message.id,
      conversationId: job.key,
      to: consumer.externalId,
      text: outboundText(message),
      createdAt: message.createdAt,
    };
    const request = adapterFor(channel.type).outbound(config, msg);
    if ('error' in request) return { ok: false, status: null, error: request.error, permanent: true };
    return postToProvider(deps.outbound, request);
  },

  // Sent or given up: the message shows it, and its agents see it change.
  async finished(_deps, tx, out, job, state) {
    await setMessageDelivery(tx, job.accountId, job.id, state === 'done' ? 'sent' : 'failed');
    const message = await findMessage(tx, job.accountId, job.id);
    const c = await findConversation(tx, job.accountId, job.key);
    if (!message || !c) return;
    emit(out, [{ type: 'message.updated', data: toWireMessage(message) }], { conversation: c });
  },
};

/** The `delivery` timer of a conversation: send its queued messages in seq order (the job runner, for this kind). */
export async function deliverConversation(deps: Deps, accountId: string, conversationId: string): Promise<void> {
  await runJobQueue(deps, 'delivery', deliveryJob, accountId, conversationId);
}
