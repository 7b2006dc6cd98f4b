import { t } from '../i18n/index.js';
import { type ActiveState, applyAnswer, applySnapshot } from '../lib/active-events.js';
import { incomingCount } from '../lib/active-list.js';
import { ApiError, api } from '../lib/api.js';
import type { ActiveItem } from '../lib/types.js';
import { bridge } from './host.js';
import { saveNav } from './navigation.js';
import { streamSeq } from './session.js';
import { type AppState, store, toast } from './store.js';

// The Active list in the store, built by the pure lib/active-events.ts.

let onBaseline: (() => void) | null = null;
let activeAskedBeforeBaseline = false;

export const activeOf = (s: AppState): ActiveState => ({ items: s.active, offers: s.offers, seqOf: s.activeSeqOf });
export const activePatch = (a: ActiveState): Partial<AppState> => ({ active: a.items, offers: a.offers, activeSeqOf: a.seqOf });

/**
 * Starts the realtime stream with `startStream` and waits for its baseline (or a moment without
 * one, e.g. offline) so the list is read after it.
 */
export async function awaitBaseline(startStream: () => void): Promise<void> {
  activeAskedBeforeBaseline = false;
  const baseline = new Promise<void>((resolve) => {
    onBaseline = resolve;
  });
  startStream();
  await Promise.race([baseline, new Promise((resolve) => setTimeout(resolve, 3000))]);
  onBaseline = null;
}

/** The stream has its baseline. */
export function baselineReached(): void {
  onBaseline?.();
  // A list read before the stream's baseline may have missed events from between: read it again.
  if (activeAskedBeforeBaseline) void reloadActive();
}

/** The answer to one of the agent's own actions about `id`, asked at `sinceSeq`: applied unless a newer event about it came meanwhile. */
export function applyActionAnswer(id: string, row: ActiveItem | null, sinceSeq: number): void {
  store.set((s) => activePatch(applyAnswer(activeOf(s), id, row, sinceSeq)));
}

export async function reloadActive(): Promise<void> {
  const since = streamSeq();
  if (since < 0) activeAskedBeforeBaseline = true;
  try {
    const r = await api.all('GET /api/v1/workspace/active');
    store.set((s) => {
      const a = applySnapshot(activeOf(s), r.items, since);
      return { ...activePatch(a), activeLoaded: true, pinned: s.pinned.filter((id) => a.items[id]) };
    });
    announceUnread();
    saveNav();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) toast(t('active.loadFailed', { error: (err as Error).message }), 'error');
  }
}

let lastUnread = -1;
export function announceUnread(): void {
  const n = incomingCount(Object.values(store.get().active));
  document.title = n > 0 ? `(${n}) Parley` : 'Parley';
  if (n !== lastUnread) bridge.post('unread.changed', { count: n });
  lastUnread = n;
}
