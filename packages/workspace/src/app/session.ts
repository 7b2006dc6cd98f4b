import { applyUserLanguage, loadLanguage, resolveLanguage, t } from '../i18n/index.js';
import { ApiError, api } from '../lib/api.js';
import { frameAccountId } from '../lib/embed-bridge.js';
import { Realtime } from '../lib/realtime.js';
import { unlockAudio } from '../lib/sound.js';
import { readItem, readJson, writeItem, writeJson } from '../lib/storage.js';
import type { Session, UserSettings } from '../lib/types.js';
import { awaitBaseline, baselineReached, reloadActive } from './active.js';
import { bridge } from './host.js';
import { prefsOf, refreshKpis, reloadNotifications } from './me.js';
import { navKey, openConversation } from './navigation.js';
import { handleEvent } from './realtime-events.js';
import { initialState, store, toast } from './store.js';

/** The signed-in session, kept across reloads. */
export const SESSION_KEY = 'parley.session';

let realtime: Realtime | null = null;

/** Where the realtime stream stands now: an HTTP answer asked now is at least this new (-1: no baseline yet). */
export const streamSeq = () => realtime?.seq ?? -1;

/** Tells the consumer the agent is typing (throttled in Realtime). */
export function notifyTyping(conversationId: string): void {
  realtime?.typing(conversationId);
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
    const user = await api.call('GET /api/v1/me');
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
    super(t('signIn.frameAccountError', { account: frameAccountId }));
  }
}

export async function signIn(accountId: string, username: string, password: string): Promise<void> {
  unlockAudio();
  // In a frame, only the account of the embed URL: the host page was allowed by that account, not by another.
  const frameAccount = frameAccountId();
  if (frameAccount && accountId !== frameAccount) throw new FrameAccountError(frameAccount);
  const r = await api.call('POST /api/v1/auth/login', { body: { accountId, username, password, ...(frameAccount && { frameAccountId: frameAccount }) } });
  if (frameAccount && r.user.accountId !== frameAccount) {
    // Never kept: an older server that does not check `frameAccountId` itself.
    await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${r.token}` } }).catch(() => undefined);
    throw new FrameAccountError(frameAccount);
  }
  await start(r);
}

/** Single sign-on (app/sso.ts): trade the callback's one-time code for the session; a frame names its account, as for passwords. */
export async function signInWithCode(code: string): Promise<void> {
  unlockAudio();
  const frameAccount = frameAccountId();
  await start(await api.call('POST /api/v1/auth/oidc/exchange', { body: { code, ...(frameAccount && { frameAccountId: frameAccount }) } }));
}

/** How long the workspace waits for the user's settings before showing itself in the language it has. */
const SETTINGS_WAIT_MS = 4000;

/**
 * The user's settings and their language's catalogue, fetched before the workspace shows (its
 * first frame is then in their language: no English flash). A slow server: after SETTINGS_WAIT_MS
 * the workspace shows in the language it has, and `later` gets the settings when they come.
 */
async function settingsFirst(later: (settings: UserSettings) => void): Promise<UserSettings | null> {
  const call = api
    .call('GET /api/v1/me/settings')
    .catch(() => ({}) as UserSettings)
    .then(async (settings) => {
      await loadLanguage(resolveLanguage(settings.language)).catch(() => undefined);
      return settings;
    });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([call, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SETTINGS_WAIT_MS)))]);
  clearTimeout(timer);
  if (first === null) void call.then(later);
  return first;
}

/** The settings in the store, and their language shown (at once when its catalogue is in). */
function applySettings(settings: UserSettings): Promise<void> {
  store.set({ settings, datePrefs: prefsOf(settings), filters: settings.defaultFilters ?? [] });
  return applyUserLanguage(settings.language).catch(() => undefined);
}

async function start(session: Session): Promise<void> {
  api.token = session.token;
  api.onUnauthorized = () => endSession(t('app.sessionEnded'));
  writeJson(SESSION_KEY, session);
  const nav = readJson<{ pinned?: string[]; selectedId?: string | null }>(navKey(session.user.id), {});
  // Managers land on the console (the Active list is empty for a manager without skills); agents on Active.
  const panel = session.user.role === 'manager' ? 'console' : null;
  const settings = await settingsFirst((s) => {
    if (store.get().session === session) void applySettings(s); // still this session's
  });
  // The language and the workspace in one go: React renders them together, the first frame in the user's language.
  store.set({ ...initialState, session, pinned: nav.pinned ?? [], selectedId: null, panel, connection: 'connecting' });
  const settingsApplied = settings ? applySettings(settings) : Promise.resolve();
  // The bridge talks only with origins of the signed-in user's own account, bound afresh for each session.
  void bridge.bind(session.user.accountId);
  bridge.post('auth.changed', { signedIn: true, user: { id: session.user.id, displayName: session.user.displayName, accountId: session.user.accountId } });
  bridge.post('status.changed', { status: session.user.status });
  const stream = new Realtime(session.token, {
    onEvent: handleEvent,
    onState: (connection) => {
      const was = store.get().connection;
      store.set({ connection });
      if (connection === 'online' && was !== 'online' && store.get().activeLoaded) void refreshKpis();
      if (connection === 'online' && was !== 'online') store.set((s) => ({ dashboardTick: s.dashboardTick + 1, dashboardConversations: null }));
    },
    onResync: () => void reloadAll(),
    onDashboardChanged: (ids) => store.set((s) => ({ dashboardTick: s.dashboardTick + 1, dashboardConversations: ids })),
    onUnauthorized: () => endSession(t('app.sessionEnded')),
    onBaseline: baselineReached,
  });
  realtime = stream;
  // The list is read once the stream has its baseline (or after a moment without one, e.g. offline).
  await awaitBaseline(() => stream.start());
  await Promise.all([settingsApplied, reloadAll()]);
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
  void applyUserLanguage(undefined, false).catch(() => undefined);
  if (message) toast(message, 'error');
}

export async function signOut(): Promise<void> {
  try {
    await api.call('POST /api/v1/auth/logout');
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

export const savedAccountId = () => new URLSearchParams(location.search).get('account') ?? readItem('parley.lastAccount') ?? '';
export const rememberAccount = (id: string) => writeItem('parley.lastAccount', id);
