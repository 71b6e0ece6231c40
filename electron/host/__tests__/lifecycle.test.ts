import { describe, expect, test } from 'vitest';
import { buildStats, expiresInSeconds, isStale, rowState, staleSessions, toRow, type SessionFacts } from '../lifecycle';

const T0 = 1_700_000_000_000;
const TTL = 300;

function facts(overrides: Partial<SessionFacts> = {}): SessionFacts {
  return {
    id: 's1',
    profile: 'shell',
    title: 'bash',
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
