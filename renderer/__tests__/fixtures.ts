/** Stats rows as the host sends them, with only what a test cares about spelled out. */
import type { SessionRow, Stats } from '../../electron/contract';

export function row(overrides: Partial<SessionRow> & { session_id: string }): SessionRow {
  return {
    profile: 'shell',
    title: 'Shell',
    command: '/bin/bash',
    args: [],
    cwd: '/home/user',
    pid: 4242,
    state: 'running',
    alive: true,
    attached: true,
    kept: false,
    age_seconds: 0,
    idle_seconds: 0,
    expires_in_seconds: null,
    exit_code: null,
    exit_signal: null,
    cols: 80,
    rows: 24,
    created_at: 1_700_000_000_000,
    recording: false,
    current_cwd: null,
    foreground: null,
    running_command: null,
    last_command: null,
    preview: null,
    notify: true,
    restored_from: null,
    screen_only: false,
    ...overrides,
  };
}

export function stats(rows: SessionRow[], ttl = 300): Stats {
  return {
    total_sessions: rows.length,
    active: rows.filter((r) => r.state === 'running').length,
    detached: rows.filter((r) => r.state === 'detached').length,
    exited: rows.filter((r) => r.state === 'exited').length,
    stale: 0,
    ttl_seconds: ttl,
    ledger_problem: null,
    sessions: rows,
  };
}
