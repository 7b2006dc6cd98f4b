/** Realtime events of the `/consumer` namespace, applied to the state. */

import type { PushedEvent } from '@parley/contract';
import { t } from '../i18n/index.js';
import { PROTOCOL } from '../protocol.js';
import { type ConsumerConversation, fromWire, type SurveyRequest } from './logic.js';
import { render } from './render.js';
import { fetchAndMerge, liveUpdates, loadHistory, mergeConversation, refreshCurrent } from './session.js';
import { addMessage, state, toHost } from './state.js';

const TYPING_MS = 6_000;

let typingTimer: ReturnType<typeof setTimeout> | undefined;

export function onEvent(e: PushedEvent): void {
  switch (e.type) {
    case 'message.created': {
      const m = e.data;
      if (!state.conversations.some((c) => c.id === m.conversationId)) {
        void refreshConversation(m.conversationId);
      }
      addMessage(fromWire(m));
      // An agent's or a bot's answer (a bot is the brand's side too).
      if (m.senderType === 'agent' || m.senderType === 'bot') {
        if (state.typing?.conversationId === m.conversationId) state.typing = null;
        if (!state.open) {
          state.unread++;
          toHost({ source: PROTOCOL, type: 'unread', count: state.unread });
        }
      }
      break;
    }
    case 'conversation.updated':
    case 'conversation.closed': {
      const view: ConsumerConversation = e.data;
      liveUpdates.set(view.id, (liveUpdates.get(view.id) ?? 0) + 1);
      mergeConversation(view);
      if (view.state === 'closed' && state.typing?.conversationId === view.id) state.typing = null;
      // Resumed by the agent: the survey of its close no longer applies (the server withdraws it too).
      if (view.state !== 'closed') state.surveys.delete(view.id);
      // Routing pushes the queue figures with the update; ask only when they are missing.
      if (view.state === 'queued' && view.queuePosition === undefined) void refreshCurrent();
      break;
    }
    case 'survey.requested': {
      const req: SurveyRequest = e.data;
      if (req && typeof req.conversationId === 'string' && Array.isArray(req.questions)) {
        state.surveys.set(req.conversationId, { req, status: 'form', error: null });
      }
      break;
    }
    case 'survey.withdrawn': {
      // The conversation went on (resumed, or a new one started): remove the form.
      const w = e.data;
      if (w && typeof w.conversationId === 'string') state.surveys.delete(w.conversationId);
      break;
    }
    case 'resync.required':
      void loadHistory();
      break;
    default:
      break;
  }
  render();
}

export async function refreshConversation(id: string): Promise<void> {
  try {
    await fetchAndMerge(id);
    render();
  } catch {
    // a later event or reload will tell
  }
}

export function onTyping(data: { conversationId: string; agent?: { displayName: string } }): void {
  const c = state.conversations.find((x) => x.id === data.conversationId);
  if (!c || c.state === 'closed') return;
  state.typing = { conversationId: c.id, name: data.agent?.displayName ?? c.agent?.displayName ?? t('agent.typingFallback'), until: Date.now() + TYPING_MS };
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    state.typing = null;
    render();
  }, TYPING_MS);
  render();
}
