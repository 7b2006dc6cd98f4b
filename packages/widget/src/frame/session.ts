/**
 * The consumer's session and conversations: boot, the stored session and its realtime stream, the
 * history, and merging conversation views (HTTP answers and realtime updates) into the state.
 */
import { consumerLanguage } from '../i18n/index.js';
import type { WidgetConfig } from '../protocol.js';
import { ApiError } from './api.js';
import { onEvent, onTyping } from './events.js';
import { type ChatMessage, type ConsumerConversation, fromWire, jwtSubject, upsertMessage } from './logic.js';
import { Realtime } from './realtime.js';
import { render, showNotice } from './render.js';
import { api, current, latest, state } from './state.js';
import { clearSession, loadSession, type StoredSession, saveSession } from './storage.js';

const QUEUE_REFRESH_MS = 15_000;

let realtime: Realtime | undefined;
let queueTimer: ReturnType<typeof setInterval> | undefined;

export async function boot(config: WidgetConfig): Promise<void> {
  state.config = config;
  const identity = config.identityToken ? jwtSubject(config.identityToken) : null;
  let stored = loadSession(config.accountId);
  if (stored && stored.identity !== identity) {
    clearSession(config.accountId);
    stored = undefined;
  }
  if (!config.skillId) void loadSkills();
  void loadAvailability();
  try {
    // An identified consumer gets their session (and earlier conversations) at once; an
    // anonymous visitor only when they first write.
    if (!stored && config.identityToken) stored = await createSession();
  } catch (err) {
    showNotice(err);
  }
  if (stored) useSession(stored);
  render();
}

/** While closed the widget says when it opens (in the visitor's zone) and still takes messages. */
async function loadAvailability(): Promise<void> {
  if (!state.config) return;
  try {
    const a = await api.availability(state.config.accountId, state.config.skillId);
    state.nextOpenAt = a.open ? null : a.nextOpenAt;
  } catch {
    state.nextOpenAt = null;
  }
  render();
}

async function loadSkills(): Promise<void> {
  if (!state.config) return;
  try {
    state.skills = (await api.skills(state.config.accountId)).items;
  } catch {
    state.skills = [];
  }
  render();
}

async function createSession(): Promise<StoredSession> {
  const c = state.config;
  if (!c) throw new Error('not configured');
  const r = await api.session({
    accountId: c.accountId,
    ...(c.name && { name: c.name }),
    ...(c.identityToken && { identityToken: c.identityToken }),
    ...(c.customVariables && { customVariables: c.customVariables }),
    // What the widget speaks: the closed-hours reply and the survey come in it when the account wrote them in it.
    language: consumerLanguage(),
  });
  const s: StoredSession = {
    consumerToken: r.consumerToken,
    consumerId: r.consumerId,
    identity: c.identityToken ? jwtSubject(c.identityToken) : null,
    conversationId: null,
  };
  saveSession(c.accountId, s);
  return s;
}

export function useSession(s: StoredSession): void {
  state.session = s;
  api.token = s.consumerToken;
  realtime?.close();
  realtime = new Realtime(s.consumerToken, {
    ready: () => void loadHistory(),
    event: onEvent,
    typing: onTyping,
    connection(online) {
      state.online = online;
      if (online) state.everOnline = true;
      render();
    },
    unauthorized: () => dropSession(),
  });
}

let creatingSession: Promise<void> | undefined;
/** One session, however many messages are sent before it exists. */
export function ensureSession(): Promise<void> {
  if (state.session) return Promise.resolve();
  creatingSession ??= createSession()
    .then(useSession)
    .finally(() => {
      creatingSession = undefined;
    });
  return creatingSession;
}

/** The stored token no longer works (expired, or the data was reset): start afresh. */
export function dropSession(): void {
  if (!state.config) return;
  realtime?.close();
  realtime = undefined;
  clearSession(state.config.accountId);
  state.session = undefined;
  api.token = undefined;
  state.conversations = [];
  state.messages.clear();
  render();
}

function remember(conversationId: string | null): void {
  if (!state.config || !state.session || state.session.conversationId === conversationId) return;
  state.session = { ...state.session, conversationId };
  saveSession(state.config.accountId, state.session);
}

// ------------------------------------------------------------------ loading

export async function loadHistory(): Promise<void> {
  try {
    const h = await api.history();
    // History views carry no queue figures: keep the ones we know until the refresh below.
    const known = new Map(state.conversations.map((c) => [c.id, c]));
    state.conversations = h.conversations.map((c) => {
      const k = known.get(c.id);
      return k && c.state === 'queued' ? { ...c, queuePosition: k.queuePosition ?? null, expectedResponseSec: k.expectedResponseSec ?? null } : c;
    });
    const byConv = new Map<string, ChatMessage[]>();
    for (const m of h.messages) {
      const list = byConv.get(m.conversationId) ?? [];
      list.push(fromWire(m));
      byConv.set(m.conversationId, list);
    }
    // Keep our messages still on their way.
    for (const [cid, list] of state.messages) {
      for (const m of list) if (m.status !== 'sent') byConv.set(cid, upsertMessage(byConv.get(cid) ?? [], m));
    }
    state.messages = byConv;
    remember(current()?.id ?? null);
    void refreshCurrent();
    void loadPendingSurvey();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return dropSession();
    showNotice(err);
  }
  render();
}

/** After a reload: the survey of the last conversation, if it is still waiting for answers. */
async function loadPendingSurvey(): Promise<void> {
  const last = latest();
  if (last?.state !== 'closed' || state.surveys.has(last.id)) return;
  try {
    const s = await api.surveyOf(last.id);
    if (s.status === 'pending' && !state.surveys.has(last.id)) {
      state.surveys.set(last.id, { req: { conversationId: last.id, questions: s.questions, expiresAt: s.expiresAt }, status: 'form', error: null });
      render();
    }
  } catch {
    // none was sent
  }
}

/** Re-read the current conversation (queue position and expected wait while it waits). */
/**
 * Realtime updates seen per conversation. A view fetched over HTTP may be older than an update that
 * arrived while the request was in flight (a GET answered just before an assignment whose event
 * came first): then only its queue figures are taken, if the conversation is still queued.
 */
export const liveUpdates = new Map<string, number>();

export async function fetchAndMerge(id: string): Promise<void> {
  const seen = liveUpdates.get(id) ?? 0;
  const view = await api.conversation(id);
  if ((liveUpdates.get(id) ?? 0) === seen) return mergeConversation(view);
  const now = state.conversations.find((c) => c.id === id);
  if (now?.state === 'queued' && view.state === 'queued') {
    now.queuePosition = view.queuePosition ?? null;
    now.expectedResponseSec = view.expectedResponseSec ?? null;
  }
}

export async function refreshCurrent(): Promise<void> {
  const c = current();
  if (!c) return;
  try {
    await fetchAndMerge(c.id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return dropSession();
  }
  render();
}

export function mergeConversation(view: ConsumerConversation): void {
  const i = state.conversations.findIndex((c) => c.id === view.id);
  if (i >= 0) {
    const before = state.conversations[i];
    const merged = { ...before, ...view };
    // A closed view names no agent: keep who answered, to label their messages.
    if (!view.agent && view.state === 'closed' && before?.agent) merged.agent = before.agent;
    // Event views carry no queue figures: keep the last known ones while still queued.
    if (view.queuePosition === undefined && view.state === 'queued' && before) {
      merged.queuePosition = before.queuePosition ?? null;
      merged.expectedResponseSec = before.expectedResponseSec ?? null;
    }
    state.conversations[i] = merged;
  } else {
    state.conversations.push(view);
    state.conversations.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
  remember(current()?.id ?? null);
}

export function syncQueueTimer(): void {
  const waiting = current()?.state === 'queued';
  if (waiting && !queueTimer) queueTimer = setInterval(() => void refreshCurrent(), QUEUE_REFRESH_MS);
  if (!waiting && queueTimer) {
    clearInterval(queueTimer);
    queueTimer = undefined;
  }
}
