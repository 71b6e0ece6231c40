import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, TABS_KEY, parsePrefs, parseTabs, restorableTabs, saveJson, serializeTabs } from '../persist';
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
