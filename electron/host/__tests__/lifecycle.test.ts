import { describe, expect, test } from 'vitest';
import { buildStats, expiresInSeconds, folderName, isStale, rowState, sessionTitle, staleSessions, toRow, type SessionFacts } from '../lifecycle';

const T0 = 1_700_000_000_000;
const TTL = 300;

function facts(overrides: Partial<SessionFacts> = {}): SessionFacts {
  return {
    id: 's1',
    profile: 'shell',
    label: 'Shell',
    oscTitle: '',
    home: '/home/u',
    command: 'bash',
    args: [],
    cwd: '/',
    pid: 42,
    processState: 'running',
    attachedViews: 0,
    kept: false,
    createdAt: T0,
    lastActivity: T0,
    exitCode: null,
    exitSignal: null,
    cols: 80,
    rows: 24,
    recording: false,
    currentCwd: null,
    foreground: null,
    runningCommand: null,
    lastCommand: null,
    preview: null,
    notify: true,
    restoredFrom: null,
    screenOnly: false,
    ...overrides,
  };
}
const at = (seconds: number) => T0 + seconds * 1000;

describe('staleness', () => {
  test('a detached session becomes stale only once idle exceeds the TTL', () => {
    expect(isStale(facts(), at(TTL), TTL)).toBe(false);
    expect(isStale(facts(), at(TTL + 0.001), TTL)).toBe(true);
  });

  test('an attached session never expires, however idle', () => {
    const attached = facts({ attachedViews: 1 });
    expect(isStale(attached, at(10 * TTL), TTL)).toBe(false);
    expect(expiresInSeconds(attached, at(10), TTL)).toBeNull();
  });

  test('a kept session is exempt while running, but not once exited', () => {
    expect(isStale(facts({ kept: true }), at(10 * TTL), TTL)).toBe(false);
    expect(expiresInSeconds(facts({ kept: true }), at(1), TTL)).toBeNull();
    expect(isStale(facts({ kept: true, processState: 'exited' }), at(TTL + 1), TTL)).toBe(true);
  });

  test('an exited session expires when detached and idle, not while a view shows it', () => {
    expect(isStale(facts({ processState: 'exited' }), at(TTL + 1), TTL)).toBe(true);
    expect(isStale(facts({ processState: 'exited', attachedViews: 1 }), at(TTL + 1), TTL)).toBe(false);
  });

  test('activity restarts the clock', () => {
    expect(isStale(facts({ lastActivity: at(200) }), at(TTL + 1), TTL)).toBe(false);
    expect(expiresInSeconds(facts({ lastActivity: at(200) }), at(TTL + 1), TTL)).toBeCloseTo(199, 5);
  });

  test('expires-in counts down to zero and never below', () => {
    expect(expiresInSeconds(facts(), at(0), TTL)).toBe(TTL);
    expect(expiresInSeconds(facts(), at(299.5), TTL)).toBeCloseTo(0.5, 5);
    expect(expiresInSeconds(facts(), at(1000), TTL)).toBe(0);
  });
});

describe('rows and stats', () => {
  test('the state a user sees: exited, else detached without a view, else running', () => {
    expect(rowState(facts({ attachedViews: 2 }))).toBe('running');
    expect(rowState(facts())).toBe('detached');
    expect(rowState(facts({ processState: 'exited', attachedViews: 1 }))).toBe('exited');
  });

  test('a row keeps the seed field names, in whole seconds', () => {
    const row = toRow(facts({ lastActivity: at(10) }), at(70.7), TTL);
    expect(row).toMatchObject({
      session_id: 's1',
      state: 'detached',
      alive: true,
      attached: false,
      kept: false,
      age_seconds: 70,
      idle_seconds: 60,
      expires_in_seconds: 240,
      exit_code: null,
      pid: 42,
    });
  });

  test('stats count each state, and stale counts what the next sweep will end', () => {
    const all = [
      facts({ id: 'running', attachedViews: 1 }),
      facts({ id: 'detached-fresh', lastActivity: at(100) }),
      facts({ id: 'detached-stale' }),
      facts({ id: 'kept', kept: true }),
      facts({ id: 'exited-stale', processState: 'exited', exitCode: 0 }),
    ];
    const stats = buildStats(all, at(TTL + 50), TTL);
    expect(stats).toMatchObject({ total_sessions: 5, active: 1, detached: 3, exited: 1, stale: 2, ttl_seconds: TTL });
    expect(staleSessions(all, at(TTL + 50), TTL).map((f) => f.id)).toEqual(['detached-stale', 'exited-stale']);
  });
});

describe('the title a tab and a card show', () => {
  test('the title the program set wins; else "<foreground> · <cwd folder>"; else the label', () => {
    expect(sessionTitle(facts({ oscTitle: 'user@host: ~/src', foreground: 'vim', currentCwd: '/src' }))).toBe('user@host: ~/src');
    expect(sessionTitle(facts({ foreground: 'vim', currentCwd: '/home/u/src/linger' }))).toBe('vim · linger');
    expect(sessionTitle(facts({ foreground: 'bash', currentCwd: '/home/u' }))).toBe('bash · ~');
    expect(sessionTitle(facts({ foreground: 'bash', currentCwd: null }))).toBe('bash');
    // Exited (no foreground), or not on Linux and no shell integration.
    expect(sessionTitle(facts({ foreground: null, currentCwd: '/tmp' }))).toBe('Shell');
    expect(sessionTitle(facts({ oscTitle: '   ', foreground: 'top', currentCwd: '/' }))).toBe('top · /');
    expect(toRow(facts({ foreground: 'vim', currentCwd: '/tmp' }), at(1), TTL).title).toBe('vim · tmp');
  });

  test('the folder is the last part of the path, ~ for home, / for the root', () => {
    expect(folderName('/tmp', '/home/u')).toBe('tmp');
    expect(folderName('/tmp/', '/home/u')).toBe('tmp');
    expect(folderName('/home/u', '/home/u/')).toBe('~');
    expect(folderName('/home/u/x', null)).toBe('x');
    expect(folderName('/', '/')).toBe('~');
    expect(folderName('/', null)).toBe('/');
  });

  test('a row carries what the shell and the kernel said, and the preview', () => {
    const last = { command: 'make', exit_code: 2, duration_ms: 12_000 };
    const row = toRow(
      facts({ currentCwd: '/src', foreground: 'sleep', runningCommand: 'sleep 9', lastCommand: last, preview: 'a\nb\n$', notify: false }),
      at(1),
      TTL,
    );
    expect(row).toMatchObject({
      current_cwd: '/src',
      foreground: 'sleep',
      running_command: 'sleep 9',
      last_command: last,
      preview: 'a\nb\n$',
      notify: false,
    });
  });
});
