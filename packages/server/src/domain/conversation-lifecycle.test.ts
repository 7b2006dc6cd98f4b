import type { DomainEvent, Message } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { aConversation, MIN, SEC, someSettings, T0 } from '../../test/factories/conversation.js';
import { audienceFor } from './audience.js';
import type { Conversation, RoutingDecision } from './conversation.js';
import * as lc from './conversation-lifecycle.js';

const HOUR = 60 * MIN;
const s = someSettings({ ringTimeoutSec: 30, transferFallbackSec: 120, autoClose: { enabled: true, afterSec: 600 }, closedRetentionHours: 48 });
const decision: RoutingDecision & { agentId: string } = { outcome: 'assigned', rule: 'least_loaded', agentId: 'bob', candidates: [], at: T0 };
const ann = { id: 'ann', displayName: 'Ann' };
const queued = aConversation({ state: 'queued', agentId: null, lastAgentId: null, assignedAt: null });
const ringing = aConversation({ state: 'ringing', agentId: 'ann', lastAgentId: null, offeredAt: T0 });
const quiet = aConversation({ awaiting: 'consumer', awaitingSince: T0, slaDueAt: null, agentUnread: 0 });
const closed = aConversation({ state: 'closed', agentId: null, lastAgentId: 'ann', closedAt: T0, closedBy: 'agent', slaDueAt: null, agentUnread: 0 });
const msg = (over: Partial<Message> = {}): Message => ({
  id: 'm2',
  conversationId: 'c1',
  seq: 2,
  senderType: 'consumer',
  senderId: 'jo',
  text: 'hello?',
  file: null,
  clientMessageId: 'x',
  createdAt: new Date(T0).toISOString(),
  ...over,
});

/** The transition, failing the test on a refusal. */
function ok(o: lc.Outcome): lc.Transition {
  if (lc.isRefusal(o)) throw new Error(`refused: ${o.refused} (${o.detail})`);
  return o;
}
const refusal = (o: lc.Outcome) => (lc.isRefusal(o) ? o.refused : 'applied');
const types = (t: lc.Transition) => t.events.map((e) => e.type);
const due = (t: lc.Transition) => Object.fromEntries(t.timers.filter((x) => x.dueAt !== null).map((x) => [x.kind, x.dueAt]));
/** Each event with who gets it, as `type→recipient`. */
const heard = (before: Conversation, t: lc.Transition) =>
  t.events.flatMap((e) => audienceFor(e, { before, conversation: t.conversation }).map((r) => `${e.type}→${r.kind}:${r.id}`));

describe('offer and assign (routing)', () => {
  it('offer: rings to the agent until the ring timeout, with the offer and the row for them', () => {
    const t = ok(lc.offer({ ...queued, offerExcluded: ['cat'] }, s, T0, { decision, newRound: false, consumerName: 'Jo' }));
    expect(t.conversation).toMatchObject({ state: 'ringing', agentId: 'bob', offeredAt: T0, offerExcluded: ['cat'], routing: { outcome: 'offered' } });
    expect(heard(queued, t)).toEqual(['offer.created→agent:bob', 'conversation.upserted→agent:bob']);
    expect((t.events[0] as Extract<DomainEvent, { type: 'offer.created' }>).data.expiresAt).toBe(new Date(T0 + 30 * SEC).toISOString());
    expect(due(t).ring).toBe(T0 + 30 * SEC);
  });
  it('offer: a new round forgets who declined', () => {
    expect(ok(lc.offer({ ...queued, offerExcluded: ['cat'] }, s, T0, { decision, newRound: true, consumerName: 'Jo' })).conversation.offerExcluded).toEqual([]);
  });
  it('assign: open with the agent at once; the consumer hears who answers', () => {
    const t = ok(
      lc.assign({ ...queued, targetAgentId: 'bob' }, s, T0, { decision, newRound: false, consumerName: 'Jo', agent: { id: 'bob', displayName: 'Bob' } }),
    );
    expect(t.conversation).toMatchObject({
      state: 'open',
      agentId: 'bob',
      lastAgentId: 'bob',
      assignedAt: T0,
      targetAgentId: null,
      routing: { outcome: 'assigned' },
    });
    expect(heard(queued, t)).toEqual(['conversation.updated→consumer:jo', 'conversation.upserted→agent:bob']);
    expect(t.events[0]).toMatchObject({ data: { agent: { id: 'bob', displayName: 'Bob' } } });
  });
  it('refuse a conversation that is no longer queued', () => {
    expect(refusal(lc.offer(ringing, s, T0, { decision, newRound: false, consumerName: 'Jo' }))).toBe('not_queued');
    expect(refusal(lc.assign(ringing, s, T0, { decision, newRound: false, consumerName: 'Jo', agent: null }))).toBe('not_queued');
  });
  it('recordWait: only the reason changes; no event, no timer', () => {
    const waiting = { ...decision, outcome: 'waiting' as const, agentId: null };
    expect(lc.recordWait(queued, waiting)).toEqual({ conversation: { ...queued, routing: waiting }, events: [], timers: [] });
  });
});

describe('accept and withdraw (ring mode)', () => {
  it('accept: the agent it rings to takes it; the ring timer goes', () => {
    const t = ok(lc.accept({ ...ringing, offerExcluded: ['cat'] }, s, T0 + SEC, { agentId: 'ann', agent: ann, consumerName: 'Jo' }));
    expect(t.conversation).toMatchObject({ state: 'open', lastAgentId: 'ann', assignedAt: T0 + SEC, offeredAt: null, offerExcluded: [] });
    expect(heard(ringing, t)).toEqual(['conversation.upserted→agent:ann', 'conversation.updated→consumer:jo']);
    expect(due(t).ring).toBeUndefined();
  });
  it('accept: refused when it rings to someone else or not at all', () => {
    expect(refusal(lc.accept(ringing, s, T0, { agentId: 'bob', agent: null, consumerName: 'Jo' }))).toBe('not_ringing_to_you');
    expect(refusal(lc.accept(queued, s, T0, { agentId: 'ann', agent: null, consumerName: 'Jo' }))).toBe('not_ringing_to_you');
  });
  it('decline: back to the queue, the agent left out of the round, unread again for the next agent', () => {
    const t = ok(lc.withdraw({ ...ringing, agentUnread: 0 }, s, T0, { reason: 'declined', agentId: 'ann', unanswered: 0 }));
    expect(t.conversation).toMatchObject({ state: 'queued', agentId: null, offeredAt: null, offerExcluded: ['ann'], agentUnread: 1 });
    expect(heard(ringing, t)).toEqual(['offer.withdrawn→agent:ann', 'conversation.removed→agent:ann']);
    expect(t.events[0]).toMatchObject({ data: { reason: 'declined' } });
    expect(refusal(lc.withdraw(ringing, s, T0, { reason: 'declined', agentId: 'bob', unanswered: 0 }))).toBe('not_ringing_to_you');
  });
  it('timeout: only for the offer the timer was armed for, and only once it is due', () => {
    const offer = { agentId: 'ann', offeredAt: T0 };
    expect(refusal(lc.withdraw(ringing, s, T0 + 10 * SEC, { reason: 'timeout', offer, unanswered: 2 }))).toBe('not_due');
    expect(refusal(lc.withdraw(ringing, s, T0 + 30 * SEC, { reason: 'timeout', offer: { ...offer, offeredAt: T0 - 1 }, unanswered: 2 }))).toBe(
      'offer_moved_on',
    );
    expect(refusal(lc.withdraw(queued, s, T0 + 30 * SEC, { reason: 'timeout', offer, unanswered: 2 }))).toBe('offer_moved_on');
    const t = ok(lc.withdraw(ringing, s, T0 + 30 * SEC, { reason: 'timeout', offer, unanswered: 2 }));
    expect(t.conversation.agentUnread).toBe(2);
    expect(t.events[0]).toMatchObject({ type: 'offer.withdrawn', data: { reason: 'timeout' } });
  });
});

describe('close', () => {
  it('by an agent: closed, recorded with the closer; the row stays in the list as closed; only the retention timer is left', () => {
    const t = ok(lc.close(aConversation({ manualSlaAt: T0 + HOUR }), s, T0 + MIN, { by: 'agent', closer: { id: 'ann', name: 'Ann' }, consumerName: 'Jo' }));
    expect(t.conversation).toMatchObject({
      state: 'closed',
      agentId: null,
      lastAgentId: 'ann',
      closedAt: T0 + MIN,
      closedBy: 'agent',
      closedById: 'ann',
      closedByName: 'Ann',
      slaDueAt: null,
      manualSlaAt: null,
      agentUnread: 0,
    });
    expect(heard(aConversation(), t)).toEqual(['conversation.upserted→agent:ann', 'conversation.closed→consumer:jo']);
    expect(due(t)).toEqual({ closed_expiry: T0 + MIN + 48 * HOUR });
  });
  it('while ringing: the offer is withdrawn from the agent it rang to, and the last agent stays who it was', () => {
    const t = ok(lc.close({ ...ringing, lastAgentId: 'bob' }, s, T0, { by: 'consumer', consumerName: 'Jo' }));
    expect(t.conversation.lastAgentId).toBe('bob');
    expect(heard(ringing, t)).toEqual(['offer.withdrawn→agent:ann', 'conversation.removed→agent:ann', 'conversation.closed→consumer:jo']);
  });
  it('refused: already closed; by a consumer on a channel without a close option', () => {
    expect(lc.close(closed, s, T0, { by: 'agent', consumerName: 'Jo' })).toMatchObject({
      refused: 'conversation_closed',
      detail: 'the conversation is already closed',
    });
    expect(refusal(lc.close(aConversation({ channel: 'sms' }), s, T0, { by: 'consumer', consumerName: 'Jo' }))).toBe('channel_cannot_close');
  });
  it('by the system: only once auto-close is due', () => {
    expect(refusal(lc.close(quiet, s, T0 + 9 * MIN, { by: 'system', consumerName: 'Jo' }))).toBe('not_due');
    expect(refusal(lc.close(aConversation(), s, T0 + HOUR, { by: 'system', consumerName: 'Jo' }))).toBe('not_due');
    expect(refusal(lc.close(closed, s, T0 + HOUR, { by: 'system', consumerName: 'Jo' }))).toBe('not_due');
    expect(ok(lc.close(quiet, s, T0 + 10 * MIN, { by: 'system', consumerName: 'Jo' })).conversation).toMatchObject({
      state: 'closed',
      closedBy: 'system',
      closedById: null,
    });
  });
});

describe('resume, dismiss, leave the list', () => {
  const input = { agentId: 'ann', manager: false, newerOpen: false, agent: ann, consumerName: 'Jo' };
  it('resume: open again with the agent, awaiting them, a fresh SLA (not first-time)', () => {
    const t = ok(lc.resume({ ...closed, firstTime: true, dismissed: true }, s, T0 + HOUR, input));
    expect(t.conversation).toMatchObject({
      state: 'open',
      agentId: 'ann',
      closedAt: null,
      closedBy: null,
      dismissed: false,
      awaiting: 'agent',
      awaitingSince: T0 + HOUR,
      slaDueAt: T0 + HOUR + 3600 * SEC,
      routing: { rule: 'resumed_by_agent' },
    });
    expect(heard(closed, t)).toEqual(['conversation.upserted→agent:ann', 'conversation.updated→consumer:jo']);
  });
  it('resume by a manager takes it from the last agent’s list', () => {
    const t = ok(lc.resume(closed, s, T0, { ...input, agentId: 'max', manager: true, agent: null }));
    expect(heard(closed, t)).toEqual(['conversation.removed→agent:ann', 'conversation.upserted→agent:max', 'conversation.updated→consumer:jo']);
  });
  it('resume refused: not closed; another agent; the consumer has a newer open conversation', () => {
    expect(refusal(lc.resume(aConversation(), s, T0, input))).toBe('not_closed');
    expect(refusal(lc.resume(closed, s, T0, { ...input, agentId: 'bob' }))).toBe('not_last_agent');
    expect(refusal(lc.resume(closed, s, T0, { ...input, newerOpen: true }))).toBe('newer_conversation_open');
  });
  it('dismiss: leaves the agent’s list and wants no retention timer; again, nothing happens', () => {
    const t = ok(lc.dismiss(closed, s, T0, { userId: 'ann' }));
    expect(t.conversation.dismissed).toBe(true);
    expect(heard(closed, t)).toEqual(['conversation.removed→agent:ann']);
    expect(due(t)).toEqual({});
    expect(lc.dismiss(t.conversation, s, T0, { userId: 'ann' })).toEqual({ conversation: t.conversation, events: [], timers: [] });
  });
  it('dismiss refused: not the agent’s (as not found); not closed', () => {
    expect(lc.dismiss(closed, s, T0, { userId: 'bob' })).toMatchObject({ refused: 'not_your_conversation', detail: 'conversation not found' });
    expect(refusal(lc.dismiss(aConversation(), s, T0, { userId: 'ann' }))).toBe('not_closed');
  });
  it('leaveList: the retention window passed, the row leaves; not before, and not for a dismissed or unserved one', () => {
    expect(refusal(lc.leaveList(closed, s, T0 + 47 * HOUR))).toBe('not_due');
    expect(refusal(lc.leaveList({ ...closed, dismissed: true }, s, T0 + 49 * HOUR))).toBe('not_in_list');
    expect(refusal(lc.leaveList({ ...closed, lastAgentId: null }, s, T0 + 49 * HOUR))).toBe('not_in_list');
    const t = ok(lc.leaveList(closed, s, T0 + 48 * HOUR));
    expect([t.conversation, heard(closed, t), t.timers]).toEqual([closed, ['conversation.removed→agent:ann'], []]);
  });
});

describe('transfer, requeue, fall back', () => {
  const bob = { id: 'bob', displayName: 'Bob', status: 'online', active: true };
  it('to a skill: queued there, actionable, the transferring agent left out of the first round, the wait goes on', () => {
    const over = aConversation({ awaitingSince: T0, slaDueAt: T0 + 10 * MIN, urgent: true });
    const t = ok(lc.transfer(over, s, T0 + 20 * MIN, { to: { skillId: 'billing', found: true }, unanswered: 3 }));
    expect(t.conversation).toMatchObject({
      state: 'queued',
      skillId: 'billing',
      agentId: null,
      actionable: true,
      priority: 1,
      queuedAt: T0 + 20 * MIN,
      offerExcluded: ['ann'],
      awaitingSince: T0,
      slaDueAt: T0 + 600 * SEC,
      agentUnread: 3,
      routing: { rule: 'transferred_to_skill' },
    });
    expect(heard(over, t)).toEqual(['conversation.removed→agent:ann', 'conversation.updated→consumer:jo']);
  });
  it('to an agent: only they may get it until the fallback; a ringing offer is withdrawn with reason transferred', () => {
    const t = ok(lc.transfer(ringing, s, T0, { to: { agent: bob }, unanswered: 0 }));
    expect(t.conversation).toMatchObject({
      targetAgentId: 'bob',
      offerExcluded: [],
      agentUnread: 1,
      routing: { rule: 'transferred_to_agent', agentId: 'bob' },
    });
    expect(heard(ringing, t)).toEqual(['offer.withdrawn→agent:ann', 'conversation.removed→agent:ann', 'conversation.updated→consumer:jo']);
    expect(due(t).transfer_fallback).toBe(T0 + 2 * MIN);
  });
  it('refused: closed; unknown skill or agent (invalid, with the field); the agent is offline; it is already theirs', () => {
    expect(refusal(lc.transfer(closed, s, T0, { to: { agent: bob }, unanswered: 0 }))).toBe('conversation_closed');
    expect(lc.transfer(quiet, s, T0, { to: { skillId: 'x', found: false }, unanswered: 0 })).toMatchObject({ refused: 'unknown_skill', path: 'skillId' });
    expect(lc.transfer(quiet, s, T0, { to: { agent: undefined }, unanswered: 0 })).toMatchObject({ refused: 'unknown_agent', path: 'agentId' });
    expect(refusal(lc.transfer(quiet, s, T0, { to: { agent: { ...bob, active: false } }, unanswered: 0 }))).toBe('unknown_agent');
    expect(lc.transfer(quiet, s, T0, { to: { agent: { ...bob, status: 'offline' } }, unanswered: 0 })).toMatchObject({
      refused: 'target_offline',
      detail: 'Bob is offline',
    });
    expect(refusal(lc.transfer(quiet, s, T0, { to: { agent: { ...bob, id: 'ann' } }, unanswered: 0 }))).toBe('already_with_agent');
  });
  it('requeue (handover): awaiting the agent, back to its queue keeping its waiting time; the rest stays', () => {
    const t = ok(lc.requeue(aConversation({ queuedAt: T0 - HOUR }), s, T0, { unanswered: 2 }));
    expect(t.conversation).toMatchObject({ state: 'queued', agentId: null, queuedAt: T0 - HOUR, agentUnread: 2, routing: { rule: 'handed_back_by_agent' } });
    expect(heard(aConversation(), t)).toEqual(['conversation.removed→agent:ann', 'conversation.updated→consumer:jo']);
    expect(refusal(lc.requeue(quiet, s, T0, { unanswered: 0 }))).toBe('stays_with_agent');
    expect(refusal(lc.requeue(aConversation({ manualSlaAt: T0 + HOUR }), s, T0, { unanswered: 0 }))).toBe('stays_with_agent');
    expect(refusal(lc.requeue(queued, s, T0, { unanswered: 0 }))).toBe('not_with_agent');
  });
  it('fallBack: after the fallback time any agent of the skill may take it', () => {
    const targeted = { ...queued, targetAgentId: 'bob', queuedAt: T0 };
    expect(refusal(lc.fallBack(targeted, s, T0 + MIN))).toBe('not_due');
    expect(refusal(lc.fallBack(queued, s, T0 + HOUR))).toBe('no_transfer_pending');
    const t = ok(lc.fallBack(targeted, s, T0 + 2 * MIN));
    expect(t.conversation).toMatchObject({ targetAgentId: null, routing: { rule: 'transfer_fallback_to_skill_queue' } });
    expect([t.events, due(t)]).toEqual([[], {}]);
  });
});

describe('opening and messages', () => {
  const n = { id: 'c9', accountId: 'acc', consumerId: 'jo', channel: 'web' as const, channelId: null, skillId: 'sales', firstTime: true };
  it('open: queued with the first-time SLA; the first message is the consumer’s, then the view', () => {
    const t = lc.open(n, s, T0, { first: { message: msg({ seq: 1, conversationId: 'c9' }), line: 'hello?' } });
    expect(t.conversation).toMatchObject({ state: 'queued', slaDueAt: T0 + 1800 * SEC, lastSeq: 1, agentUnread: 1, lastMessage: { text: 'hello?' } });
    expect(heard(t.conversation, t)).toEqual(['message.created→consumer:jo', 'conversation.updated→consumer:jo']);
    expect(lc.open(n, s, T0, {}).events.map((e) => e.type)).toEqual(['conversation.updated']);
  });
  it('a consumer message starts the clock and reaches the agent with the row; in the queue, only the consumer hears it', () => {
    const t = ok(lc.receiveMessage(quiet, s, T0 + MIN, { sender: { type: 'consumer' }, message: msg(), line: 'hello?', consumerName: 'Jo' }));
    expect(t.conversation).toMatchObject({ awaiting: 'agent', awaitingSince: T0 + MIN, slaDueAt: T0 + MIN + 3600 * SEC, lastSeq: 2, agentUnread: 1 });
    expect(heard(quiet, t)).toEqual(['message.created→consumer:jo', 'message.created→agent:ann', 'conversation.upserted→agent:ann']);
    const inQueue = ok(lc.receiveMessage(queued, s, T0, { sender: { type: 'consumer' }, message: msg(), line: 'hello?', consumerName: 'Jo' }));
    expect(types(inQueue)).toEqual(['message.created']);
  });
  it('an agent message stops the clock; refused on a closed conversation and on an offer not accepted yet', () => {
    const sender = { type: 'agent' as const, id: 'ann', name: 'Ann' };
    const t = ok(
      lc.receiveMessage(aConversation(), s, T0 + MIN, { sender, message: msg({ senderType: 'agent', senderId: 'ann' }), line: 'hi', consumerName: 'Jo' }),
    );
    expect(t.conversation).toMatchObject({ awaiting: 'consumer', slaDueAt: null, firstResponseAt: T0 + MIN, firstResponseAgentId: 'ann' });
    expect(refusal(lc.receiveMessage(closed, s, T0, { sender, message: msg(), line: 'hi', consumerName: 'Jo' }))).toBe('conversation_closed');
    expect(refusal(lc.receiveMessage(ringing, s, T0, { sender, message: msg(), line: 'hi', consumerName: 'Jo' }))).toBe('accept_first');
  });
  it('appendMessage: a line after the close moves no rule and no timer', () => {
    const t = lc.appendMessage(closed, T0 + MIN, { message: msg() });
    expect([t.conversation.lastSeq, t.conversation.awaiting, t.timers, heard(closed, t)]).toEqual([
      2,
      closed.awaiting,
      [],
      ['message.created→consumer:jo', 'message.created→agent:ann'],
    ]);
  });
});

describe('bots', () => {
  const n = { id: 'c9', accountId: 'acc', consumerId: 'jo', channel: 'web' as const, channelId: null, skillId: 'sales', firstTime: true };
  const faq = { id: 'faq', name: 'FAQ bot', timeoutSec: 30 };
  const withBot = aConversation({
    agentId: null,
    lastAgentId: null,
    assignedAt: null,
    botId: 'faq',
    botStatus: 'handling',
    botTimeoutSec: 30,
    slaDueAt: null,
    awaiting: 'agent',
    awaitingSince: T0,
  });
  const botSender = { type: 'bot' as const, id: 'faq', name: 'FAQ bot' };
  const botMsg = msg({ senderType: 'bot', senderId: 'faq', senderName: 'FAQ bot', text: 'hi' });

  it('open with a bot: open with no agent and no agent SLA (routing never sees it), the bot’s reply timer running; the consumer hears the bot answers', () => {
    const t = lc.open(n, s, T0, { first: { message: msg({ seq: 1, conversationId: 'c9' }), line: 'hello?' }, bot: faq });
    expect(t.conversation).toMatchObject({
      state: 'open',
      agentId: null,
      queuedAt: null,
      slaDueAt: null,
      botId: 'faq',
      botStatus: 'handling',
      botTimeoutSec: 30,
      awaiting: 'agent',
    });
    expect(heard(t.conversation, t)).toEqual(['message.created→consumer:jo', 'conversation.updated→consumer:jo']);
    expect((t.events[1] as Extract<DomainEvent, { type: 'conversation.updated' }>).data.agent).toEqual({ id: 'faq', displayName: 'FAQ bot' });
    expect(due(t)).toEqual({ bot_reply: T0 + 30 * SEC });
    // without a first message the bot owes nothing yet… but its clock is the conversation's wait
    expect(lc.open(n, s, T0, { bot: faq }).conversation.botStatus).toBe('handling');
  });
  it('a consumer message to the bot keeps the reply time of the first unanswered one; the bot’s answer stops it (no first response: that is an agent’s)', () => {
    const more = ok(lc.receiveMessage(withBot, s, T0 + 10 * SEC, { sender: { type: 'consumer' }, message: msg(), line: 'again', consumerName: 'Jo' }));
    expect(more.conversation).toMatchObject({ awaitingSince: T0, slaDueAt: null });
    expect(due(more)).toEqual({ bot_reply: T0 + 30 * SEC });
    // nobody's list has it: only the consumer hears the message
    expect(heard(withBot, more)).toEqual(['message.created→consumer:jo']);
    const answered = ok(lc.receiveMessage(withBot, s, T0 + 20 * SEC, { sender: botSender, message: botMsg, line: 'hi', consumerName: 'Jo' }));
    expect(answered.conversation).toMatchObject({ awaiting: 'consumer', firstResponseAt: null, lastMessage: { senderType: 'bot', senderName: 'FAQ bot' } });
    expect(due(answered)).toEqual({ auto_close: T0 + 20 * SEC + 600 * SEC });
    const quietAgain = { ...answered.conversation };
    const next = ok(lc.receiveMessage(quietAgain, s, T0 + MIN, { sender: { type: 'consumer' }, message: msg(), line: 'thanks', consumerName: 'Jo' }));
    expect(due(next)).toEqual({ bot_reply: T0 + MIN + 30 * SEC });
  });
  it('only the bot that has it may write; an agent may not while the bot has it', () => {
    expect(refusal(lc.receiveMessage(withBot, s, T0, { sender: { ...botSender, id: 'other' }, message: botMsg, line: 'x', consumerName: 'Jo' }))).toBe(
      'not_with_bot',
    );
    expect(refusal(lc.receiveMessage(aConversation(), s, T0, { sender: botSender, message: botMsg, line: 'x', consumerName: 'Jo' }))).toBe('not_with_bot');
    const manager = { type: 'agent' as const, id: 'boss', name: 'Boss' };
    expect(refusal(lc.receiveMessage(withBot, s, T0, { sender: manager, message: msg({ senderType: 'agent' }), line: 'x', consumerName: 'Jo' }))).toBe(
      'with_bot',
    );
  });
  it('escalate: queued like a transfer — actionable, the wait from the first unanswered message, unread for the next agent — and the bot’s part ends', () => {
    const t = ok(lc.escalate(withBot, s, T0 + 10 * SEC, { reason: 'bot', unanswered: 2 }));
    expect(t.conversation).toMatchObject({
      state: 'queued',
      skillId: 'sales',
      agentId: null,
      actionable: true,
      queuedAt: T0 + 10 * SEC,
      botId: 'faq',
      botStatus: 'escalated',
      awaiting: 'agent',
      awaitingSince: T0,
      slaDueAt: T0 + 3600 * SEC,
      agentUnread: 2,
      routing: { outcome: 'waiting', rule: 'escalated_by_bot' },
    });
    expect(heard(withBot, t)).toEqual(['conversation.updated→consumer:jo']);
    expect(due(t)).toEqual({});
    // to an agent: only they may get it until the fallback
    const toAnn = ok(
      lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1, to: { agent: { id: 'ann', displayName: 'Ann', status: 'online', active: true } } }),
    );
    expect(toAnn.conversation).toMatchObject({ targetAgentId: 'ann' });
    expect(due(toAnn).transfer_fallback).toBe(T0 + 120 * SEC);
    // awaiting the consumer, the wait starts now
    expect(
      ok(lc.escalate({ ...withBot, awaiting: 'consumer', awaitingSince: T0 }, s, T0 + MIN, { reason: 'user', unanswered: 0 })).conversation.awaitingSince,
    ).toBe(T0 + MIN);
  });
  it('escalate refused: no bot has it (after an escalation, closed, another bot); bad targets; a timeout before its time', () => {
    const gone = ok(lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1 })).conversation;
    expect(refusal(lc.escalate(gone, s, T0, { reason: 'bot', unanswered: 1 }))).toBe('not_with_bot');
    expect(refusal(lc.escalate({ ...withBot, state: 'closed' }, s, T0, { reason: 'bot', unanswered: 1 }))).toBe('not_with_bot');
    expect(refusal(lc.escalate(aConversation(), s, T0, { reason: 'user', unanswered: 1 }))).toBe('not_with_bot');
    expect(refusal(lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1, botId: 'other' }))).toBe('not_with_bot');
    expect(refusal(lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1, to: { skillId: 'x', found: false } }))).toBe('unknown_skill');
    expect(refusal(lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1, to: { agent: undefined } }))).toBe('unknown_agent');
    const offline = { agent: { id: 'ann', displayName: 'Ann', status: 'offline', active: true } };
    expect(refusal(lc.escalate(withBot, s, T0, { reason: 'bot', unanswered: 1, to: offline }))).toBe('target_offline');
    expect(refusal(lc.escalate(withBot, s, T0 + 29 * SEC, { reason: 'timeout', unanswered: 1 }))).toBe('not_due');
    expect(ok(lc.escalate(withBot, s, T0 + 30 * SEC, { reason: 'timeout', unanswered: 1 })).conversation.routing?.rule).toBe('bot_timed_out');
    // the bot answered: it owes nothing, no timeout
    expect(refusal(lc.escalate({ ...withBot, awaiting: 'consumer' }, s, T0 + HOUR, { reason: 'timeout', unanswered: 0 }))).toBe('not_with_bot');
  });
  it('close while the bot has it: contained (never reached an agent); a transfer takes it from the bot as an escalation', () => {
    const c = ok(lc.close(withBot, s, T0, { by: 'consumer', consumerName: 'Jo' }));
    expect(c.conversation).toMatchObject({ state: 'closed', lastAgentId: null, botStatus: 'handling' });
    expect(due(c).bot_reply).toBeUndefined();
    const tr = ok(lc.transfer(withBot, s, T0, { to: { skillId: 'support', found: true }, unanswered: 1 }));
    expect(tr.conversation).toMatchObject({ state: 'queued', botStatus: 'escalated' });
    const taken = ok(lc.takeOver(withBot, s, T0 + MIN, { manager: { id: 'boss', displayName: 'Boss' }, consumerName: 'Jo', unanswered: 1 }));
    expect(taken.conversation).toMatchObject({ state: 'open', agentId: 'boss', botStatus: 'escalated', slaDueAt: T0 + 3600 * SEC });
    expect(due(taken).bot_reply).toBeUndefined();
  });
});

describe('within a state', () => {
  it('markRead: unread to 0 with the row; nothing when already read', () => {
    expect(ok(lc.markRead(aConversation({ agentUnread: 3 }), s, T0, { consumerName: 'Jo' })).conversation.agentUnread).toBe(0);
    expect(lc.markRead(quiet, s, T0, { consumerName: 'Jo' }).events).toEqual([]);
  });
  it('setManualSla: overrides the due time and stops auto-close; refused when closed or not in the future', () => {
    const t = ok(lc.setManualSla(quiet, s, T0, { dueAt: T0 + HOUR, consumerName: 'Jo' }));
    expect([t.conversation.manualSlaAt, due(t).auto_close]).toEqual([T0 + HOUR, undefined]);
    expect(refusal(lc.setManualSla(closed, s, T0, { dueAt: T0 + HOUR, consumerName: 'Jo' }))).toBe('conversation_closed');
    const past = lc.setManualSla(quiet, s, T0, { dueAt: T0, consumerName: 'Jo' });
    expect(past).toMatchObject({ refused: 'due_not_in_future', path: 'dueAt' });
    if (lc.isRefusal(past))
      expect(lc.refusalError(past)).toMatchObject({ code: 'invalid_request', errors: [{ path: 'dueAt', message: 'dueAt must be in the future' }] });
  });
  it('markUrgent: the urgent target applies when sooner and it moves up; once is enough; refused when closed', () => {
    const t = ok(lc.markUrgent(aConversation(), s, T0 + MIN, { consumerName: 'Jo' }));
    expect(t.conversation).toMatchObject({ urgent: true, priority: 1, slaDueAt: T0 + 600 * SEC });
    expect(lc.markUrgent(t.conversation, s, T0, { consumerName: 'Jo' })).toEqual({ conversation: t.conversation, events: [], timers: [] });
    expect(ok(lc.markUrgent(quiet, s, T0, { consumerName: 'Jo' })).conversation.slaDueAt).toBeNull();
    expect(refusal(lc.markUrgent(closed, s, T0, { consumerName: 'Jo' }))).toBe('conversation_closed');
  });
  it('retime: a new target moves the due time from the same start and pushes the row; an idle change pushes rows awaiting the consumer', () => {
    const t = ok(
      lc.retime(aConversation(), someSettings({ sla: { defaultSec: 60, firstTimeSec: 60, urgentSec: 60 } }), T0, { idleChanged: false, consumerName: 'Jo' }),
    );
    expect([t.conversation.slaDueAt, types(t)]).toEqual([T0 + MIN, ['conversation.upserted']]);
    expect(types(ok(lc.retime(aConversation(), s, T0, { idleChanged: true, consumerName: 'Jo' })))).toEqual([]);
    expect(types(ok(lc.retime(quiet, s, T0, { idleChanged: true, consumerName: 'Jo' })))).toEqual(['conversation.upserted']);
    expect(refusal(lc.retime(closed, s, T0, { idleChanged: true, consumerName: 'Jo' }))).toBe('conversation_closed');
  });
  it('a transition says what the state before wanted, so only changed timers are written; re-timing compares with the stored rows instead', () => {
    const t = ok(lc.receiveMessage(quiet, s, T0 + MIN, { sender: { type: 'consumer' }, message: msg(), line: 'hello?', consumerName: 'Jo' }));
    expect(t.timersBefore?.find((x) => x.kind === 'auto_close')?.dueAt).toBe(T0 + 10 * MIN);
    expect(t.timers.find((x) => x.kind === 'auto_close')?.dueAt).toBeNull();
    expect(ok(lc.retime(quiet, s, T0, { idleChanged: false, consumerName: 'Jo' })).timersBefore).toBeUndefined();
    expect(ok(lc.tick(quiet, s, T0, { consumerName: 'Jo' })).timersBefore).toBeUndefined();
  });
  it('tick: time alone moved the row: pushed again with the next change wanted; not for a conversation with nobody', () => {
    const t = ok(lc.tick(aConversation(), s, T0 + 56 * MIN, { consumerName: 'Jo' }));
    expect([t.conversation, types(t), due(t).status]).toEqual([aConversation(), ['conversation.upserted'], T0 + 60 * MIN]);
    expect(refusal(lc.tick(queued, s, T0, { consumerName: 'Jo' }))).toBe('not_with_agent');
  });
});

describe('refusals as problems', () => {
  it('each refusal has the problem code a request gets', () => {
    expect(lc.refusalError({ refused: 'not_ringing_to_you', detail: 'x' })).toMatchObject({ code: 'conflict', message: 'x' });
    expect(lc.refusalError({ refused: 'not_last_agent', detail: 'x' }).code).toBe('forbidden');
    expect(lc.refusalError({ refused: 'not_your_conversation', detail: 'x' }).code).toBe('not_found');
    expect(() => lc.orThrow(lc.accept(queued, s, T0, { agentId: 'ann', agent: null, consumerName: 'Jo' }))).toThrow('this conversation is not ringing to you');
  });
});

describe('SLA clocks in business hours', () => {
  // T0 is Monday 2026-01-05 09:00 UTC; open 09:00–17:00 UTC on weekdays; a 1 h default SLA.
  const w: [string, string][] = [['09:00', '17:00']];
  const hours = { timeZone: 'UTC', weekly: { mon: w, tue: w, wed: w, thu: w, fri: w, sat: [], sun: [] }, holidays: [] };
  const bh = someSettings({ sla: { defaultSec: 3600, firstTimeSec: 3600, urgentSec: 600 }, businessHours: hours });
  const n = { id: 'c9', accountId: 'acc', consumerId: 'jo', channel: 'web' as const, channelId: null, skillId: null, firstTime: false };

  it('a consumer writing after closing is due an hour into the next opening', () => {
    const t = lc.open(n, bh, T0 + 10 * HOUR, { first: { message: msg({ seq: 1, conversationId: 'c9' }), line: 'hello?' } });
    expect(t.conversation.slaDueAt).toBe(T0 + 25 * HOUR);
  });
  it('a message late in the day carries the rest of the target over to the next day', () => {
    const t = ok(lc.receiveMessage(quiet, bh, T0 + 7.5 * HOUR, { sender: { type: 'consumer' }, message: msg(), line: 'hello?', consumerName: 'Jo' }));
    expect(t.conversation.slaDueAt).toBe(T0 + 24 * HOUR + 30 * MIN);
    // urgent: ten minutes of open time from the same start
    const u = ok(lc.markUrgent(t.conversation, bh, T0 + 7.6 * HOUR, { consumerName: 'Jo' }));
    expect(u.conversation.slaDueAt).toBe(T0 + 7.5 * HOUR + 10 * MIN);
  });
  it('re-timing under new hours moves the due time from the same start', () => {
    const waiting = aConversation({ awaitingSince: T0 + 7.5 * HOUR, slaDueAt: T0 + 8.5 * HOUR });
    const t = ok(lc.retime(waiting, bh, T0 + 7.6 * HOUR, { idleChanged: false, consumerName: 'Jo' }));
    expect(t.conversation.slaDueAt).toBe(T0 + 24 * HOUR + 30 * MIN);
  });
});

describe('take over (supervision)', () => {
  const boss = { id: 'boss', displayName: 'Boss' };
  it('from an agent: open with the manager; it leaves the agent’s list, the manager gets the row, the consumer hears who answers', () => {
    const c = aConversation({ state: 'open', agentId: 'ann', lastAgentId: 'ann' });
    const t = ok(lc.takeOver(c, s, T0 + MIN, { manager: boss, consumerName: 'Jo', unanswered: 2 }));
    expect(t.conversation).toMatchObject({
      state: 'open',
      agentId: 'boss',
      lastAgentId: 'boss',
      assignedAt: T0 + MIN,
      routing: { rule: 'taken_over', agentId: 'boss' },
    });
    expect(t.conversation.slaDueAt).toBe(c.slaDueAt);
    expect(heard(c, t)).toEqual(['conversation.removed→agent:ann', 'conversation.upserted→agent:boss', 'conversation.updated→consumer:jo']);
  });
  it('while ringing to someone: the offer is withdrawn from them', () => {
    const t = ok(lc.takeOver(ringing, s, T0, { manager: boss, consumerName: 'Jo', unanswered: 1 }));
    expect(heard(ringing, t)).toEqual([
      'offer.withdrawn→agent:ann',
      'conversation.removed→agent:ann',
      'conversation.upserted→agent:boss',
      'conversation.updated→consumer:jo',
    ]);
    expect(t.conversation.offeredAt).toBeNull();
  });
  it('from the queue: open with the manager, nothing to take from anyone', () => {
    const t = ok(lc.takeOver({ ...queued, targetAgentId: 'cat' }, s, T0, { manager: boss, consumerName: 'Jo', unanswered: 1 }));
    expect(t.conversation).toMatchObject({ state: 'open', agentId: 'boss', targetAgentId: null });
    expect(types(t)).toEqual(['conversation.upserted', 'conversation.updated']);
  });
  it('refused: closed, or already the manager’s', () => {
    expect(refusal(lc.takeOver(closed, s, T0, { manager: boss, consumerName: 'Jo', unanswered: 0 }))).toBe('conversation_closed');
    const mine = aConversation({ state: 'open', agentId: 'boss', lastAgentId: 'boss' });
    expect(refusal(lc.takeOver(mine, s, T0, { manager: boss, consumerName: 'Jo', unanswered: 0 }))).toBe('already_with_agent');
  });
});
