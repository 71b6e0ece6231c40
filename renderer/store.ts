/**
 * The renderer's state (zustand): tabs, the active tab, the host's stats, profiles, recent
 * events, toasts, attention badges, connection and preferences. Terminal output never passes through here —
 * it goes straight to the xterm.js instances (terminal-view.ts) — so React renders on what a
 * user can see change (a tab, a title, a row), not on every chunk.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LedgerEvent, ProfileInfo, Stats } from '../electron/contract';
import { NO_ALERTS, type Alerts } from './attention';
import type { NotifyPermission } from './notifier';
import { DEFAULT_PREFS, type Prefs } from './persist';
import { EMPTY_TABS, type TabsState } from './tabs';
import type { ConnectionInfo } from './ws-client';

export interface Toast {
  id: number;
  message: string;
  /** A session the toast is about: it gets an Open button. */
  sessionId?: string;
}

export interface AppState extends TabsState {
  stats: Stats | null;
  profiles: ProfileInfo[];
  events: LedgerEvent[];
  toasts: Toast[];
  /** Sessions that asked for attention this window's user has not seen yet. */
  alerts: Alerts;
  /** Whether OS notifications can show (the browser's permission; always granted in the desktop app). */
  notifyPermission: NotifyPermission;
  connection: ConnectionInfo;
  prefs: Prefs;
  findOpen: boolean;
  /** The first restore (re-attach stored tabs, or open a new one) has run. */
  ready: boolean;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(prefs: Prefs = DEFAULT_PREFS): AppStore {
  return createStore<AppState>(() => ({
    ...EMPTY_TABS,
    stats: null,
    profiles: [],
    events: [],
    toasts: [],
    alerts: NO_ALERTS,
    notifyPermission: 'unsupported',
    connection: { state: 'connecting', reconnected: false, retryInMs: null },
    prefs,
    findOpen: false,
    ready: false,
  }));
}

/** Applies a pure tab transition; an unchanged result notifies nobody. */
export function updateTabs(store: AppStore, transition: (state: TabsState) => TabsState): void {
  const state = store.getState();
  const current: TabsState = { tabs: state.tabs, activeId: state.activeId };
  const next = transition(current);
  if (next.tabs === current.tabs && next.activeId === current.activeId) return;
  store.setState({ tabs: next.tabs, activeId: next.activeId });
}

let nextToastId = 1;

/** The same message twice in a row shows once: a flood of one failure is one toast. */
export function pushToast(store: AppStore, message: string, sessionId?: string): void {
  const toasts = store.getState().toasts;
  if (toasts.some((t) => t.message === message)) return;
  store.setState({ toasts: [...toasts, { id: nextToastId++, message, ...(sessionId ? { sessionId } : {}) }] });
}

export function dismissToast(store: AppStore, id: number): void {
  store.setState({ toasts: store.getState().toasts.filter((t) => t.id !== id) });
}

export function setPrefs(store: AppStore, patch: Partial<Prefs>): void {
  store.setState({ prefs: { ...store.getState().prefs, ...patch } });
}
