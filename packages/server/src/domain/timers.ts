import type { AccountSettings, BusinessHours, SkillOverrides } from '@parley/contract';
import { nextWarmupStepAt, type WarmUpSettings } from './agents.js';
import { addOpenTime } from './business-hours.js';
import { type Conversation, isWithBot, nextTimeChangeAt } from './conversation.js';
import { effectiveAutoClose } from './sla.js';

/**
 * The durable timers Parley wants, as pure functions of state, settings and time. Every due time
 * is computed here and only here: the reconciler (services/conversation-timers.ts) compares what
 * these say with the stored rows and writes the difference, and a timer's handler, when it fires,
 * re-checks through the same functions (by way of the transitions) before it acts.
 */

const HOUR = 3600_000;

/** The settings that apply to one conversation: the account's, and the overrides of the conversation's skill. */
export interface ConversationSettings {
  account: AccountSettings;
  skill: SkillOverrides | null;
}

export const CONVERSATION_TIMER_KINDS = ['status', 'auto_close', 'ring', 'transfer_fallback', 'closed_expiry', 'bot_reply'] as const;
export type ConversationTimerKind = (typeof CONVERSATION_TIMER_KINDS)[number];

/** One timer as wanted: due at `dueAt` with `payload`, or not at all (`dueAt: null`). */
export interface WantedTimer<K extends string = ConversationTimerKind> {
  kind: K;
  dueAt: number | null;
  payload: Record<string, unknown>;
}

/** The business hours a conversation's clocks run in: its skill's own, or the account's. */
export function businessHoursOf(s: ConversationSettings): BusinessHours {
  return s.skill?.businessHours ?? s.account.businessHours;
}

/**
 * When a clock of `sec` seconds started at `since` runs out: it counts only open business hours,
 * so a wait that starts while closed begins at the next opening. The SLA due time and the
 * auto-close time are both this.
 */
export function clockDueAt(s: ConversationSettings, since: number, sec: number): number {
  return addOpenTime(businessHoursOf(s), since, sec * 1000);
}

/** When the system closes it: awaiting the consumer past the auto-close time, no manual SLA, and not a transfer that has not reached an agent yet. */
export function autoCloseDueAt(c: Conversation, s: ConversationSettings): number | null {
  if (c.state !== 'open' || c.awaiting !== 'consumer' || c.manualSlaAt !== null) return null;
  if (c.actionable && c.agentId === null) return null;
  const ac = effectiveAutoClose(s.account, s.skill);
  return ac.enabled ? clockDueAt(s, c.awaitingSince, ac.afterSec) : null;
}

/** When the current offer stops ringing (ring mode). */
export function ringEndsAt(c: Conversation, s: ConversationSettings): number | null {
  return c.state === 'ringing' && c.offeredAt !== null ? c.offeredAt + s.account.ringTimeoutSec * 1000 : null;
}

/** When a transfer to an agent who has not taken it falls back to the skill's queue. */
export function transferFallbackAt(c: Conversation, s: ConversationSettings): number | null {
  return c.state === 'queued' && c.targetAgentId !== null && c.queuedAt !== null ? c.queuedAt + s.account.transferFallbackSec * 1000 : null;
}

/** When a closed conversation leaves its agent's Active list (the closed-retention window). */
export function closedExpiryAt(c: Conversation, s: ConversationSettings): number | null {
  return c.state === 'closed' && !c.dismissed && c.closedAt !== null ? c.closedAt + s.account.closedRetentionHours * HOUR : null;
}

/**
 * When a bot that has the conversation and owes an answer runs out of time (API.md "Bots"): its
 * reply time after the consumer's first unanswered message. Wall-clock time: bots keep no business
 * hours. The conversation then escalates by itself (lifecycle `escalate`, reason `timeout`).
 */
export function botReplyDueAt(c: Conversation): number | null {
  if (!isWithBot(c) || c.awaiting !== 'agent' || c.botTimeoutSec === null) return null;
  return c.awaitingSince + c.botTimeoutSec * 1000;
}

/** When time alone next changes the agent's row (soon overdue, overdue, idle). */
export function statusChangeAt(c: Conversation, s: ConversationSettings, now: number): number | null {
  const withAgent = (c.state === 'open' || c.state === 'ringing') && c.agentId !== null;
  return withAgent ? nextTimeChangeAt(c, s.account.idleAfterSec, now) : null;
}

/** The timers a conversation wants in its state, one per kind (null = none). */
export function conversationTimers(c: Conversation, s: ConversationSettings, now: number): WantedTimer[] {
  return [
    { kind: 'status', dueAt: statusChangeAt(c, s, now), payload: { agentId: c.agentId } },
    { kind: 'auto_close', dueAt: autoCloseDueAt(c, s), payload: { awaitingSince: c.awaitingSince } },
    { kind: 'ring', dueAt: ringEndsAt(c, s), payload: { agentId: c.agentId, offeredAt: c.offeredAt } },
    { kind: 'transfer_fallback', dueAt: transferFallbackAt(c, s), payload: { targetAgentId: c.targetAgentId } },
    { kind: 'closed_expiry', dueAt: closedExpiryAt(c, s), payload: { agentId: c.lastAgentId } },
    { kind: 'bot_reply', dueAt: botReplyDueAt(c), payload: { botId: c.botId } },
  ];
}

/** An agent held back by warm-up wants to be routed again when the cap next rises. */
export function agentTimers(a: { warmupStartedAt: number | null }, w: WarmUpSettings, now: number): WantedTimer<'warmup'>[] {
  return [{ kind: 'warmup', dueAt: a.warmupStartedAt === null ? null : nextWarmupStepAt(w, a.warmupStartedAt, now), payload: {} }];
}

/** A pending survey expires at its time; any other wants no timer. */
export function surveyTimers(s: { status: string; expiresAt: number; conversationId: string }): WantedTimer<'survey_expiry'>[] {
  return [{ kind: 'survey_expiry', dueAt: s.status === 'pending' ? s.expiresAt : null, payload: { conversationId: s.conversationId } }];
}

/** Whether a wanted time has come. */
export const isDue = (dueAt: number | null, now: number): boolean => dueAt !== null && dueAt <= now;
