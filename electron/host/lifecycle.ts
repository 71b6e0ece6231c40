/**
 * Pure session-lifecycle logic: a function of the session's facts, a clock reading and the TTL.
 * Tests drive time by passing `now`; nothing here reads a clock or touches a process.
 */
import type { CommandSummary, SessionRow, SessionState, Stats } from '../contract';

/** The facts about one session that lifecycle decisions and its stats row depend on. */
export interface SessionFacts {
  id: string;
  profile: string;
  /** The profile's label ("Shell"), or the command when started without a profile. */
  label: string;
  /** The title the program set (OSC 0/2); empty when none. */
  oscTitle: string;
  /** The session's HOME, shown as `~` in a title. */
  home: string | null;
  command: string;
  args: string[];
  cwd: string;
  pid: number | null;
  processState: 'running' | 'exited';
  attachedViews: number;
  kept: boolean;
  /** Unix ms. */
  createdAt: number;
  /** Unix ms of the last attach, input, resize or read. Output is not activity. */
  lastActivity: number;
  exitCode: number | null;
  exitSignal: number | null;
  cols: number;
  rows: number;
  recording: boolean;
  currentCwd: string | null;
  foreground: string | null;
  runningCommand: string | null;
  lastCommand: CommandSummary | null;
  preview: string | null;
  notify: boolean;
  /** Unix ms of the saved screen it was revived from; null when started in this run. */
  restoredFrom: number | null;
  /** Revived without its process, until it is run again. */
  screenOnly: boolean;
}

/** What staleness depends on; a live session object satisfies it, so a sweep allocates nothing. */
export type StalenessFacts = Pick<SessionFacts, 'processState' | 'attachedViews' | 'kept' | 'lastActivity' | 'screenOnly'>;

export function rowState(facts: Pick<SessionFacts, 'processState' | 'attachedViews'>): SessionState {
  if (facts.processState === 'exited') return 'exited';
  return facts.attachedViews > 0 ? 'running' : 'detached';
}

export function idleSeconds(facts: Pick<SessionFacts, 'lastActivity'>, now: number): number {
  return Math.max(0, (now - facts.lastActivity) / 1000);
}

/**
 * Whether the session can expire at all right now: attached never; kept only while running —
 * or while it waits, restored without its process, to be run again (the user kept it running).
 */
export function canExpire(facts: StalenessFacts): boolean {
  if (facts.attachedViews > 0) return false;
  return !(facts.kept && (facts.processState === 'running' || facts.screenOnly));
}

/** Stale = detached ∧ idle > TTL ∧ ¬(kept ∧ (running ∨ screen-only)). */
export function isStale(facts: StalenessFacts, now: number, ttlSeconds: number): boolean {
  return canExpire(facts) && idleSeconds(facts, now) > ttlSeconds;
}

export function expiresInSeconds(facts: StalenessFacts, now: number, ttlSeconds: number): number | null {
  if (!canExpire(facts)) return null;
  return Math.max(0, ttlSeconds - idleSeconds(facts, now));
}

/** Whole seconds for display: users and the seed's scripts read integers. */
const wholeSeconds = (seconds: number): number => Math.floor(seconds);

/**
 * What a tab and a card call the session: the title the program set, else "<foreground> ·
 * <folder>" ("vim · src", "bash · ~"), else the label. Computed here so every view, the panel
 * and REST clients agree.
 */
export function sessionTitle(facts: Pick<SessionFacts, 'oscTitle' | 'foreground' | 'currentCwd' | 'home' | 'label'>): string {
  if (facts.oscTitle.trim()) return facts.oscTitle;
  if (!facts.foreground) return facts.label;
  return facts.currentCwd ? `${facts.foreground} · ${folderName(facts.currentCwd, facts.home)}` : facts.foreground;
}

/** The last part of a path; `~` for the home folder itself. */
export function folderName(cwd: string, home: string | null): string {
  const trimmed = withoutTrailingSlash(cwd);
  if (home && trimmed === withoutTrailingSlash(home)) return '~';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || trimmed;
}

const withoutTrailingSlash = (path: string): string => path.replace(/(.)\/+$/, '$1');

export function toRow(facts: SessionFacts, now: number, ttlSeconds: number): SessionRow {
  const expires = expiresInSeconds(facts, now, ttlSeconds);
  return {
    session_id: facts.id,
    profile: facts.profile,
    title: sessionTitle(facts),
    command: facts.command,
    args: facts.args,
    cwd: facts.cwd,
    pid: facts.pid,
    state: rowState(facts),
    alive: facts.processState === 'running',
    attached: facts.attachedViews > 0,
    kept: facts.kept,
    age_seconds: wholeSeconds(Math.max(0, (now - facts.createdAt) / 1000)),
    idle_seconds: wholeSeconds(idleSeconds(facts, now)),
    expires_in_seconds: expires === null ? null : Math.ceil(expires),
    exit_code: facts.exitCode,
    exit_signal: facts.exitSignal,
    cols: facts.cols,
    rows: facts.rows,
    created_at: facts.createdAt,
    recording: facts.recording,
    current_cwd: facts.currentCwd,
    foreground: facts.foreground,
    running_command: facts.runningCommand,
    last_command: facts.lastCommand,
    preview: facts.preview,
    notify: facts.notify,
    restored_from: facts.restoredFrom,
    screen_only: facts.screenOnly,
  };
}

export function buildStats(all: Iterable<SessionFacts>, now: number, ttlSeconds: number): Stats {
  const stats: Stats = {
    total_sessions: 0,
    active: 0,
    detached: 0,
    exited: 0,
    stale: 0,
    ttl_seconds: ttlSeconds,
    ledger_problem: null,
    sessions: [],
  };
  for (const facts of all) {
    const row = toRow(facts, now, ttlSeconds);
    stats.sessions.push(row);
    stats.total_sessions += 1;
    if (row.state === 'running') stats.active += 1;
    else if (row.state === 'detached') stats.detached += 1;
    else stats.exited += 1;
    if (isStale(facts, now, ttlSeconds)) stats.stale += 1;
  }
  return stats;
}

/** What the cleanup sweep ends now. */
export function staleSessions<T extends StalenessFacts>(all: Iterable<T>, now: number, ttlSeconds: number): T[] {
  const stale: T[] = [];
  for (const facts of all) if (isStale(facts, now, ttlSeconds)) stale.push(facts);
  return stale;
}
