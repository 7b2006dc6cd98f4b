import { t } from '../i18n/index.js';
import { nextToOpen, sortActive } from '../lib/active-list.js';
import { ApiError, api } from '../lib/api.js';
import type { Message } from '../lib/types.js';
import { applyActionAnswer } from './active.js';
import { bridge } from './host.js';
import { refreshKpis } from './me.js';
import { goHome, openConversation } from './navigation.js';
import { streamSeq } from './session.js';
import { failed, store, toast } from './store.js';

// The agent's actions on a conversation: close, resume, transfer, SLA, offers, sending.

/** Close, with the wrap-up when given (dispositions, note). False when it was refused (the toast says why). */
export async function closeConversation(id: string, wrapUp?: { dispositionIds: string[]; wrapUpNote?: string }): Promise<boolean> {
  const since = streamSeq();
  try {
    const item = await api.call('POST /api/v1/conversations/{id}/close', { params: { id }, ...(wrapUp && { body: wrapUp }) });
    applyActionAnswer(id, item, since);
    bridge.post('conversation.closed', { id });
    void refreshKpis();
    const next = nextToOpen(sortActive(Object.values(store.get().active)), id);
    if (next) openConversation(next.id);
    else goHome();
    return true;
  } catch (err) {
    failed(t('conversation.closeFailed'), err);
    return false;
  }
}

export async function resumeConversation(id: string): Promise<boolean> {
  const since = streamSeq();
  try {
    const item = await api.call('POST /api/v1/conversations/{id}/resume', { params: { id } });
    applyActionAnswer(id, item, since);
    openConversation(id);
    toast(t('conversation.resumed'));
    return true;
  } catch (err) {
    failed(t('conversation.resumeFailed'), err);
    return false;
  }
}

export async function transferConversation(id: string, target: { skillId: string } | { agentId: string }, label: string): Promise<boolean> {
  const since = streamSeq();
  try {
    await api.call('POST /api/v1/conversations/{id}/transfer', { params: { id }, body: target });
    // It leaves the list, unless routing already gave it back (its events came before this answer).
    applyActionAnswer(id, null, since);
    store.set((s) => ({ pinned: s.pinned.filter((p) => p !== id) }));
    bridge.post('conversation.closed', { id });
    toast(t('conversation.transferred', { to: label }));
    const next = nextToOpen(sortActive(Object.values(store.get().active)), id);
    if (next) openConversation(next.id);
    else goHome();
    return true;
  } catch (err) {
    failed(t('conversation.transferFailed'), err);
    return false;
  }
}

export async function setManualSla(id: string, dueAt: number | null): Promise<boolean> {
  const since = streamSeq();
  try {
    const item =
      dueAt === null
        ? await api.call('DELETE /api/v1/conversations/{id}/sla', { params: { id } })
        : await api.call('PUT /api/v1/conversations/{id}/sla', { params: { id }, body: { dueAt: new Date(dueAt).toISOString() } });
    applyActionAnswer(id, item, since);
    toast(dueAt === null ? t('sla.cleared') : t('sla.set'));
    return true;
  } catch (err) {
    failed(t('sla.setFailed'), err);
    return false;
  }
}

export async function acceptOffer(id: string): Promise<void> {
  const since = streamSeq();
  try {
    const item = await api.call('POST /api/v1/conversations/{id}/accept', { params: { id } });
    applyActionAnswer(id, item, since);
    openConversation(id);
  } catch (err) {
    const offers = { ...store.get().offers };
    delete offers[id];
    store.set({ offers });
    failed(t('offer.acceptFailed'), err);
  }
}

export async function declineOffer(id: string): Promise<void> {
  applyActionAnswer(id, null, streamSeq());
  try {
    await api.call('POST /api/v1/conversations/{id}/decline', { params: { id } });
  } catch (err) {
    if (!(err instanceof ApiError && (err.status === 404 || err.status === 409))) failed(t('offer.declineFailed'), err);
  }
}

/** Sends a message; the server's echo over realtime is deduplicated by id in the transcript. */
export async function sendText(id: string, text: string, clientMessageId: string): Promise<Message> {
  return api.call('POST /api/v1/conversations/{id}/messages', { params: { id }, body: { text, clientMessageId } });
}

/** A file, with an optional caption (the multipart `text` part), as one message. */
export async function sendFile(id: string, file: File, clientMessageId: string, caption?: string): Promise<Message> {
  const form = new FormData();
  form.append('clientMessageId', clientMessageId);
  if (caption?.trim()) form.append('text', caption.trim());
  form.append('file', file, file.name);
  return api.call('POST /api/v1/conversations/{id}/messages', { params: { id }, body: form });
}
