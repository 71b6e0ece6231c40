/**
 * What survives a reload: the open tabs (session ids, order, names) and the UI preferences.
 * The sessions themselves live in the host; on start the renderer re-attaches the tabs whose
 * sessions still exist and drops the rest. The host keeps a copy of the tabs too (`saveLayout`),
 * for a browser with none of its own or a desktop app whose storage did not survive.
 */
import { DEFAULT_PROFILE, MAX_LAYOUT_TABS, MAX_TAB_NAME_CHARS, type Layout, type StateNotice, type Stats } from '../electron/contract';
import { createTab, type Tab, type TabsState } from './tabs';

/** Bump when the stored shape changes; an unknown version is ignored rather than misread. */
const TABS_VERSION = 1;
export const TABS_KEY = 'linger.tabs';
export const PREFS_KEY = 'linger.prefs';
/** Ids of the host's notices this browser has shown: each is one toast, not one per reload. */
export const SEEN_NOTICES_KEY = 'linger.seenNotices';
/** Notices are rare (a damaged state file); this many ids is years of them. */
const MAX_SEEN_NOTICES = 100;

/** The part of `Storage` used here, so tests pass a Map-backed fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

interface StoredTab {
  sessionId: string;
  profile: string;
  title: string;
  customName: string | null;
}

export interface StoredTabs {
  version: typeof TABS_VERSION;
  tabs: StoredTab[];
  activeId: string | null;
}

export type Theme = 'dark' | 'light';

export interface Prefs {
  theme: Theme;
  panelOpen: boolean;
  /**
   * OS notifications when a session asks for attention. On by default: the desktop app needs no
   * permission, and in a browser nothing shows until the user has allowed it (notifier.ts).
   */
  osNotifications: boolean;
}

export const DEFAULT_PREFS: Prefs = { theme: 'dark', panelOpen: false, osNotifications: true };

export function serializeTabs(state: TabsState): StoredTabs {
  return {
    version: TABS_VERSION,
    tabs: state.tabs.map((t) => ({ sessionId: t.sessionId, profile: t.profile, title: t.title, customName: t.customName })),
    activeId: state.activeId,
  };
}

/** Anything unreadable (hand-edited, older version, another app's key) counts as no tabs. */
export function parseTabs(raw: string | null): StoredTabs | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.version !== TABS_VERSION || !Array.isArray(value.tabs)) return null;
  const tabs: StoredTab[] = [];
  for (const t of value.tabs) {
    if (!isRecord(t) || typeof t.sessionId !== 'string' || !t.sessionId) continue;
    tabs.push({
      sessionId: t.sessionId,
      profile: typeof t.profile === 'string' ? t.profile : DEFAULT_PROFILE,
      title: typeof t.title === 'string' ? t.title : '',
      customName: typeof t.customName === 'string' && t.customName ? t.customName : null,
    });
  }
  return { version: TABS_VERSION, tabs, activeId: typeof value.activeId === 'string' ? value.activeId : null };
}

/** What the host is told of this window's tabs: order, names, the active one. */
export function layoutOf(state: TabsState): Layout {
  const tabs = state.tabs.slice(0, MAX_LAYOUT_TABS).map((t) => ({ sessionId: t.sessionId, name: t.customName?.slice(0, MAX_TAB_NAME_CHARS) || null }));
  return { tabs, activeId: state.activeId };
}

/** The host's saved layout as stored tabs (profiles and titles come from the host's rows). */
export function layoutTabs(layout: Layout | null, stats: Stats): StoredTabs | null {
  if (!layout) return null;
  const rows = new Map(stats.sessions.map((s) => [s.session_id, s]));
  return {
    version: TABS_VERSION,
    tabs: layout.tabs.map((t) => ({
      sessionId: t.sessionId,
      profile: rows.get(t.sessionId)?.profile ?? DEFAULT_PROFILE,
      title: rows.get(t.sessionId)?.title ?? '',
      customName: t.name,
    })),
    activeId: layout.activeId,
  };
}

/**
 * The tabs to open at start: this browser's own, when any of their sessions still exist (they
 * are this window's, and written on every change); else the host's saved layout.
 */
export function startupTabs(own: StoredTabs | null, hostLayout: Layout | null, stats: Stats): TabsState {
  const mine = restorableTabs(own, stats);
  return mine.tabs.length > 0 ? mine : restorableTabs(layoutTabs(hostLayout, stats), stats);
}

/** The notices this browser has not shown yet; marks them shown. */
export function unseenNotices(store: KeyValueStore, notices: StateNotice[]): StateNotice[] {
  let seen: string[] = [];
  try {
    const value: unknown = JSON.parse(store.getItem(SEEN_NOTICES_KEY) ?? '[]');
    if (Array.isArray(value)) seen = value.filter((v): v is string => typeof v === 'string');
  } catch {
    // unreadable: show them again rather than never
  }
  const fresh = notices.filter((n) => !seen.includes(n.id));
  if (fresh.length) saveJson(store, SEEN_NOTICES_KEY, [...seen, ...fresh.map((n) => n.id)].slice(-MAX_SEEN_NOTICES));
  return fresh;
}

/** The stored tabs whose sessions still exist, in their order, ready to re-attach. */
export function restorableTabs(stored: StoredTabs | null, stats: Stats): TabsState {
  if (!stored) return { tabs: [], activeId: null };
  const live = new Map(stats.sessions.map((s) => [s.session_id, s]));
  const seen = new Set<string>();
  const tabs: Tab[] = [];
  for (const t of stored.tabs) {
    const row = live.get(t.sessionId);
    if (!row || seen.has(t.sessionId)) continue;
    seen.add(t.sessionId);
    tabs.push(createTab({ sessionId: t.sessionId, profile: t.profile, title: row.title || t.title, customName: t.customName }));
  }
  const activeId = tabs.some((t) => t.sessionId === stored.activeId) ? stored.activeId : (tabs[0]?.sessionId ?? null);
  return { tabs, activeId };
}

export function parsePrefs(raw: string | null): Prefs {
  if (!raw) return DEFAULT_PREFS;
  try {
    const value: unknown = JSON.parse(raw);
    if (!isRecord(value)) return DEFAULT_PREFS;
    return {
      theme: value.theme === 'light' ? 'light' : 'dark',
      panelOpen: value.panelOpen === true,
      osNotifications: value.osNotifications !== false,
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

/** Storage can be full or disabled (private mode); losing a preference must not break the UI. */
export function saveJson(store: KeyValueStore, key: string, value: unknown): void {
  try {
    store.setItem(key, JSON.stringify(value));
  } catch {
    // Nothing useful to do: the next successful save catches up.
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
