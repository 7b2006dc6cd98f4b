import type { Message } from '@parley/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN, SEC, someSettings, T0 } from '../../test/factories/conversation.js';
import { audienceFor, listOwner } from './audience.js';
import { type Conversation, isWithBot } from './conversation.js';
import * as lc from './conversation-lifecycle.js';

/**
 * Random walks through the state machine: every step is one transition with random inputs (most
 * are refused, as they would be by the API), and after each applied one the invariants of
 * DESIGN.md hold for the conversation, its timers and the audience of its events.
 */

const AGENTS = ['ann', 'bob', 'cat'] as const;
const s = someSettings({ ringTimeoutSec: 30, transferFallbackSec: 120, autoClose: { enabled: true, afterSec: 600 }, closedRetentionHours: 48 });

type Step =
  | { kind: 'route'; agent: number; ring: boolean; newRound: boolean }
  | { kind: 'accept' | 'decline' | 'agentMessage' | 'resume' | 'dismiss' | 'transferToAgent'; agent: number }
  | { kind: 'close'; by: 'agent' | 'consumer' | 'system' }
  | { kind: 'transferToSkill' | 'requeue' | 'fallBack' | 'ringTimeout' | 'consumerMessage' | 'markRead' | 'markUrgent' | 'tick' | 'leaveList' | 'retime' }
  | { kind: 'manualSla'; inMin: number | null }
  /** Bots: the bot answers; it (or a user) hands over, or its reply timer fires. */
  | { kind: 'botMessage' | 'escalate' | 'botTimeout' }
  | { kind: 'advance'; ms: number };

/** An agent by index; the last index stands for the conversation's own agent (or last agent), so that accept, decline and resume often apply. */
const agent = fc.oneof({ weight: 3, arbitrary: fc.constant(AGENTS.length) }, { weight: 2, arbitrary: fc.nat(AGENTS.length - 1) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('route' as const), agent, ring: fc.boolean(), newRound: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constantFrom('accept', 'decline', 'agentMessage', 'resume', 'dismiss', 'transferToAgent' as const), agent }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), by: fc.constantFrom('agent', 'consumer', 'system' as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'transferToSkill',
        'requeue',
        'fallBack',
        'ringTimeout',
        'consumerMessage',
        'markRead',
        'markUrgent',
        'tick',
        'leaveList',
        'retime' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('manualSla' as const), inMin: fc.option(fc.integer({ min: -5, max: 600 })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('botMessage', 'escalate', 'botTimeout' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 1, max: 3 * MIN }), fc.integer({ min: 1, max: 50 * 3600 * SEC })),
    }),
  },
);

const BOT = { id: 'faq', name: 'FAQ bot', timeoutSec: 30 };

const message = (c: Conversation, senderType: 'consumer' | 'agent' | 'bot', now: number): Message => ({
  id: `m${c.lastSeq + 1}`,
  conversationId: c.id,
  seq: c.lastSeq + 1,
  senderType,
  senderId: senderType === 'agent' ? c.agentId : senderType === 'bot' ? BOT.id : c.consumerId,
  text: 'x',
  file: null,
  clientMessageId: null,
  createdAt: new Date(now).toISOString(),
});

function apply(c: Conversation, st: Step, now: number): lc.Outcome {
  const name = (i: number) => AGENTS[i] ?? c.agentId ?? c.lastAgentId ?? 'ann';
  const consumerName = 'Jo';
  switch (st.kind) {
    case 'route': {
      const decision = { outcome: 'assigned' as const, rule: 'least_loaded', agentId: name(st.agent), candidates: [], at: now };
      const input = { decision, newRound: st.newRound, consumerName };
      return st.ring ? lc.offer(c, s, now, input) : lc.assign(c, s, now, { ...input, agent: { id: name(st.agent), displayName: name(st.agent) } });
    }
    case 'accept':
      return lc.accept(c, s, now, { agentId: name(st.agent), agent: null, consumerName });
    case 'decline':
      return lc.withdraw(c, s, now, { reason: 'declined', agentId: name(st.agent), unanswered: 1 });
    case 'ringTimeout':
      return lc.withdraw(c, s, now, { reason: 'timeout', offer: { agentId: c.agentId, offeredAt: c.offeredAt }, unanswered: 1 });
    case 'agentMessage':
      if (c.agentId !== name(st.agent)) return { refused: 'not_with_agent', detail: 'only the agent who has it writes here' };
      return lc.receiveMessage(c, s, now, {
        sender: { type: 'agent', id: name(st.agent), name: null },
        message: message(c, 'agent', now),
        line: 'x',
        consumerName,
      });
    case 'consumerMessage':
      return lc.receiveMessage(c, s, now, { sender: { type: 'consumer' }, message: message(c, 'consumer', now), line: 'x', consumerName });
    case 'close':
      return lc.close(c, s, now, { by: st.by, consumerName });
    case 'resume':
      return lc.resume(c, s, now, { agentId: name(st.agent), manager: st.agent === 2, newerOpen: false, agent: null, consumerName });
    case 'dismiss':
      return lc.dismiss(c, s, now, { userId: name(st.agent) });
    case 'transferToAgent':
      return lc.transfer(c, s, now, { to: { agent: { id: name(st.agent), displayName: name(st.agent), status: 'online', active: true } }, unanswered: 1 });
    case 'transferToSkill':
      return lc.transfer(c, s, now, { to: { skillId: 'billing', found: true }, unanswered: 1 });
    case 'requeue':
      return lc.requeue(c, s, now, { unanswered: 1 });
    case 'fallBack':
      return lc.fallBack(c, s, now);
    case 'markRead':
      return lc.markRead(c, s, now, { consumerName });
    case 'markUrgent':
      return lc.markUrgent(c, s, now, { consumerName });
    case 'manualSla':
      return lc.setManualSla(c, s, now, { dueAt: st.inMin === null ? null : now + st.inMin * MIN, consumerName });
    case 'tick':
      return lc.tick(c, s, now, { consumerName });
    case 'leaveList':
      return lc.leaveList(c, s, now);
    case 'retime':
      return lc.retime(c, s, now, { idleChanged: true, consumerName });
    case 'botMessage':
      return lc.receiveMessage(c, s, now, { sender: { type: 'bot', id: BOT.id, name: BOT.name }, message: message(c, 'bot', now), line: 'x', consumerName });
    case 'escalate':
      return lc.escalate(c, s, now, { reason: 'bot', unanswered: 1 });
    case 'botTimeout':
      return lc.escalate(c, s, now, { reason: 'timeout', unanswered: 1 });
    case 'advance':
      return { refused: 'not_due', detail: 'time passes' };
  }
}

function checkInvariants(before: Conversation, t: lc.Transition, now: number): void {
  const c = t.conversation;
  const withBot = isWithBot(c);
  // One owner: with an agent exactly while ringing or open (and no bot has it); nobody's while queued or closed.
  expect(c.agentId !== null, `agentId in ${c.state}`).toBe((c.state === 'ringing' || c.state === 'open') && !withBot);
  // A bot has it only open; once it let go it never has it again; its reply timer runs exactly while it owes an answer.
  if (withBot) expect(before.botStatus).toBe('handling');
  if (before.botStatus === 'escalated') expect(c.botStatus).toBe('escalated');
  if (t.timers.length) expect(t.timers.some((x) => x.kind === 'bot_reply' && x.dueAt !== null)).toBe(withBot && c.awaiting === 'agent');
  // Closed means closed fields set and no timer but retention; not closed means none of them.
  expect(c.closedAt !== null && c.closedBy !== null).toBe(c.state === 'closed');
  const wanted = t.timers.filter((x) => x.dueAt !== null).map((x) => x.kind);
  if (c.state === 'closed') expect(wanted.every((k) => k === 'closed_expiry')).toBe(true);
  if (c.state === 'closed' && !c.dismissed && t.timers.length) expect(wanted).toEqual(['closed_expiry']);
  // A ring timer exactly while ringing; a transfer fallback only while queued for a target agent.
  if (t.timers.length) expect(wanted.includes('ring')).toBe(c.state === 'ringing');
  if (wanted.includes('transfer_fallback')) expect(c.state === 'queued' && c.targetAgentId !== null).toBe(true);
  // Never auto-closed while the agent owes an answer, under a manual SLA, or a transfer no agent has.
  if (wanted.includes('auto_close')) expect(c.awaiting === 'consumer' && c.manualSlaAt === null && !(c.actionable && c.agentId === null)).toBe(true);
  // The SLA clock runs exactly while an agent owes an answer (not while a bot has it).
  if (c.state !== 'closed' && !withBot) expect(c.slaDueAt !== null).toBe(c.awaiting === 'agent');
  if (withBot) expect(c.slaDueAt).toBeNull();
  // Message seqs never go back and grow by one per message.
  expect(c.lastSeq - before.lastSeq).toBe(t.events.filter((e) => e.type === 'message.created').length);
  expect(c.updatedAt).toBeLessThanOrEqual(now);
  // A withdrawn offer leaves its agent out of the round.
  if (before.state === 'ringing' && c.state === 'queued' && t.events.some((e) => e.type === 'offer.withdrawn' && e.data.reason !== 'transferred'))
    expect(c.offerExcluded).toContain(before.agentId);
  // Every event has an audience (the rule never lacks what it needs), and the rows and offers reach one agent at most: the owner.
  for (const e of t.events) {
    const to = audienceFor(e, { before, conversation: c });
    if (e.type === 'conversation.upserted' || e.type === 'offer.created') expect(to.map((r) => r.id)).toEqual(listOwner(c) ? [listOwner(c)] : []);
    if (e.type === 'conversation.removed' || e.type === 'offer.withdrawn') expect(to.length).toBeLessThanOrEqual(1);
  }
}

describe('the conversation state machine under random sequences of transitions (property)', () => {
  it('keeps the invariants: one owner (an agent or the bot), closed means only the retention timer, the SLA clock runs while an agent owes, seqs grow by one', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), fc.boolean(), (steps, byBot) => {
        let now = T0;
        const n = { id: 'c1', accountId: 'acc', consumerId: 'jo', channel: 'web' as const, channelId: null, skillId: 'sales', firstTime: false };
        // Half the walks start with a bot that takes the new conversation.
        let c = lc.open(n, s, now, byBot ? { bot: BOT } : {}).conversation;
        for (const st of steps) {
          if (st.kind === 'advance') {
            now += st.ms;
            continue;
          }
          const o = apply(c, st, now);
          if (lc.isRefusal(o)) {
            expect(lc.REFUSALS[o.refused]).toBeDefined();
            continue;
          }
          checkInvariants(c, o, now);
          c = o.conversation;
        }
      }),
      { numRuns: 500 },
    );
  });
});
