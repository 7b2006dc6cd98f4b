import type { EventEnvelope } from '@parley/contract';
import { type ActiveState, applyAnswer, applyEvent, applySnapshot } from '../lib/active-events.js';
import { incomingCount, nextToOpen, sortActive } from '../lib/active-list.js';
import { ApiError, api, seg } from '../lib/api.js';
import { type BridgeCommand, EmbedBridge, frameAccountId } from '../lib/embed-bridge.js';
import { type DatePrefs, DEFAULT_DATE_PREFS } from '../lib/format.js';
import { consumerLabel } from '../lib/people.js';
import { Realtime } from '../lib/realtime.js';
import { playChime, unlockAudio } from '../lib/sound.js';
import { readItem, readJson, writeItem, writeJson } from '../lib/storage.js';
import type {
  ActiveItem,
  AgentStatus,
  Notification as AppNotification,
  ConversationDetails,
  Kpis,
  ListStatus,
  Message,
  Offer,
  Session,
  User,
  UserSettings,
} from '../lib/types.js';
import { type AppState, eventBus, initialState, store, toast } from './store.js';

const SESSION_KEY = 'parley.session';
const navKey = (userId: string) => `parley.nav.${userId}`;

let realtime: Realtime | null = null;
const bridge = new EmbedBridge(onBridgeCommand);

// ------------------------------------------------------------------ session

export function prefsOf(settings: UserSettings): DatePrefs {
  return {
    dateFormat: settings.dateFormat ?? DEFAULT_DATE_PREFS.dateFormat,
    timeFormat: settings.timeFormat ?? DEFAULT_DATE_PREFS.timeFormat,
    timeZone: settings.timeZone ?? DEFAULT_DATE_PREFS.timeZone,
  };
}

/** On page load: a session kept across reloads (in a frame, only one of the frame's `?account=`). */
let restored = false;
export async function restore(): Promise<void> {
  if (restored) return;
  restored = true;
  const saved = readJson<Session | null>(SESSION_KEY, null);
  const frameAccount = frameAccountId();
  if (!saved?.token || (frameAccount && saved.user?.accountId !== frameAccount)) {
    if (saved) writeItem(SESSION_KEY, null);
    store.set({ connection: 'offline' });
    return;
  }
  api.token = saved.token;
  try {
    const user = await api.get<User>('/api/v1/me');
    if (frameAccount && user.accountId !== frameAccount) throw new ApiError(401, {});
    await start({ token: saved.token, user });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      writeItem(SESSION_KEY, null);
      api.token = null;
      store.set({ connection: 'offline' });
    } else {
      // The server is unreachable: keep the session and show the workspace with the banner.
      await start(saved);
    }
  }
}

/** A sign-in refused because the frame belongs to another account (docs/embedding.md). */
export class FrameAccountError extends Error {
  constructor(readonly frameAccountId: string) {
    super(`This embedded workspace is for account "${frameAccountId}" only. Sign in with a user of that account, or open Parley in its own browser tab.`);
  }
}

export async function signIn(accountId: string, username: string, password: string): Promise<void> {
  unlockAudio();
  // In a frame, only the account of the embed URL: the host page was allowed by that account, not by another.
  const frameAccount = frameAccountId();
  if (frameAccount && accountId !== frameAccount) throw new FrameAccountError(frameAccount);
  const r = await api.post<Session>('/api/v1/auth/login', { accountId, username, password, ...(frameAccount && { frameAccountId: frameAccount }) });
  if (frameAccount && r.user.accountId !== frameAccount) {
    // Never kept: an older server that does not check `frameAccountId` itself.
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${r.token}` } }).catch(() => undefined);
    throw new FrameAccountError(frameAccount);
  }
  await start(r);
}

async function start(session: Session): Promise<void> {
  api.token = session.token;
  api.onUnauthorized = () => endSession('Your session has ended. Please sign in again.');
  writeJson(SESSION_KEY, session);
  const nav = readJson<{ pinned?: string[]; selectedId?: string | null }>(navKey(session.user.id), {});
  // Managers land on the console (the Active list is empty for a manager without skills); agents on Active.
  const panel = session.user.role === 'manager' ? 'console' : null;
  store.set({ ...initialState, session, pinned: nav.pinned ?? [], selectedId: null, panel, connection: 'connecting' });
  // The bridge talks only with origins of the signed-in user's own account, bound afresh for each session.
  void bridge.bind(session.user.accountId);
  bridge.post('auth.changed', { signedIn: true, user: { id: session.user.id, displayName: session.user.displayName, accountId: session.user.accountId } });
  bridge.post('status.changed', { status: session.user.status });
  const settingsLoaded = api
    .get<UserSettings>('/api/v1/me/settings')
    .catch(() => ({}) as UserSettings)
    .then((settings) => store.set({ settings, datePrefs: prefsOf(settings), filters: settings.defaultFilters ?? [] }));
  realtime = new Realtime(session.token, {
    onEvent: handleEvent,
    onState: (connection) => {
      const was = store.get().connection;
      store.set({ connection });
      if (connection === 'online' && was !== 'online' && store.get().activeLoaded) void refreshKpis();
      if (connection === 'online' && was !== 'online') store.set((s) => ({ dashboardTick: s.dashboardTick + 1 }));
    },
    onResync: () => void reloadAll(),
    onDashboardChanged: () => store.set((s) => ({ dashboardTick: s.dashboardTick + 1 })),
    onUnauthorized: () => endSession('Your session has ended. Please sign in again.'),
    onBaseline: () => {
      onBaseline?.();
      // A list read before the stream's baseline may have missed events from between: read it again.
      if (activeAskedBeforeBaseline) void reloadActive();
    },
  });
  activeAskedBeforeBaseline = false;
  const baseline = new Promise<void>((resolve) => {
    onBaseline = resolve;
  });
  realtime.start();
  // The list is read once the stream has its baseline (or after a moment without one, e.g. offline).
  await Promise.race([baseline, new Promise((resolve) => setTimeout(resolve, 3000))]);
  onBaseline = null;
  await Promise.all([settingsLoaded, reloadAll()]);
  // Re-open what was open before a reload, if it is still there.
  if (nav.selectedId && store.get().active[nav.selectedId]) openConversation(nav.selectedId);
}

function endSession(message?: string): void {
  realtime?.stop();
  realtime = null;
  writeItem(SESSION_KEY, null);
  api.token = null;
  store.set({ ...initialState, connection: 'offline' });
  bridge.unbind();
  if (message) toast(message, 'error');
}

export async function signOut(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } catch {
    // the token is dropped either way
  }
  // The next sign-in starts with no conversation selected and an empty left bar (the agent guide);
  // a reload while signed in keeps them.
  const userId = store.get().session?.user.id;
  endSession();
  if (userId) writeItem(navKey(userId), null);
}

async function reloadAll(): Promise<void> {
  await Promise.all([reloadActive(), reloadNotifications(), refreshKpis()]);
  store.set((s) => ({ epoch: s.epoch + 1 }));
}

// ------------------------------------------------------------------ the Active list (lib/active-events.ts)

let onBaseline: (() => void) | null = null;
let activeAskedBeforeBaseline = false;

const activeOf = (s: AppState): ActiveState => ({ items: s.active, offers: s.offers, seqOf: s.activeSeqOf });
const activePatch = (a: ActiveState): Partial<AppState> => ({ active: a.items, offers: a.offers, activeSeqOf: a.seqOf });
/** Where the realtime stream stands now: an HTTP answer asked now is at least this new (-1: no baseline yet). */
const streamSeq = () => realtime?.seq ?? -1;

/** The answer to one of the agent's own actions about `id`, asked at `sinceSeq`: applied unless a newer event about it came meanwhile. */
function applyActionAnswer(id: string, row: ActiveItem | null, sinceSeq: number): void {
  store.set((s) => activePatch(applyAnswer(activeOf(s), id, row, sinceSeq)));
}

export async function reloadActive(): Promise<void> {
  const since = streamSeq();
  if (since < 0) activeAskedBeforeBaseline = true;
  try {
    const r = await api.getAll<ActiveItem>('/api/v1/workspace/active');
    store.set((s) => {
      const a = applySnapshot(activeOf(s), r.items, since);
      return { ...activePatch(a), activeLoaded: true, pinned: s.pinned.filter((id) => a.items[id]) };
    });
    announceUnread();
    saveNav();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) toast(`Could not load your conversations: ${(err as Error).message}`, 'error');
  }
}

async function reloadNotifications(): Promise<void> {
  try {
    const r = await api.get<{ items: AppNotification[]; unread: number }>('/api/v1/me/notifications');
    store.set({ notifications: r.items, unreadNotifications: r.unread });
  } catch {
    // shown empty
  }
}

export async function refreshKpis(): Promise<void> {
  try {
    store.set({ kpis: await api.get<Kpis>('/api/v1/me/kpis') });
  } catch {
    // the bar keeps its last values
  }
}

function saveNav(): void {
  const s = store.get();
  if (s.session) writeJson(navKey(s.session.user.id), { pinned: s.pinned, selectedId: s.selectedId });
}

let lastUnread = -1;
function announceUnread(): void {
  const n = incomingCount(Object.values(store.get().active));
  document.title = n > 0 ? `(${n}) Parley` : 'Parley';
  if (n !== lastUnread) bridge.post('unread.changed', { count: n });
  lastUnread = n;
}

// ------------------------------------------------------------------ realtime

function handleEvent(e: EventEnvelope): void {
  const s = store.get();
  // The list follows the events in seq order; one older than what the list has about its conversation changes nothing.
  const before = activeOf(s);
  const after = applyEvent(before, e);
  if (after !== before) store.set(activePatch(after));
  const listChanged = after !== before;
  switch (e.type) {
    case 'conversation.upserted': {
      if (!listChanged) break;
      const item = e.data as ActiveItem;
      const known = s.active[item.id];
      if (!known && item.state === 'open') alertNewConversation(item);
      if (known && known.state !== 'closed' && item.state === 'closed') void refreshKpis();
      // New incoming message in the conversation on screen: it is read.
      if (item.unread > 0 && s.selectedId === item.id && s.tab === 'active' && document.visibilityState === 'visible') void markRead(item.id);
      announceUnread();
      break;
    }
    case 'conversation.removed': {
      if (!listChanged) break;
      const { id } = e.data as { id: string };
      store.set((st) => ({
        pinned: st.pinned.filter((p) => p !== id),
        selectedId: st.selectedId === id ? null : st.selectedId,
      }));
      if (s.selectedId === id) bridge.post('conversation.closed', { id });
      saveNav();
      announceUnread();
      break;
    }
    case 'offer.created':
      if (listChanged) alertNewConversation((e.data as Offer).conversation, true);
      break;
    case 'offer.withdrawn':
      break;
    case 'survey.answered':
      // A survey answer of one of my conversations (they come after the close): CSAT and NPS move.
      void refreshKpis();
      break;
    case 'status.changed': {
      const { status, reason } = e.data as { status: AgentStatus; reason?: string };
      if (!s.session) break;
      store.set({ session: { ...s.session, user: { ...s.session.user, status } } });
      bridge.post('status.changed', { status });
      if (reason === 'missed_ring') toast('You missed an offer, so your status is now Away.', 'error');
      break;
    }
    case 'notification.created': {
      const n = e.data as AppNotification;
      store.set((st) => ({ notifications: [n, ...st.notifications.filter((x) => x.id !== n.id)], unreadNotifications: st.unreadNotifications + 1 }));
      const by = typeof n.data.by === 'string' ? n.data.by : 'Someone';
      toast(`${by} mentioned you in a note`);
      break;
    }
    case 'message.created':
    case 'note.created':
      break;
    default:
      break;
  }
  if (e.type === 'message.created' || e.type === 'message.updated' || e.type === 'note.created') eventBus.emit(e.type, e.data);
}

function alertNewConversation(item: ActiveItem, ringing = false): void {
  const { settings } = store.get();
  if (settings.soundEnabled && !ringing) playChime();
  if (settings.notificationsEnabled && typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try {
      const n = new Notification(ringing ? 'Incoming conversation' : 'New conversation', {
        body: `${consumerLabel(item.consumer.name, item.channel)}: ${item.lastMessage?.text ?? ''}`.slice(0, 160),
        tag: item.id,
      });
      n.onclick = () => {
        window.focus();
        if (!ringing) openConversation(item.id);
      };
    } catch {
      // notifications unavailable
    }
  }
}

// ------------------------------------------------------------------ navigation

export function openConversation(id: string): void {
  const s = store.get();
  const item = s.active[id];
  if (!item) return;
  store.set({
    tab: 'active',
    panel: null,
    selectedId: id,
    pinned: s.pinned.includes(id) ? s.pinned : [...s.pinned, id],
  });
  saveNav();
  if (item.unread > 0 && item.state === 'open') void markRead(id);
  void announceOpened(id);
}

async function announceOpened(id: string): Promise<void> {
  if (!bridge.active) return;
  try {
    const d = await api.get<ConversationDetails>(`/api/v1/conversations/${seg(id)}`);
    bridge.post('conversation.opened', {
      id,
      consumer: { name: d.consumer.name, channel: d.consumer.channel, customVariables: d.consumer.customVariables },
    });
  } catch {
    // nothing to tell
  }
}

/** Home: back to the full Active list, nothing selected. */
export function goHome(): void {
  const s = store.get();
  if (s.selectedId) bridge.post('conversation.closed', { id: s.selectedId });
  store.set({ tab: 'active', selectedId: null, panel: null });
  saveNav();
}

export function setTab(tab: AppState['tab']): void {
  store.set({ tab, panel: null });
}

export function setFilters(filters: ListStatus[]): void {
  store.set({ filters });
}

export async function markRead(id: string): Promise<void> {
  try {
    await api.post(`/api/v1/conversations/${seg(id)}/read`);
  } catch {
    // the dot stays
  }
}

/** Removes a closed conversation from the left bar and the Active list (the orange "x"). */
export async function dismiss(id: string): Promise<void> {
  const since = streamSeq();
  try {
    await api.del(`/api/v1/workspace/active/${seg(id)}`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) {
      toast(`Could not remove it: ${(err as Error).message}`, 'error');
      return;
    }
  }
  const s = store.get();
  if (s.selectedId === id) bridge.post('conversation.closed', { id });
  applyActionAnswer(id, null, since);
  store.set((st) => ({
    pinned: st.pinned.filter((p) => p !== id),
    selectedId: st.selectedId === id ? null : st.selectedId,
  }));
  saveNav();
}

// ------------------------------------------------------------------ actions

function failed(what: string, err: unknown): void {
  toast(`${what}: ${(err as Error).message}`, 'error');
}

export async function setStatus(status: AgentStatus): Promise<void> {
  unlockAudio();
  try {
    const user = await api.put<User>('/api/v1/me/status', { status });
    const s = store.get();
    if (s.session) {
      const session = { ...s.session, user };
      store.set({ session });
      writeJson(SESSION_KEY, session);
    }
    bridge.post('status.changed', { status: user.status });
  } catch (err) {
    failed('Could not change your status', err);
  }
}

export async function closeConversation(id: string): Promise<void> {
  const since = streamSeq();
  try {
    const item = await api.post<ActiveItem>(`/api/v1/conversations/${seg(id)}/close`);
    applyActionAnswer(id, item, since);
    bridge.post('conversation.closed', { id });
    void refreshKpis();
    const next = nextToOpen(sortActive(Object.values(store.get().active)), id);
    if (next) openConversation(next.id);
    else goHome();
  } catch (err) {
    failed('Could not close the conversation', err);
  }
}

export async function resumeConversation(id: string): Promise<boolean> {
  const since = streamSeq();
  try {
    const item = await api.post<ActiveItem>(`/api/v1/conversations/${seg(id)}/resume`);
    applyActionAnswer(id, item, since);
    openConversation(id);
    toast('Conversation resumed');
    return true;
  } catch (err) {
    failed('Could not resume the conversation', err);
    return false;
  }
}

export async function transferConversation(id: string, target: { skillId: string } | { agentId: string }, label: string): Promise<boolean> {
  const since = streamSeq();
  try {
    await api.post(`/api/v1/conversations/${seg(id)}/transfer`, target);
    // It leaves the list, unless routing already gave it back (its events came before this answer).
    applyActionAnswer(id, null, since);
    store.set((s) => ({ pinned: s.pinned.filter((p) => p !== id) }));
    bridge.post('conversation.closed', { id });
    toast(`Transferred to ${label}`);
    const next = nextToOpen(sortActive(Object.values(store.get().active)), id);
    if (next) openConversation(next.id);
    else goHome();
    return true;
  } catch (err) {
    failed('Could not transfer', err);
    return false;
  }
}

export async function setManualSla(id: string, dueAt: number | null): Promise<boolean> {
  const since = streamSeq();
  try {
    const item =
      dueAt === null
        ? await api.del<ActiveItem>(`/api/v1/conversations/${seg(id)}/sla`)
        : await api.put<ActiveItem>(`/api/v1/conversations/${seg(id)}/sla`, { dueAt: new Date(dueAt).toISOString() });
    applyActionAnswer(id, item, since);
    toast(dueAt === null ? 'Manual SLA cleared' : 'Manual SLA set');
    return true;
  } catch (err) {
    failed('Could not set the SLA', err);
    return false;
  }
}

export async function acceptOffer(id: string): Promise<void> {
  const since = streamSeq();
  try {
    const item = await api.post<ActiveItem>(`/api/v1/conversations/${seg(id)}/accept`);
    applyActionAnswer(id, item, since);
    openConversation(id);
  } catch (err) {
    const offers = { ...store.get().offers };
    delete offers[id];
    store.set({ offers });
    failed('Could not accept', err);
  }
}

export async function declineOffer(id: string): Promise<void> {
  applyActionAnswer(id, null, streamSeq());
  try {
    await api.post(`/api/v1/conversations/${seg(id)}/decline`);
  } catch (err) {
    if (!(err instanceof ApiError && (err.status === 404 || err.status === 409))) failed('Could not decline', err);
  }
}

export async function saveSettings(patch: UserSettings): Promise<boolean> {
  try {
    const settings = await api.patch<UserSettings>('/api/v1/me/settings', patch);
    store.set({ settings, datePrefs: prefsOf(settings) });
    toast('Settings saved');
    return true;
  } catch (err) {
    failed('Could not save the settings', err);
    return false;
  }
}

export async function markNotificationRead(id: string): Promise<void> {
  const s = store.get();
  const n = s.notifications.find((x) => x.id === id);
  if (!n || n.read) return;
  store.set({
    notifications: s.notifications.map((x) => (x.id === id ? { ...x, read: true } : x)),
    unreadNotifications: Math.max(0, s.unreadNotifications - 1),
  });
  try {
    await api.post(`/api/v1/me/notifications/${seg(id)}/read`);
  } catch {
    // shown read anyway
  }
}

export function openPanel(panel: AppState['panel']): void {
  store.set((s) => ({ panel: s.panel === panel ? null : panel }));
}

/** The Console tab (managers): shows the console; unlike the settings and notifications buttons it does not toggle. */
export function showConsole(): void {
  store.set({ panel: 'console' });
}

/** Tells the consumer the agent is typing (throttled in Realtime). */
export function notifyTyping(conversationId: string): void {
  realtime?.typing(conversationId);
}

/** Sends a message; the server's echo over realtime is deduplicated by id in the transcript. */
export async function sendText(id: string, text: string, clientMessageId: string): Promise<Message> {
  return api.post<Message>(`/api/v1/conversations/${seg(id)}/messages`, { text, clientMessageId });
}

/** A file, with an optional caption (the multipart `text` part), as one message. */
export async function sendFile(id: string, file: File, clientMessageId: string, caption?: string): Promise<Message> {
  const form = new FormData();
  form.append('clientMessageId', clientMessageId);
  if (caption?.trim()) form.append('text', caption.trim());
  form.append('file', file, file.name);
  return api.post<Message>(`/api/v1/conversations/${seg(id)}/messages`, form);
}

export function copyTranscriptToHost(id: string, text: string): void {
  bridge.post('transcript', { id, text });
}

// ------------------------------------------------------------------ host page commands

function onBridgeCommand(cmd: BridgeCommand): void {
  // The bridge listens only while signed in; a command never outlives the session it came in.
  const session = store.get().session;
  if (!session) return;
  switch (cmd.type) {
    case 'openConversation':
      if (typeof cmd.data.id === 'string') openConversation(cmd.data.id);
      break;
    case 'setStatus':
      if (typeof cmd.data.status === 'string') void setStatus(cmd.data.status as AgentStatus);
      break;
    case 'insertText':
      if (typeof cmd.data.text === 'string') store.set((s) => ({ insertRequest: { text: cmd.data.text as string, n: (s.insertRequest?.n ?? 0) + 1 } }));
      break;
    case 'requestTranscript': {
      const id = typeof cmd.data.id === 'string' ? cmd.data.id : store.get().selectedId;
      if (!id) break;
      api.text(`/api/v1/conversations/${seg(id)}/transcript.txt`).then(
        (text) => {
          if (store.get().session?.token === session.token) bridge.post('transcript', { id, text });
        },
        () => undefined, // not this agent's to read, or gone: the host's request times out
      );
      break;
    }
  }
}

export const savedAccountId = () => new URLSearchParams(location.search).get('account') ?? readItem('parley.lastAccount') ?? '';
export const rememberAccount = (id: string) => writeItem('parley.lastAccount', id);
