import { describe, expect, it } from 'vitest';
import {
  EMPTY_TABS,
  activateTab,
  addTab,
  closeTab,
  createTab,
  cycleTab,
  exitLine,
  markActivity,
  markAttached,
  markExited,
  markGone,
  markReattaching,
  markRestarting,
  markStarted,
  moveTab,
  renameTab,
  syncTitles,
  tabLabel,
  type TabsState,
} from '../tabs';
import { row, stats } from './fixtures';

const tab = (id: string) => createTab({ sessionId: id, profile: 'shell', title: 'Shell' });
const ids = (s: TabsState) => s.tabs.map((t) => t.sessionId);

function three(): TabsState {
  let s = EMPTY_TABS;
  for (const id of ['a', 'b', 'c']) s = addTab(s, tab(id), { atEnd: true });
  return s;
}

describe('adding tabs', () => {
  it('activates a new tab and puts it right after the active one', () => {
    let s = three();
    s = activateTab(s, 'a');
    s = addTab(s, tab('d'));
    expect(ids(s)).toEqual(['a', 'd', 'b', 'c']);
    expect(s.activeId).toBe('d');
  });

  it('focuses the existing tab instead of opening a second one on the same session', () => {
    const s = addTab(three(), tab('a'));
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    expect(s.activeId).toBe('a');
  });

  it('a new tab starts attaching, not started, without a custom name', () => {
    const t = tab('x');
    expect(t.status).toBe('attaching');
    expect(t.started).toBe(false);
    expect(tabLabel(t)).toBe('Shell');
  });
});

describe('closing tabs', () => {
  it('closing the active tab activates its right neighbour', () => {
    const s = closeTab(activateTab(three(), 'b'), 'b');
    expect(ids(s)).toEqual(['a', 'c']);
    expect(s.activeId).toBe('c');
  });

  it('closing the last tab activates its left neighbour', () => {
    const s = closeTab(three(), 'c');
    expect(s.activeId).toBe('b');
  });

  it('closing a background tab keeps the active one', () => {
    const s = closeTab(three(), 'a');
    expect(ids(s)).toEqual(['b', 'c']);
    expect(s.activeId).toBe('c');
  });

  it('closing the only tab leaves no active tab', () => {
    const s = closeTab(addTab(EMPTY_TABS, tab('a')), 'a');
    expect(s).toEqual({ tabs: [], activeId: null });
  });

  it('closing an unknown tab changes nothing', () => {
    const s = three();
    expect(closeTab(s, 'zzz')).toBe(s);
  });
});

describe('switching and reordering', () => {
  it('cycles forward and backward, wrapping around', () => {
    let s = three();
    expect(s.activeId).toBe('c');
    s = cycleTab(s, 1);
    expect(s.activeId).toBe('a');
    s = cycleTab(s, -1);
    expect(s.activeId).toBe('c');
    s = cycleTab(s, -1);
    expect(s.activeId).toBe('b');
  });

  it('moves a tab to an index, clamped to the ends', () => {
    let s = moveTab(three(), 'a', 2);
    expect(ids(s)).toEqual(['b', 'c', 'a']);
    s = moveTab(s, 'a', -5);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    s = moveTab(s, 'c', 99);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
  });

  it('reordering keeps the active tab', () => {
    const s = moveTab(three(), 'c', 0);
    expect(s.activeId).toBe('c');
  });

  it('activating a tab clears its activity dot', () => {
    let s = markActivity(three(), 'a');
    expect(s.tabs[0]!.activity).toBe(true);
    s = activateTab(s, 'a');
    expect(s.tabs[0]!.activity).toBe(false);
  });

  it('the active tab never gets an activity dot', () => {
    const s = three();
    expect(markActivity(s, 'c')).toBe(s);
  });
});

describe('names and titles', () => {
  it('a rename wins over the host title; an empty rename restores it', () => {
    let s = syncTitles(three(), stats([row({ session_id: 'a', title: 'vim · notes' })]));
    s = renameTab(s, 'a', '  build  ');
    expect(tabLabel(s.tabs[0]!)).toBe('build');
    s = syncTitles(s, stats([row({ session_id: 'a', title: 'htop · ~' })]));
    expect(tabLabel(s.tabs[0]!)).toBe('build');
    s = renameTab(s, 'a', '   ');
    expect(tabLabel(s.tabs[0]!)).toBe('htop · ~');
  });

  it('titles follow the host; tabs whose title is unchanged, and the state, stay the same objects', () => {
    const s = three();
    const same = syncTitles(s, stats([row({ session_id: 'a', title: 'Shell' }), row({ session_id: 'zz', title: 'elsewhere' })]));
    expect(same).toBe(s);
    const next = syncTitles(s, stats([row({ session_id: 'b', title: 'bash · tmp' })]));
    expect(next.tabs.map(tabLabel)).toEqual(['Shell', 'bash · tmp', 'Shell']);
    expect(next.tabs[0]).toBe(s.tabs[0]);
  });
});

describe('attach and detach bookkeeping', () => {
  it('a snapshot of a running session makes the tab live with the host title', () => {
    const s = markAttached(three(), row({ session_id: 'b', title: 'user@host: ~' }), true);
    const b = s.tabs[1]!;
    expect(b.status).toBe('live');
    expect(b.title).toBe('user@host: ~');
    expect(b.started).toBe(true);
  });

  it('a snapshot of a blank screen keeps the tab starting until text arrives', () => {
    let s = markAttached(three(), row({ session_id: 'b' }), false);
    expect(s.tabs[1]!.started).toBe(false);
    s = markStarted(s, 'b');
    expect(s.tabs[1]!.started).toBe(true);
  });

  it('a snapshot of an exited session shows it exited with its code', () => {
    const s = markAttached(three(), row({ session_id: 'a', state: 'exited', alive: false, exit_code: 3 }), false);
    expect(s.tabs[0]).toMatchObject({ status: 'exited', exitCode: 3, started: true });
  });

  it('a restored screen without its program waits for Run again; after it, the tab is live', () => {
    let s = markAttached(three(), row({ session_id: 'a', state: 'exited', alive: false, pid: 0, screen_only: true }), true);
    expect(s.tabs[0]).toMatchObject({ status: 'exited', screenOnly: true });
    s = markAttached(s, row({ session_id: 'a', state: 'running' }), true);
    expect(s.tabs[0]).toMatchObject({ status: 'live', screenOnly: false });
  });

  it('exit keeps the tab open, marked exited', () => {
    const s = markExited(three(), 'a', 0, null);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    expect(s.tabs[0]).toMatchObject({ status: 'exited', exitCode: 0 });
  });

  it('a removed session marks its tab gone with the reason', () => {
    const s = markGone(three(), 'b', 'expired');
    expect(s.tabs[1]).toMatchObject({ status: 'gone', notice: 'expired' });
  });

  it('a reconnect re-attaches live and exited tabs, not gone ones', () => {
    let s = markAttached(three(), row({ session_id: 'a' }), true);
    s = markExited(s, 'b', 1, null);
    s = markGone(s, 'c', 'stopped');
    s = markReattaching(s);
    expect(s.tabs.map((t) => t.status)).toEqual(['attaching', 'attaching', 'gone']);
  });

  it('a session the app quit with, saved, leaves its tab waiting to re-attach: not exited, not gone, and a reconnect attaches it', () => {
    let s = markAttached(three(), row({ session_id: 'a' }), true);
    s = markRestarting(s, 'a');
    expect(s.tabs[0]).toMatchObject({ status: 'attaching', notice: null, exitCode: null, exitSignal: null });
    expect(markReattaching(s).tabs[0]!.status).toBe('attaching');
  });

  it('a transition that changes nothing returns the same state', () => {
    const s = markStarted(markStarted(three(), 'a'), 'a');
    expect(markStarted(s, 'a')).toBe(s);
    expect(markActivity(s, 'nope')).toBe(s);
  });
});

describe('exit line', () => {
  it('names the exit code, or the signal when there is no code', () => {
    expect(exitLine(0, null)).toBe('[process exited with code 0]');
    expect(exitLine(130, null)).toBe('[process exited with code 130]');
    expect(exitLine(null, 9)).toBe('[process exited on signal 9]');
  });
});
