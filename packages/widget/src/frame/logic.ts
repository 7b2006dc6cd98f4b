/** Pure rules of the chat frame: no DOM, no network (unit-tested in logic.test.ts). */

import type { ConsumerConversationView, ConsumerConversation as ContractConsumerConversation, Message, SurveyRequested } from '@parley/contract';
import { formatLocale, t } from '../i18n/index.js';

/**
 * The consumer's view of a conversation: the contract's (events and answers), with the queue
 * figures that GET /api/v1/consumer/conversations/{id} and `conversation.updated` add while it waits.
 */
export type ConsumerConversation = ContractConsumerConversation & {
  queuePosition?: ConsumerConversationView['queuePosition'] | undefined;
  expectedResponseSec?: ConsumerConversationView['expectedResponseSec'] | undefined;
};

export type SurveyQuestion = SurveyRequested['questions'][number];

/** A survey to answer: the `survey.requested` event, or the pending survey read after a reload. */
export type SurveyRequest = Pick<SurveyRequested, 'conversationId' | 'questions' | 'expiresAt'>;

/** A message as the frame shows it: a stored one, or one of ours still on its way. */
export interface ChatMessage {
  key: string;
  conversationId: string;
  seq: number;
  senderType: Message['senderType'];
  text: string | null;
  file: Message['file'];
  createdAt: string;
  clientMessageId: string | null;
  /** An agent message: the name of the agent who wrote it (the wire's `senderName`). */
  senderName?: string;
  status: 'sent' | 'sending' | 'failed';
  /** A local image picked for sending, shown while it uploads. */
  localPreview?: string;
  /** An agent message: answers offered as buttons. */
  quickReplies?: { title: string; payload?: string }[];
}

export const fromWire = (m: Message): ChatMessage => ({
  key: m.clientMessageId && m.senderType === 'consumer' ? `c:${m.clientMessageId}` : m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  senderType: m.senderType,
  text: m.text,
  file: m.file,
  createdAt: m.createdAt,
  clientMessageId: m.clientMessageId,
  ...(m.senderName !== undefined && { senderName: m.senderName }),
  ...(m.quickReplies?.length && { quickReplies: m.quickReplies }),
  status: 'sent',
});

/** The agent's (or bot's) message whose quick replies are still open: the conversation's last message, while it is not closed. */
export function offeringQuickReplies(messages: readonly ChatMessage[], closed: boolean): ChatMessage | undefined {
  if (closed) return undefined;
  const last = [...messages].reverse().find((m) => m.senderType !== 'system');
  return (last?.senderType === 'agent' || last?.senderType === 'bot') && last.quickReplies?.length ? last : undefined;
}

/** Who wrote an agent message: its own author, else (a server without `senderName`) the conversation's current agent. */
export const agentNameOf = (m: ChatMessage, currentAgent: string | undefined): string => m.senderName ?? currentAgent ?? t('agent.fallback');

/**
 * Merge a message into a conversation's list: a stored message replaces the pending one with
 * the same clientMessageId (ours) or the same id (a duplicate from sync); order by seq, pending
 * ones last. Returns a new array.
 */
export function upsertMessage(list: readonly ChatMessage[], m: ChatMessage): ChatMessage[] {
  const out = list.filter((x) => x.key !== m.key);
  out.push(m);
  return out.sort(compareMessages);
}

function compareMessages(a: ChatMessage, b: ChatMessage): number {
  const pa = a.status === 'sent' ? 0 : 1;
  const pb = b.status === 'sent' ? 0 : 1;
  if (pa !== pb) return pa - pb;
  if (pa === 1) return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
  return a.seq - b.seq;
}

/** "about 3 minutes": a human phrase for an expected wait in seconds. */
export function formatWait(sec: number): string {
  if (sec < 60) return t('wait.underMinute');
  const minutes = Math.round(sec / 60);
  if (minutes < 60) return t('wait.minutes', { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t('wait.hours', { count: hours });
  return t('wait.days', { count: Math.round(hours / 24) });
}

/** The waiting line shown above the messages while no agent has the conversation. */
export function queueLine(c: Pick<ConsumerConversation, 'state' | 'queuePosition' | 'expectedResponseSec'>): string | null {
  if (c.state !== 'queued' && c.state !== 'ringing') return null;
  if (c.state === 'ringing') return t('queue.connecting');
  const parts: string[] = [];
  if (typeof c.queuePosition === 'number') parts.push(c.queuePosition <= 1 ? t('queue.next') : t('queue.position', { position: c.queuePosition }));
  else parts.push(t('queue.waiting'));
  if (typeof c.expectedResponseSec === 'number') parts.push(t('queue.expected', { wait: formatWait(c.expectedResponseSec) }));
  return parts.join(' ');
}

/** Whether the consumer may still mark the conversation urgent. */
export const canMarkUrgent = (c: Pick<ConsumerConversation, 'state' | 'urgent' | 'awaiting'>): boolean =>
  c.state !== 'closed' && !c.urgent && c.awaiting === 'agent';

/** The `sub` of a JWT, read without verifying (the server verifies): to tell identities apart in storage. */
export function jwtSubject(token: string): string | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const sub = (json as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

export type SurveyAnswers = Record<string, string | number>;

/** Validates a filled survey form: rating questions need a value in range; text may be empty. */
export function surveyAnswers(questions: readonly SurveyQuestion[], raw: Record<string, string | undefined>): { answers: SurveyAnswers; missing: string[] } {
  const answers: SurveyAnswers = {};
  const missing: string[] = [];
  for (const q of questions) {
    const v = raw[q.id]?.trim() ?? '';
    if (q.type === 'csat' || q.type === 'nps') {
      const n = Number(v);
      const max = q.type === 'csat' ? 5 : 10;
      const min = q.type === 'csat' ? 1 : 0;
      if (v === '' || !Number.isInteger(n) || n < min || n > max) missing.push(q.id);
      else answers[q.id] = n;
    } else if (q.type === 'choice') {
      if (v === '' || (q.choices && !q.choices.includes(v))) missing.push(q.id);
      else answers[q.id] = v;
    } else if (v !== '') answers[q.id] = v.slice(0, 2000);
  }
  return { answers, missing };
}

/** The five CSAT answers, worst first, in the widget's language. */
export const csatLabels = (): string[] => [t('csat.1'), t('csat.2'), t('csat.3'), t('csat.4'), t('csat.5')];

/** Photos a consumer may send (the server checks the content again). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/gif'];
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;

export function checkPhoto(f: { type: string; size: number }): string | null {
  if (!PHOTO_TYPES.includes(f.type)) return t('photo.type');
  if (f.size === 0) return t('photo.empty');
  if (f.size > MAX_PHOTO_BYTES) return t('photo.tooLarge', { max: 25 });
  return null;
}

export const isImage = (contentType: string): boolean => /^image\/(jpeg|png|gif|webp)$/.test(contentType);

/** Day label of a conversation divider: "Today", "Yesterday" or a date. */
export function dayLabel(iso: string, now: Date, locale: string = formatLocale()): string {
  const d = new Date(iso);
  const startOf = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(d)) / 86_400_000);
  if (days === 0) return t('day.today');
  if (days === 1) return t('day.yesterday');
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
}

/**
 * The closed-hours line: when the business opens next, in the visitor's own time zone and
 * language ("Monday 09:00"; "today"/"tomorrow" for the next two days).
 */
export function closedNotice(nextOpenAt: string, now: number, locale: string = formatLocale(), timeZone?: string): string {
  const at = Date.parse(nextOpenAt);
  const opts = timeZone ? { timeZone } : {};
  const day = new Intl.DateTimeFormat('en-CA', { ...opts, year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = new Intl.DateTimeFormat(locale, { ...opts, hour: '2-digit', minute: '2-digit' }).format(at);
  const dayOf = (t: number) => day.format(t);
  const when =
    dayOf(at) === dayOf(now)
      ? t('closed.today', { time })
      : dayOf(at) === dayOf(now + 86_400_000)
        ? t('closed.tomorrow', { time })
        : t('closed.on', { day: new Intl.DateTimeFormat(locale, { ...opts, weekday: 'long', day: 'numeric', month: 'long' }).format(at), time });
  return t('closed.notice', { when });
}
