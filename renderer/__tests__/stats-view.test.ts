import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../electron/contract';
import { detachHint, emptyStateSentence, eventViews, formatDuration, mergeEvents, rowView, sessionRows, summaryItems } from '../stats-view';
import { row, stats } from './fixtures';

const none = new Set<string>();

describe('formatDuration', () => {
  it('reads like a stopwatch', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(59.9)).toBe('0:59');
    expect(formatDuration(299)).toBe('4:59');
    expect(formatDuration(300)).toBe('5:00');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('never shows negative or broken numbers', () => {
    expect(formatDuration(-3)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('a session row', () => {
  it('a detached session counts down to its expiry', () => {
    const v = rowView(row({ session_id: 's', state: 'detached', attached: false, age_seconds: 75, idle_seconds: 1, expires_in_seconds: 299 }), none);
    expect(v).toMatchObject({ state: 'detached', age: '1:15', idle: '0:01', expires: '4:59', expiresSoon: false, exit: null });
  });

  it('a countdown under a minute is flagged', () => {
    expect(rowView(row({ session_id: 's', state: 'detached', expires_in_seconds: 42 }), none).expiresSoon).toBe(true);
  });

  it('a kept running session says kept instead of a countdown', () => {
    const v = rowView(row({ session_id: 's', state: 'detached', attached: false, kept: true, expires_in_seconds: null }), none);
    expect(v.expires).toBe('kept');
    expect(v.kept).toBe(true);
  });

  it('an attached session does not expire', () => {
    expect(rowView(row({ session_id: 's' }), none).expires).toBe('—');
  });

  it('an exited session shows its exit code or signal', () => {
    expect(rowView(row({ session_id: 's', state: 'exited', alive: false, exit_code: 2 }), none).exit).toBe('code 2');
    expect(rowView(row({ session_id: 's', state: 'exited', alive: false, exit_signal: 9 }), none).exit).toBe('signal 9');
  });

  it('a session restored without its program says so, and offers nothing to exit', () => {
    const v = rowView(row({ session_id: 's', state: 'exited', alive: false, pid: 0, screen_only: true, restored_from: Date.UTC(2026, 0, 2, 3, 4) }), none);
    expect(v).toMatchObject({ stateLabel: 'restored', screenOnly: true, exit: 'not run again' });
    expect(v.restoredFrom).toBe(new Date(Date.UTC(2026, 0, 2, 3, 4)).toLocaleString());
    const shell = rowView(row({ session_id: 's', restored_from: 1 }), none);
    expect(shell).toMatchObject({ stateLabel: 'running', screenOnly: false });
    expect(rowView(row({ session_id: 's' }), none).restoredFrom).toBeNull();
  });

  it('shows the command line and whether this window has it open', () => {
    const v = rowView(row({ session_id: 's', command: 'bash', args: ['--norc'] }), new Set(['s']));
    expect(v.command).toBe('bash --norc');
    expect(v.open).toBe(true);
  });

  it('shows where the shell is now, what runs, and how the last command ended', () => {
    const v = rowView(
      row({
        session_id: 's',
        cwd: '/home/user',
        current_cwd: '/tmp',
        foreground: 'sleep',
        running_command: 'sleep 11; false',
        last_command: { command: 'make', exit_code: 2, duration_ms: 12_000 },
      }),
      none,
    );
    expect(v).toMatchObject({ cwd: '/tmp', now: 'sleep 11; false', last: { command: 'make', exit: '✗ 2', failed: true, duration: '0:12' } });
    const plain = rowView(row({ session_id: 's', foreground: 'vim', last_command: { command: null, exit_code: 0, duration_ms: 500 } }), none);
    expect(plain).toMatchObject({ cwd: '/home/user', now: 'vim', last: { exit: '✓', failed: false } });
    expect(plain.last?.command).toContain('not reported');
    expect(rowView(row({ session_id: 's', last_command: { command: 'x', exit_code: null, duration_ms: 0 } }), none).last?.exit).toBe('?');
    expect(rowView(row({ session_id: 's' }), none)).toMatchObject({ now: null, last: null, preview: null, notify: true });
  });

  it('lists the newest session first', () => {
    const rows = sessionRows(stats([row({ session_id: 'old', created_at: 1 }), row({ session_id: 'new', created_at: 2 })]), none);
    expect(rows.map((r) => r.sessionId)).toEqual(['new', 'old']);
    expect(sessionRows(null, none)).toEqual([]);
  });
});

describe('summary, hints and empty state', () => {
  it('uses the seed stats names in the seed order', () => {
    const s = stats([row({ session_id: 'a' }), row({ session_id: 'b', state: 'detached' }), row({ session_id: 'c', state: 'exited' })]);
    expect(summaryItems(s).map((i) => `${i.key}=${i.value}`)).toEqual(['total_sessions=3', 'active=1', 'detached=1', 'exited=1', 'stale=0']);
    expect(summaryItems(null).every((i) => i.value === 0)).toBe(true);
  });

  it('the close tooltip says closing detaches, and the TTL', () => {
    expect(detachHint(300)).toBe('Detach — keeps running; expires in 5:00 if untouched');
    expect(detachHint(null)).toBe('Detach — keeps running');
  });

  it('the empty state explains detach and expiry in one sentence', () => {
    const text = emptyStateSentence(300);
    expect(text).toContain('detaches');
    expect(text).toContain('5:00');
  });
});

describe('the activity list', () => {
  it('shows newest first, with a label, short id and what matters', () => {
    const events: LedgerEvent[] = [
      { ts: '2026-01-01T10:00:00.000Z', type: 'pty_session_started', session_id: 'abcdef123456', data: { command: 'bash' } },
      { ts: '2026-01-01T10:05:00.000Z', type: 'pty_session_cleaned', session_id: 'abcdef123456', data: { reason: 'stale', idle_seconds: 301 } },
      { ts: '2026-01-01T10:06:00.000Z', type: 'pty_session_exited', session_id: 'ffff0000aaaa', data: { exit_code: 1, signal: null } },
    ];
    const views = eventViews(events);
    expect(views.map((v) => v.label)).toEqual(['exited', 'cleaned', 'started']);
    expect(views[1]).toMatchObject({ shortId: 'abcdef12', detail: 'idle 5:01' });
    expect(views[0]!.detail).toBe('code 1');
    expect(views[2]!.detail).toBe('bash');
    expect(views[0]!.time).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  it('a long command that finished says how it ended and how long it ran; a bell is a bell', () => {
    const views = eventViews([
      { ts: '2026-01-01T10:00:00.000Z', type: 'pty_command_finished', session_id: 'abcdef123456', data: { exit_code: 1, duration_ms: 11_400 } },
      { ts: '2026-01-01T10:01:00.000Z', type: 'pty_bell', session_id: 'abcdef123456', data: {} },
    ]);
    expect(views.map((v) => [v.label, v.detail])).toEqual([
      ['bell', ''],
      ['command finished', 'code 1 after 0:11'],
    ]);
  });

  it('a restart shows as restored sessions, and a Run again as a start', () => {
    const views = eventViews([
      { ts: '2026-01-01T10:00:00.000Z', type: 'pty_session_revived', session_id: 'a', data: { cwd: '/tmp', screen_only: false } },
      { ts: '2026-01-01T10:00:00.000Z', type: 'pty_session_revived', session_id: 'b', data: { cwd: '/src', screen_only: true } },
      { ts: '2026-01-01T10:01:00.000Z', type: 'pty_session_started', session_id: 'b', data: { command: 'claude', rerun: true } },
      { ts: '2026-01-01T10:02:00.000Z', type: 'pty_session_stopped', session_id: 'b', data: { reason: 'discard' } },
    ]);
    expect(views.map((v) => [v.label, v.detail])).toEqual([
      ['stopped', 'discarded'],
      ['started', 'claude (run again)'],
      ['restored', 'screen only'],
      ['restored', '/tmp'],
    ]);
  });
});

describe('mergeEvents', () => {
  const event = (ts: string, session_id: string): LedgerEvent => ({ ts, type: 'pty_session_started', session_id, data: {} });
  const a = event('2026-01-01T00:00:01.000Z', 'a');
  const b = event('2026-01-01T00:00:02.000Z', 'b');
  const c = event('2026-01-01T00:00:03.000Z', 'c');

  it('a fetch and the pushes that raced it: each event once, in time order', () => {
    expect(mergeEvents([c], [a, b, c], 10)).toEqual([a, b, c]);
    expect(mergeEvents([a, b], [b, c], 10)).toEqual([a, b, c]);
  });

  it('keeps the newest `limit`, and returns the same list when nothing is new', () => {
    expect(mergeEvents([a, b], [c], 2)).toEqual([b, c]);
    const known = [a, b];
    expect(mergeEvents(known, [a], 10)).toBe(known);
  });
});
