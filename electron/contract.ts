/**
 * THE Linger API. Every side imports this file: the host core, the Electron IPC layer, the
 * preload, browser mode's WebSocket/REST server and the renderer. Nothing else defines a
 * request name, a channel name, an event shape or an error code.
 *
 * This file must stay importable from the renderer: no Node imports, only zod.
 */
import { z } from 'zod';

/** Terminal sizes outside this range are bugs in the caller, not terminals. */
export const MIN_DIMENSION = 1;
export const MAX_DIMENSION = 1000;

/**
 * Largest single `write`. A 5 MB paste must pass whole; 8 M chars is past any real paste
 * and still bounded, so a runaway caller gets an error instead of exhausting memory.
 */
export const MAX_WRITE_CHARS = 8 * 1024 * 1024;

/** What `start` runs when no profile is named: the user's shell. */
export const DEFAULT_PROFILE = 'shell';

/**
 * `read`'s default (the seed's `max_chars`) and ceiling: a million characters is more than a
 * 1000-line scrollback at any sane width, so the ceiling only stops a typo from allocating gigabytes.
 */
export const DEFAULT_READ_CHARS = 4000;
export const MAX_READ_CHARS = 1_000_000;

/** Events one `events` request may return: the activity list shows far fewer; the host keeps this many in memory. */
export const MAX_EVENTS_LIMIT = 1000;

/**
 * What `export` writes: the text (scrollback and screen), the same with colours (ANSI escapes
 * that redraw it when `cat`), or an asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/).
 */
export const EXPORT_FORMATS = ['text', 'ansi', 'asciicast'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Tabs one `saveLayout` may list: far past any window a person uses, and a bound on what is saved. */
export const MAX_LAYOUT_TABS = 500;
/** Longest tab name kept in the layout (a rename is one short line). */
export const MAX_TAB_NAME_CHARS = 256;

// ---------------------------------------------------------------------------------------------
// Errors

export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'MALFORMED_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'UNKNOWN_SESSION',
  'SESSION_EXITED',
  'INPUT_BACKLOG_FULL',
  'UNKNOWN_PROFILE',
  'COMMAND_NOT_FOUND',
  'CWD_NOT_FOUND',
  'SPAWN_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'SHUTTING_DOWN',
  'SAVE_FAILED',
  'NOT_RESTORED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses a transport when a request fails. `message` always says what to do. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export class LingerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LingerError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as a payload; unexpected errors become INTERNAL with their message. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof LingerError) return err.toPayload();
  if (isErrorPayload(err)) return { code: err.code, message: err.message };
  const detail = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Internal error: ${detail}. Please report it; the host keeps running.` };
}

/** Whatever a reply or a transport rejected with, as an Error that keeps the contract's `code`. */
export function toLingerError(error: unknown): Error {
  if (isErrorPayload(error)) return new LingerError(error.code, error.message);
  if (error instanceof Error) return error;
  return new LingerError('INTERNAL', `Unexpected error: ${String(error)}`);
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(v.code);
}

// ---------------------------------------------------------------------------------------------
// Requests (renderer → host)

const sessionId = z.string().min(1).max(128);
const dimension = z.number().int().min(MIN_DIMENSION).max(MAX_DIMENSION);

export const requestSchemas = {
  /** Start a session from a profile (default `shell`), or from an explicit command. */
  start: z
    .object({
      profile: z.string().min(1).max(64).optional(),
      command: z.string().min(1).max(4096).optional(),
      args: z.array(z.string().max(65536)).max(256).optional(),
      cwd: z.string().min(1).max(4096).optional(),
      env: z.record(z.string(), z.string()).optional(),
      cols: dimension,
      rows: dimension,
      /** Record its output from the start (asciicast); the profile's `record` flag when not given. */
      record: z.boolean().optional(),
    })
    .strict(),
  /** Attach this view; the screen arrives as the first `snapshot` event, then live `data`. */
  attach: z.object({ sessionId }).strict(),
  /** Detach this view; the session keeps running. */
  detach: z.object({ sessionId }).strict(),
  /**
   * Whether this view shows the session now: false for a tab behind another. A view not shown
   * that has been sent a flood's worth since is sent nothing more until it is shown again, and
   * then the screen as it is, as a `snapshot` (host/view-stalls.ts). Views are shown until they
   * say otherwise.
   */
  visibility: z.object({ sessionId, visible: z.boolean() }).strict(),
  write: z.object({ sessionId, data: z.string().max(MAX_WRITE_CHARS) }).strict(),
  resize: z.object({ sessionId, cols: dimension, rows: dimension }).strict(),
  /** End the process now (SIGHUP, SIGKILL after the grace period) and forget the session. */
  stop: z.object({ sessionId }).strict(),
  /** A kept session does not expire while it runs. */
  keep: z.object({ sessionId, kept: z.boolean() }).strict(),
  /** Whether a long command finishing or a bell in this session notifies (on by default). */
  notify: z.object({ sessionId, enabled: z.boolean() }).strict(),
  /** The last `maxChars` of the session's text (the seed's read). Counts as activity. */
  read: z
    .object({ sessionId, maxChars: z.number().int().min(1).max(MAX_READ_CHARS).default(DEFAULT_READ_CHARS) })
    .strict(),
  stats: z.object({}).strict(),
  profiles: z.object({}).strict(),
  /** Recent ledger events, newest last. */
  events: z.object({ limit: z.number().int().min(1).max(MAX_EVENTS_LIMIT).default(100) }).strict(),
  /**
   * Start or stop recording the session's output. A recording started mid-session begins with
   * the screen as it is; stopping keeps what was recorded for `export` until the session ends.
   */
  record: z.object({ sessionId, on: z.boolean() }).strict(),
  /** The session's screen as a file. Counts as activity, like `read`. */
  export: z.object({ sessionId, format: z.enum(EXPORT_FORMATS).default('text') }).strict(),
  /**
   * Runs again, in the same session, the command of a session restored after a restart without
   * its process (`screen_only`: a tool is never re-run silently). Its old screen stays above.
   */
  rerun: z.object({ sessionId }).strict(),
  /**
   * This window's tabs in order (with their names) and the active one. The host saves it with
   * the sessions, so a restarted app, or a browser with no tabs of its own, reopens them.
   */
  saveLayout: z
    .object({
      tabs: z
        .array(z.object({ sessionId, name: z.string().min(1).max(MAX_TAB_NAME_CHARS).nullable() }).strict())
        .max(MAX_LAYOUT_TABS),
      activeId: sessionId.nullable(),
    })
    .strict(),
  /** What the host restored at start: the tab layout last saved, and what went wrong, if anything. */
  restored: z.object({}).strict(),
  /** Ends every session and forgets the saved ones: nothing comes back on the next start. */
  discard: z.object({}).strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];
export type RequestParams<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ParsedParams<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

/** Validates a request's params; throws INVALID_INPUT naming the bad field and the rule. */
export function parseParams<K extends RequestName>(method: K, params: unknown): ParsedParams<K> {
  const result = requestSchemas[method].safeParse(params ?? {});
  if (result.success) return result.data as ParsedParams<K>;
  const problems = result.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'params'}: ${issue.message}`)
    .join('; ');
  throw new LingerError('INVALID_INPUT', `Invalid ${method} request (${problems}). Fix the request and send it again.`);
}

// ---------------------------------------------------------------------------------------------
// Results

/** What a user sees a session as: exited once the process ended, else detached with no view. */
export type SessionState = 'running' | 'detached' | 'exited';

/** A command the shell ran, as its shell integration reported it. */
export interface CommandSummary {
  /** The command line (one line, cut at 500 chars); null when the shell did not say. */
  command: string | null;
  /** Null when its end was not reported with a status. */
  exit_code: number | null;
  duration_ms: number;
}

/** One row of `Stats`; the seed's field names, so scripts written for the seed read it unchanged. */
export interface SessionRow {
  session_id: string;
  profile: string;
  title: string;
  command: string;
  args: string[];
  cwd: string;
  /** Null only while it has no process at all (`screen_only`): nothing there to signal. */
  pid: number | null;
  state: SessionState;
  alive: boolean;
  attached: boolean;
  kept: boolean;
  age_seconds: number;
  idle_seconds: number;
  /** Seconds until the cleanup loop ends it; null while it cannot expire (attached, or kept and running). */
  expires_in_seconds: number | null;
  exit_code: number | null;
  exit_signal: number | null;
  cols: number;
  rows: number;
  /** Unix milliseconds. */
  created_at: number;
  /** Its output is being recorded (asciicast, for `export`). */
  recording: boolean;
  /** Where the shell is now: what it last reported (OSC 7), else what the kernel says (Linux); null when unknown. */
  current_cwd: string | null;
  /** The program in the terminal's foreground (`vim`, `bash`); null when unknown (not Linux) or exited. */
  foreground: string | null;
  /** The command line running now, when the shell reports it (shell integration). */
  running_command: string | null;
  /** The last command that finished, when the shell reports it. */
  last_command: CommandSummary | null;
  /** The last 3 lines of its screen, while no view shows it (detached); else null. */
  preview: string | null;
  /** Whether a long command finishing or a bell notifies. */
  notify: boolean;
  /**
   * Unix ms of the saved screen this session was revived from after the app restarted (its old
   * screen is above a dated line); null for a session started in this run.
   */
  restored_from: number | null;
  /**
   * Revived without its process (a tool, not a shell, is never re-run silently): the old screen
   * only, `state` is `exited`, `pid` null, until `rerun` starts the command again.
   */
  screen_only: boolean;
}

/** The row of a session whose process has just started (`start`, `rerun`): its pid is known. */
export type RunningRow = SessionRow & { pid: number };

export interface Stats {
  total_sessions: number;
  /** Rows whose state is `running`. */
  active: number;
  detached: number;
  exited: number;
  /** Rows the next sweep will end. */
  stale: number;
  ttl_seconds: number;
  /** Set while the ledger cannot be written: what is wrong and what to do. Sessions keep working. */
  ledger_problem: string | null;
  sessions: SessionRow[];
}

export interface ProfileInfo {
  name: string;
  label: string;
  command: string;
  args: string[];
  /** False when the command is not on PATH: starting it would fail with COMMAND_NOT_FOUND. */
  available: boolean;
}

export interface LedgerEvent {
  /** ISO 8601. */
  ts: string;
  type: LedgerEventType;
  session_id?: string;
  data: Record<string, unknown>;
}

export const LEDGER_EVENT_TYPES = [
  'app_started',
  'app_stopping',
  'pty_session_started',
  'pty_session_attached',
  'pty_session_detached',
  'pty_session_exited',
  'pty_session_stopped',
  'pty_session_cleaned',
  /** Written when a failing ledger recovers: how many events its bounded memory had to drop. */
  'ledger_events_dropped',
  /** A command that ran at least the notify threshold finished: `{exit_code, duration_ms}`. */
  'pty_command_finished',
  'pty_bell',
  /** A saved session came back after a restart, with the same id: `{screen_only, pid, cwd, …}`. */
  'pty_session_revived',
] as const;
export type LedgerEventType = (typeof LEDGER_EVENT_TYPES)[number];

export interface AttachResult {
  session: SessionRow;
}

/** An exported screen or recording, ready to save under `filename`. */
export interface ExportResult {
  content: string;
  filename: string;
  mime: string;
}

/** A window's tabs, as `saveLayout` sends them and `restored` returns them. */
export type Layout = ParsedParams<'saveLayout'>;

/** Something the user should hear about the saved sessions, once (one toast per id). */
export interface StateNotice {
  id: string;
  message: string;
}

export interface RestoreInfo {
  /**
   * The tab layout the last run saved, for a window with no tabs of its own — until any window
   * sends its own (`saveLayout`): a restart brings the tabs back once, not into every new window.
   */
  layout: Layout | null;
  /** Problems found restoring at start (an unreadable state file set aside); empty when none. */
  notices: StateNotice[];
}

export interface ResponseMap {
  start: RunningRow;
  attach: AttachResult;
  detach: null;
  visibility: null;
  write: null;
  resize: null;
  stop: null;
  keep: SessionRow;
  notify: SessionRow;
  read: { text: string };
  stats: Stats;
  profiles: ProfileInfo[];
  events: LedgerEvent[];
  record: SessionRow;
  export: ExportResult;
  rerun: RunningRow;
  saveLayout: null;
  restored: RestoreInfo;
  discard: null;
}

// ---------------------------------------------------------------------------------------------
// Events (host → renderer)

/**
 * Why a session left: stopped, cleaned up (expired), ended by the app quitting, or `restart` —
 * the app quit with it saved, so it comes back with the same id when the app starts again.
 */
export type RemovedReason = 'stopped' | 'stale' | 'shutdown' | 'restart';

export type HostEvent =
  /**
   * The session's screen as it is now (scrollback, alternate buffer, cursor, modes) — always the
   * first event after `attach`, in the same ordered stream as `data`, so it can never race live
   * output; again when a view set aside (stalled, or not shown while a flood went by) gets live
   * output back. The view resets its terminal to `cols`×`rows` and writes `data`.
   */
  | { type: 'snapshot'; sessionId: string; data: string; cols: number; rows: number; session: SessionRow }
  /**
   * Output, as UTF-8 bytes of whole characters: xterm.js and a terminal take them as they are,
   * and flow control counts them (`ack`). The host gives each event an ArrayBuffer of its own:
   * Electron's IPC (structured clone) copies a view's whole buffer, whatever else it holds.
   */
  | { type: 'data'; sessionId: string; data: Uint8Array }
  /** The process ended. Sent after every byte it wrote has been sent as `data`. */
  | { type: 'exit'; sessionId: string; exitCode: number | null; signal: number | null }
  /**
   * The session is gone (stopped, cleaned, or the app quit; see RemovedReason); views should
   * close or say so. The last event a view hears of it: its process's end (the hangup that ended
   * it) is not sent as `exit`.
   */
  | { type: 'removed'; sessionId: string; reason: RemovedReason }
  | { type: 'sessions'; stats: Stats }
  /** A line was appended to the ledger (`linger logs -f` follows these). */
  | { type: 'ledger'; event: LedgerEvent }
  /**
   * To every view: a command that ran at least the threshold finished (`command` says which),
   * or the bell rang (`command` null). At most one per session per 5 s, only while its
   * `notify` is on. A view tells its user unless it is showing that session.
   */
  | { type: 'attention'; sessionId: string; reason: AttentionReason; command: CommandSummary | null };

export type AttentionReason = 'command' | 'bell';

/**
 * What the renderer holds: `window.linger` under Electron, a WebSocket client in browser mode.
 * Every subscription returns its disposer.
 */
export interface LingerApi {
  request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<ResponseMap[K]>;
  onEvent(listener: (event: HostEvent) => void): () => void;
  /** Flow control: `bytes` of `data` for `sessionId` have been parsed by the view. */
  ack(sessionId: string, bytes: number): void;
  /**
   * The desktop app's menu and its shortcuts (Electron only; browser mode leaves it undefined
   * and the renderer handles its own keys).
   */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
  /** An OS notification from the main process (Electron only; browser mode uses the web Notification API). */
  showNotification?(notice: DesktopNotice): void;
  /** The user clicked a notification: the window has been brought forward; show that session. */
  onNotificationClick?(listener: (sessionId: string) => void): () => void;
  /**
   * The desktop app's Save dialog for an export (Electron only; browser mode downloads the
   * `export` result instead). Resolves with where it was saved, or null if the user cancelled.
   */
  saveExport?(sessionId: string, format: ExportFormat): Promise<SavedExport | null>;
  /**
   * The desktop app's "Quit and Discard Sessions": quits, ending every session, and saves none
   * for the next start (Electron only; browser mode sends `discard`, and its server keeps running).
   */
  quitAndDiscard?(): void;
}

export interface SavedExport {
  path: string;
}

/** Longest notification texts: the OS shows a line or two, and the payload stays bounded. */
export const MAX_NOTICE_TITLE_CHARS = 200;
export const MAX_NOTICE_BODY_CHARS = 1000;

export const desktopNoticeSchema = z
  .object({ sessionId, title: z.string().max(MAX_NOTICE_TITLE_CHARS), body: z.string().max(MAX_NOTICE_BODY_CHARS) })
  .strict();
export type DesktopNotice = z.infer<typeof desktopNoticeSchema>;

/** What the application menu asks of the renderer. */
export const MENU_COMMANDS = ['new-tab', 'close-tab', 'toggle-sessions'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

// ---------------------------------------------------------------------------------------------
// Transports

/** Electron IPC channel names. Requests: one `ipcMain.handle` per method. */
export const IPC_CHANNELS = {
  request: Object.fromEntries(REQUEST_NAMES.map((name) => [name, `linger:request:${name}`])) as Record<
    RequestName,
    string
  >,
  event: 'linger:event',
  ack: 'linger:ack',
  /** Main → renderer: a `MenuCommand`. */
  menu: 'linger:menu',
  /** Renderer → main: `{sessionId, format}`; main shows the Save dialog and writes the export. */
  saveExport: 'linger:save-export',
  /** Renderer → main: a `DesktopNotice` to show. */
  notify: 'linger:notify',
  /** Main → renderer: the session id of a clicked notification. */
  notificationClick: 'linger:notification-click',
  /** Renderer → main: quit without saving the sessions for the next start. */
  quitAndDiscard: 'linger:quit-and-discard',
} as const;

/**
 * IPC replies are envelopes because Electron flattens thrown errors into strings: the typed
 * error must travel as data.
 */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/** Browser mode's WebSocket path and frames. */
export const WS_PATH = '/ws';

/** Frames above this are refused: the largest write, JSON-escaped (≤ 4 bytes a char), fits. */
export const MAX_WS_FRAME_BYTES = 4 * MAX_WRITE_CHARS + 4096;

export type ClientFrame =
  | { kind: 'request'; id: number; method: RequestName; params: unknown }
  | { kind: 'ack'; sessionId: string; bytes: number };

/** A `data` event as a JSON frame carries it (the CLI's socket): its bytes in base64, which JSON needs no escapes for. */
export interface DataFrame {
  kind: 'data';
  sessionId: string;
  base64: string;
}

export type ServerFrame =
  | { kind: 'response'; id: number; reply: Reply<unknown> }
  /** Every event but `data`, which travels as a binary frame on the WebSocket and as a `DataFrame` elsewhere. */
  | { kind: 'event'; event: Exclude<HostEvent, { type: 'data' }> }
  | DataFrame
  /** A frame that could not be tied to a request (bad JSON, unknown kind). */
  | { kind: 'error'; error: ErrorPayload };

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * A `data` event as a binary WebSocket message: this header — one byte, the length of the
 * session id's UTF-8 (ids are ASCII, at most 128 characters), then the id — followed by the
 * output bytes. No JSON escaping (an ESC is 6 bytes in JSON), no UTF-16 round trip: the page
 * hands the bytes to xterm.js as they are. The server sends header and output as two fragments
 * of one message, so the output is never copied into a frame.
 */
export function dataFrameHeader(sessionId: string): Uint8Array {
  const id = utf8Encoder.encode(sessionId);
  if (id.length > 0xff) throw new LingerError('INVALID_INPUT', `Session id ${sessionId.slice(0, 40)}… is too long for a data frame.`);
  const header = new Uint8Array(1 + id.length);
  header[0] = id.length;
  header.set(id, 1);
  return header;
}

/** The event in a binary frame (its bytes a view into `frame`), or null when the frame is not one. */
export function decodeDataFrame(frame: Uint8Array): Extract<HostEvent, { type: 'data' }> | null {
  const idLength = frame[0];
  if (frame.length === 0 || idLength === 0 || frame.length < 1 + idLength) return null;
  const sessionId = utf8Decoder.decode(frame.subarray(1, 1 + idLength));
  return { type: 'data', sessionId, data: frame.subarray(1 + idLength) };
}

/**
 * A frame client's requests in flight (browser mode's WebSocket client, the CLI's socket
 * client): each gets an id, and settles when the response frame with that id arrives.
 */
export class PendingRequests {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  /** A new request: its frame, to send, and the promise its response settles. */
  open<K extends RequestName>(method: K, params: RequestParams<K>): { frame: Extract<ClientFrame, { kind: 'request' }>; reply: Promise<ResponseMap[K]> } {
    const id = this.nextId++;
    const reply = new Promise<ResponseMap[K]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    return { frame: { kind: 'request', id, method, params }, reply };
  }

  /** Settles the request this response answers (a response nobody waits for is dropped). */
  settle(frame: Extract<ServerFrame, { kind: 'response' }>): void {
    const waiting = this.waiting.get(frame.id);
    if (!waiting) return;
    this.waiting.delete(frame.id);
    if (frame.reply.ok) waiting.resolve(frame.reply.result);
    else waiting.reject(toLingerError(frame.reply.error));
  }

  /** One request could not be sent. */
  fail(id: number, error: Error): void {
    this.waiting.get(id)?.reject(error);
    this.waiting.delete(id);
  }

  /** The connection is gone: nothing in flight will be answered. */
  failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(error);
  }
}

export const clientFrameSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), id: z.number().int().nonnegative(), method: z.string(), params: z.unknown() }),
  z.object({ kind: z.literal('ack'), sessionId, bytes: z.number().int().positive() }),
]);

/**
 * The CLI's local socket (electron/local/): the same frames, one JSON object a line (JSON.stringify
 * never emits a raw newline). Its file name in the per-user socket folder; `LINGER_SOCKET` names
 * another path.
 */
export const LOCAL_SOCKET_NAME = 'default.sock';

/** `?e2e=1` / `LINGER_E2E=1`: the renderer exposes this for tests and outside checks. */
export interface LingerTestHooks {
  /** The viewport text of that session's terminal (active buffer, lines right-trimmed). */
  screen(sessionId: string): string;
  /** Calls `listener` each time that tab's terminal has parsed written output; returns its disposer. */
  onWriteParsed(sessionId: string, listener: () => void): () => void;
  /** Bytes of that tab's output never parsed: plain text that scrolled past its scrollback unseen (plain-output.ts). */
  droppedOutput(sessionId: string): number;
  /** Bytes of `data` that tab has been sent since it opened: a tab behind another is sent no flood (host/view-stalls.ts). */
  receivedOutput(sessionId: string): number;
}
