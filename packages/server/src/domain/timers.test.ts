import { describe, expect, it } from 'vitest';
import { aConversation, MIN, SEC, someSettings, T0 } from '../../test/factories/conversation.js';
import {
  agentTimers,
  autoCloseDueAt,
  botReplyDueAt,
  businessHoursOf,
  clockDueAt,
  closedExpiryAt,
  conversationTimers,
  isDue,
  ringEndsAt,
  statusChangeAt,
  surveyTimers,
  transferFallbackAt,
} from './timers.js';

const HOUR = 60 * MIN;
const s = someSettings({ autoClose: { enabled: true, afterSec: 600 }, ringTimeoutSec: 30, transferFallbackSec: 120, closedRetentionHours: 48 });

describe('auto-close', () => {
  const quiet = aConversation({ awaiting: 'consumer', awaitingSince: T0, slaDueAt: null });
  it('is due the auto-close time after the consumer went quiet', () => {
    expect(autoCloseDueAt(quiet, s)).toBe(T0 + 10 * MIN);
  });
  it('follows the skill’s override, and is off when the skill turns it off', () => {
    expect(autoCloseDueAt(quiet, { ...s, skill: { autoClose: { afterSec: 60 } } })).toBe(T0 + MIN);
    expect(autoCloseDueAt(quiet, { ...s, skill: { autoClose: { enabled: false } } })).toBeNull();
  });
  it('never applies while the agent owes an answer, under a manual SLA, to a transfer no agent has yet, or when not open', () => {
    expect(autoCloseDueAt(aConversation(), s)).toBeNull();
    expect(autoCloseDueAt({ ...quiet, manualSlaAt: T0 + HOUR }, s)).toBeNull();
    expect(autoCloseDueAt({ ...quiet, actionable: true, agentId: null }, s)).toBeNull();
    expect(autoCloseDueAt({ ...quiet, state: 'queued' }, s)).toBeNull();
    // an actionable conversation an agent has is closed like any other
    expect(autoCloseDueAt({ ...quiet, actionable: true }, s)).toBe(T0 + 10 * MIN);
  });
});

describe('ring, transfer fallback, closed retention, list status', () => {
  it('a ring ends the ring timeout after the offer', () => {
    expect(ringEndsAt(aConversation({ state: 'ringing', offeredAt: T0 }), s)).toBe(T0 + 30 * SEC);
    expect(ringEndsAt(aConversation({ state: 'open', offeredAt: T0 }), s)).toBeNull();
  });
  it('a transfer to an agent falls back the fallback time after it was queued', () => {
    expect(transferFallbackAt(aConversation({ state: 'queued', agentId: null, targetAgentId: 'bob', queuedAt: T0 }), s)).toBe(T0 + 2 * MIN);
    expect(transferFallbackAt(aConversation({ state: 'queued', agentId: null, targetAgentId: null }), s)).toBeNull();
  });
  it('a closed conversation leaves the list after the retention window, unless dismissed', () => {
    const closed = aConversation({ state: 'closed', agentId: null, closedAt: T0 });
    expect(closedExpiryAt(closed, s)).toBe(T0 + 48 * HOUR);
    expect(closedExpiryAt({ ...closed, dismissed: true }, s)).toBeNull();
  });
  it('the row changes by time alone at soon-overdue, then overdue; only while an agent has it', () => {
    const c = aConversation({ slaDueAt: T0 + 60 * MIN });
    expect(statusChangeAt(c, s, T0)).toBe(T0 + 55 * MIN);
    expect(statusChangeAt(c, s, T0 + 56 * MIN)).toBe(T0 + 60 * MIN);
    expect(statusChangeAt({ ...c, state: 'queued', agentId: null }, s, T0)).toBeNull();
  });
});

describe('conversationTimers', () => {
  it('wants one entry per kind, in a fixed order, with the payload its handler re-checks', () => {
    const ringing = aConversation({ state: 'ringing', offeredAt: T0 });
    expect(conversationTimers(ringing, s, T0)).toEqual([
      { kind: 'status', dueAt: T0 + 55 * MIN, payload: { agentId: 'ann' } },
      { kind: 'auto_close', dueAt: null, payload: { awaitingSince: T0 } },
      { kind: 'ring', dueAt: T0 + 30 * SEC, payload: { agentId: 'ann', offeredAt: T0 } },
      { kind: 'transfer_fallback', dueAt: null, payload: { targetAgentId: null } },
      { kind: 'closed_expiry', dueAt: null, payload: { agentId: 'ann' } },
      { kind: 'bot_reply', dueAt: null, payload: { botId: null } },
    ]);
  });
  it('a bot that has the conversation and owes an answer is due its reply time after the first unanswered message; none otherwise', () => {
    const withBot = aConversation({
      agentId: null,
      lastAgentId: null,
      botId: 'faq',
      botStatus: 'handling',
      botTimeoutSec: 30,
      awaiting: 'agent',
      awaitingSince: T0,
    });
    expect(conversationTimers(withBot, s, T0).filter((t) => t.dueAt !== null)).toEqual([
      { kind: 'bot_reply', dueAt: T0 + 30 * SEC, payload: { botId: 'faq' } },
    ]);
    expect(botReplyDueAt({ ...withBot, awaiting: 'consumer' })).toBeNull();
    expect(botReplyDueAt({ ...withBot, botStatus: 'escalated', state: 'queued' })).toBeNull();
    expect(botReplyDueAt({ ...withBot, state: 'closed' })).toBeNull();
    expect(botReplyDueAt({ ...withBot, agentId: 'ann' })).toBeNull();
  });
  it('a closed conversation wants the retention timer and nothing else', () => {
    const closed = aConversation({ state: 'closed', agentId: null, closedAt: T0, slaDueAt: null });
    expect(conversationTimers(closed, s, T0).filter((t) => t.dueAt !== null)).toEqual([
      { kind: 'closed_expiry', dueAt: T0 + 48 * HOUR, payload: { agentId: 'ann' } },
    ]);
  });
});

describe('agent and survey timers', () => {
  it('an agent in warm-up is routed again when the cap next rises', () => {
    const w = { enabled: true, intervalSec: 90, shiftGapSec: 3600 };
    expect(agentTimers({ warmupStartedAt: T0 }, w, T0 + 100 * SEC)).toEqual([{ kind: 'warmup', dueAt: T0 + 180 * SEC, payload: {} }]);
    expect(agentTimers({ warmupStartedAt: null }, w, T0)[0]?.dueAt).toBeNull();
  });
  it('a pending survey expires at its time; an answered or withdrawn one wants none', () => {
    expect(surveyTimers({ status: 'pending', expiresAt: T0, conversationId: 'c1' })).toEqual([
      { kind: 'survey_expiry', dueAt: T0, payload: { conversationId: 'c1' } },
    ]);
    expect(surveyTimers({ status: 'withdrawn', expiresAt: T0, conversationId: 'c1' })[0]?.dueAt).toBeNull();
  });
  it('isDue: a time that has come, never a time that is not wanted', () => {
    expect([isDue(T0, T0), isDue(T0 + 1, T0), isDue(null, T0)]).toEqual([true, false, false]);
  });
});

describe('clocks in business hours', () => {
  // T0 is Monday 2026-01-05 09:00 UTC; open 09:00–17:00 UTC on weekdays.
  const w: [string, string][] = [['09:00', '17:00']];
  const hours = { timeZone: 'UTC', weekly: { mon: w, tue: w, wed: w, thu: w, fri: w, sat: [], sun: [] }, holidays: [] };
  const inHours = someSettings({ autoClose: { enabled: true, afterSec: 3600 }, businessHours: hours });

  it('a clock counts only open time: started after closing, it runs from the next opening', () => {
    expect(clockDueAt(inHours, T0 + 7.5 * HOUR, 3600)).toBe(T0 + 24 * HOUR + 30 * MIN);
    expect(clockDueAt(inHours, T0 - HOUR, 600)).toBe(T0 + 10 * MIN);
    // Friday 16:30 + 1 h → Monday 09:30
    expect(clockDueAt(inHours, T0 + 4 * 24 * HOUR + 7.5 * HOUR, 3600)).toBe(T0 + 7 * 24 * HOUR + 30 * MIN);
  });

  it('auto-close waits in open hours only; a skill’s own hours win over the account’s', () => {
    const quiet = aConversation({ awaiting: 'consumer', awaitingSince: T0 + 7.5 * HOUR, slaDueAt: null });
    expect(autoCloseDueAt(quiet, inHours)).toBe(T0 + 24 * HOUR + 30 * MIN);
    const allDay: [string, string][] = [['00:00', '24:00']];
    const skillHours = { ...hours, weekly: { ...hours.weekly, mon: allDay } };
    expect(autoCloseDueAt(quiet, { ...inHours, skill: { businessHours: skillHours } })).toBe(T0 + 8.5 * HOUR);
    expect(businessHoursOf({ ...inHours, skill: { businessHours: skillHours } })).toBe(skillHours);
  });
});
