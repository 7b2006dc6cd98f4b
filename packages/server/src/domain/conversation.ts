import {
  type ActiveItem,
  type Channel,
  type ConsumerConversation,
  type ConversationState,
  compareActive,
  type DomainEvent,
  isOverdueAt,
  isSoonOverdueAt,
  type ListStatus,
  type SenderType,
  SOON_OVERDUE_MS,
} from '@parley/contract';

/** The Active list's rules are the contract's (shared with the workspace). */
export { compareActive, SOON_OVERDUE_MS };

export type Awaiting = 'agent' | 'consumer';
export type ClosedBy = 'agent' | 'consumer' | 'system';

export interface LastMessage {
  text: string;
  senderType: SenderType;
  /** The consumer's id or the agent's user id; null for system lines (and rows from before migration 0011). */
  senderId: string | null;
  /** An agent's display name when they wrote it. */
  senderName: string | null;
  at: number;
}

export interface RoutingCandidate {
  agentId: string;
  status: string;
  /** Null when not counted: an agent who is not online (or inactive) cannot take it, whatever they hold. */
  load: number | null;
  capacity: number;
  eligible: boolean;
  why: string;
}

/** Why a conversation was assigned, offered or left waiting: shown in "why me". */
export interface RoutingDecision {
  outcome: 'assigned' | 'offered' | 'waiting';
  rule: string;
  agentId: string | null;
  candidates: RoutingCandidate[];
  at: number;
}

export interface Conversation {
  id: string;
  accountId: string;
  consumerId: string;
  channel: Channel;
  channelId: string | null;
  skillId: string | null;
  state: ConversationState;
  agentId: string | null;
  lastAgentId: string | null;
  awaiting: Awaiting;
  awaitingSince: number;
  priority: number;
  urgent: boolean;
  firstTime: boolean;
  slaDueAt: number | null;
  manualSlaAt: number | null;
  actionable: boolean;
  closedBy: ClosedBy | null;
  /** Closed by a user (`closedBy: 'agent'`): who, and their display name then. */
  closedById: string | null;
  closedByName: string | null;
  closedAt: number | null;
  dismissed: boolean;
  createdAt: number;
  queuedAt: number | null;
  assignedAt: number | null;
  lastSeq: number;
  lastMessage: LastMessage | null;
  agentUnread: number;
  firstResponseAt: number | null;
  /** Who gave the first response: the sender of the first agent message (a transfer does not move it). */
  firstResponseAgentId: string | null;
  routing: RoutingDecision | null;
  /** Transferred to this agent: only they may get it until the transfer fallback returns it to the skill queue. */
  targetAgentId: string | null;
  /** Ring mode: when the current offer started. */
  offeredAt: number | null;
  /** Ring mode: agents who declined or missed an offer in this round. */
  offerExcluded: string[];
  /**
   * The bot that took it first (API.md "Bots"; kept after it hands over, for the transcript and the
   * reports), `handling` while the bot has it (open, no agent, out of routing), `escalated` once it
   * handed over; `botTimeoutSec`: the reply time the bot had when it took it.
   */
  botId: string | null;
  botStatus: BotStatus | null;
  botTimeoutSec: number | null;
  updatedAt: number;
}

export type BotStatus = 'handling' | 'escalated';

/** The bot has the conversation: open, no agent, the consumer's messages go to the bot. */
export const isWithBot = (c: Pick<Conversation, 'state' | 'botStatus' | 'agentId'>): boolean =>
  c.state === 'open' && c.botStatus === 'handling' && c.agentId === null;

/**
 * An SLA clock: when a wait that started at `since` is due. The transitions pass the one of
 * domain/timers.ts (`clockDueAt`: the target counted in open business hours only); a plain number
 * is a target in seconds of wall-clock time.
 */
export type SlaClock = number | ((since: number) => number);

export const slaDueFrom = (sla: SlaClock, since: number): number => (typeof sla === 'number' ? since + sla * 1000 : sla(since));

/** What a new conversation starts from: who, where, and the SLA clock that applies to it. */
export type NewConversation = Pick<Conversation, 'id' | 'accountId' | 'consumerId' | 'channel' | 'channelId' | 'skillId' | 'firstTime'> & {
  slaTargetSec: SlaClock;
};

/** A conversation just opened by its consumer: queued, awaiting an agent, its SLA clock running from now. */
export function newConversation(n: NewConversation, now: number): Conversation {
  const { slaTargetSec, ...who } = n;
  return {
    ...who,
    urgent: false,
    state: 'queued',
    agentId: null,
    lastAgentId: null,
    awaiting: 'agent',
    awaitingSince: now,
    priority: 0,
    slaDueAt: slaDueFrom(slaTargetSec, now),
    manualSlaAt: null,
    actionable: false,
    closedBy: null,
    closedById: null,
    closedByName: null,
    closedAt: null,
    dismissed: false,
    createdAt: now,
    queuedAt: now,
    assignedAt: null,
    lastSeq: 0,
    lastMessage: null,
    agentUnread: 0,
    firstResponseAt: null,
    firstResponseAgentId: null,
    routing: null,
    targetAgentId: null,
    offeredAt: null,
    offerExcluded: [],
    botId: null,
    botStatus: null,
    botTimeoutSec: null,
    updatedAt: now,
  };
}

/** A consumer message: the agent now owes an answer; the SLA clock starts at the first unanswered message. */
export function applyConsumerMessage(c: Conversation, text: string, now: number, slaTargetSec: SlaClock): Conversation {
  const startsClock = c.awaiting !== 'agent' || c.slaDueAt === null;
  return {
    ...c,
    awaiting: 'agent',
    awaitingSince: startsClock ? now : c.awaitingSince,
    slaDueAt: startsClock ? slaDueFrom(slaTargetSec, now) : c.slaDueAt,
    agentUnread: c.agentUnread + 1,
    lastMessage: { text, senderType: 'consumer', senderId: c.consumerId, senderName: null, at: now },
    updatedAt: now,
  };
}

/**
 * A consumer message while a bot has the conversation: the bot owes the answer from the first
 * unanswered message (its reply timer counts from there); no agent SLA runs while the bot has it.
 */
export function applyConsumerMessageToBot(c: Conversation, text: string, now: number): Conversation {
  const waiting = c.awaiting === 'agent';
  return {
    ...c,
    awaiting: 'agent',
    awaitingSince: waiting ? c.awaitingSince : now,
    slaDueAt: null,
    agentUnread: c.agentUnread + 1,
    lastMessage: { text, senderType: 'consumer', senderId: c.consumerId, senderName: null, at: now },
    updatedAt: now,
  };
}

/** The bot answers: the conversation awaits the consumer (no first response: that is an agent's). */
export function applyBotMessage(c: Conversation, text: string, now: number, bot: { id: string; name: string }): Conversation {
  return {
    ...c,
    awaiting: 'consumer',
    awaitingSince: now,
    slaDueAt: null,
    lastMessage: { text, senderType: 'bot', senderId: bot.id, senderName: bot.name, at: now },
    updatedAt: now,
  };
}

/**
 * An agent message answers the consumer: the SLA clock stops and the conversation awaits the consumer.
 * The first one is the conversation's first response, credited to its sender.
 */
export function applyAgentMessage(c: Conversation, text: string, now: number, agentId: string, agentName: string | null = null): Conversation {
  const first = c.firstResponseAt === null;
  return {
    ...c,
    awaiting: 'consumer',
    awaitingSince: now,
    slaDueAt: null,
    agentUnread: 0,
    firstResponseAt: first ? now : c.firstResponseAt,
    firstResponseAgentId: first ? agentId : c.firstResponseAgentId,
    lastMessage: { text, senderType: 'agent', senderId: agentId, senderName: agentName, at: now },
    updatedAt: now,
  };
}

/**
 * The SLA clock at a transfer: the customer's wait continues. A conversation that awaited the agent
 * keeps the start of that wait (its first unanswered message), so an overdue one stays overdue; one
 * that awaited the consumer starts the clock when the transfer lands. The due time is the start plus
 * the receiving skill's target.
 */
export function slaClockAtTransfer(c: Conversation, now: number, slaTargetSec: SlaClock): Pick<Conversation, 'awaiting' | 'awaitingSince' | 'slaDueAt'> {
  const since = c.awaiting === 'agent' ? c.awaitingSince : now;
  return { awaiting: 'agent', awaitingSince: since, slaDueAt: slaDueFrom(slaTargetSec, since) };
}

/**
 * The computed SLA due time under (possibly changed) targets, measured from the same start as
 * before: the start of the customer's wait plus the target. Unchanged when there is no running
 * clock (awaiting the consumer, or closed).
 */
export function slaDueAtUnder(c: Conversation, slaTargetSec: SlaClock): number | null {
  if (c.state === 'closed' || c.awaiting !== 'agent' || c.slaDueAt === null) return c.slaDueAt;
  return slaDueFrom(slaTargetSec, c.awaitingSince);
}

/**
 * A conversation going back to a queue (a transfer, a handover, a withdrawn offer) reaches an
 * agent who has read none of it, whatever the last one read: it arrives unread with the consumer's
 * messages since the last agent message (`unanswered`), and at least one while it awaits the
 * agent, so the green dot of a new incoming message shows.
 */
export function unreadForNextAgent(awaiting: Awaiting, unanswered: number): number {
  return awaiting === 'agent' ? Math.max(1, unanswered) : unanswered;
}

/** When the agent must act: a manual SLA overrides the computed one. */
export function effectiveDueAt(c: Conversation): number | null {
  if (c.state === 'closed') return null;
  if (c.manualSlaAt !== null) return c.manualSlaAt;
  return c.awaiting === 'agent' ? c.slaDueAt : null;
}

export function listStatus(c: Conversation, idleAfterSec: number, now: number): ListStatus {
  if (c.state === 'closed') return 'closed';
  const due = effectiveDueAt(c);
  if (isOverdueAt(due, now)) return 'overdue';
  if (c.awaiting === 'consumer' && c.manualSlaAt === null && now - c.awaitingSince >= idleAfterSec * 1000) return 'idle';
  return 'ongoing';
}

export function isSoonOverdue(c: Conversation, now: number): boolean {
  return isSoonOverdueAt(effectiveDueAt(c), now);
}

/** The next moment this conversation's list status or soon-overdue flag changes by time alone. */
export function nextTimeChangeAt(c: Conversation, idleAfterSec: number, now: number): number | null {
  if (c.state === 'closed') return null;
  const points: number[] = [];
  const due = effectiveDueAt(c);
  if (due !== null) points.push(due - SOON_OVERDUE_MS, due);
  if (c.awaiting === 'consumer' && c.manualSlaAt === null) points.push(c.awaitingSince + idleAfterSec * 1000);
  const future = points.filter((p) => p > now);
  return future.length ? Math.min(...future) : null;
}

export interface ActiveRow {
  conversation: Conversation;
  consumerName: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function lastMessageWire(m: LastMessage): NonNullable<ActiveItem['lastMessage']> {
  return {
    text: m.text,
    senderType: m.senderType,
    senderId: m.senderId,
    ...((m.senderType === 'agent' || m.senderType === 'bot') && m.senderName !== null && { senderName: m.senderName }),
    at: new Date(m.at).toISOString(),
  };
}

export function toActiveItem(row: ActiveRow, idleAfterSec: number, now: number): ActiveItem {
  const c = row.conversation;
  return {
    id: c.id,
    state: c.state,
    status: listStatus(c, idleAfterSec, now),
    soonOverdue: isSoonOverdue(c, now),
    awaiting: c.awaiting,
    slaDueAt: iso(effectiveDueAt(c)),
    manualSla: c.manualSlaAt !== null,
    actionable: c.actionable,
    unread: c.agentUnread,
    channel: c.channel,
    skillId: c.skillId,
    agentId: c.agentId ?? c.lastAgentId,
    consumer: { id: c.consumerId, name: row.consumerName },
    lastMessage: c.lastMessage ? lastMessageWire(c.lastMessage) : null,
    createdAt: new Date(c.createdAt).toISOString(),
    closedAt: iso(c.closedAt),
    urgent: c.urgent,
    closedBy: c.state === 'closed' ? c.closedBy : null,
    closedById: c.state === 'closed' && c.closedBy === 'agent' ? c.closedById : null,
    closedByName: c.state === 'closed' && c.closedBy === 'agent' ? c.closedByName : null,
  };
}

/** `conversation.upserted`: the conversation's Active-list row as it is now. */
export function rowEvent(c: Conversation, consumerName: string, idleAfterSec: number, now: number): DomainEvent {
  return { type: 'conversation.upserted', data: toActiveItem({ conversation: c, consumerName }, idleAfterSec, now) };
}

/** The conversation as its consumer sees it; `agent` is who answers (null while nobody does). */
export function toConsumerView(
  c: Pick<Conversation, 'id' | 'state' | 'skillId' | 'channel' | 'awaiting' | 'urgent' | 'createdAt' | 'closedAt' | 'closedBy'>,
  agent: { id: string; displayName: string } | null,
): ConsumerConversation {
  return {
    id: c.id,
    state: c.state,
    skillId: c.skillId,
    channel: c.channel,
    agent,
    awaiting: c.awaiting,
    urgent: c.urgent,
    createdAt: new Date(c.createdAt).toISOString(),
    closedAt: iso(c.closedAt),
    closedBy: c.closedBy,
  };
}

export function countByStatus(items: ActiveItem[]): Record<ListStatus, number> {
  const counts: Record<ListStatus, number> = { ongoing: 0, overdue: 0, idle: 0, closed: 0 };
  for (const i of items) counts[i.status]++;
  return counts;
}
