/**
 * The chat UI, running in the iframe on Parley's origin. It talks to the loader on the host page
 * only through the postMessage protocol (../protocol.ts) and to Parley through the consumer API
 * and the `/consumer` Socket.IO namespace.
 */
import './style.css';
import { type EventEnvelope, formatFileSize, type Message, type SurveyWithdrawnEvent } from '@parley/contract';
import { type FrameToHost, isHostToFrame, PROTOCOL, type WidgetConfig } from '../protocol.js';
import { ApiError, ConsumerApi } from './api.js';
import { h, ICONS, icon, type Keyed, reconcile } from './dom.js';
import {
  agentNameOf,
  type ChatMessage,
  type ConsumerConversation,
  CSAT_LABELS,
  canMarkUrgent,
  checkPhoto,
  dayLabel,
  fromWire,
  isImage,
  jwtSubject,
  offeringQuickReplies,
  queueLine,
  type SurveyRequest,
  surveyAnswers,
  upsertMessage,
} from './logic.js';
import { Realtime } from './realtime.js';
import { clearSession, loadSession, type StoredSession, saveSession } from './storage.js';

const QUEUE_REFRESH_MS = 15_000;
const TYPING_MS = 6_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
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

// ------------------------------------------------------------------ state

interface SurveyState {
  req: SurveyRequest;
  status: 'form' | 'sending' | 'done';
  error: string | null;
}

const state = {
  config: undefined as WidgetConfig | undefined,
  session: undefined as StoredSession | undefined,
  skills: [] as { id: string; name: string }[],
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

const api = new ConsumerApi();
let realtime: Realtime | undefined;
let queueTimer: ReturnType<typeof setInterval> | undefined;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
const blobUrls = new Map<string, Promise<string>>();

const current = (): ConsumerConversation | undefined => {
  const last = state.conversations[state.conversations.length - 1];
  return last && last.state !== 'closed' ? last : undefined;
};
const latest = (): ConsumerConversation | undefined => state.conversations[state.conversations.length - 1];

// ------------------------------------------------------------------ host page link

const params = new URLSearchParams(location.search);
const hostOrigin = params.get('host');
const embedded = window.parent !== window;

function toHost(msg: FrameToHost): void {
  if (embedded && hostOrigin) window.parent.postMessage(msg, hostOrigin);
}

window.addEventListener('message', (e) => {
  if (!embedded || e.source !== window.parent || e.origin !== hostOrigin || !isHostToFrame(e.data)) return;
  const msg = e.data;
  if (msg.type === 'config') {
    if (state.config) return; // configured once per load
    setOpen(msg.open);
    void boot(msg.config);
  } else if (msg.type === 'open') setOpen(true);
  else if (msg.type === 'closed') setOpen(false);
});

function setOpen(open: boolean): void {
  state.open = open;
  if (open) {
    state.unread = 0;
    toHost({ source: PROTOCOL, type: 'unread', count: 0 });
    requestAnimationFrame(() => {
      scrollToEnd();
      ui.text.focus();
    });
  }
}

// ------------------------------------------------------------------ boot and session

async function boot(config: WidgetConfig): Promise<void> {
  state.config = config;
  const identity = config.identityToken ? jwtSubject(config.identityToken) : null;
  let stored = loadSession(config.accountId);
  if (stored && stored.identity !== identity) {
    clearSession(config.accountId);
    stored = undefined;
  }
  if (!config.skillId) void loadSkills();
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

function useSession(s: StoredSession): void {
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
function ensureSession(): Promise<void> {
  if (state.session) return Promise.resolve();
  creatingSession ??= createSession()
    .then(useSession)
    .finally(() => {
      creatingSession = undefined;
    });
  return creatingSession;
}

/** The stored token no longer works (expired, or the data was reset): start afresh. */
function dropSession(): void {
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

async function loadHistory(): Promise<void> {
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
const liveUpdates = new Map<string, number>();

async function fetchAndMerge(id: string): Promise<void> {
  const seen = liveUpdates.get(id) ?? 0;
  const view = await api.conversation(id);
  if ((liveUpdates.get(id) ?? 0) === seen) return mergeConversation(view);
  const now = state.conversations.find((c) => c.id === id);
  if (now?.state === 'queued' && view.state === 'queued') {
    now.queuePosition = view.queuePosition ?? null;
    now.expectedResponseSec = view.expectedResponseSec ?? null;
  }
}

async function refreshCurrent(): Promise<void> {
  const c = current();
  if (!c) return;
  try {
    await fetchAndMerge(c.id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return dropSession();
  }
  render();
}

function mergeConversation(view: ConsumerConversation): void {
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

function syncQueueTimer(): void {
  const waiting = current()?.state === 'queued';
  if (waiting && !queueTimer) queueTimer = setInterval(() => void refreshCurrent(), QUEUE_REFRESH_MS);
  if (!waiting && queueTimer) {
    clearInterval(queueTimer);
    queueTimer = undefined;
  }
}

// ------------------------------------------------------------------ realtime events

function onEvent(e: EventEnvelope): void {
  switch (e.type) {
    case 'message.created': {
      const m = e.data as Message;
      if (!state.conversations.some((c) => c.id === m.conversationId)) {
        void refreshConversation(m.conversationId);
      }
      addMessage(fromWire(m));
      if (m.senderType === 'agent') {
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
      const view = e.data as ConsumerConversation;
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
      const req = e.data as SurveyRequest;
      if (req && typeof req.conversationId === 'string' && Array.isArray(req.questions)) {
        state.surveys.set(req.conversationId, { req, status: 'form', error: null });
      }
      break;
    }
    case 'survey.withdrawn': {
      // The conversation went on (resumed, or a new one started): remove the form.
      const w = e.data as SurveyWithdrawnEvent;
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

async function refreshConversation(id: string): Promise<void> {
  try {
    await fetchAndMerge(id);
    render();
  } catch {
    // a later event or reload will tell
  }
}

function onTyping(data: { conversationId: string; agent?: { displayName: string } }): void {
  const c = state.conversations.find((x) => x.id === data.conversationId);
  if (!c || c.state === 'closed') return;
  state.typing = { conversationId: c.id, name: data.agent?.displayName ?? c.agent?.displayName ?? 'The agent', until: Date.now() + TYPING_MS };
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    state.typing = null;
    render();
  }, TYPING_MS);
  render();
}

function addMessage(m: ChatMessage): void {
  state.messages.set(m.conversationId, upsertMessage(state.messages.get(m.conversationId) ?? [], m));
}

// ------------------------------------------------------------------ actions

const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

let opening: Promise<ConsumerConversation> | undefined;
/** The conversation to write to: the open one, or a new one (opened once, however many messages wait for it). */
async function ensureConversation(): Promise<ConsumerConversation> {
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

async function sendText(text: string): Promise<void> {
  await sendNew({ text, file: null }, (id, clientMessageId) => api.send(id, text, clientMessageId));
}

async function sendQuickReply(q: { title: string; payload?: string }): Promise<void> {
  const quickReply = { payload: q.payload ?? q.title };
  await sendNew({ text: q.title, file: null }, (id, clientMessageId) => api.send(id, q.title, clientMessageId, quickReply));
}

async function sendPhoto(file: File): Promise<void> {
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

const retries = new Map<string, () => void>();

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

function removeMessage(m: ChatMessage): void {
  const list = state.messages.get(m.conversationId);
  if (list)
    state.messages.set(
      m.conversationId,
      list.filter((x) => x.key !== m.key),
    );
}

async function markUrgent(): Promise<void> {
  const c = current();
  if (!c) return;
  try {
    mergeConversation(await api.urgent(c.id));
    state.urgentJustMarked = true;
    void refreshCurrent();
  } catch (err) {
    showNotice(err);
  }
  render();
}

async function endConversation(): Promise<void> {
  const c = current();
  state.confirming = false;
  if (!c) return render();
  try {
    mergeConversation(await api.close(c.id));
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) await refreshConversation(c.id);
    else showNotice(err);
  }
  render();
  ui.text.focus();
}

async function submitSurvey(conversationId: string, form: HTMLFormElement): Promise<void> {
  const s = state.surveys.get(conversationId);
  if (s?.status !== 'form') return;
  const data = new FormData(form);
  const raw: Record<string, string | undefined> = {};
  for (const q of s.req.questions) raw[q.id] = data.get(q.id)?.toString();
  const { answers, missing } = surveyAnswers(s.req.questions, raw);
  const err = form.querySelector<HTMLElement>('.form-error');
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
  if (missing.length > 0) {
    if (err) err.textContent = 'Please answer the rating questions.';
    form.querySelector<HTMLInputElement>(`[name="${CSS.escape(missing[0] ?? '')}"]`)?.focus();
    return;
  }
  s.status = 'sending';
  if (button) button.disabled = true;
  if (err) err.textContent = '';
  try {
    await api.survey(conversationId, answers);
    s.status = 'done';
  } catch (e) {
    s.status = 'form';
    if (button) button.disabled = false;
    const expired = e instanceof ApiError && (e.status === 409 || e.status === 410);
    if (err) err.textContent = expired ? 'Sorry, this survey has expired.' : e instanceof Error ? e.message : 'Could not send your answers.';
    return;
  }
  render();
  ui.log.querySelector<HTMLElement>('.survey-done')?.focus();
}

function showNotice(err: unknown): void {
  state.notice = err instanceof Error ? err.message : 'Something went wrong.';
  render();
}

// ------------------------------------------------------------------ UI events

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !state.config) return;
  ui.text.value = '';
  autosize();
  void sendText(text);
});
ui.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.composer.requestSubmit();
  }
});
ui.text.addEventListener('input', autosize);
ui.attach.addEventListener('click', () => ui.file.click());
ui.file.addEventListener('change', () => {
  const f = ui.file.files?.[0];
  ui.file.value = '';
  if (f) void sendPhoto(f);
});
/**
 * The visitor closes the panel from inside: the frame counts as closed at once (an agent's message
 * arriving before the host's "closed" comes back counts as unread), then asks the host to hide it.
 */
function requestClose(): void {
  setOpen(false);
  toHost({ source: PROTOCOL, type: 'close' });
}

ui.minimize.addEventListener('click', requestClose);
ui.end.addEventListener('click', () => {
  state.confirming = true;
  render();
  ui.confirmYes.focus();
});
ui.confirmNo.addEventListener('click', () => {
  state.confirming = false;
  render();
  ui.end.focus();
});
ui.confirmYes.addEventListener('click', () => void endConversation());

// Keyboard: Esc closes (or cancels the confirmation); Tab stays inside the panel.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    if (state.confirming) {
      state.confirming = false;
      render();
      ui.end.focus();
    } else requestClose();
    e.preventDefault();
    return;
  }
  if (e.key !== 'Tab') return;
  const focusable = Array.from(ui.app.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')).filter(
    (el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && !el.closest('[hidden]'),
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !ui.app.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !ui.app.contains(active))) {
    e.preventDefault();
    first.focus();
  }
});

function autosize(): void {
  ui.text.style.height = 'auto';
  ui.text.style.height = `${Math.min(ui.text.scrollHeight, 140)}px`;
}

// ------------------------------------------------------------------ rendering

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

function render(): void {
  const c = current();
  const last = latest();
  const agentName = c?.state === 'open' ? c.agent?.displayName : undefined;

  // Header
  ui.title.textContent = agentName ?? 'Chat with us';
  const initial = agentName?.trim().charAt(0).toUpperCase();
  if (ui.avatar.dataset.initial !== (initial ?? '')) {
    ui.avatar.dataset.initial = initial ?? '';
    ui.avatar.replaceChildren(initial ?? icon(ICONS.chat, 22));
  }
  ui.subtitle.textContent = !c
    ? last?.state === 'closed'
      ? 'Conversation ended'
      : 'We usually reply within a few minutes'
    : c.state === 'open'
      ? 'is here to help'
      : c.state === 'ringing'
        ? 'Connecting you to an agent…'
        : 'Waiting for an agent';
  ui.end.hidden = !c || state.confirming;
  ui.confirm.hidden = !state.confirming || !c;

  // Waiting line and the urgent button
  const line = c ? queueLine(c) : null;
  const statusItems: Keyed[] = [];
  if (line) statusItems.push({ key: 'queue', sig: line, make: () => h('p', { class: 'queue' }, line) });
  if (c && canMarkUrgent(c) && c.state !== 'open') {
    statusItems.push({
      key: 'urgent',
      sig: 'btn',
      make: () =>
        h('button', { type: 'button', class: 'urgent-btn', onclick: () => void markUrgent() }, icon(ICONS.urgent, 16), h('span', {}, 'Mark as urgent')),
    });
  } else if (c?.urgent && c.state !== 'open') {
    statusItems.push({ key: 'urgent', sig: 'marked', make: () => h('p', { class: 'urgent-note' }, 'Marked as urgent: we will answer as soon as we can.') });
  }
  if (!state.online && state.everOnline) statusItems.push({ key: 'offline', sig: 'x', make: () => h('p', { class: 'offline' }, 'Reconnecting…') });
  reconcile(ui.status, statusItems);
  ui.status.hidden = statusItems.length === 0;

  // Conversation log
  const stick = isAtEnd();
  renderLog();
  if (stick) scrollToEnd();

  // Typing indicator
  const t = state.typing && state.typing.until > Date.now() && c && state.typing.conversationId === c.id ? state.typing : null;
  const typingText = t ? `${t.name} is typing…` : '';
  if (ui.typing.textContent !== typingText) {
    ui.typing.replaceChildren(...(t ? [h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', {}, typingText)] : []));
  }

  ui.notice.textContent = state.notice;
  ui.notice.hidden = !state.notice;

  // Composer
  const offerTopic = !c && !state.config?.skillId && state.skills.length > 1;
  if (offerTopic && ui.topic.options.length !== state.skills.length + 1) {
    ui.topic.replaceChildren(h('option', { value: '' }, 'Choose a topic (optional)'), ...state.skills.map((s) => h('option', { value: s.id }, s.name)));
  }
  ui.topicRow.hidden = !offerTopic;
  ui.text.placeholder = c ? 'Write a message…' : last ? 'Start a new conversation…' : 'Ask us anything…';
  ui.composer.setAttribute('aria-busy', String(!state.config));
  syncQueueTimer();
}

function renderLog(): void {
  const items: Keyed[] = [];
  const now = new Date();
  if (state.conversations.length === 0 && !state.messages.get('pending')?.length) {
    items.push({
      key: 'welcome',
      sig: state.config?.name ?? '',
      make: () =>
        h(
          'div',
          { class: 'welcome' },
          h('p', { class: 'hello' }, state.config?.name ? `Hi ${state.config.name}!` : 'Hi there!'),
          h('p', {}, 'Ask us anything. We are here to help.'),
        ),
    });
  }
  const conversations = [...state.conversations];
  for (const conv of conversations) {
    const when = `${dayLabel(conv.createdAt, now)}, ${timeFmt.format(new Date(conv.createdAt))}`;
    items.push({ key: `start:${conv.id}`, sig: when, make: () => h('div', { class: 'divider', role: 'separator' }, h('span', {}, `Conversation · ${when}`)) });
    const list = state.messages.get(conv.id) ?? [];
    const offering = offeringQuickReplies(list, conv.state === 'closed');
    for (const m of list) items.push(messageItem(m, conv, m === offering));
    if (conv.state === 'closed') {
      const who = conv.closedBy === 'consumer' ? 'You ended the conversation' : 'The conversation has ended';
      items.push({ key: `end:${conv.id}`, sig: who, make: () => h('div', { class: 'divider ended', role: 'separator' }, h('span', {}, who)) });
    }
    // A survey still to answer belongs under the last conversation while it is closed: once it goes
    // on, or a newer one starts, the server has withdrawn it (a thank-you stays where it was).
    const survey = state.surveys.get(conv.id);
    const askable = conv.state === 'closed' && conv === conversations[conversations.length - 1];
    if (survey && (survey.status === 'done' || askable)) items.push(surveyItem(survey));
  }
  for (const m of state.messages.get('pending') ?? []) items.push(messageItem(m, undefined));
  reconcile(ui.log, items);
}

function messageItem(m: ChatMessage, conv: ConsumerConversation | undefined, offering = false): Keyed {
  const agentName = agentNameOf(m, conv?.agent?.displayName);
  const sig = [m.status, m.seq, m.file?.url ?? '', m.senderType === 'agent' ? agentName : '', offering ? 'offer' : ''].join('|');
  return {
    key: `m:${m.key}`,
    sig,
    make: () => {
      if (m.senderType === 'system') return h('div', { class: 'system' }, m.text ?? '');
      const mine = m.senderType === 'consumer';
      const body = h('div', { class: m.file && !m.text && isImage(m.file.contentType) ? 'bubble media' : 'bubble' });
      if (m.file) body.append(fileView(m));
      if (m.text) body.append(h('p', {}, m.text));
      const meta = h('div', { class: 'meta' }, mine ? '' : `${agentName} · `, timeFmt.format(new Date(m.createdAt)));
      if (m.status === 'sending') meta.append(' · Sending…');
      const row = h(
        'div',
        { class: `msg ${mine ? 'mine' : 'theirs'}${m.status === 'failed' ? ' failed' : ''}` },
        h('span', { class: 'sr-only' }, mine ? 'You said:' : `${agentName} said:`),
        body,
        meta,
      );
      // The agent's suggested answers, while they are the last word: one tap sends the answer.
      if (offering && m.quickReplies?.length) {
        row.append(
          h(
            'div',
            { class: 'quick-replies', role: 'group', 'aria-label': 'Suggested answers' },
            ...m.quickReplies.map((q) => h('button', { type: 'button', class: 'quick-reply', onclick: () => void sendQuickReply(q) }, q.title)),
          ),
        );
      }
      if (m.status === 'failed') {
        row.append(
          h(
            'button',
            {
              type: 'button',
              class: 'retry',
              onclick: () => retries.get(m.key)?.(),
            },
            'Not sent. Retry',
          ),
        );
      }
      return row;
    },
  };
}

function fileUrl(f: NonNullable<Message['file']>): Promise<string> {
  let p = blobUrls.get(f.url);
  if (!p) {
    p = api.file(f.url).then((b) => URL.createObjectURL(b));
    p.catch(() => blobUrls.delete(f.url));
    blobUrls.set(f.url, p);
  }
  return p;
}

function fileView(m: ChatMessage): HTMLElement {
  const f = m.file;
  if (!f) return h('span');
  if (isImage(f.contentType)) {
    const img = h('img', { alt: f.name, class: 'photo', loading: 'lazy' });
    const link = h('a', { class: 'photo-link', target: '_blank', rel: 'noopener', 'aria-label': `Open photo ${f.name}` }, img);
    if (m.localPreview) {
      img.src = m.localPreview;
      link.href = m.localPreview;
    }
    if (f.url) {
      fileUrl(f)
        .then((u) => {
          img.src = u;
          link.href = u;
        })
        .catch(() => {
          if (!m.localPreview) img.alt = `${f.name} (could not load)`;
        });
    }
    return link;
  }
  const btn = h(
    'button',
    { type: 'button', class: 'file' },
    icon(ICONS.file, 22),
    h('span', { class: 'file-name' }, f.name),
    h('span', { class: 'file-size' }, formatFileSize(f.size)),
    icon(ICONS.download, 18),
  );
  btn.setAttribute('aria-label', `Download ${f.name}, ${formatFileSize(f.size)}`);
  btn.addEventListener('click', async () => {
    try {
      const url = await fileUrl(f);
      const a = h('a', { href: url, download: f.name });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      showNotice(err);
    }
  });
  return btn;
}

function surveyItem(s: SurveyState): Keyed {
  const expired = new Date(s.req.expiresAt).getTime() < Date.now();
  const status = s.status === 'done' ? 'done' : expired ? 'expired' : 'form';
  return {
    key: `survey:${s.req.conversationId}`,
    sig: status,
    make: () => {
      if (status === 'done') return h('div', { class: 'card survey-done', tabindex: '-1' }, h('p', {}, 'Thank you for your feedback!'));
      if (status === 'expired') return h('div', { class: 'card' }, h('p', {}, 'The survey for this conversation has expired.'));
      const form = h('form', { class: 'card survey', 'aria-labelledby': `sv-${s.req.conversationId}` });
      form.append(h('h2', { id: `sv-${s.req.conversationId}` }, 'How did we do?'));
      for (const q of s.req.questions) form.append(questionView(q));
      form.append(h('p', { class: 'form-error', role: 'alert' }), h('button', { type: 'submit', class: 'primary' }, 'Send feedback'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void submitSurvey(s.req.conversationId, form);
      });
      return form;
    },
  };
}

function questionView(q: SurveyRequest['questions'][number]): HTMLElement {
  const fs = h('fieldset', { class: `q q-${q.type}` }, h('legend', {}, q.text));
  if (q.type === 'text') {
    const id = `q-${q.id}`;
    fs.append(h('label', { for: id, class: 'sr-only' }, q.text), h('textarea', { id, name: q.id, rows: 2, maxlength: 2000 }));
    return fs;
  }
  const options: { value: string; label: string; title?: string }[] =
    q.type === 'csat'
      ? CSAT_LABELS.map((t, i) => ({ value: String(i + 1), label: String(i + 1), title: t }))
      : q.type === 'nps'
        ? Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: String(i) }))
        : (q.choices ?? []).map((c) => ({ value: c, label: c }));
  const group = h('div', { class: 'scale' });
  for (const o of options) {
    const input = h('input', { type: 'radio', name: q.id, value: o.value, ...(o.title && { 'aria-label': `${o.label}: ${o.title}` }) });
    group.append(h('label', { class: 'opt', title: o.title }, input, h('span', {}, o.label)));
  }
  fs.append(group);
  if (q.type === 'csat') fs.append(h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, CSAT_LABELS[0]), h('span', {}, CSAT_LABELS[4])));
  if (q.type === 'nps') fs.append(h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, 'Not likely'), h('span', {}, 'Very likely')));
  return fs;
}

function isAtEnd(): boolean {
  const l = ui.log;
  return l.scrollHeight - l.scrollTop - l.clientHeight < 60;
}

function scrollToEnd(): void {
  ui.log.scrollTop = ui.log.scrollHeight;
}

// ------------------------------------------------------------------ start

render();
if (embedded) {
  toHost({ source: PROTOCOL, type: 'ready' });
} else {
  // Opened on its own (a full-page chat link): /widget/frame.html?account=ID[&skill=…&name=…]
  const accountId = params.get('account');
  state.open = true;
  if (accountId) {
    const skill = params.get('skill');
    const name = params.get('name');
    void boot({ accountId, ...(skill && { skillId: skill }), ...(name && { name }) });
  }
}
