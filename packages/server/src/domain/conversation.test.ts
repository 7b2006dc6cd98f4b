import { describe, expect, it } from 'vitest';
import { aConversation, MIN, T0 } from '../../test/factories/conversation.js';
import {
  applyAgentMessage,
  applyConsumerMessage,
  type Conversation,
  compareActive,
  countByStatus,
  isSoonOverdue,
  listStatus,
  nextTimeChangeAt,
  slaClockAtTransfer,
  slaDueAtUnder,
  toActiveItem,
  unreadForNextAgent,
} from './conversation.js';

/** The shared fixture with this file's names (agent `u`, consumer `k`, nothing unread). */
const conv = (over: Partial<Conversation> = {}): Conversation =>
  aConversation({ accountId: 'a', consumerId: 'k', skillId: 's', agentId: 'u', lastAgentId: 'u', lastSeq: 0, agentUnread: 0, ...over });

describe('SLA clock', () => {
  it('continues across a transfer while the customer waits; starts at the transfer when it awaited the consumer', () => {
    const waiting = conv({ awaitingSince: T0, slaDueAt: T0 + 10 * MIN });
    expect(slaClockAtTransfer(waiting, T0 + 12 * MIN, 600)).toEqual({ awaiting: 'agent', awaitingSince: T0, slaDueAt: T0 + 10 * MIN });
    // the receiving skill's target, from the same start
    expect(slaClockAtTransfer(waiting, T0 + 12 * MIN, 900).slaDueAt).toBe(T0 + 15 * MIN);
    const answered = conv({ awaiting: 'consumer', awaitingSince: T0, slaDueAt: null });
    expect(slaClockAtTransfer(answered, T0 + 20 * MIN, 600)).toEqual({ awaiting: 'agent', awaitingSince: T0 + 20 * MIN, slaDueAt: T0 + 30 * MIN });
  });

  it('under new targets the due time is measured from the same start; no running clock, no change', () => {
    expect(slaDueAtUnder(conv({ awaitingSince: T0, slaDueAt: T0 + 60 * MIN }), 120)).toBe(T0 + 2 * MIN);
    expect(slaDueAtUnder(conv({ awaiting: 'consumer', slaDueAt: null }), 120)).toBeNull();
    expect(slaDueAtUnder(conv({ state: 'closed', slaDueAt: null }), 120)).toBeNull();
  });

  it('starts at the first unanswered consumer message and does not move on later ones', () => {
    const c0 = conv({ awaiting: 'consumer', slaDueAt: null, awaitingSince: T0 - 10 * MIN });
    const c1 = applyConsumerMessage(c0, 'hi', T0, 600);
    expect(c1).toMatchObject({ awaiting: 'agent', awaitingSince: T0, slaDueAt: T0 + 600_000, agentUnread: 1 });
    const c2 = applyConsumerMessage(c1, 'hello?', T0 + 2 * MIN, 600);
    expect(c2.slaDueAt).toBe(T0 + 600_000);
    expect(c2.agentUnread).toBe(2);
  });
  it('stops when the agent answers; first response recorded once, with the agent who gave it', () => {
    const c = applyAgentMessage(conv({ agentUnread: 3 }), 'hello', T0 + MIN, 'alice');
    expect(c).toMatchObject({ awaiting: 'consumer', slaDueAt: null, agentUnread: 0, firstResponseAt: T0 + MIN, firstResponseAgentId: 'alice' });
    // After a transfer, the next agent's answer is not the first response.
    expect(applyAgentMessage(c, 'again', T0 + 5 * MIN, 'bob')).toMatchObject({ firstResponseAt: T0 + MIN, firstResponseAgentId: 'alice' });
  });
});

describe('unread for the next agent', () => {
  it('counts the unanswered consumer messages, at least one while the agent owes an answer', () => {
    expect(unreadForNextAgent('agent', 3)).toBe(3);
    expect(unreadForNextAgent('agent', 0)).toBe(1);
    expect(unreadForNextAgent('consumer', 0)).toBe(0);
  });
});

describe('list status', () => {
  const idle = 240;
  it('overdue once the due time passes while awaiting the agent', () => {
    const c = conv({ slaDueAt: T0 + 10 * MIN });
    expect(listStatus(c, idle, T0 + 10 * MIN - 1)).toBe('ongoing');
    expect(listStatus(c, idle, T0 + 10 * MIN)).toBe('overdue');
  });
  it('idle after the idle threshold while awaiting the consumer', () => {
    const c = conv({ awaiting: 'consumer', slaDueAt: null, awaitingSince: T0 });
    expect(listStatus(c, idle, T0 + idle * 1000 - 1)).toBe('ongoing');
    expect(listStatus(c, idle, T0 + idle * 1000)).toBe('idle');
  });
  it('a manual SLA overrides: not idle, overdue at the manual time', () => {
    const c = conv({ awaiting: 'consumer', slaDueAt: null, manualSlaAt: T0 + 60 * MIN });
    expect(listStatus(c, idle, T0 + 30 * MIN)).toBe('ongoing');
    expect(listStatus(c, idle, T0 + 60 * MIN)).toBe('overdue');
  });
  it('closed is closed', () => {
    expect(listStatus(conv({ state: 'closed', closedAt: T0 }), idle, T0)).toBe('closed');
  });
  it('soon overdue within 5 minutes of the due time, not after', () => {
    const c = conv({ slaDueAt: T0 + 10 * MIN });
    expect(isSoonOverdue(c, T0 + 4 * MIN)).toBe(false);
    expect(isSoonOverdue(c, T0 + 5 * MIN)).toBe(true);
    expect(isSoonOverdue(c, T0 + 10 * MIN)).toBe(false);
  });
  it('knows when time alone changes the status next', () => {
    const c = conv({ slaDueAt: T0 + 10 * MIN });
    expect(nextTimeChangeAt(c, idle, T0)).toBe(T0 + 5 * MIN);
    expect(nextTimeChangeAt(c, idle, T0 + 5 * MIN)).toBe(T0 + 10 * MIN);
    expect(nextTimeChangeAt(c, idle, T0 + 10 * MIN)).toBeNull();
    const waiting = conv({ awaiting: 'consumer', slaDueAt: null });
    expect(nextTimeChangeAt(waiting, idle, T0)).toBe(T0 + idle * 1000);
  });
});

describe('Active list order and counts', () => {
  const idle = 240;
  const now = T0 + 30 * MIN;
  const item = (over: Partial<Conversation>) => toActiveItem({ conversation: conv(over), consumerName: 'x' }, idle, now);
  it('earliest due first, then awaiting the consumer, closed last (most recent first)', () => {
    const items = [
      item({ id: 'closed-old', state: 'closed', closedAt: T0 }),
      item({ id: 'waiting', awaiting: 'consumer', slaDueAt: null, awaitingSince: now - MIN }),
      item({ id: 'due-late', slaDueAt: T0 + 90 * MIN }),
      item({ id: 'overdue', slaDueAt: T0 + 10 * MIN }),
      item({ id: 'closed-new', state: 'closed', closedAt: T0 + 20 * MIN }),
      item({ id: 'manual', awaiting: 'consumer', slaDueAt: null, manualSlaAt: T0 + 40 * MIN }),
      item({ id: 'idle', awaiting: 'consumer', slaDueAt: null, awaitingSince: T0 }),
    ];
    expect(items.sort(compareActive).map((i) => i.id)).toEqual(['overdue', 'manual', 'due-late', 'idle', 'waiting', 'closed-new', 'closed-old']);
    expect(countByStatus(items)).toEqual({ ongoing: 3, overdue: 1, idle: 1, closed: 2 });
  });

  it('a row names the author of its last message: the agent by id and name, the consumer by id', () => {
    const byBob = applyAgentMessage(conv(), 'Bob here', T0, 'bob', 'Bob Chen');
    expect(toActiveItem({ conversation: byBob, consumerName: 'x' }, idle, now).lastMessage).toEqual({
      text: 'Bob here',
      senderType: 'agent',
      senderId: 'bob',
      senderName: 'Bob Chen',
      at: new Date(T0).toISOString(),
    });
    const byConsumer = applyConsumerMessage(byBob, 'thanks', T0 + MIN, 600);
    expect(toActiveItem({ conversation: byConsumer, consumerName: 'x' }, idle, now).lastMessage).toEqual({
      text: 'thanks',
      senderType: 'consumer',
      senderId: 'k',
      at: new Date(T0 + MIN).toISOString(),
    });
  });

  it('a row says whether it is urgent and, once closed, who closed it', () => {
    expect(item({ urgent: true })).toMatchObject({ urgent: true, closedBy: null, closedById: null, closedByName: null });
    expect(item({ state: 'closed', closedAt: T0, closedBy: 'agent', closedById: 'dana', closedByName: 'Dana Reyes' })).toMatchObject({
      closedBy: 'agent',
      closedById: 'dana',
      closedByName: 'Dana Reyes',
    });
    expect(item({ state: 'closed', closedAt: T0, closedBy: 'system' })).toMatchObject({ closedBy: 'system', closedById: null, closedByName: null });
    // resumed: no closer any more
    expect(item({ state: 'open', closedBy: null, closedById: 'dana' })).toMatchObject({ closedBy: null, closedById: null });
  });
});
