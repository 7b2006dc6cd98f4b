import { describe, expect, it } from 'vitest';
import { isFrameToHost, isHostToFrame, PROTOCOL } from '../protocol.js';
import {
  agentNameOf,
  type ChatMessage,
  canMarkUrgent,
  checkPhoto,
  closedNotice,
  dayLabel,
  formatWait,
  fromWire,
  jwtSubject,
  offeringQuickReplies,
  queueLine,
  surveyAnswers,
  upsertMessage,
} from './logic.js';

const msg = (key: string, seq: number, status: ChatMessage['status'] = 'sent', createdAt = '2026-01-01T10:00:00.000Z'): ChatMessage => ({
  key,
  conversationId: 'c1',
  seq,
  senderType: 'consumer',
  text: key,
  file: null,
  createdAt,
  clientMessageId: null,
  status,
});

describe('widget logic', () => {
  it("labels an agent message with its own author (senderName), not the conversation's current agent", () => {
    const wire = {
      id: 'm1',
      conversationId: 'c1',
      seq: 2,
      senderType: 'agent' as const,
      senderId: 'u1',
      text: 'hi',
      file: null,
      clientMessageId: null,
      createdAt: '2026-01-01T10:00:00.000Z',
    };
    const before = fromWire({ ...wire, senderName: 'Alice' });
    expect(before.senderName).toBe('Alice');
    expect(agentNameOf(before, 'Bob')).toBe('Alice');
    // a server without senderName: the current agent, else a plain "Agent"
    expect(agentNameOf(fromWire(wire), 'Bob')).toBe('Bob');
    expect(agentNameOf(fromWire(wire), undefined)).toBe('Agent');
  });

  it('merges messages: a stored one replaces our pending one, duplicates collapse, order by seq with pending last', () => {
    let list: ChatMessage[] = [];
    list = upsertMessage(list, msg('c:1', Number.MAX_SAFE_INTEGER, 'sending'));
    list = upsertMessage(list, msg('a', 2));
    list = upsertMessage(list, msg('b', 1));
    expect(list.map((m) => m.key)).toEqual(['b', 'a', 'c:1']);
    list = upsertMessage(list, msg('c:1', 3));
    list = upsertMessage(list, msg('a', 2));
    expect(list.map((m) => [m.key, m.status])).toEqual([
      ['b', 'sent'],
      ['a', 'sent'],
      ['c:1', 'sent'],
    ]);
  });

  it('tells the waiting consumer their place and the expected wait', () => {
    expect(queueLine({ state: 'queued', queuePosition: 1, expectedResponseSec: 30 })).toBe('You are next in line. Expected reply in less than a minute.');
    expect(queueLine({ state: 'queued', queuePosition: 4, expectedResponseSec: 1800 })).toBe('You are number 4 in line. Expected reply in about 30 minutes.');
    expect(queueLine({ state: 'queued', queuePosition: null, expectedResponseSec: null })).toBe('Waiting for an agent.');
    expect(queueLine({ state: 'ringing' })).toBe('Connecting you to an agent…');
    expect(queueLine({ state: 'open', queuePosition: 1, expectedResponseSec: 5 })).toBeNull();
    expect([59, 60, 89, 90, 3600, 7200, 86_400 * 2].map(formatWait)).toEqual([
      'less than a minute',
      'about 1 minute',
      'about 1 minute',
      'about 2 minutes',
      'about 1 hour',
      'about 2 hours',
      'about 2 days',
    ]);
  });

  it('offers "urgent" only while the consumer waits for an answer', () => {
    expect(canMarkUrgent({ state: 'queued', urgent: false, awaiting: 'agent' })).toBe(true);
    expect(canMarkUrgent({ state: 'queued', urgent: true, awaiting: 'agent' })).toBe(false);
    expect(canMarkUrgent({ state: 'open', urgent: false, awaiting: 'consumer' })).toBe(false);
    expect(canMarkUrgent({ state: 'closed', urgent: false, awaiting: 'agent' })).toBe(false);
  });

  it('reads the subject of an identity token without trusting it, and survives garbage', () => {
    const part = (o: unknown) =>
      btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
    expect(jwtSubject(`${part({ alg: 'HS256' })}.${part({ sub: 'crm-42', name: 'Zoë' })}.sig`)).toBe('crm-42');
    expect(jwtSubject(`${part({ alg: 'HS256' })}.${part({ name: 'no sub' })}.sig`)).toBeNull();
    expect(jwtSubject('garbage')).toBeNull();
    expect(jwtSubject('a.%%%.c')).toBeNull();
  });

  it('validates survey answers by question type', () => {
    const qs = [
      { id: 'csat', type: 'csat' as const, text: 'CSAT' },
      { id: 'nps', type: 'nps' as const, text: 'NPS' },
      { id: 'why', type: 'text' as const, text: 'Why?' },
      { id: 'pick', type: 'choice' as const, text: 'Pick', choices: ['A', 'B'] },
    ];
    expect(surveyAnswers(qs, { csat: '5', nps: '0', why: ' fast ', pick: 'B' })).toEqual({ answers: { csat: 5, nps: 0, why: 'fast', pick: 'B' }, missing: [] });
    expect(surveyAnswers(qs, { csat: '6', nps: '11', why: '', pick: 'C' })).toEqual({ answers: {}, missing: ['csat', 'nps', 'pick'] });
    expect(surveyAnswers(qs, {}).missing).toEqual(['csat', 'nps', 'pick']);
  });

  it('accepts only photos a consumer may send', () => {
    expect(checkPhoto({ type: 'image/png', size: 10 })).toBeNull();
    expect(checkPhoto({ type: 'image/svg+xml', size: 10 })).toMatch(/JPEG, PNG and GIF/);
    expect(checkPhoto({ type: 'image/jpeg', size: 0 })).toMatch(/empty/);
    expect(checkPhoto({ type: 'image/gif', size: 26 * 1024 * 1024 })).toMatch(/too large/);
  });

  it('labels conversation days', () => {
    const now = new Date(2026, 10, 26, 12, 0);
    expect(dayLabel(new Date(2026, 10, 26, 8, 0).toISOString(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 25, 23, 0).toISOString(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 9, 3, 9, 0).toISOString(), now, 'en-GB')).toBe('3 Oct');
    expect(dayLabel(new Date(2025, 9, 3, 9, 0).toISOString(), now, 'en-GB')).toBe('3 Oct 2025');
  });

  it('postMessage protocol: only well-formed messages of our own protocol pass', () => {
    expect(isFrameToHost({ source: PROTOCOL, type: 'ready' })).toBe(true);
    expect(isFrameToHost({ source: PROTOCOL, type: 'unread', count: 2 })).toBe(true);
    expect(isFrameToHost({ source: PROTOCOL, type: 'unread' })).toBe(false);
    expect(isFrameToHost({ source: 'other', type: 'ready' })).toBe(false);
    expect(isFrameToHost('ready')).toBe(false);
    expect(isHostToFrame({ source: PROTOCOL, type: 'config', config: { accountId: 'demo' }, open: false })).toBe(true);
    expect(isHostToFrame({ source: PROTOCOL, type: 'config', config: {} })).toBe(false);
    expect(isHostToFrame({ source: PROTOCOL, type: 'open' })).toBe(true);
    expect(isHostToFrame(null)).toBe(false);
  });

  it('offers the quick replies of the last agent message only, while the conversation is open', () => {
    const agent = (key: string, seq: number, quickReplies?: ChatMessage['quickReplies']): ChatMessage => ({
      ...msg(key, seq),
      senderType: 'agent',
      ...(quickReplies && { quickReplies }),
    });
    const offer = agent('a1', 2, [{ title: 'Yes', payload: 'y' }, { title: 'No' }]);
    expect(offeringQuickReplies([msg('c1', 1), offer], false)).toBe(offer);
    expect(offeringQuickReplies([msg('c1', 1), offer, { ...msg('sys', 3), senderType: 'system' }], false)).toBe(offer);
    expect(offeringQuickReplies([offer, msg('c2', 3)], false)).toBeUndefined();
    expect(offeringQuickReplies([offer, agent('a2', 3)], false)).toBeUndefined();
    expect(offeringQuickReplies([offer], true)).toBeUndefined();
  });
});

describe('closed-hours notice', () => {
  const now = Date.UTC(2026, 0, 5, 20, 0); // Monday 20:00 UTC
  it('names the next opening in the visitor’s zone: today, tomorrow, or the day', () => {
    expect(closedNotice('2026-01-05T22:00:00Z', now, 'en-GB', 'UTC')).toContain('open again today at 22:00 (your time)');
    expect(closedNotice('2026-01-06T09:00:00Z', now, 'en-GB', 'UTC')).toContain('tomorrow at 09:00');
    // 09:00 UTC is 10:00 in Paris
    expect(closedNotice('2026-01-06T09:00:00Z', now, 'en-GB', 'Europe/Paris')).toContain('tomorrow at 10:00');
    expect(closedNotice('2026-01-09T09:00:00Z', now, 'en-GB', 'UTC')).toContain('Friday 9 January at 09:00');
    expect(closedNotice('2026-01-06T09:00:00Z', now, 'en-GB', 'UTC')).toMatch(/Leave a message/);
  });
});
