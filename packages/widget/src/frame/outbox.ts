/**
 * The consumer's messages on their way: shown at once as sending, then posted one after the other
 * in the order written (opening the session and the conversation first if need be), with a retry
 * for those that failed.
 */
import type { Message } from '@parley/contract';
import { type ChatMessage, type ConsumerConversation, checkPhoto, fromWire } from './logic.js';
import { render, scrollToEnd, showNotice } from './render.js';
import { ensureSession, mergeConversation, refreshCurrent } from './session.js';
import { addMessage, api, current, removeMessage, state, ui } from './state.js';

const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

let opening: Promise<ConsumerConversation> | undefined;
/** The conversation to write to: the open one, or a new one (opened once, however many messages wait for it). */
export async function ensureConversation(): Promise<ConsumerConversation> {
  await ensureSession();
  const c = current();
  if (c) return c;
  opening ??= (async () => {
    const skillId = state.config?.skillId ?? (ui.topic.value || undefined);
    const view = await api.openConversation(skillId ? { skillId } : {});
    mergeConversation(view);
    void refreshCurrent();
    return view;
  })().finally(() => {
    opening = undefined;
  });
  return opening;
}

export async function sendText(text: string): Promise<void> {
  await sendNew({ text, file: null }, (id, clientMessageId) => api.send(id, text, clientMessageId));
}

/** The consumer taps one of the agent's quick replies: its title is sent, with its payload. */
export async function sendQuickReply(q: { title: string; payload?: string }): Promise<void> {
  const quickReply = { payload: q.payload ?? q.title };
  await sendNew({ text: q.title, file: null }, (id, clientMessageId) => api.send(id, q.title, clientMessageId, quickReply));
}

export async function sendPhoto(file: File): Promise<void> {
  const problem = checkPhoto(file);
  if (problem) {
    state.notice = problem;
    render();
    return;
  }
  await sendNew(
    { text: null, file: { id: '', name: file.name, contentType: file.type, size: file.size, url: '' }, localPreview: URL.createObjectURL(file) },
    (id, clientMessageId) => api.sendPhoto(id, file, clientMessageId),
  );
}

/** A new consumer message: shown at once as sending, then posted with a fresh clientMessageId (which makes a retry safe). */
function sendNew(
  content: Pick<ChatMessage, 'text' | 'file' | 'localPreview'>,
  post: (conversationId: string, clientMessageId: string) => Promise<Message>,
): Promise<void> {
  const clientMessageId = newClientId();
  const pending: ChatMessage = {
    key: `c:${clientMessageId}`,
    conversationId: current()?.id ?? 'pending',
    seq: Number.MAX_SAFE_INTEGER,
    senderType: 'consumer',
    ...content,
    createdAt: new Date().toISOString(),
    clientMessageId,
    status: 'sending',
  };
  return deliver(pending, (id) => post(id, clientMessageId));
}

export const retries = new Map<string, () => void>();

let outbox: Promise<void> = Promise.resolve();
/** Shows the message at once, then posts it after the ones before it, so they arrive in the order written. */
function deliver(pending: ChatMessage, post: (conversationId: string) => Promise<Message>): Promise<void> {
  state.notice = '';
  addMessage(pending);
  render();
  scrollToEnd();
  const run = outbox.then(() => postOne(pending, post));
  outbox = run.catch(() => undefined);
  return run;
}

async function postOne(pending: ChatMessage, post: (conversationId: string) => Promise<Message>): Promise<void> {
  let msg = pending;
  try {
    const conv = await ensureConversation();
    if (msg.conversationId !== conv.id) {
      removeMessage(msg);
      msg = { ...msg, conversationId: conv.id };
      addMessage(msg);
    }
    const stored = await post(conv.id);
    retries.delete(msg.key);
    addMessage({ ...fromWire(stored), ...(msg.localPreview && { localPreview: msg.localPreview }) });
  } catch (err) {
    addMessage({ ...msg, status: 'failed' });
    retries.set(msg.key, () => {
      retries.delete(msg.key);
      removeMessage(msg);
      void deliver({ ...msg, status: 'sending', createdAt: new Date().toISOString() }, post);
    });
    showNotice(err);
  }
  render();
}
