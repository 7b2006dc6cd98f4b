import { applyUserLanguage, t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { type DatePrefs, DEFAULT_DATE_PREFS } from '../lib/format.js';
import { unlockAudio } from '../lib/sound.js';
import { writeJson } from '../lib/storage.js';
import type { AgentStatus, UserSettings } from '../lib/types.js';
import { bridge } from './host.js';
import { SESSION_KEY } from './session.js';
import { failed, store, toast } from './store.js';

// The signed-in user's own things: status, settings, notifications and KPIs.

export function prefsOf(settings: UserSettings): DatePrefs {
  return {
    dateFormat: settings.dateFormat ?? DEFAULT_DATE_PREFS.dateFormat,
    timeFormat: settings.timeFormat ?? DEFAULT_DATE_PREFS.timeFormat,
    timeZone: settings.timeZone ?? DEFAULT_DATE_PREFS.timeZone,
  };
}

export async function reloadNotifications(): Promise<void> {
  try {
    const r = await api.call('GET /api/v1/me/notifications');
    store.set({ notifications: r.items, unreadNotifications: r.unread });
  } catch {
    // shown empty
  }
}

export async function refreshKpis(): Promise<void> {
  try {
    store.set({ kpis: await api.call('GET /api/v1/me/kpis') });
  } catch {
    // the bar keeps its last values
  }
}

/** Change the agent's status, with a status reason of Away / Back soon (or none). */
export async function setStatus(status: AgentStatus, reasonId: string | null = null): Promise<void> {
  unlockAudio();
  try {
    const user = await api.call('PUT /api/v1/me/status', { body: { status, ...(reasonId && { reasonId }) } });
    const s = store.get();
    if (s.session) {
      const session = { ...s.session, user };
      store.set({ session });
      writeJson(SESSION_KEY, session);
    }
    bridge.post('status.changed', { status: user.status });
  } catch (err) {
    failed(t('status.changeFailed'), err);
  }
}

export async function saveSettings(patch: UserSettings): Promise<boolean> {
  try {
    const settings = await api.call('PATCH /api/v1/me/settings', { body: patch });
    store.set({ settings, datePrefs: prefsOf(settings) });
    await applyUserLanguage(settings.language).catch(() => undefined);
    toast(t('settings.saved'));
    return true;
  } catch (err) {
    failed(t('settings.saveFailed'), err);
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
    await api.call('POST /api/v1/me/notifications/{id}/read', { params: { id } });
  } catch {
    // shown read anyway
  }
}
