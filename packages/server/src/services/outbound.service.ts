import type { DeliveryStatus, Message } from '@parley/contract';
import type { ChannelConfig, InboundReceipt, OutboundMessage } from '../channels/adapter.js';
import { adapterFor } from '../channels/adapters.js';
import { postToProvider, SEND_TIMEOUT_MS } from '../channels/send.js';
import type { Conversation } from '../domain/conversation.js';
import { DELIVERY_BEFORE, DELIVERY_RETRY, movesOn, sentThroughChannel } from '../domain/delivery.js';
import { conflict, DomainError } from '../domain/errors.js';
import type { Tx } from '../storage/db.js';
import type { ChannelRecord } from '../storage/repos/channels.repo.js';
import { findChannel } from '../storage/repos/channels.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { advanceMessageDelivery, findMessage, type MessageRecord, setMessageDelivery, toWireMessage } from '../storage/repos/messages.repo.js';
import { findProviderMessage, holdReceipt, recordProviderMessage } from '../storage/repos/provider-messages.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { type Actor, recordAudit } from './audit.service.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { enqueueJob, type JobKindHandler, type JobOutcome, runJobQueue } from './jobs.service.js';
import type { UserPrincipal } from './principal.js';

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

/** What the provider answered to each request of a delivery: the ids receipts will name. */
export interface DeliveryResult extends Record<string, unknown> {
  providerIds: string[];
}

/** How long a provider may take to fetch a file Parley sends (WhatsApp and Telegram fetch at once; retries come later). */
const FILE_LINK_TTL_SEC = 24 * 3600;

/**
 * The file of a message as a provider fetches it: a signed link under PARLEY_PUBLIC_URL. Without
 * a public URL no provider can reach Parley, and the file is named in the text instead.
 */
function fileForProvider(deps: Deps, m: MessageRecord): OutboundMessage['file'] {
  if (!m.file || !deps.publicUrl || !deps.files) return undefined;
  return {
    url: `${deps.publicUrl}${deps.files.links.urlFor(m.file.id, deps.clock.now(), FILE_LINK_TTL_SEC)}`,
    name: m.file.name,
    contentType: m.file.contentType,
  };
}

/** The message as the adapter builds the provider's request from it. */
function toOutbound(deps: Deps, m: MessageRecord, conversationId: string, to: string): OutboundMessage {
  const file = fileForProvider(deps, m);
  const text = [m.text ?? '', m.file && !file ? `[file: ${m.file.name}]` : ''].filter(Boolean).join('\n');
  return {
    messageId: m.id,
    conversationId,
    to,
    text,
    createdAt: m.createdAt,
    file,
    ...(m.quickReplies?.length && { quickReplies: m.quickReplies }),
    ...(m.template && { template: m.template }),
  };
}

/** A message's delivery changed: its agents see it (`message.updated`, audience as for every message event). */
async function emitMessageUpdated(tx: Tx, out: Outbox, accountId: string, messageId: string, conversationId: string): Promise<void> {
  const message = await findMessage(tx, accountId, messageId);
  const c = await findConversation(tx, accountId, conversationId);
  if (!message || !c) return;
  emit(out, [{ type: 'message.updated', data: toWireMessage(message) }], { conversation: c });
}

/** Move a message's delivery on (never back); true when it moved. */
const advance = (tx: Tx, accountId: string, messageId: string, to: DeliveryStatus, error: string | null = null) =>
  advanceMessageDelivery(tx, accountId, messageId, to, DELIVERY_BEFORE[to], error);

/**
 * A provider's receipt (WhatsApp statuses, Messenger delivery, Instagram read): the message it
 * names moves on, never back, and its agents get `message.updated`. A receipt for a send not
 * recorded yet (the provider was faster than our commit) is held and applied when it is.
 */
export async function applyReceipt(deps: Deps, channel: ChannelRecord, r: InboundReceipt): Promise<void> {
  await inTransaction(deps, channel.accountId, async (tx, out) => {
    const now = deps.clock.now();
    const known = await findProviderMessage(tx, channel.id, r.providerId);
    if (!known?.messageId) {
      await holdReceipt(
        tx,
        { channelId: channel.id, providerId: r.providerId, accountId: channel.accountId, status: r.status, error: r.error ?? null, at: now },
        movesOn,
      );
      return;
    }
    const message = await findMessage(tx, channel.accountId, known.messageId);
    if (!message) return;
    if (await advance(tx, channel.accountId, message.id, r.status, r.error ?? null))
      await emitMessageUpdated(tx, out, channel.accountId, message.id, message.conversationId);
  });
}

/** An agent asks for a failed message to be sent again: its delivery is queued anew (same id, so receivers de-duplicate). */
export async function retryDelivery(deps: Deps, p: UserPrincipal, conversationId: string, messageId: string, actor: Actor): Promise<Message> {
  const accountId = p.accountId;
  return inTransaction(deps, accountId, async (tx, out) => {
    const skills = p.role === 'manager' ? [] : ((await findUser(tx, accountId, p.userId))?.skills ?? []);
    const c = assertCanRead(p, await findConversation(tx, accountId, conversationId), skills);
    assertCanAct(p, c);
    const message = await findMessage(tx, accountId, messageId);
    if (!message || message.conversationId !== c.id || !c.channelId || message.senderType === 'consumer')
      throw new DomainError('not_found', 'the conversation has no such message sent to a channel');
    if (message.delivery !== 'failed') throw conflict('only a failed message can be sent again');
    const payload: DeliveryPayload = { channelId: c.channelId };
    await enqueueJob(deps, tx, { id: message.id, accountId, kind: 'delivery', key: c.id, position: message.seq, payload: { ...payload } }, { replace: true });
    await setMessageDelivery(tx, accountId, message.id, 'queued');
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'message.delivery_retried',
      targetType: 'message',
      targetId: message.id,
      details: { conversationId: c.id, channelId: c.channelId },
    });
    await emitMessageUpdated(tx, out, accountId, message.id, c.id);
    return toWireMessage({ ...message, delivery: 'queued', deliveryError: null });
  });
}

export const deliveryJob: JobKindHandler<DeliveryPayload, DeliveryResult> = {
  policy: DELIVERY_RETRY,
  // Longer than a send can take.
  leaseMs: 3 * SEND_TIMEOUT_MS,

  async handle(deps, job): Promise<JobOutcome<DeliveryResult>> {
    const db = deps.db.kysely;
    const channel = await findChannel(db, job.accountId, job.payload.channelId);
    const message = await findMessage(db, job.accountId, job.id);
    const conversation = await findConversation(db, job.accountId, job.key);
    const consumer = conversation ? await findConsumer(db, job.accountId, conversation.consumerId) : undefined;
    if (!channel || !message || !consumer?.externalId)
      return { ok: false, status: null, error: 'channel, message or consumer address is gone', permanent: true };
    const config: ChannelConfig = channel;
    const adapter = adapterFor(channel.type);
    const built = adapter.outbound(config, toOutbound(deps, message, job.key, consumer.externalId));
    if ('error' in built) return { ok: false, status: null, error: built.error, permanent: true };
    // Several requests (a photo, then the text with its buttons) go in order; a retry sends them all again.
    const providerIds: string[] = [];
    let status: number | null = null;
    for (const request of Array.isArray(built) ? built : [built]) {
      const r = await postToProvider(deps.outbound, request, SEND_TIMEOUT_MS, adapter);
      if (!r.ok) return r;
      status = r.status;
      const id = r.body !== undefined ? adapter.sentId?.(r.body) : undefined;
      if (id) providerIds.push(id);
    }
    return { ok: true, status, result: { providerIds } };
  },

  // Sent or given up: the message shows it (never moving back from a receipt already applied), and its agents see it change.
  async finished(deps, tx, out, job, state, outcome) {
    const now = deps.clock.now();
    if (state === 'done') {
      await advance(tx, job.accountId, job.id, 'sent');
      const ids = outcome.ok ? (outcome.result?.providerIds ?? []) : [];
      for (const providerId of ids) {
        const held = await recordProviderMessage(tx, { channelId: job.payload.channelId, providerId, accountId: job.accountId, messageId: job.id, at: now });
        if (held) await advance(tx, job.accountId, job.id, held.status, held.error);
      }
    } else {
      await advance(tx, job.accountId, job.id, 'failed', outcome.ok ? null : outcome.error);
    }
    await emitMessageUpdated(tx, out, job.accountId, job.id, job.key);
  },
};

/** The `delivery` timer of a conversation: send its queued messages in seq order (the job runner, for this kind). */
export async function deliverConversation(deps: Deps, accountId: string, conversationId: string): Promise<void> {
  await runJobQueue(deps, 'delivery', deliveryJob, accountId, conversationId);
}
