import type { ActiveItem, DomainEvent, Message, Note, Notification } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { audienceFor, conversationOf, deliveriesOf, listOwner, type Parties, servingAgent, typingAudience } from './audience.js';

const open: Parties = { consumerId: 'k', state: 'open', agentId: 'ann', lastAgentId: 'bob' };
const ringing: Parties = { consumerId: 'k', state: 'ringing', agentId: 'ann', lastAgentId: 'bob' };
const queued: Parties = { consumerId: 'k', state: 'queued', agentId: null, lastAgentId: 'bob' };
const closed: Parties = { consumerId: 'k', state: 'closed', agentId: null, lastAgentId: 'bob' };
const neverServed: Parties = { consumerId: 'k', state: 'closed', agentId: null, lastAgentId: null };

const item = { id: 'c1' } as ActiveItem;
const message = (over: Partial<Message> = {}): Message => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderType: 'agent',
  senderId: 'carl',
  text: 'hi',
  file: null,
  clientMessageId: null,
  createdAt: '2026-01-05T09:00:00.000Z',
  ...over,
});
const note: Note = { id: 'n1', conversationId: 'c1', authorId: 'carl', authorName: 'Carl', text: '@ann', mentions: ['ann'], createdAt: '' };
const consumerView = {
  id: 'c1',
  state: 'open',
  skillId: null,
  channel: 'web',
  agent: null,
  awaiting: 'agent',
  urgent: false,
  createdAt: '',
  closedAt: null,
  closedBy: null,
} as const;
const ids = (r: { kind: string; id: string }[]) => r.map((x) => `${x.kind}:${x.id}`).sort();

describe('the list owner and the serving agent', () => {
  it('is the agent while the conversation is with one, the last agent once it is closed, nobody while it waits', () => {
    expect([open, ringing, queued, closed, neverServed].map(listOwner)).toEqual(['ann', 'ann', null, 'bob', null]);
  });
  it('serving agent falls back to the last agent even while it waits in a queue', () => {
    expect([open, queued, closed, neverServed].map(servingAgent)).toEqual(['ann', 'bob', 'bob', null]);
  });
});

describe('audienceFor', () => {
  const cases: [string, DomainEvent, Parameters<typeof audienceFor>[1], string[]][] = [
    ['a row goes to the list owner', { type: 'conversation.upserted', data: item }, { conversation: open }, ['agent:ann']],
    ['a closed row goes to the last agent', { type: 'conversation.upserted', data: item }, { conversation: closed }, ['agent:bob']],
    ['a queued row goes to nobody', { type: 'conversation.upserted', data: item }, { conversation: queued }, []],
    [
      'a removal goes to the list owner before the change',
      { type: 'conversation.removed', data: { id: 'c1' } },
      { before: ringing, conversation: queued },
      ['agent:ann'],
    ],
    ['a dismissal goes to the last agent of the closed conversation', { type: 'conversation.removed', data: { id: 'c1' } }, { before: closed }, ['agent:bob']],
    [
      'an offer goes to the agent it rings to',
      { type: 'offer.created', data: { conversation: item, expiresAt: '' } },
      { conversation: ringing },
      ['agent:ann'],
    ],
    [
      'a withdrawn offer goes to the agent it rang to',
      { type: 'offer.withdrawn', data: { id: 'c1', reason: 'timeout' } },
      { before: ringing, conversation: queued },
      ['agent:ann'],
    ],
    ['a message goes to the consumer and the list owner', { type: 'message.created', data: message() }, { conversation: open }, ['agent:ann', 'consumer:k']],
    ['a message in the queue goes to the consumer only', { type: 'message.created', data: message() }, { conversation: queued }, ['consumer:k']],
    [
      'a message after the close goes to the consumer and the last agent',
      { type: 'message.created', data: message() },
      { conversation: closed },
      ['agent:bob', 'consumer:k'],
    ],
    [
      'a delivery update goes to the serving agent and the author',
      { type: 'message.updated', data: message() },
      { conversation: queued },
      ['agent:bob', 'agent:carl'],
    ],
    [
      'a consumer message update goes to the serving agent only',
      { type: 'message.updated', data: message({ senderType: 'consumer', senderId: 'k' }) },
      { conversation: open },
      ['agent:ann'],
    ],
    [
      'a note goes to the serving agent and its author, once each',
      { type: 'note.created', data: { ...note, authorId: 'ann' } },
      { conversation: open },
      ['agent:ann'],
    ],
    ['a note of a colleague goes to both', { type: 'note.created', data: note }, { conversation: closed }, ['agent:bob', 'agent:carl']],
    ['a notification goes to its user', { type: 'notification.created', data: { id: 'x' } as Notification }, { user: 'dan' }, ['agent:dan']],
    ['a status change goes to the agent it is about', { type: 'status.changed', data: { userId: 'ann', status: 'away' } }, {}, ['agent:ann']],
    ['a consumer view goes to the consumer', { type: 'conversation.updated', data: consumerView }, { conversation: open }, ['consumer:k']],
    ['a close goes to the consumer', { type: 'conversation.closed', data: consumerView }, { conversation: closed }, ['consumer:k']],
    [
      'a survey goes to its consumer',
      { type: 'survey.requested', data: { surveyId: 's', conversationId: 'c1', questions: [], expiresAt: '' } },
      { survey: { consumerId: 'k', agentId: 'bob' } },
      ['consumer:k'],
    ],
    [
      'an expired survey goes to its consumer',
      { type: 'survey.expired', data: { surveyId: 's', conversationId: 'c1' } },
      { survey: { consumerId: 'k', agentId: 'bob' } },
      ['consumer:k'],
    ],
    [
      'a withdrawn survey goes to its consumer',
      { type: 'survey.withdrawn', data: { surveyId: 's', conversationId: 'c1', reason: 'resumed' } },
      { survey: { consumerId: 'k', agentId: 'bob' } },
      ['consumer:k'],
    ],
    [
      'answers go to the agent the survey rates',
      { type: 'survey.answered', data: { surveyId: 's', conversationId: 'c1', complete: true, questionIds: [] } },
      { survey: { consumerId: 'k', agentId: 'bob' } },
      ['agent:bob'],
    ],
    [
      'answers of a survey with no agent go to nobody',
      { type: 'survey.answered', data: { surveyId: 's', conversationId: 'c1', complete: true, questionIds: [] } },
      { survey: { consumerId: 'k', agentId: null } },
      [],
    ],
  ];
  it.each(cases)('%s', (_what, event, scene, expected) => {
    expect(ids(audienceFor(event, scene))).toEqual(expected);
  });

  it('refuses an event whose scene lacks what its rule needs (a programming error, not a silent drop)', () => {
    expect(() => audienceFor({ type: 'conversation.removed', data: { id: 'c1' } }, { conversation: open })).toThrow(/before/);
    expect(() => audienceFor({ type: 'notification.created', data: { id: 'x' } as Notification }, {})).toThrow(/user/);
  });
});

describe('deliveriesOf', () => {
  it("gives the consumer the author's name on an agent message and the agent a copy without it, in event order", () => {
    const events: DomainEvent[] = [
      { type: 'message.created', data: message({ senderName: 'Carl' }) },
      { type: 'conversation.upserted', data: item },
    ];
    const d = deliveriesOf(events, { conversation: open });
    expect(d.map((x) => [x.recipient.kind, x.type, 'senderName' in x.data ? (x.data as Message).senderName : '-'])).toEqual([
      ['consumer', 'message.created', 'Carl'],
      ['agent', 'message.created', '-'],
      ['agent', 'conversation.upserted', '-'],
    ]);
  });
});

describe('who gets "agent is typing"', () => {
  const ann = { id: 'ann', role: 'agent' } as const;
  const carl = { id: 'carl', role: 'agent' } as const;
  const boss = { id: 'boss', role: 'manager' } as const;

  it("goes to the consumer when the conversation's agent or a manager types in an open conversation", () => {
    expect(typingAudience(open, ann)).toEqual({ to: { kind: 'consumer', id: 'k' } });
    expect(typingAudience(open, boss)).toEqual({ to: { kind: 'consumer', id: 'k' } });
  });

  it('is refused to another agent, to an unknown typist, and for a conversation that is missing or not open', () => {
    expect(typingAudience(open, carl)).toEqual({ refused: 'forbidden' });
    expect(typingAudience(open, undefined)).toEqual({ refused: 'forbidden' });
    for (const c of [ringing, queued, closed, undefined]) expect(typingAudience(c, ann)).toEqual({ refused: 'not_found' });
    expect(typingAudience(closed, boss)).toEqual({ refused: 'not_found' });
  });
});

describe('conversationOf (the supervisors’ dashboard cue)', () => {
  it('names the conversation of every conversation event, none for a status or a notification', () => {
    const events: DomainEvent[] = [
      { type: 'conversation.upserted', data: item },
      { type: 'conversation.removed', data: { id: 'c1' } },
      { type: 'offer.created', data: { conversation: item, expiresAt: '' } },
      { type: 'offer.withdrawn', data: { id: 'c1', reason: 'declined' } },
      { type: 'message.created', data: message() },
      { type: 'message.updated', data: message() },
      { type: 'note.created', data: note },
      { type: 'conversation.updated', data: consumerView },
      { type: 'conversation.closed', data: consumerView },
      { type: 'survey.answered', data: { surveyId: 's', conversationId: 'c1', complete: true, questionIds: [] } },
    ];
    expect(events.map(conversationOf)).toEqual(events.map(() => 'c1'));
    expect(conversationOf({ type: 'status.changed', data: { userId: 'ann', status: 'away' } })).toBeNull();
  });
});
