import { t } from '../i18n/index.js';
import { ApiError, api } from '../lib/api.js';
import { writeJson } from '../lib/storage.js';
import type { ListStatus } from '../lib/types.js';
import { applyActionAnswer } from './active.js';
import { bridge } from './host.js';
import { streamSeq } from './session.js';
import { type AppState, store, toast } from './store.js';

// What is on screen: the conversation open, the tab, the panel, and the left bar kept across reloads.

export const navKey = (userId: string) => `parley.nav.${userId}`;

export function saveNav(): void {
  const s = store.get();
  if (s.session) writeJson(navKey(s.session.user.id), { pinned: s.pinned, selectedId: s.selectedId });
}

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
    const d = await api.call('GET /api/v1/conversations/{id}', { params: { id } });
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

export function openPanel(panel: AppState['panel']): void {
  store.set((s) => ({ panel: s.panel === panel ? null : panel }));
}

/** The Console tab (managers): shows the console; unlike the settings and notifications buttons it does not toggle. */
export function showConsole(): void {
  store.set({ panel: 'console' });
}

export async function markRead(id: string): Promise<void> {
  try {
    await api.call('POST /api/v1/conversations/{id}/read', { params: { id } });
  } catch {
    // the dot stays
  }
}

/** Removes a closed conversation from the left bar and the Active list (the orange "x"). */
export async function dismiss(id: string): Promise<void> {
  const since = streamSeq();
  try {
    await api.call('DELETE /api/v1/workspace/active/{id}', { params: { id } });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) {
      toast(t('all.removeFailed', { error: (err as Error).message }), 'error');
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
