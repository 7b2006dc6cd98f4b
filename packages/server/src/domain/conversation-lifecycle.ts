import type { DomainEvent, ErrorCode, Message } from '@parley/contract';
import {
  applyAgentMessage,
  applyBotMessage,
  applyConsumerMessage,
  applyConsumerMessageToBot,
  type ClosedBy,
  type Conversation,
  isWithBot,
  type NewConversation,
  newConversation,
  type RoutingDecision,
  rowEvent,
  slaClockAtTransfer,
  slaDueAtUnder,
  toActiveItem,
  toConsumerView,
  unreadForNextAgent,
} from './conversation.js';
import { DomainError } from './errors.js';
import { effectiveSla, slaTargetSec } from './sla.js';
import {
  autoCloseDueAt,
  botReplyDueAt,
  type ConversationSettings,
  clockDueAt,
  closedExpiryAt,
  conversationTimers,
  ringEndsAt,
  transferFallbackAt,
  type WantedTimer,
} from './timers.js';

/**
 * The conversation state machine: one pure function per transition, each taking the conversation,
 * the settings that apply to it and `now` (plus what the transition needs to know: who acts, the
 * names its events show), and returning the conversation after it, the events it makes and the
 * timers it wants — or a typed refusal. A service loads, calls one of these, and commits the result
 * (services/persist.ts: save, reconcile the timers, emit the events to their audience); it never
 * assembles a state itself. The table of transitions is in docs/architecture.md.
 *
 *   queued ──offer──▶ ringing ──accept──▶ open ──close──▶ closed ──resume──▶ open
 *     │  ◀──withdraw──┘  │                  │ ▲                 (dismiss: leaves the list)
 *     └──assign──────────┼─────────────────▶┘ └─ transfer / requeue ─▶ queued
 *                        └──close / transfer──▶ …
 *
 *   Bots (API.md "Bots"): open(…, bot) ──▶ open with the bot (no agent, out of routing)
 *     ──escalate (the bot; or by itself: failed, timed out, removed)──▶ queued, like a transfer
 *     ──close (contained: it never reached an agent)──▶ closed
 */

/** What a transition did: the conversation after it, its events (their audience is decided by domain/audience.ts) and the timers to reconcile. */
export interface Transition {
  conversation: Conversation;
  events: DomainEvent[];
  /** The timers the new state wants (domain/timers.ts); empty when the transition leaves the timers alone. */
  timers: WantedTimer[];
  /**
   * The timers the state before wanted, under the same settings: the reconciler writes only the
   * ones that differ. Absent for re-timing (`retime`, `tick`), where `timers` is compared with the
   * stored rows instead.
   */
  timersBefore?: WantedTimer[];
}

/** Why a transition does not apply, and the problem code it becomes when a request asked for it. */
export const REFUSALS = {
  conversation_closed: 'conflict',
  not_closed: 'conflict',
  not_ringing_to_you: 'conflict',
  accept_first: 'conflict',
  newer_conversation_open: 'conflict',
  target_offline: 'conflict',
  already_with_agent: 'conflict',
  not_last_agent: 'forbidden',
  channel_cannot_close: 'forbidden',
  not_your_conversation: 'not_found',
  unknown_skill: 'invalid_request',
  unknown_agent: 'invalid_request',
  due_not_in_future: 'invalid_request',
  // Re-checks by routing and by timers when they fire: the state moved on, nothing to do.
  not_queued: 'conflict',
  offer_moved_on: 'conflict',
  not_due: 'conflict',
  no_transfer_pending: 'conflict',
  not_with_agent: 'conflict',
  not_in_list: 'conflict',
  stays_with_agent: 'conflict',
  // Bots: a bot acts only while it has the conversation; nobody else writes in it meanwhile.
  not_with_bot: 'conflict',
  with_bot: 'conflict',
} as const satisfies Record<string, ErrorCode>;

export type RefusalReason = keyof typeof REFUSALS;

export interface Refusal {
  refused: RefusalReason;
  detail: string;
  /** The request field at fault (invalid_request). */
  path?: string;
}

export type Outcome = Transition | Refusal;

export const isRefusal = (o: Outcome): o is Refusal => 'refused' in o;

const refuse = (refused: RefusalReason, detail: string, path?: string): Refusal => ({ refused, detail, ...(path && { path }) });

/** The problem a refusal becomes: its code from REFUSALS, its detail, and the field for a 400. */
export function refusalError(r: Refusal): DomainError {
  return new DomainError(REFUSALS[r.refused], r.detail, r.path ? [{ path: r.path, message: r.detail }] : undefined);
}

/** The transition, or its refusal thrown as the problem a request gets. */
export function orThrow(o: Outcome): Transition {
  if (isRefusal(o)) throw refusalError(o);
  return o;
}

/** `before` becomes `after`, with its events and the timers the two states want. */
const to = (before: Conversation, after: Conversation, s: ConversationSettings, now: number, events: DomainEvent[]): Transition => ({
  conversation: after,
  events,
  timers: conversationTimers(after, s, now),
  timersBefore: conversationTimers(before, s, now),
});

/** Re-timing: every timer the state wants, to be compared with what is stored. */
const retimed = (conversation: Conversation, s: ConversationSettings, now: number, events: DomainEvent[]): Transition => ({
  conversation,
  events,
  timers: conversationTimers(conversation, s, now),
});

/** Nothing changes and nothing is wanted of the timers: a repeat of what was already done. */
const unchanged = (conversation: Conversation): Transition => ({ conversation, events: [], timers: [] });

const removed = (c: Conversation): DomainEvent => ({ type: 'conversation.removed', data: { id: c.id } });
const withdrawn = (c: Conversation, reason: 'declined' | 'timeout' | 'closed' | 'transferred'): DomainEvent => ({
  type: 'offer.withdrawn',
  data: { id: c.id, reason },
});
const consumerView = (c: Conversation, agent: AgentName | null = null): DomainEvent => ({ type: 'conversation.updated', data: toConsumerView(c, agent) });

/** An agent as the consumer sees who answers. */
export interface AgentName {
  id: string;
  displayName: string;
}

/** The SLA target (seconds) of a conversation under these settings. */
const slaTargetOf = (c: Pick<Conversation, 'firstTime' | 'urgent'>, s: ConversationSettings) => slaTargetSec(effectiveSla(s.account, s.skill), c);

/** The SLA clock of a conversation under these settings: its target, counted in open business hours (domain/timers.ts). */
const slaTarget = (c: Pick<Conversation, 'firstTime' | 'urgent'>, s: ConversationSettings) => {
  const sec = slaTargetOf(c, s);
  return (since: number) => clockDueAt(s, since, sec);
};

// ---------------------------------------------------------------- routing: offer, assign

export interface RoutingInput {
  /** The strategy's decision (outcome assigned, with its agent). */
  decision: RoutingDecision & { agentId: string };
  /** Everyone eligible had declined or missed it: this offer starts a new round. */
  newRound: boolean;
  consumerName: string;
}

/** Ring mode: offer a queued conversation to one agent, ringing for the ring timeout. */
export function offer(c: Conversation, s: ConversationSettings, now: number, i: RoutingInput): Outcome {
  if (c.state !== 'queued') return refuse('not_queued', 'the conversation is no longer queued');
  const next: Conversation = {
    ...c,
    state: 'ringing',
    agentId: i.decision.agentId,
    offeredAt: now,
    offerExcluded: i.newRound ? [] : c.offerExcluded,
    routing: { ...i.decision, outcome: 'offered' },
    updatedAt: now,
  };
  const item = toActiveItem({ conversation: next, consumerName: i.consumerName }, s.account.idleAfterSec, now);
  const expiresAt = new Date(now + s.account.ringTimeoutSec * 1000).toISOString();
  return to(c, next, s, now, [
    { type: 'offer.created', data: { conversation: item, expiresAt } },
    { type: 'conversation.upserted', data: item },
  ]);
}

/** Auto mode: assign a queued conversation to an agent at once; the consumer is told who answers. */
export function assign(c: Conversation, s: ConversationSettings, now: number, i: RoutingInput & { agent: AgentName | null }): Outcome {
  if (c.state !== 'queued') return refuse('not_queued', 'the conversation is no longer queued');
  const agentId = i.decision.agentId;
  const next: Conversation = {
    ...c,
    state: 'open',
    agentId,
    lastAgentId: agentId,
    assignedAt: now,
    offeredAt: null,
    offerExcluded: i.newRound ? [] : c.offerExcluded,
    targetAgentId: null,
    routing: { ...i.decision, outcome: 'assigned' },
    updatedAt: now,
  };
  return to(c, next, s, now, [consumerView(next, i.agent), rowEvent(next, i.consumerName, s.account.idleAfterSec, now)]);
}

/** Routing found nobody (or someone else won): record why it waits. No event, no timer depends on it. */
export function recordWait(c: Conversation, decision: RoutingDecision): Transition {
  return { conversation: { ...c, routing: decision }, events: [], timers: [] };
}

// ---------------------------------------------------------------- ring mode: accept, withdraw

/** The agent it rings to takes it. */
export function accept(c: Conversation, s: ConversationSettings, now: number, i: { agentId: string; agent: AgentName | null; consumerName: string }): Outcome {
  if (c.state !== 'ringing' || c.agentId !== i.agentId) return refuse('not_ringing_to_you', 'this conversation is not ringing to you');
  const next: Conversation = {
    ...c,
    state: 'open',
    lastAgentId: i.agentId,
    assignedAt: now,
    offeredAt: null,
    offerExcluded: [],
    targetAgentId: null,
    routing: c.routing ? { ...c.routing, outcome: 'assigned' } : null,
    updatedAt: now,
  };
  return to(c, next, s, now, [rowEvent(next, i.consumerName, s.account.idleAfterSec, now), consumerView(next, i.agent)]);
}

export type WithdrawInput =
  /** The agent declines it (or leaves online, which declines every offer ringing to them). */
  | { reason: 'declined'; agentId: string; unanswered: number }
  /** The ring timer fired for the offer it was armed for. */
  | { reason: 'timeout'; offer: { agentId: unknown; offeredAt: unknown }; unanswered: number };

/**
 * The offer stops ringing (declined, or the ring timeout passed): back to the queue, this agent left
 * out of the round. `unanswered`: the consumer's messages since the last agent message.
 */
export function withdraw(c: Conversation, s: ConversationSettings, now: number, i: WithdrawInput): Outcome {
  if (i.reason === 'declined') {
    if (c.state !== 'ringing' || c.agentId !== i.agentId) return refuse('not_ringing_to_you', 'this conversation is not ringing to you');
  } else {
    if (c.state !== 'ringing' || c.agentId !== i.offer.agentId || c.offeredAt !== i.offer.offeredAt) return refuse('offer_moved_on', 'another offer rings now');
    const ends = ringEndsAt(c, s);
    if (ends !== null && now < ends) return refuse('not_due', 'the offer is still ringing');
  }
  const agentId = c.agentId;
  const next: Conversation = {
    ...c,
    state: 'queued',
    agentId: null,
    offeredAt: null,
    offerExcluded: agentId && !c.offerExcluded.includes(agentId) ? [...c.offerExcluded, agentId] : c.offerExcluded,
    agentUnread: unreadForNextAgent(c.awaiting, i.unanswered),
    updatedAt: now,
  };
  return to(c, next, s, now, [withdrawn(c, i.reason), removed(c)]);
}

// ---------------------------------------------------------------- close, resume, dismiss

export interface CloseInput {
  by: ClosedBy;
  /** `by: 'agent'`: the user who closes it, recorded with their name. */
  closer?: { id: string; name: string | null } | null;
  consumerName: string;
}

/**
 * Close: by an agent, by the consumer (only where the channel lets them: web), or by the system
 * when auto-close is due. It stays in its agent's Active list (closed) until dismissed or the
 * retention window ends; closed while ringing, it leaves the list of the agent it rang to.
 */
export function close(c: Conversation, s: ConversationSettings, now: number, i: CloseInput): Outcome {
  if (i.by === 'system') {
    const due = autoCloseDueAt(c, s);
    if (due === null || due > now) return refuse('not_due', 'auto-close does not apply now');
  } else if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is already closed');
  if (i.by === 'consumer' && c.channel !== 'web') return refuse('channel_cannot_close', 'consumers on this channel cannot close conversations');
  const next: Conversation = {
    ...c,
    state: 'closed',
    agentId: null,
    lastAgentId: c.state === 'open' ? (c.agentId ?? c.lastAgentId) : c.lastAgentId,
    closedAt: now,
    closedBy: i.by,
    closedById: i.closer?.id ?? null,
    closedByName: i.closer?.name ?? null,
    slaDueAt: null,
    manualSlaAt: null,
    agentUnread: 0,
    targetAgentId: null,
    offeredAt: null,
    offerExcluded: [],
    updatedAt: now,
  };
  const forAgent = c.state === 'ringing' && c.agentId ? [withdrawn(c, 'closed'), removed(c)] : [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)];
  return to(c, next, s, now, [...forAgent, { type: 'conversation.closed', data: toConsumerView(next, null) }]);
}

export interface ResumeInput {
  agentId: string;
  manager: boolean;
  /** The consumer has started a newer conversation that is not closed. */
  newerOpen: boolean;
  agent: AgentName | null;
  consumerName: string;
}

/** Reopen a closed conversation with the agent who last had it (or a manager): awaiting that agent, a fresh SLA. */
export function resume(c: Conversation, s: ConversationSettings, now: number, i: ResumeInput): Outcome {
  if (c.state !== 'closed') return refuse('not_closed', 'only closed conversations can be resumed');
  if (!i.manager && c.lastAgentId !== i.agentId) return refuse('not_last_agent', 'only the agent who last had it (or a manager) may resume it');
  if (i.newerOpen) return refuse('newer_conversation_open', 'the consumer has a newer open conversation');
  const next: Conversation = {
    ...c,
    state: 'open',
    agentId: i.agentId,
    lastAgentId: i.agentId,
    closedAt: null,
    closedBy: null,
    closedById: null,
    closedByName: null,
    dismissed: false,
    awaiting: 'agent',
    awaitingSince: now,
    slaDueAt: clockDueAt(s, now, slaTargetOf({ firstTime: false, urgent: c.urgent }, s)),
    assignedAt: now,
    routing: { outcome: 'assigned', rule: 'resumed_by_agent', agentId: i.agentId, candidates: [], at: now },
    updatedAt: now,
  };
  const fromOther = c.lastAgentId && c.lastAgentId !== i.agentId ? [removed(c)] : [];
  return to(c, next, s, now, [...fromOther, rowEvent(next, i.consumerName, s.account.idleAfterSec, now), consumerView(next, i.agent)]);
}

/** The agent removes a closed conversation from their Active list ("x"). */
export function dismiss(c: Conversation, s: ConversationSettings, now: number, i: { userId: string }): Outcome {
  if (c.lastAgentId !== i.userId && c.agentId !== i.userId) return refuse('not_your_conversation', 'conversation not found');
  if (c.state !== 'closed') return refuse('not_closed', 'only closed conversations can be dismissed');
  if (c.dismissed) return unchanged(c);
  return to(c, { ...c, dismissed: true, updatedAt: now }, s, now, [removed(c)]);
}

/** The closed-retention window passed: the conversation leaves its agent's list (the retention timer's work is done). */
export function leaveList(c: Conversation, s: ConversationSettings, now: number): Outcome {
  const due = closedExpiryAt(c, s);
  if (due === null || !c.lastAgentId) return refuse('not_in_list', 'the conversation is in no Active list');
  if (now < due) return refuse('not_due', 'the retention window has not ended');
  return { conversation: c, events: [removed(c)], timers: [] };
}

// ---------------------------------------------------------------- back to a queue: transfer, requeue, fall back

export type TransferTarget =
  /** To a skill's queue; `found`: the skill exists. */
  | { skillId: string; found: boolean }
  /** To an agent (undefined: no such active user). */
  | { agent: { id: string; displayName: string; status: string; active: boolean } | undefined };

/** Where a transfer or an escalation sends the conversation: a skill's queue (its own by default), or an agent. */
function queueTarget(c: Conversation, to: TransferTarget | undefined): { skillId: string | null; targetAgentId: string | null } | Refusal {
  if (!to) return { skillId: c.skillId, targetAgentId: null };
  if ('skillId' in to) return to.found ? { skillId: to.skillId, targetAgentId: null } : refuse('unknown_skill', 'unknown skill', 'skillId');
  const target = to.agent;
  if (!target?.active) return refuse('unknown_agent', 'unknown agent', 'agentId');
  if (target.status === 'offline') return refuse('target_offline', `${target.displayName} is offline`);
  if (target.id === c.agentId) return refuse('already_with_agent', 'the conversation is already with this agent');
  return { skillId: c.skillId, targetAgentId: target.id };
}

/**
 * Transfer to a skill (back into its queue with no preference, actionable; the transferring agent
 * left out of the first round) or to an agent (only they may get it until the transfer fallback).
 * `s` are the settings of the skill it goes to. The customer's wait continues (slaClockAtTransfer).
 */
export function transfer(c: Conversation, s: ConversationSettings, now: number, i: { to: TransferTarget | undefined; unanswered: number }): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  const target = queueTarget(c, i.to);
  if ('refused' in target) return target;
  const { skillId, targetAgentId } = target;
  const from = c.agentId;
  const next: Conversation = {
    ...c,
    state: 'queued',
    skillId,
    agentId: null,
    targetAgentId,
    actionable: true,
    priority: c.urgent ? 1 : 0,
    queuedAt: now,
    offeredAt: null,
    // To a skill it leaves this agent's workspace: she is left out of the first round (and gets it
    // back only if nobody else of the skill can take it).
    offerExcluded: from && !targetAgentId ? [from] : [],
    // The customer's wait continues (it restarts only if it awaited the consumer); awaiting the
    // agent, it is out of auto-close until the next agent answers.
    ...slaClockAtTransfer(c, now, slaTarget(c, s)),
    agentUnread: unreadForNextAgent('agent', i.unanswered),
    routing: { outcome: 'waiting', rule: targetAgentId ? 'transferred_to_agent' : 'transferred_to_skill', agentId: targetAgentId, candidates: [], at: now },
    // Taken from a bot by a transfer: the bot's part ends as an escalation.
    ...(c.botStatus === 'handling' && { botStatus: 'escalated' as const }),
    updatedAt: now,
  };
  const fromAgent = from ? [...(c.state === 'ringing' ? [withdrawn(c, 'transferred')] : []), removed(c)] : [];
  return to(c, next, s, now, [...fromAgent, consumerView(next)]);
}

/**
 * Supervision: a manager takes the conversation over. It becomes theirs at once, open, whatever it
 * was (queued, ringing to someone, open with another agent): it leaves the other agent's Active
 * list (an offer ringing to them is withdrawn) and the consumer is told who answers now. The
 * customer's SLA clock goes on as it was.
 */
export function takeOver(c: Conversation, s: ConversationSettings, now: number, i: { manager: AgentName; consumerName: string; unanswered: number }): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  if (c.state === 'open' && c.agentId === i.manager.id) return refuse('already_with_agent', 'the conversation is already yours');
  const from = c.agentId !== i.manager.id ? c.agentId : null;
  const next: Conversation = {
    ...c,
    state: 'open',
    agentId: i.manager.id,
    lastAgentId: i.manager.id,
    assignedAt: now,
    offeredAt: null,
    offerExcluded: [],
    targetAgentId: null,
    agentUnread: from ? unreadForNextAgent(c.awaiting, i.unanswered) : c.agentUnread,
    routing: { outcome: 'assigned', rule: 'taken_over', agentId: i.manager.id, candidates: [], at: now },
    // Taken from a bot: the bot's part ends as an escalation, and the agent's SLA clock starts from the customer's wait.
    ...(isWithBot(c) && { botStatus: 'escalated' as const, ...slaClockAtTransfer(c, now, slaTarget(c, s)) }),
    updatedAt: now,
  };
  const fromAgent = from ? [...(c.state === 'ringing' ? [withdrawn(c, 'transferred')] : []), removed(c)] : [];
  return to(c, next, s, now, [...fromAgent, rowEvent(next, i.consumerName, s.account.idleAfterSec, now), consumerView(next, i.manager)]);
}

/**
 * Shift-end handover: an open conversation awaiting the agent goes back to its skill queue,
 * keeping its waiting time; one awaiting the consumer (or under a manual SLA) stays with the agent.
 */
export function requeue(c: Conversation, s: ConversationSettings, now: number, i: { unanswered: number }): Outcome {
  if (c.state !== 'open' || c.agentId === null) return refuse('not_with_agent', 'the conversation is not with an agent');
  if (c.awaiting !== 'agent' || c.manualSlaAt !== null) return refuse('stays_with_agent', 'the conversation awaits the consumer or has a manual SLA');
  const next: Conversation = {
    ...c,
    state: 'queued',
    agentId: null,
    queuedAt: c.queuedAt ?? now,
    agentUnread: unreadForNextAgent(c.awaiting, i.unanswered),
    routing: { outcome: 'waiting', rule: 'handed_back_by_agent', agentId: null, candidates: [], at: now },
    updatedAt: now,
  };
  return to(c, next, s, now, [removed(c), consumerView(next)]);
}

/** The agent a transfer went to did not take it in time: any agent of the skill may now. */
export function fallBack(c: Conversation, s: ConversationSettings, now: number): Outcome {
  if (c.state !== 'queued' || c.targetAgentId === null) return refuse('no_transfer_pending', 'no transfer waits for an agent');
  const due = transferFallbackAt(c, s);
  if (due !== null && now < due) return refuse('not_due', 'the transfer fallback time has not passed');
  const next: Conversation = {
    ...c,
    targetAgentId: null,
    routing: { outcome: 'waiting', rule: 'transfer_fallback_to_skill_queue', agentId: null, candidates: [], at: now },
    updatedAt: now,
  };
  return to(c, next, s, now, []);
}

// ---------------------------------------------------------------- opening and messages

/** The consumer opens a conversation, with a first message or not. */
export function open(
  n: Omit<NewConversation, 'slaTargetSec'>,
  s: ConversationSettings,
  now: number,
  i: { first?: { message: Message; line: string } | undefined; bot?: BotTaking | undefined },
): Transition {
  const target = slaTarget({ firstTime: n.firstTime, urgent: false }, s);
  const opened = newConversation({ ...n, slaTargetSec: target }, now);
  if (i.bot) {
    const taken = takenByBot(opened, now, i.bot);
    const c = i.first ? { ...applyConsumerMessageToBot(taken, i.first.line, now), lastSeq: 1 } : taken;
    const message: DomainEvent[] = i.first ? [{ type: 'message.created', data: i.first.message }] : [];
    return { conversation: c, events: [...message, consumerView(c, { id: i.bot.id, displayName: i.bot.name })], timers: conversationTimers(c, s, now) };
  }
  const c = i.first ? { ...applyConsumerMessage(opened, i.first.line, now, target), lastSeq: 1 } : opened;
  const message: DomainEvent[] = i.first ? [{ type: 'message.created', data: i.first.message }] : [];
  return { conversation: c, events: [...message, consumerView(c)], timers: conversationTimers(c, s, now) };
}

// ---------------------------------------------------------------- bots

/** The bot registered for the new conversation's skill, as it takes it. */
export interface BotTaking {
  id: string;
  name: string;
  timeoutSec: number;
}

/** A new conversation taken by a bot: open with no agent (routing never sees it), no agent SLA, the bot's reply time fixed. */
function takenByBot(c: Conversation, now: number, bot: BotTaking): Conversation {
  return {
    ...c,
    state: 'open',
    agentId: null,
    queuedAt: null,
    slaDueAt: null,
    botId: bot.id,
    botStatus: 'handling',
    botTimeoutSec: bot.timeoutSec,
    routing: { outcome: 'assigned', rule: 'taken_by_bot', agentId: null, candidates: [], at: now },
    updatedAt: now,
  };
}

/** Why a conversation leaves its bot: the bot hands over, a user takes it from the bot, or it escalates by itself. */
export type EscalationReason =
  | 'bot'
  | 'user'
  /** The bot's deliveries failed (a short retry budget exhausted). */
  | 'failed'
  /** The bot did not answer within its reply time (the bot_reply timer). */
  | 'timeout'
  /** The bot was deleted while it had the conversation. */
  | 'removed';

export const ESCALATION_RULES: Record<EscalationReason, string> = {
  bot: 'escalated_by_bot',
  user: 'taken_from_bot',
  failed: 'bot_failed',
  timeout: 'bot_timed_out',
  removed: 'bot_removed',
};

/**
 * The bot hands over (or the conversation escalates by itself): it queues for agents like a
 * transfer — to a skill's queue (the conversation's own by default) or to an agent — actionable,
 * the customer's wait going on from their first unanswered message (slaClockAtTransfer). The bot's
 * part stays in the transcript; the conversation stays the bot's in the reports (`escalated`).
 * `s`: the settings of the skill it goes to. `timeout` applies only once the bot's reply time has
 * passed (the timer re-checks).
 */
export function escalate(
  c: Conversation,
  s: ConversationSettings,
  now: number,
  i: { reason: EscalationReason; to?: TransferTarget | undefined; unanswered: number; botId?: string | undefined },
): Outcome {
  if (!isWithBot(c) || (i.botId !== undefined && c.botId !== i.botId)) return refuse('not_with_bot', 'no bot has this conversation');
  if (i.reason === 'timeout') {
    const due = botReplyDueAt(c);
    if (due === null) return refuse('not_with_bot', 'the bot owes no answer');
    if (now < due) return refuse('not_due', "the bot's reply time has not passed");
  }
  // Queued like a transfer from nobody (transfer ends the bot's part), with the reason recorded.
  const t = transfer(c, s, now, { to: i.to, unanswered: i.unanswered });
  if (isRefusal(t)) return t;
  const waiting = t.conversation.routing;
  return waiting ? { ...t, conversation: { ...t.conversation, routing: { ...waiting, rule: ESCALATION_RULES[i.reason] } } } : t;
}

export type Sender = { type: 'consumer' } | { type: 'agent'; id: string; name: string | null } | { type: 'bot'; id: string; name: string };

/**
 * A message in a live exchange: the consumer's starts the SLA clock (the agent owes an answer),
 * the agent's stops it. `message`: as stored, with the agent's name for the consumer's copy;
 * `line`: what the list shows of it.
 */
export function receiveMessage(
  c: Conversation,
  s: ConversationSettings,
  now: number,
  i: { sender: Sender; message: Message; line: string; consumerName: string },
): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  if (i.sender.type === 'agent' && c.state === 'ringing') return refuse('accept_first', 'accept the conversation before answering');
  if (i.sender.type === 'bot' && (!isWithBot(c) || c.botId !== i.sender.id)) return refuse('not_with_bot', 'the bot no longer has this conversation');
  if (i.sender.type === 'agent' && isWithBot(c)) return refuse('with_bot', 'a bot has this conversation: escalate it to take it over');
  const applied =
    i.sender.type === 'consumer'
      ? isWithBot(c)
        ? applyConsumerMessageToBot(c, i.line, now)
        : applyConsumerMessage(c, i.line, now, slaTarget(c, s))
      : i.sender.type === 'bot'
        ? applyBotMessage(c, i.line, now, i.sender)
        : applyAgentMessage(c, i.line, now, i.sender.id, i.sender.name);
  const next: Conversation = { ...applied, lastSeq: i.message.seq };
  const row = next.agentId && next.state !== 'queued' ? [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)] : [];
  return to(c, next, s, now, [{ type: 'message.created', data: i.message }, ...row]);
}

/**
 * A line added without the rules of a live exchange (a survey question on a channel after the
 * close, or the consumer's reply to it): no SLA, unread or state change, so no timer moves.
 */
export function appendMessage(c: Conversation, now: number, i: { message: Message }): Transition {
  return { conversation: { ...c, lastSeq: i.message.seq, updatedAt: now }, events: [{ type: 'message.created', data: i.message }], timers: [] };
}

// ---------------------------------------------------------------- within a state

/** The agent has read it: the unread count goes to 0. */
export function markRead(c: Conversation, s: ConversationSettings, now: number, i: { consumerName: string }): Transition {
  if (c.agentUnread === 0) return unchanged(c);
  const next = { ...c, agentUnread: 0, updatedAt: now };
  return to(c, next, s, now, [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)]);
}

/** Manual SLA (null clears it): overrides the computed due time and exempts the conversation from auto-close. */
export function setManualSla(c: Conversation, s: ConversationSettings, now: number, i: { dueAt: number | null; consumerName: string }): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  if (i.dueAt !== null && i.dueAt <= now) return refuse('due_not_in_future', 'dueAt must be in the future', 'dueAt');
  const next: Conversation = { ...c, manualSlaAt: i.dueAt, updatedAt: now };
  return to(c, next, s, now, [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)]);
}

/** The consumer marks it urgent: the urgent response time applies (if sooner) and it moves up its queue. */
export function markUrgent(c: Conversation, s: ConversationSettings, now: number, i: { consumerName: string }): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  if (c.urgent) return unchanged(c);
  const urgentSec = effectiveSla(s.account, s.skill).urgentSec;
  // While a bot has it no agent SLA runs: the urgent target applies when it escalates.
  const due =
    c.awaiting === 'agent' && !isWithBot(c) ? Math.min(c.slaDueAt ?? Number.POSITIVE_INFINITY, clockDueAt(s, c.awaitingSince, urgentSec)) : c.slaDueAt;
  const next: Conversation = { ...c, urgent: true, priority: 1, slaDueAt: due, updatedAt: now };
  return to(c, next, s, now, [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)]);
}

/**
 * Settings that drive timers changed: the computed SLA due time under the new targets, from the
 * same start (`slaDueAtUnder`), and every timer as the new settings want it. The agent's row is
 * pushed when its due time moved, or, after an idle-threshold change, when it awaits the consumer.
 */
export function retime(c: Conversation, s: ConversationSettings, now: number, i: { idleChanged: boolean; consumerName: string }): Outcome {
  if (c.state === 'closed') return refuse('conversation_closed', 'the conversation is closed');
  const slaDueAt = slaDueAtUnder(c, slaTarget(c, s));
  const next: Conversation = slaDueAt === c.slaDueAt ? c : { ...c, slaDueAt, updatedAt: now };
  const push = next !== c || (i.idleChanged && next.awaiting === 'consumer');
  return retimed(next, s, now, push ? [rowEvent(next, i.consumerName, s.account.idleAfterSec, now)] : []);
}

/** Time alone changed the agent's row (soon overdue, overdue, idle): push it again, and want the next change. */
export function tick(c: Conversation, s: ConversationSettings, now: number, i: { consumerName: string }): Outcome {
  if (c.state !== 'open' && c.state !== 'ringing') return refuse('not_with_agent', 'the conversation is not with an agent');
  return retimed(c, s, now, [rowEvent(c, i.consumerName, s.account.idleAfterSec, now)]);
}
