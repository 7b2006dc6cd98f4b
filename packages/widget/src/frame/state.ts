/**
 * The frame's state and its page elements, shared by the session, the outbox and the rendering
 * modules. Nothing here renders or talks to Parley: it is the data they read and change.
 */
import type { FrameToHost, WidgetConfig } from '../protocol.js';
import { ConsumerApi } from './api.js';
import { ICONS, icon } from './dom.js';
import { type ChatMessage, type ConsumerConversation, type SurveyRequest, upsertMessage } from './logic.js';
import type { StoredSession } from './storage.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const ui = {
  app: $('app'),
  avatar: $('avatar'),
  title: $('title'),
  subtitle: $('subtitle'),
  end: $<HTMLButtonElement>('end'),
  minimize: $<HTMLButtonElement>('minimize'),
  confirm: $('confirm'),
  confirmYes: $<HTMLButtonElement>('confirm-yes'),
  confirmNo: $<HTMLButtonElement>('confirm-no'),
  status: $('status'),
  log: $('log'),
  typing: $('typing'),
  notice: $('notice'),
  composer: $<HTMLFormElement>('composer'),
  topicRow: $('topic-row'),
  topic: $<HTMLSelectElement>('topic'),
  file: $<HTMLInputElement>('file'),
  attach: $<HTMLButtonElement>('attach'),
  text: $<HTMLTextAreaElement>('text'),
  send: $<HTMLButtonElement>('send'),
};
ui.minimize.append(icon(ICONS.close, 22));
ui.attach.append(icon(ICONS.attach, 22));
ui.send.append(icon(ICONS.send, 22));

export interface SurveyState {
  req: SurveyRequest;
  status: 'form' | 'sending' | 'done';
  error: string | null;
}

export const state = {
  config: undefined as WidgetConfig | undefined,
  session: undefined as StoredSession | undefined,
  skills: [] as { id: string; name: string }[],
  /** Business hours: closed now, and when it opens (null while open or unknown). */
  nextOpenAt: null as string | null,
  /** Oldest first; the last one is the current conversation unless it is closed. */
  conversations: [] as ConsumerConversation[],
  messages: new Map<string, ChatMessage[]>(),
  surveys: new Map<string, SurveyState>(),
  typing: null as { conversationId: string; name: string; until: number } | null,
  online: true,
  everOnline: false,
  open: false,
  unread: 0,
  notice: '' as string,
  confirming: false,
  busy: false,
  urgentJustMarked: false,
};

export const api = new ConsumerApi();

export const current = (): ConsumerConversation | undefined => {
  const last = state.conversations[state.conversations.length - 1];
  return last && last.state !== 'closed' ? last : undefined;
};
export const latest = (): ConsumerConversation | undefined => state.conversations[state.conversations.length - 1];

// ------------------------------------------------------------------ host page link

export const params = new URLSearchParams(location.search);
export const hostOrigin = params.get('host');
export const embedded = window.parent !== window;

export function toHost(msg: FrameToHost): void {
  if (embedded && hostOrigin) window.parent.postMessage(msg, hostOrigin);
}

export function addMessage(m: ChatMessage): void {
  state.messages.set(m.conversationId, upsertMessage(state.messages.get(m.conversationId) ?? [], m));
}

export function removeMessage(m: ChatMessage): void {
  const list = state.messages.get(m.conversationId);
  if (list)
    state.messages.set(
      m.conversationId,
      list.filter((x) => x.key !== m.key),
    );
}
