import { useSyncExternalStore } from 'react';
import { type DatePrefs, DEFAULT_DATE_PREFS } from '../lib/format.js';
import type { ConnectionState } from '../lib/realtime.js';
import type { ActiveItem, Kpis, ListStatus, Notification, Offer, Session, UserSettings } from '../lib/types.js';

export type Tab = 'active' | 'all';
export type Panel = null | 'settings' | 'notifications' | 'console';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface AppState {
  session: Session | null;
  settings: UserSettings;
  datePrefs: DatePrefs;
  connection: ConnectionState;
  active: Record<string, ActiveItem>;
  activeLoaded: boolean;
  offers: Record<string, Offer>;
  /** Per conversation, the seq of the last realtime event about it (lib/active-events.ts): HTTP answers asked before it are older. */
  activeSeqOf: Record<string, number>;
  /** Conversations the agent opened, in the left bar, in the order opened. */
  pinned: string[];
  /** The conversation open in the Active tab; null: the full list, nothing selected. */
  selectedId: string | null;
  tab: Tab;
  /** The conversation open from the All tab. */
  allSelectedId: string | null;
  panel: Panel;
  filters: ListStatus[];
  /** The Active list's label filter (a label id), or null for every label. */
  labelFilter: string | null;
  notifications: Notification[];
  unreadNotifications: number;
  kpis: Kpis | null;
  toasts: Toast[];
  /** Bumped after a resync: open transcripts reload over HTTP. */
  epoch: number;
  /** Text the host page asked to insert into the composer. */
  insertRequest: { text: string; n: number } | null;
  /** Managers: bumped on each `dashboard.changed` socket cue (and on reconnect); the dashboard refetches on it. */
  dashboardTick: number;
  /** Managers: the conversations the last `dashboardTick` was about (null: any, e.g. after a reconnect). */
  dashboardConversations: string[] | null;
}

export const initialState: AppState = {
  session: null,
  settings: {},
  datePrefs: DEFAULT_DATE_PREFS,
  connection: 'connecting',
  active: {},
  activeLoaded: false,
  offers: {},
  activeSeqOf: {},
  pinned: [],
  selectedId: null,
  tab: 'active',
  allSelectedId: null,
  panel: null,
  filters: [],
  labelFilter: null,
  notifications: [],
  unreadNotifications: 0,
  kpis: null,
  toasts: [],
  epoch: 0,
  insertRequest: null,
  dashboardTick: 0,
  dashboardConversations: null,
};

type Listener = () => void;

let state: AppState = initialState;
const listeners = new Set<Listener>();

export const store = {
  get: (): AppState => state,
  set(patch: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void {
    const p = typeof patch === 'function' ? patch(state) : patch;
    state = { ...state, ...p };
    for (const l of [...listeners]) l();
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

/** Subscribes a component to one slice of the state; the selector must return a stable value (a piece of the state, not a new object). */
export function useStore<T>(select: (s: AppState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

let toastId = 0;
export function toast(text: string, tone: Toast['tone'] = 'info'): void {
  const id = ++toastId;
  store.set((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, tone }] }));
  setTimeout(() => store.set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), tone === 'error' ? 7000 : 3500);
}

/** An action that failed, told as an error toast. */
export function failed(what: string, err: unknown): void {
  toast(`${what}: ${(err as Error).message}`, 'error');
}

/** Message and note pushes for whichever conversation view is open. */
type BusListener = (type: string, data: unknown) => void;
const bus = new Set<BusListener>();
export const eventBus = {
  emit(type: string, data: unknown): void {
    for (const l of [...bus]) l(type, data);
  },
  on(l: BusListener): () => void {
    bus.add(l);
    return () => bus.delete(l);
  },
};
