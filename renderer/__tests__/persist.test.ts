import { describe, expect, it } from 'vitest';
import { MAX_LAYOUT_TABS, MAX_TAB_NAME_CHARS, requestSchemas } from '../../electron/contract';
import { DEFAULT_PREFS, TABS_KEY, layoutOf, parsePrefs, parseTabs, restorableTabs, saveJson, serializeTabs, startupTabs, unseenNotices } from '../persist';
import { EMPTY_TABS, addTab, createTab, renameTab, type TabsState } from '../tabs';
import { row, stats } from './fixtures';

function tabs(...idList: string[]): TabsState {
  let s = EMPTY_TABS;
  for (const id of idList) s = addTab(s, createTab({ sessionId: id, profile: 'shell', title: `T ${id}` }), { atEnd: true });
  return s;
}

const roundTrip = (s: TabsState) => parseTabs(JSON.stringify(serializeTabs(s)));

describe('restoring tabs after a reload', () => {
  it('brings back the tabs whose sessions still exist, in order, with names and the active tab', () => {
    const saved = renameTab({ ...tabs('a', 'b', 'c'), activeId: 'b' }, 'c', 'logs');
    const restored = restorableTabs(roundTrip(saved), stats([row({ session_id: 'c' }), row({ session_id: 'a' }), row({ session_id: 'b' })]));
    expect(restored.tabs.map((t) => t.sessionId)).toEqual(['a', 'b', 'c']);
    expect(restored.tabs[2]!.customName).toBe('logs');
    expect(restored.activeId).toBe('b');
    expect(restored.tabs.every((t) => t.status === 'attaching')).toBe(true);
  });

  it('drops tabs whose sessions are gone, and moves the active tab to one that remains', () => {
    const saved = { ...tabs('a', 'b', 'c'), activeId: 'b' };
    const restored = restorableTabs(roundTrip(saved), stats([row({ session_id: 'c' })]));
    expect(restored.tabs.map((t) => t.sessionId)).toEqual(['c']);
    expect(restored.activeId).toBe('c');
  });

  it('restores nothing when no session remains (the app then opens a new shell)', () => {
    const restored = restorableTabs(roundTrip(tabs('a')), stats([]));
    expect(restored).toEqual({ tabs: [], activeId: null });
  });

  it('takes the host title of a restored session', () => {
    const restored = restorableTabs(roundTrip(tabs('a')), stats([row({ session_id: 'a', title: 'vim' })]));
    expect(restored.tabs[0]!.title).toBe('vim');
  });

  it('treats garbage, other versions and duplicate ids as nothing or once', () => {
    const all = stats([row({ session_id: 'a' })]);
    expect(parseTabs(null)).toBeNull();
    expect(parseTabs('{not json')).toBeNull();
    expect(parseTabs(JSON.stringify({ version: 99, tabs: [] }))).toBeNull();
    const dup = parseTabs(JSON.stringify({ version: 1, tabs: [{ sessionId: 'a' }, { sessionId: 'a' }, { nope: 1 }], activeId: 7 }));
    expect(restorableTabs(dup, all).tabs.map((t) => t.sessionId)).toEqual(['a']);
  });
});

describe('after the app restarts (sessions revived with the same ids)', () => {
  const all = stats([row({ session_id: 'a', profile: 'claude-code', title: 'Claude' }), row({ session_id: 'b' }), row({ session_id: 'c' })]);

  it("this browser's own tabs win while any of them still exists", () => {
    const own = roundTrip({ ...tabs('c', 'b'), activeId: 'b' });
    const restored = startupTabs(own, { tabs: [{ sessionId: 'a', name: null }], activeId: 'a' }, all);
    expect(restored.tabs.map((t) => t.sessionId)).toEqual(['c', 'b']);
    expect(restored.activeId).toBe('b');
  });

  it("else the host's layout: order, names and the active tab, profiles and titles from the host", () => {
    const layout = { tabs: [{ sessionId: 'b', name: null }, { sessionId: 'gone', name: 'x' }, { sessionId: 'a', name: 'agent' }], activeId: 'a' };
    for (const own of [null, roundTrip(tabs('gone'))]) {
      const restored = startupTabs(own, layout, all);
      expect(restored.tabs.map((t) => [t.sessionId, t.customName, t.profile, t.title])).toEqual([
        ['b', null, 'shell', 'Shell'],
        ['a', 'agent', 'claude-code', 'Claude'],
      ]);
      expect(restored.activeId).toBe('a');
    }
    expect(startupTabs(null, null, all)).toEqual({ tabs: [], activeId: null });
  });

  it('the layout sent to the host is what its schema accepts, however many tabs or long a name', () => {
    const many = renameTab(tabs(...Array.from({ length: MAX_LAYOUT_TABS + 5 }, (_, i) => `s${i}`)), 's0', 'n'.repeat(MAX_TAB_NAME_CHARS + 10));
    const layout = layoutOf(many);
    expect(requestSchemas.saveLayout.safeParse(layout).success).toBe(true);
    expect(layout.tabs).toHaveLength(MAX_LAYOUT_TABS);
    expect(layout.tabs[0]!.name).toHaveLength(MAX_TAB_NAME_CHARS);
    expect(layoutOf(renameTab(tabs('a'), 'a', 'logs'))).toEqual({ tabs: [{ sessionId: 'a', name: 'logs' }], activeId: 'a' });
  });

  it("the host's notices are shown once per browser: a reload does not repeat them", () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const notice = { id: 'index.json.corrupt-1', message: 'Linger could not restore its saved sessions' };
    expect(unseenNotices(store, [notice])).toEqual([notice]);
    expect(unseenNotices(store, [notice])).toEqual([]);
    const later = { id: 'index.json.corrupt-2', message: 'again' };
    expect(unseenNotices(store, [notice, later])).toEqual([later]);
    storage.set('linger.seenNotices', 'garbage');
    expect(unseenNotices(store, [notice])).toEqual([notice]);
  });
});

describe('preferences', () => {
  it('default to the dark theme with the panel closed, and survive a round trip', () => {
    expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
    expect(DEFAULT_PREFS.theme).toBe('dark');
    expect(parsePrefs('garbage')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs(JSON.stringify({ theme: 'light', panelOpen: true }))).toEqual({ theme: 'light', panelOpen: true, osNotifications: true });
    expect(parsePrefs(JSON.stringify({ osNotifications: false })).osNotifications).toBe(false);
    expect(parsePrefs(JSON.stringify({ theme: 'neon' })).theme).toBe('dark');
  });

  it('a full or disabled storage does not throw', () => {
    const broken = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => saveJson(broken, TABS_KEY, serializeTabs(tabs('a')))).not.toThrow();
  });
});
