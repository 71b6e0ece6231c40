/**
 * What survives a reload: the open tabs (session ids, order, names) and the UI preferences.
 * The sessions themselves live in the host; on start the renderer re-attaches the tabs whose
 * sessions still exist and drops the rest.
 */
import { DEFAULT_PROFILE, type Stats } from '../electron/contract';
import { createTab, type Tab, type TabsState } from './tabs';

/** Bump when the stored shape changes; an unknown version is ignored rather than misread. */
const TABS_VERSION = 1;
export const TABS_KEY = 'linger.tabs';
export const PREFS_KEY = 'linger.prefs';

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
