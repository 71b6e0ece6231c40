/**
 * The sessions panel's view model: `Stats` rows and ledger events turned into the strings a
 * user reads. Pure, so the formatting rules are unit-tested.
 */
import type { CommandSummary, LedgerEvent, SessionRow, SessionState, Stats } from '../electron/contract';

/** `m:ss` under an hour, `h:mm:ss` above, like a stopwatch; negative or NaN reads as 0:00. */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface RowView {
  sessionId: string;
  title: string;
  /** The command line as typed: command and args. */
  command: string;
  /** Where the shell is now, else where it started. */
  cwd: string;
  /** What runs in it now: the command line the shell reported, else the foreground program. */
  now: string | null;
  last: LastCommandView | null;
  /** The last lines of its screen, while no view shows it. */
  preview: string | null;
  notify: boolean;
  state: SessionState;
  stateLabel: string;
  age: string;
  idle: string;
  /** A countdown while it can expire, else why not ("kept", "attached", "—"). */
  expires: string;
  expiresHint: string;
  /** The countdown is under a minute: worth a warning colour. */
  expiresSoon: boolean;
  pid: string;
  exit: string | null;
  kept: boolean;
  /** Its output is being recorded (for an asciicast export). */
  recording: boolean;
  /** This window has a tab on it. */
  open: boolean;
  /** Restored after a restart without its program: it offers Run again. */
  screenOnly: boolean;
  /** When the screen it was restored from was saved (local time), for a restored session; else null. */
  restoredFrom: string | null;
}

export interface LastCommandView {
  command: string;
  /** The badge: `✓`, `✗ 1`, or `?` when the shell gave no status. */
  exit: string;
  failed: boolean;
  duration: string;
  hint: string;
}

/** Under this many seconds left, a detached session's countdown turns to a warning. */
const EXPIRES_SOON_SECONDS = 60;

export function rowView(row: SessionRow, openIds: ReadonlySet<string>): RowView {
  const { expires, hint } = expiresLabel(row);
  return {
    sessionId: row.session_id,
    title: row.title || row.profile,
    command: [row.command, ...row.args].join(' '),
    cwd: row.current_cwd ?? row.cwd,
    now: row.running_command ?? row.foreground,
    last: row.last_command ? lastCommandView(row.last_command) : null,
    preview: row.preview,
    notify: row.notify,
    state: row.state,
    stateLabel: row.screen_only ? 'restored' : row.state,
    age: formatDuration(row.age_seconds),
    idle: formatDuration(row.idle_seconds),
    expires,
    expiresHint: hint,
    expiresSoon: row.expires_in_seconds !== null && row.expires_in_seconds < EXPIRES_SOON_SECONDS,
    pid: row.pid === null ? '—' : String(row.pid),
    exit: row.state === 'exited' ? exitLabel(row) : null,
    kept: row.kept,
    recording: row.recording,
    open: openIds.has(row.session_id),
    screenOnly: row.screen_only,
    restoredFrom: row.restored_from === null ? null : new Date(row.restored_from).toLocaleString(),
  };
}

function lastCommandView(last: CommandSummary): LastCommandView {
  const duration = formatDuration(last.duration_ms / 1000);
  const command = last.command ?? '(command line not reported)';
  if (last.exit_code === null) return { command, exit: '?', failed: false, duration, hint: `Ended after ${duration}; its status was not reported` };
  const failed = last.exit_code !== 0;
  return {
    command,
    exit: failed ? `✗ ${last.exit_code}` : '✓',
    failed,
    duration,
    hint: `${failed ? `Failed with exit ${last.exit_code}` : 'Succeeded'} after ${duration}`,
  };
}

function expiresLabel(row: SessionRow): { expires: string; hint: string } {
  if (row.expires_in_seconds !== null) {
    return {
      expires: formatDuration(row.expires_in_seconds),
      hint: 'Ended automatically when this reaches 0:00 unless you open it, type in it or keep it',
    };
  }
  if (row.kept && row.alive) return { expires: 'kept', hint: 'Kept: does not expire while it runs' };
  return { expires: '—', hint: 'Attached: does not expire while a tab shows it' };
}

function exitLabel(row: SessionRow): string {
  if (row.screen_only) return 'not run again';
  if (row.exit_code === null && row.exit_signal !== null) return `signal ${row.exit_signal}`;
  return `code ${row.exit_code ?? 0}`;
}

/** Newest sessions first: the one just closed is the one a user looks for. */
export function sessionRows(stats: Stats | null, openIds: ReadonlySet<string>): RowView[] {
  if (!stats) return [];
  return [...stats.sessions].sort((a, b) => b.created_at - a.created_at).map((row) => rowView(row, openIds));
}

/** The seed's stats, in the seed's order and words. */
export function summaryItems(stats: Stats | null): Array<{ key: keyof Stats; label: string; value: number }> {
  const s = stats ?? { total_sessions: 0, active: 0, detached: 0, exited: 0, stale: 0 };
  return [
    { key: 'total_sessions', label: 'total', value: s.total_sessions },
    { key: 'active', label: 'active', value: s.active },
    { key: 'detached', label: 'detached', value: s.detached },
    { key: 'exited', label: 'exited', value: s.exited },
    { key: 'stale', label: 'stale', value: s.stale },
  ];
}

/** The close button's tooltip: closing detaches, and how long the session then has. */
export function detachHint(ttlSeconds: number | null): string {
  const ttl = ttlSeconds === null ? '' : `; expires in ${formatDuration(ttlSeconds)} if untouched`;
  return `Detach — keeps running${ttl}`;
}

export function emptyStateSentence(ttlSeconds: number | null): string {
  const ttl = ttlSeconds === null ? 'a while' : formatDuration(ttlSeconds);
  return `No sessions. Closing a tab only detaches it — the shell keeps running here and can be reopened, until it sits untouched for ${ttl} and is ended.`;
}

export interface EventView {
  key: string;
  time: string;
  label: string;
  sessionId: string | null;
  /** A short id a user can match against the panel's rows. */
  shortId: string;
  detail: string;
}

const EVENT_LABELS: Record<LedgerEvent['type'], string> = {
  app_started: 'app started',
  app_stopping: 'app stopping',
  pty_session_started: 'started',
  pty_session_attached: 'attached',
  pty_session_detached: 'detached',
  pty_session_exited: 'exited',
  pty_session_stopped: 'stopped',
  pty_session_cleaned: 'cleaned',
  ledger_events_dropped: 'ledger events dropped',
  pty_command_finished: 'command finished',
  pty_bell: 'bell',
  pty_session_revived: 'restored',
};

const eventKey = (e: LedgerEvent) => `${e.ts}\n${e.type}\n${e.session_id ?? ''}\n${JSON.stringify(e.data)}`;

/**
 * `incoming` added to `known` (oldest first), each event once, keeping the newest `limit`: a
 * fetch and the pushes that raced it may hold the same events, in either order.
 */
export function mergeEvents(known: LedgerEvent[], incoming: LedgerEvent[], limit: number): LedgerEvent[] {
  const seen = new Set(known.map(eventKey));
  const fresh = incoming.filter((e) => !seen.has(eventKey(e)));
  if (fresh.length === 0) return known;
  const merged = [...known, ...fresh].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return merged.slice(-limit);
}

/** Newest first, with the local time of day. */
export function eventViews(events: LedgerEvent[]): EventView[] {
  return events
    .map((e, i) => ({
      key: `${e.ts}-${i}`,
      time: formatClock(e.ts),
      label: EVENT_LABELS[e.type] ?? e.type,
      sessionId: e.session_id ?? null,
      shortId: e.session_id ? e.session_id.slice(0, 8) : '',
      detail: eventDetail(e),
    }))
    .reverse();
}

function eventDetail(e: LedgerEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'pty_session_started':
      return typeof d.command === 'string' ? `${d.command}${d.rerun === true ? ' (run again)' : ''}` : '';
    case 'pty_session_exited':
      return d.exit_code === null || d.exit_code === undefined ? `signal ${String(d.signal)}` : `code ${String(d.exit_code)}`;
    case 'pty_session_cleaned':
      return typeof d.idle_seconds === 'number' ? `idle ${formatDuration(d.idle_seconds)}` : 'stale';
    case 'pty_session_detached':
      return d.reason === 'disconnected' ? 'window disconnected' : '';
    case 'pty_session_stopped':
      return d.reason === 'shutdown' ? 'on quit' : d.reason === 'discard' ? 'discarded' : '';
    case 'pty_command_finished': {
      const code = d.exit_code === null || d.exit_code === undefined ? 'no status' : `code ${String(d.exit_code)}`;
      return typeof d.duration_ms === 'number' ? `${code} after ${formatDuration(d.duration_ms / 1000)}` : code;
    }
    case 'pty_session_revived':
      return d.screen_only === true ? 'screen only' : typeof d.cwd === 'string' ? d.cwd : '';
    default:
      return '';
  }
}

function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
