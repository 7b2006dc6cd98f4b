import {
  type ActiveItem,
  CHANNEL_NAMES,
  type ConsumerConversation,
  type ConsumerConversationView,
  type ConversationDetails,
  type ConversationState,
  type DatePrefs,
  formatDateTime,
  formatTranscript,
  type ListStatus,
  type Message,
  type QuickReply,
  type SenderType,
  type TemplateMessage,
} from '@parley/contract';
import { adapterFor } from '../channels/adapters.js';
import { type Conversation, compareActive, countByStatus, isWithBot, toActiveItem, toConsumerView } from '../domain/conversation.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import { outsideServiceWindow, SERVICE_WINDOW_MS, sentThroughChannel } from '../domain/delivery.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import { botNames } from '../storage/repos/bots.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import {
  countConsumerConversations,
  findConversation,
  findLatestConversationOfConsumer,
  findOpenConversationOfConsumer,
  listActiveForAgent,
  listConversations,
  listPreviousConversations,
  lockConversationLight,
  queuePosition,
} from '../storage/repos/conversations.repo.js';
import {
  findMessageByClientId,
  findOpenQuickReplies,
  insertMessage,
  lastConsumerMessageAt,
  listMessages,
  listTranscriptPage,
  type MessageRecord,
  type TranscriptPosition,
  toWireMessage,
} from '../storage/repos/messages.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { findTemplate } from '../storage/repos/templates.repo.js';
import { displayNames, findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { botForSkill, queueBotTurnIn } from './bots.service.js';
import { findAccountCached } from './caches.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import { wrapUpOf } from './dispositions.service.js';
import { withLabels } from './labels.service.js';
import { maskConsumerText } from './masking.service.js';
import { withBotNames, withSenderNames } from './message-wire.js';
import { enqueueOutbound } from './outbound.service.js';
import { commit, commitNew, settingsFor } from './persist.js';
import type { BotPrincipal, ConsumerPrincipal, Principal, UserPrincipal } from './principal.js';
import { withdrawSurveyIn } from './surveys.service.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function accountOf(deps: Deps, tx: Tx, accountId: string): Promise<Account> {
  const a = await findAccountCached(deps, tx, accountId);
  if (!a) throw notFound('account');
  return a;
}

/** The skills of a signed-in agent (managers and consumers: none; they read by other rules). */
export async function userSkills(tx: Tx, p: Principal): Promise<string[]> {
  if (p.kind !== 'user' || p.role === 'manager') return [];
  return (await findUser(tx, p.accountId, p.userId))?.skills ?? [];
}

async function agentView(tx: Tx, c: Conversation): Promise<{ id: string; displayName: string } | null> {
  // The bot that has it answers for now.
  if (isWithBot(c) && c.botId) return { id: c.botId, displayName: (await botNames(tx, c.accountId, [c.botId])).get(c.botId) ?? 'Bot' };
  if (!c.agentId || c.state !== 'open') return null;
  const u = await findUser(tx, c.accountId, c.agentId);
  return u ? { id: u.id, displayName: u.displayName } : null;
}

// ---------------------------------------------------------------- consumer side

export interface OpenResult {
  conversation: ConsumerConversation;
  created: boolean;
}

/** The consumer opens a conversation; one open conversation per consumer (a second call returns it). */
export async function openConversation(
  deps: Deps,
  p: ConsumerPrincipal,
  input: { skillId?: string | undefined; text?: string | undefined },
): Promise<OpenResult> {
  const result = await inTransaction(deps, p.accountId, (tx, out) => openConversationIn(deps, tx, out, p, input));
  if (result.created) deps.kickRouting(p.accountId);
  return result;
}

/** `openConversation` in the caller's transaction (channel inbound); the caller kicks routing after the commit when `created`. */
export async function openConversationIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  p: ConsumerPrincipal,
  input: { skillId?: string | undefined; text?: string | undefined },
): Promise<OpenResult> {
  const now = deps.clock.now();
  const existing = await findOpenConversationOfConsumer(tx, p.accountId, p.consumerId);
  if (existing) return { conversation: toConsumerView(existing, await agentView(tx, existing)), created: false };
  const account = await accountOf(deps, tx, p.accountId);
  const consumer = await findConsumer(tx, p.accountId, p.consumerId);
  if (!consumer) throw notFound('consumer');
  const skill = input.skillId ? await findSkill(tx, p.accountId, input.skillId) : undefined;
  if (input.skillId && !skill) throw invalid('unknown skill', 'skillId');
  // The consumer writes again after a close: the survey of the conversation before no longer applies.
  const previous = await findLatestConversationOfConsumer(tx, p.accountId, p.consumerId);
  if (previous) await withdrawSurveyIn(deps, tx, out, p.accountId, previous.id, 'new_conversation');
  const firstTime = (await countConsumerConversations(tx, p.accountId, p.consumerId)) === 0;
  // A bot registered for the skill takes the new conversation first (API.md "Bots").
  const bot = await botForSkill(tx, p.accountId, input.skillId ?? null);
  // What the consumer typed is masked before anything keeps or pushes it (settings.masking).
  const text = input.text ? maskConsumerText(account.settings.masking, input.text) : undefined;
  const n = {
    id: newId(),
    accountId: p.accountId,
    consumerId: p.consumerId,
    channel: consumer.channel,
    channelId: consumer.channelId,
    skillId: input.skillId ?? null,
    firstTime,
  };
  const message = text ? newMessage({ ...n, lastSeq: 0 }, 'consumer', p.consumerId, text, null, now) : undefined;
  const t = lifecycle.open(n, { account: account.settings, skill: skill?.overrides ?? null }, now, {
    first: message && text ? { message: toWireMessage(message), line: text } : undefined,
    bot,
  });
  await commitNew(deps, tx, out, t);
  if (message) await insertMessage(tx, message);
  if (message) await queueBotTurnIn(deps, tx, t.conversation, toWireMessage(message));
  return { conversation: toConsumerView(t.conversation, bot ? { id: bot.id, displayName: bot.name } : null), created: true };
}

function newMessage(
  c: Pick<Conversation, 'id' | 'accountId' | 'lastSeq'>,
  senderType: SenderType,
  senderId: string | null,
  text: string | null,
  clientMessageId: string | null,
  now: number,
  file: Message['file'] = null,
): MessageRecord {
  return {
    id: newId(),
    accountId: c.accountId,
    conversationId: c.id,
    seq: c.lastSeq + 1,
    senderType,
    senderId,
    text,
    file,
    clientMessageId,
    createdAt: now,
  };
}

export interface SendResult {
  message: Message;
  created: boolean;
}

/**
 * Add a message to a conversation without the rules of a live exchange (no SLA, unread or state
 * change): a survey question sent on a channel, or the consumer's reply to it, after the close.
 * Queued for channel delivery when it goes to the consumer (`system`); pushed to the consumer and
 * to the agent whose list holds the conversation.
 */
export async function appendMessageIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  c: Conversation,
  m: { senderType: 'consumer' | 'system'; senderId: string | null; text: string; clientMessageId?: string | null },
): Promise<{ conversation: Conversation; message: Message }> {
  const now = deps.clock.now();
  const text = m.senderType === 'consumer' ? maskConsumerText((await accountOf(deps, tx, c.accountId)).settings.masking, m.text) : m.text;
  const message = newMessage(c, m.senderType, m.senderId, text, m.clientMessageId ?? null, now);
  await insertMessage(tx, message);
  const stored = m.senderType === 'system' ? await enqueueOutbound(deps, tx, c, message) : message;
  const t = lifecycle.appendMessage(c, now, { message: toWireMessage(stored) });
  await commit(deps, tx, out, c, t);
  return { conversation: t.conversation, message: toWireMessage(stored) };
}

/**
 * Send a message. The conversation row is locked, the `clientMessageId` checked (a repeat returns
 * the stored message), the message and its events committed together; only then is it acknowledged.
 */
/** What a message carries: text, a file already stored (see files/), or both; on channels quick replies or a template. */
export interface MessageInput {
  text?: string | null | undefined;
  file?: Message['file'] | undefined;
  clientMessageId: string;
  /** Agents: answers offered as buttons. */
  quickReplies?: QuickReply[] | undefined;
  /** Consumers: the quick reply chosen. */
  quickReply?: { payload: string } | undefined;
  /** Agents on WhatsApp: an approved template (the only message outside the service window). */
  template?: TemplateMessage | undefined;
}

/** The line shown in lists for a message. */
const summary = (input: MessageInput): string => input.text ?? (input.file ? `📎 ${input.file.name}` : input.template ? templateLine(input.template) : '');

/** How a template message reads in the transcript (Parley does not know the template's wording, only its name and parameters). */
const templateLine = (t: TemplateMessage): string => `Template ${t.name} (${t.language})${t.params.length ? `: ${t.params.join(' · ')}` : ''}`;

/**
 * The channel rules of an agent message, checked before anything is stored: a template only on
 * WhatsApp, approved (listed for the channel) and with its parameters; free text on WhatsApp only
 * within 24 h of the consumer's last message (409 outside_service_window); quick replies within
 * the channel's native limit. A consumer may not offer quick replies, and may choose only one
 * offered. Returns the text to store.
 */
async function checkChannelRules(tx: Tx, p: Principal, c: Conversation, input: MessageInput, now: number): Promise<string | null> {
  if (p.kind === 'consumer') {
    if (input.quickReplies?.length) throw invalid('only agents offer quick replies', 'quickReplies');
    if (input.template) throw invalid('only agents send templates', 'template');
    // The widget's answer must be one offered; a provider's (a template button, a persistent menu) is taken as it comes.
    if (input.quickReply && c.channel === 'web') {
      const offered = await findOpenQuickReplies(tx, p.accountId, c.id);
      const payloads = (offered?.quickReplies ?? []).map((q) => q.payload ?? q.title);
      if (!payloads.includes(input.quickReply.payload)) throw invalid('not one of the quick replies offered', 'quickReply.payload');
    }
    return input.text ?? null;
  }
  if (input.quickReply) throw invalid("quickReply is the consumer's answer; agents offer quickReplies", 'quickReply');
  const type = c.channel === 'web' ? undefined : c.channel;
  if (input.template) {
    if (c.channel !== 'whatsapp' || !c.channelId) throw invalid('templates are for WhatsApp conversations', 'template');
    if (input.quickReplies?.length) throw invalid('a template carries its own buttons: quickReplies cannot go with it', 'quickReplies');
    if (input.file) throw invalid('a template cannot carry a file', 'template');
    const t = await findTemplate(tx, p.accountId, c.channelId, input.template.name, input.template.language);
    if (!t) throw invalid(`the channel has no approved template ${input.template.name} (${input.template.language})`, 'template.name');
    if (t.params !== input.template.params.length) throw invalid(`the template takes ${t.params} parameters`, 'template.params');
    return input.text ?? templateLine(input.template);
  }
  if (c.channel === 'whatsapp' && outsideServiceWindow(c.channel, await lastConsumerMessageAt(tx, p.accountId, c.id), now)) {
    throw new DomainError(
      'outside_service_window',
      `the consumer wrote more than ${SERVICE_WINDOW_MS / 3600_000} h ago: WhatsApp accepts only an approved template now`,
    );
  }
  const limit = type && c.channelId ? (adapterFor(type).maxQuickReplies ?? undefined) : undefined;
  if (limit !== undefined && (input.quickReplies?.length ?? 0) > limit) throw invalid(`this channel shows at most ${limit} quick replies`, 'quickReplies');
  return input.text ?? null;
}

export async function sendMessage(deps: Deps, p: Principal, conversationId: string, input: MessageInput): Promise<SendResult> {
  return inTransaction(deps, p.accountId, (tx, out) => sendMessageIn(deps, tx, out, p, conversationId, input));
}

/** `sendMessage` in the caller's transaction (channel inbound stores the provider event and the message together). */
export async function sendMessageIn(deps: Deps, tx: Tx, out: Outbox, p: Principal, conversationId: string, input: MessageInput): Promise<SendResult> {
  const senderType: SenderType = p.kind === 'consumer' ? 'consumer' : p.kind === 'bot' ? 'bot' : 'agent';
  const senderId = p.kind === 'consumer' ? p.consumerId : p.kind === 'bot' ? p.botId : p.userId;
  const locked = await lockConversationLight(tx, deps.db.dialect, p.accountId, conversationId);
  const c = assertCanRead(p, locked, await userSkills(tx, p));
  if (p.kind === 'user') assertCanAct(p, c);
  // Checked once the caller may write here (a refusal says nothing about the body).
  if (!input.text && !input.file && !input.template) throw invalid('a message needs text, a file or a template', 'text');
  const repeat = await findMessageByClientId(tx, p.accountId, c.id, senderType, input.clientMessageId);
  if (repeat) return { message: await withBotNames(tx, p.accountId, toWireMessage(repeat)), created: false };
  const now = deps.clock.now();
  const checked = await checkChannelRules(tx, p, c, input, now);
  const account = await accountOf(deps, tx, p.accountId);
  // What a consumer typed is masked before it is stored, pushed, delivered or synced (settings.masking).
  const text = senderType === 'consumer' && checked ? maskConsumerText(account.settings.masking, checked) : checked;
  const message: MessageRecord = {
    ...newMessage(c, senderType, senderId, text, input.clientMessageId, now, input.file ?? null),
    ...(input.quickReplies?.length && { quickReplies: input.quickReplies }),
    ...(input.quickReply && { quickReply: input.quickReply }),
    ...(input.template && { template: input.template }),
  };
  // An agent's name goes with the message to the consumer and into the list's preview ("Bob Chen: …"); a bot's to everyone.
  const senderName =
    senderType === 'agent'
      ? ((await displayNames(tx, p.accountId, [senderId])).get(senderId) ?? null)
      : senderType === 'bot'
        ? ((await botNames(tx, p.accountId, [senderId])).get(senderId) ?? 'Bot')
        : null;
  const sender: lifecycle.Sender =
    senderType === 'agent'
      ? { type: 'agent', id: senderId, name: senderName }
      : senderType === 'bot'
        ? { type: 'bot', id: senderId, name: senderName ?? 'Bot' }
        : { type: 'consumer' };
  const toConsumer = senderType === 'agent' || senderType === 'bot';
  // As it will be stored: an agent's or bot's message on a channel conversation is queued for delivery (outbound.service.ts).
  const stored = toWireMessage(toConsumer && sentThroughChannel(c) ? { ...message, delivery: 'queued' } : message);
  const wire = senderType === 'bot' && senderName !== null ? { ...stored, senderName } : stored;
  const consumer = await findConsumer(tx, p.accountId, c.consumerId);
  const t = lifecycle.orThrow(
    lifecycle.receiveMessage(c, await settingsFor(tx, account, c.skillId, { cached: deps }), now, {
      sender,
      // The consumer's copy names the agent who wrote it; the agents' copy does not (domain/audience.ts).
      message: senderName !== null ? { ...stored, senderName } : stored,
      line: summary({ ...input, text }),
      consumerName: consumer?.name ?? 'Visitor',
    }),
  );
  await insertMessage(tx, message);
  if (toConsumer) await enqueueOutbound(deps, tx, c, message);
  await commit(deps, tx, out, c, t);
  // A bot has it: the consumer's message is the bot's next turn (services/bots.service.ts).
  if (senderType === 'consumer') await queueBotTurnIn(deps, tx, t.conversation, wire);
  return { message: wire, created: true };
}

/** Consumer's view of its conversation, with its place in the queue while waiting. */
export async function getConsumerConversation(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversationView> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, id), []);
  const view = toConsumerView(c, await agentView(tx, c));
  if (c.state !== 'queued') return { ...view, queuePosition: null, expectedResponseSec: null };
  const position = await queuePosition(tx, c);
  const now = deps.clock.now();
  const due = c.slaDueAt ?? now;
  return { ...view, queuePosition: position, expectedResponseSec: Math.max(0, Math.round((due - now) / 1000)) };
}

/** A transcript page as read: each message with its position, for the route's cursor (http/pagination.ts). */
export type TranscriptRows = { message: Message; position: TranscriptPosition }[];

/** The consumer's transcript of one of their conversations, in seq order after `after` (a seq) and the page position. */
export async function listConsumerMessages(
  deps: Deps,
  p: ConsumerPrincipal,
  id: string,
  after: number,
  page: { after?: TranscriptPosition | undefined; limit: number },
): Promise<TranscriptRows> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, id), []);
  const rows = await listTranscriptPage(tx, p.accountId, [c.id], { afterSeq: after, ...page });
  const messages = await withSenderNames(
    tx,
    p.accountId,
    rows.map((r) => toWireMessage(r.message)),
  );
  return rows.map((r, i) => ({ message: messages[i] ?? toWireMessage(r.message), position: r.position }));
}

// ---------------------------------------------------------------- agent side

export async function markRead(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversationLight(tx, deps.db.dialect, p.accountId, id), await userSkills(tx, p));
    assertCanAct(p, c);
    if (c.agentUnread === 0) return;
    const account = await accountOf(deps, tx, p.accountId);
    const consumer = await findConsumer(tx, p.accountId, c.consumerId);
    const t = lifecycle.markRead(c, await settingsFor(tx, account, c.skillId), deps.clock.now(), { consumerName: consumer?.name ?? 'Visitor' });
    await commit(deps, tx, out, c, t);
  });
}

export async function activeList(
  deps: Deps,
  p: UserPrincipal,
  filter: ListStatus[] | undefined,
): Promise<{ counts: Record<ListStatus, number>; items: ActiveItem[] }> {
  const tx = deps.db.kysely;
  const account = await accountOf(deps, tx, p.accountId);
  const now = deps.clock.now();
  const rows = await listActiveForAgent(tx, p.accountId, p.userId, now - account.settings.closedRetentionHours * HOUR);
  const items = await withLabels(tx, p.accountId, rows.map((r) => toActiveItem(r, account.settings.idleAfterSec, now)).sort(compareActive));
  const counts = countByStatus(items);
  return { counts, items: filter?.length ? items.filter((i) => filter.includes(i.status)) : items };
}

export async function getConversationDetails(deps: Deps, p: UserPrincipal, id: string): Promise<ConversationDetails> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, id), await userSkills(tx, p));
  const account = await accountOf(deps, tx, p.accountId);
  const consumer = await findConsumer(tx, p.accountId, c.consumerId);
  const now = deps.clock.now();
  const [item] = await withLabels(tx, p.accountId, [
    toActiveItem({ conversation: c, consumerName: consumer?.name ?? 'Visitor' }, account.settings.idleAfterSec, now),
  ]);
  if (!item) throw notFound('conversation');
  return {
    ...item,
    urgent: c.urgent,
    firstTime: c.firstTime,
    closedBy: c.closedBy,
    assignedAt: c.assignedAt === null ? null : new Date(c.assignedAt).toISOString(),
    firstResponseAt: c.firstResponseAt === null ? null : new Date(c.firstResponseAt).toISOString(),
    consumer: {
      id: c.consumerId,
      name: consumer?.name ?? 'Visitor',
      channel: c.channel,
      customVariables: consumer?.customVariables ?? {},
    },
    routing: c.routing ? { ...c.routing, at: new Date(c.routing.at).toISOString() } : null,
    wrapUp: await wrapUpOf(tx, p.accountId, c.id),
    bot:
      c.botId && c.botStatus
        ? {
            id: c.botId,
            name: (await botNames(tx, p.accountId, [c.botId])).get(c.botId) ?? 'Bot',
            status: c.botStatus === 'escalated' ? 'escalated' : c.state === 'closed' ? 'contained' : 'handling',
          }
        : null,
  };
}

/**
 * Transcript; with `includePrevious` the consumer's earlier conversations (within the history
 * window) come first. Paginated in SQL: up to `page.limit` messages after `page.after`.
 */
export async function transcript(
  deps: Deps,
  p: UserPrincipal | BotPrincipal,
  id: string,
  opts: { includePrevious: boolean; after: number; page: { after?: TranscriptPosition | undefined; limit: number } },
): Promise<TranscriptRows> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, id), await userSkills(tx, p));
  const ids = [c.id];
  if (opts.includePrevious && opts.after === 0) {
    const account = await accountOf(deps, tx, p.accountId);
    const since = deps.clock.now() - account.settings.historyMonths * 31 * DAY;
    const prev = await listPreviousConversations(tx, c, since);
    ids.unshift(...prev.map((x) => x.id));
  }
  // Previous conversations are all older than this one, so (created_at, id) order is the order above.
  const rows = await listTranscriptPage(tx, p.accountId, ids, { afterSeq: ids.length === 1 ? opts.after : 0, ...opts.page });
  const messages = await withBotNames(
    tx,
    p.accountId,
    rows.map((r) => toWireMessage(r.message)),
  );
  return rows.map((r, i) => ({ message: messages[i] ?? toWireMessage(r.message), position: r.position }));
}

/** The transcript an agent copies (Copy transcript, CRM records): times in the agent's own date format, clock and time zone. */
export async function transcriptText(deps: Deps, p: UserPrincipal, id: string): Promise<string> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, id), await userSkills(tx, p));
  const settings = (await findUser(tx, p.accountId, p.userId))?.settings ?? {};
  const prefs: DatePrefs = { dateFormat: settings.dateFormat ?? 'YYYY-MM-DD', timeFormat: settings.timeFormat ?? '24h', timeZone: settings.timeZone ?? 'UTC' };
  return renderTranscript(tx, c, (at) => `${formatDateTime(at, prefs)}${settings.timeZone ? '' : ' UTC'}`);
}

const CHANNEL_NAME = CHANNEL_NAMES;
const iso = (at: number) => new Date(at).toISOString();

/**
 * The plain-text transcript of a conversation (no access check: callers do it, or act for the
 * system, as the CRM sync does, with ISO times). The layout is `formatTranscript` (contract): a
 * message's continuation lines are indented, so no message text can pass for a header line.
 */
/** Who closed it, as the closing line names them: the agent by name, or the consumer; null for an automatic close. */
function closerName(c: Conversation): string | null {
  if (c.closedBy === 'consumer') return 'the consumer';
  if (c.closedBy === 'agent') return c.closedByName ?? 'an agent';
  return null;
}

export async function renderTranscript(tx: Tx, c: Conversation, time: (at: number) => string = iso): Promise<string> {
  const consumer = await findConsumer(tx, c.accountId, c.consumerId);
  const messages = await listMessages(tx, c.accountId, [c.id]);
  const agentIds = [...new Set(messages.flatMap((m) => (m.senderType === 'agent' && m.senderId ? [m.senderId] : [])))];
  const names = await displayNames(tx, c.accountId, agentIds);
  const bots = await botNames(
    tx,
    c.accountId,
    messages.flatMap((m) => (m.senderType === 'bot' && m.senderId ? [m.senderId] : [])),
  );
  const whoSent = (m: MessageRecord) => {
    if (m.senderType === 'consumer') return consumer?.name ?? 'Visitor';
    if (m.senderType === 'agent' && m.senderId) return names.get(m.senderId) ?? 'Agent';
    if (m.senderType === 'bot' && m.senderId) return bots.get(m.senderId) ?? 'Bot';
    return 'System';
  };
  return formatTranscript({
    consumerName: consumer?.name ?? 'Visitor',
    channel: CHANNEL_NAME[c.channel],
    startedAt: time(c.createdAt),
    messages: messages.map((m) => ({
      at: time(m.createdAt),
      who: whoSent(m),
      text: [m.text, m.file ? `[file: ${m.file.name}]` : null].filter(Boolean).join(' '),
    })),
    closed: c.closedAt === null ? null : { at: time(c.closedAt), by: closerName(c), automatic: c.closedBy === 'system' },
  });
}

export interface ListInput {
  from?: number | undefined;
  to?: number | undefined;
  q?: string | undefined;
  /** Supervision filters (`GET /api/v1/conversations?state=&agentId=&skillId=&label=`); `state`: any of these. */
  state?: readonly ConversationState[] | undefined;
  agentId?: string | undefined;
  skillId?: string | undefined;
  labelId?: string | undefined;
  /** The keyset position `[createdAt, id]` of the last conversation of the previous page. */
  after?: readonly [number, string] | undefined;
  limit: number;
}

/**
 * The All tab: conversations the user may see, newest first, up to `limit` after `after`. `from`
 * defaults to 7 days ago when browsing, and to the start of the history window when searching
 * (`q`): a search reaches the whole history at once, page by page. `from` is bounded by the window.
 */
export async function listAll(deps: Deps, p: UserPrincipal, input: ListInput): Promise<ActiveItem[]> {
  const tx = deps.db.kysely;
  const account = await accountOf(deps, tx, p.accountId);
  const now = deps.clock.now();
  const windowStart = now - account.settings.historyMonths * 31 * DAY;
  // Searching, or watching what is under way (supervision), reaches back over the whole history window.
  const live = input.state !== undefined && input.state.length > 0 && !input.state.includes('closed');
  const from = input.from ?? (input.q || live ? windowStart : now - 7 * DAY);
  if (from < windowStart) throw invalid(`from may not reach past the history window (${new Date(windowStart).toISOString()})`, 'from');
  const to = input.to ?? now + 1;
  if (to <= from) throw invalid('to must be after from', 'to');
  const skills = p.role === 'manager' ? null : await userSkills(tx, p);
  const rows = await listConversations(tx, {
    accountId: p.accountId,
    from,
    to,
    q: input.q,
    state: input.state,
    agentId: input.agentId,
    skillId: input.skillId,
    labelId: input.labelId,
    skillIds: skills,
    userId: p.userId,
    cursor: input.after ? { createdAt: input.after[0], id: input.after[1] } : undefined,
    limit: input.limit,
  });
  return withLabels(
    tx,
    p.accountId,
    rows.map((r) => toActiveItem(r, account.settings.idleAfterSec, now)),
  );
}

export type { Outbox };
