/**
 * The tab list as plain data and pure transitions, so the store is a thin wrapper and every
 * rule (which tab becomes active on close, how reorder clamps, what an event does to a tab)
 * is testable without a DOM.
 *
 * Every transition returns the SAME state object when nothing changed, so the store can skip
 * notifying React — the data path calls some of these for every chunk of output.
 */
import type { RemovedReason, SessionRow, Stats } from '../electron/contract';

/**
 * attaching: waiting for the host's snapshot · live: attached, process running ·
 * exited: process ended, tab stays until closed · gone: the session no longer exists.
 */
export type TabStatus = 'attaching' | 'live' | 'exited' | 'gone';

export interface Tab {
  sessionId: string;
  profile: string;
  /** Set by the user (rename); wins over the host's title. */
  customName: string | null;
  /**
   * The host's title for the session: the one the program set (OSC 0/2), else
   * "<foreground> · <cwd folder>", else the profile's label (lifecycle.ts `sessionTitle`).
   */
  title: string;
  status: TabStatus;
  /** The program has put something on the screen; until then the tab says it is starting. */
  started: boolean;
  /** Output arrived while the tab was in the background. */
  activity: boolean;
  exitCode: number | null;
  exitSignal: number | null;
  /** Why the tab no longer has a session (shown in place of the terminal). */
  notice: string | null;
  /** Restored after a restart without its program (not a shell): it waits for Run again. */
  screenOnly: boolean;
}

export interface TabsState {
  tabs: Tab[];
  activeId: string | null;
}

export const EMPTY_TABS: TabsState = { tabs: [], activeId: null };

export function createTab(init: { sessionId: string; profile: string; title: string; customName?: string | null }): Tab {
  return {
    sessionId: init.sessionId,
    profile: init.profile,
    customName: init.customName ?? null,
    title: init.title,
    status: 'attaching',
    started: false,
    activity: false,
    exitCode: null,
    exitSignal: null,
    notice: null,
    screenOnly: false,
  };
}

export function tabLabel(tab: Tab): string {
  return tab.customName || tab.title || tab.profile;
}

export function findTab(state: TabsState, sessionId: string): Tab | undefined {
  return state.tabs.find((t) => t.sessionId === sessionId);
}

/** Adds the tab after the active one (or focuses it if that session already has a tab). */
export function addTab(state: TabsState, tab: Tab, options: { activate?: boolean; atEnd?: boolean } = {}): TabsState {
  const activate = options.activate ?? true;
  if (findTab(state, tab.sessionId)) return activate ? activateTab(state, tab.sessionId) : state;
  const activeIndex = state.tabs.findIndex((t) => t.sessionId === state.activeId);
  const at = options.atEnd || activeIndex < 0 ? state.tabs.length : activeIndex + 1;
  const tabs = [...state.tabs.slice(0, at), tab, ...state.tabs.slice(at)];
  return { tabs, activeId: activate || state.activeId === null ? tab.sessionId : state.activeId };
}

/** Closing the active tab activates its right neighbour, else its left one, like a browser. */
export function closeTab(state: TabsState, sessionId: string): TabsState {
  const index = state.tabs.findIndex((t) => t.sessionId === sessionId);
  if (index < 0) return state;
  const tabs = state.tabs.filter((t) => t.sessionId !== sessionId);
  if (state.activeId !== sessionId) return { tabs, activeId: state.activeId };
  const next = tabs[index] ?? tabs[index - 1] ?? null;
  return { tabs, activeId: next ? next.sessionId : null };
}

export function activateTab(state: TabsState, sessionId: string): TabsState {
  const tab = findTab(state, sessionId);
  if (!tab) return state;
  if (state.activeId === sessionId && !tab.activity) return state;
  const tabs = tab.activity ? replaceTab(state.tabs, { ...tab, activity: false }) : state.tabs;
  return { tabs, activeId: sessionId };
}

/** Ctrl+Tab / Ctrl+Shift+Tab: the next or previous tab, wrapping around. */
export function cycleTab(state: TabsState, offset: number): TabsState {
  const count = state.tabs.length;
  if (count === 0) return state;
  const index = state.tabs.findIndex((t) => t.sessionId === state.activeId);
  const next = (((index < 0 ? 0 : index + offset) % count) + count) % count;
  return activateTab(state, state.tabs[next]!.sessionId);
}

/** Moves a tab to `toIndex` (clamped), as drag-and-drop and Ctrl+Shift+PageUp/Down do. */
export function moveTab(state: TabsState, sessionId: string, toIndex: number): TabsState {
  const from = state.tabs.findIndex((t) => t.sessionId === sessionId);
  if (from < 0) return state;
  const to = Math.max(0, Math.min(state.tabs.length - 1, toIndex));
  if (from === to) return state;
  const tabs = [...state.tabs];
  const [tab] = tabs.splice(from, 1);
  tabs.splice(to, 0, tab!);
  return { ...state, tabs };
}

export function tabIndex(state: TabsState, sessionId: string): number {
  return state.tabs.findIndex((t) => t.sessionId === sessionId);
}

/** An empty or blank name gives the tab back its automatic title. */
export function renameTab(state: TabsState, sessionId: string, name: string): TabsState {
  const trimmed = name.trim();
  return patchTab(state, sessionId, { customName: trimmed ? trimmed : null });
}

/** Every tab takes its session's title from the host's stats (unchanged tabs stay the same objects). */
export function syncTitles(state: TabsState, stats: Stats): TabsState {
  let next = state;
  for (const row of stats.sessions) {
    if (row.title) next = patchTab(next, row.session_id, { title: row.title });
  }
  return next;
}

/** The host's snapshot arrived: the tab shows the session as it is now. */
export function markAttached(state: TabsState, session: SessionRow, hasText: boolean): TabsState {
  const tab = findTab(state, session.session_id);
  if (!tab) return state;
  const exited = session.state === 'exited';
  return patchTab(state, session.session_id, {
    status: exited ? 'exited' : 'live',
    title: session.title || tab.title,
    started: tab.started || hasText || exited,
    exitCode: exited ? session.exit_code : null,
    exitSignal: exited ? session.exit_signal : null,
    notice: null,
    screenOnly: session.screen_only,
  });
}

export function markStarted(state: TabsState, sessionId: string): TabsState {
  return patchTab(state, sessionId, { started: true });
}

/** Output in a background tab lights its activity dot; the active tab never gets one. */
export function markActivity(state: TabsState, sessionId: string): TabsState {
  if (state.activeId === sessionId) return state;
  return patchTab(state, sessionId, { activity: true });
}

export function markExited(state: TabsState, sessionId: string, exitCode: number | null, exitSignal: number | null): TabsState {
  return patchTab(state, sessionId, { status: 'exited', started: true, exitCode, exitSignal });
}

/** The session is gone (stopped elsewhere, expired, or lost while disconnected). */
export function markGone(state: TabsState, sessionId: string, notice: string): TabsState {
  return patchTab(state, sessionId, { status: 'gone', started: true, notice });
}

/**
 * The app quit with the session saved: it comes back when the app does, so its tab waits to
 * re-attach (the reconnect does it), neither exited nor gone.
 */
export function markRestarting(state: TabsState, sessionId: string): TabsState {
  return patchTab(state, sessionId, { status: 'attaching' });
}

/** A reconnect re-attaches every tab whose session may still exist. */
export function markReattaching(state: TabsState): TabsState {
  let next = state;
  for (const tab of state.tabs) {
    if (tab.status === 'live' || tab.status === 'exited') next = patchTab(next, tab.sessionId, { status: 'attaching' });
  }
  return next;
}

export function exitLine(exitCode: number | null, exitSignal: number | null): string {
  if (exitCode === null && exitSignal !== null) return `[process exited on signal ${exitSignal}]`;
  return `[process exited with code ${exitCode ?? 0}]`;
}

/** Why a tab's session is gone for good (a restart's comes back: markRestarting). */
export function removedNotice(reason: Exclude<RemovedReason, 'restart'>): string {
  switch (reason) {
    case 'stopped':
      return 'This session was stopped. Close the tab, or open a new one.';
    case 'stale':
      return 'This session expired after being left detached. Close the tab, or open a new one.';
    case 'shutdown':
      return 'Linger shut down and ended this session. Close the tab, or open a new one.';
  }
}

export const LOST_WHILE_DISCONNECTED =
  'This session ended while Linger was disconnected (stopped or expired). Close the tab, or open a new one.';

function patchTab(state: TabsState, sessionId: string, patch: Partial<Tab>): TabsState {
  const tab = findTab(state, sessionId);
  if (!tab) return state;
  let changed = false;
  for (const key of Object.keys(patch) as Array<keyof Tab>) {
    if (tab[key] !== patch[key]) changed = true;
  }
  if (!changed) return state;
  return { ...state, tabs: replaceTab(state.tabs, { ...tab, ...patch }) };
}

function replaceTab(tabs: Tab[], tab: Tab): Tab[] {
  return tabs.map((t) => (t.sessionId === tab.sessionId ? tab : t));
}
