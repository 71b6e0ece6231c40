/**
 * PtyBridge: the session registry and everything that spans sessions — start, the views of
 * each client, stats, the cleanup loop, the ledger, shutdown. Transports (Electron IPC,
 * browser mode's WebSocket and REST) talk to it through `connect()` clients or its methods.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_PROFILE,
  LingerError,
  type ExportFormat,
  type ExportResult,
  type AttentionReason,
  type CommandSummary,
  type HostEvent,
  type Layout,
  type LedgerEvent,
  type ParsedParams,
  type ProfileInfo,
  type RestoreInfo,
  type RunningRow,
  type SessionRow,
  type StateNotice,
  type Stats,
} from '../contract';
import { isLongCommand, noticeAllowed } from './attention';
import type { HostConfig } from './config';
import { exportResult, finishTruncatedCast, screenCast, textExport } from './export';
import type { Ledger } from './ledger';
import type { SessionWatch } from './guardian';
import { reportFailure } from './log';
import { buildStats, idleSeconds, rowState, staleSessions, toRow } from './lifecycle';
import type { SavedScreen } from './mirror';
import { assertCwd, commandNotFound, describeProfiles, findProfile, isInteractiveShell, resolveCommand, type Profile } from './profiles';
import { sessionMembers } from './process-tree';
import { Recorder, adoptRecording, recordingsDir } from './recorder';
import { PtySession, unknownSession, type SessionHooks, type SessionSpec, type ViewSink } from './session';
import type { SessionRecord } from './state-store';

/** Views get stats this often, so age/idle/expires tick once a second; quiet mirrors hibernate on the same beat. */
export const TICK_INTERVAL_MS = 1000;

/**
 * Environment the host must not hand to shells: its own settings and secrets (LINGER_*),
 * Electron's switches (ELECTRON_*), and an AppImage's own launch variables.
 */
const PRIVATE_ENV_PREFIXES = ['LINGER_', 'ELECTRON_'];
const PRIVATE_ENV = ['APPDIR', 'APPIMAGE', 'ARGV0', 'OWD', 'CHROME_DESKTOP'];
/** Electron on Linux rewrites XDG_CURRENT_DESKTOP and keeps the user's value under this name. */
const ORIGINAL_DESKTOP = 'ORIGINAL_XDG_CURRENT_DESKTOP';

export interface BridgeOptions {
  config: HostConfig;
  ledger: Ledger;
  profiles: Profile[];
  /** The environment sessions inherit (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Told of every session's process group, to end them if the host dies without a word (guardian.ts). */
  watch?: SessionWatch;
  /** shell-scripts/ as installed (shell-integration.ts); without it no shell gets integration. */
  shellScripts?: string;
}

export type StopReason = 'user' | 'shutdown' | 'discard';

/** Why a session left the registry: the state writer deletes the saved screen of all but `shutdown`. */
export type RemovalReason = 'stopped' | 'stale' | 'shutdown';

export class PtyBridge {
  readonly config: HostConfig;
  private readonly ledger: Ledger;
  private readonly profiles: Profile[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;
  private readonly watch: SessionWatch | undefined;
  private readonly shellScripts: string | null;
  private readonly sessions = new Map<string, PtySession>();
  private readonly clients = new Map<string, ViewSink>();
  private readonly statsListeners = new Set<(stats: Stats) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private changeScheduled: NodeJS.Immediate | null = null;
  /** Sessions out of the registry whose processes are still being ended. */
  private readonly ending = new Map<PtySession, Promise<void>>();
  /** Per client and session, the attach in flight; a detach or disconnect clears it. */
  private readonly attachGenerations = new Map<string, number>();
  private attachCounter = 0;
  private sweeping = false;
  private shuttingDown = false;
  /** Quitting with the sessions saved for the next start: views are not told they ended. */
  private restoring = false;
  private readonly removedListeners = new Set<(sessionId: string, reason: RemovalReason) => void>();
  private readonly discardListeners = new Set<() => Promise<void>>();
  /** The tab layout a window last sent (or the one restored at start): what is saved. */
  private layout: Layout | null = null;
  /**
   * The layout the last run saved, offered to a window with no tabs of its own until any window
   * says what its tabs are: a restart brings the tabs back once, not into every new window.
   */
  private restoredLayout: Layout | null = null;
  /** What restoring at start found wrong, for every window that asks. */
  private readonly notices: StateNotice[] = [];
  /** Each recorded session's recording, kept after recording stops until the session ends. */
  private readonly recordings = new Map<string, Recorder>();
  /** Made on the first recording (recorder.ts). */
  private recordingsFolder: string | null = null;
  private readonly stopLedgerPush: () => void;

  constructor(options: BridgeOptions) {
    this.config = options.config;
    this.ledger = options.ledger;
    this.profiles = options.profiles;
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
    this.watch = options.watch;
    this.stopLedgerPush = this.ledger.onAppend((event) => this.broadcast({ type: 'ledger', event }));
    this.shellScripts = options.shellScripts ?? null;
  }

  // -- requests ------------------------------------------------------------------------------

  start(params: ParsedParams<'start'>): RunningRow {
    if (this.shuttingDown) throw new LingerError('SHUTTING_DOWN', 'Linger is shutting down. Start the session after it restarts.');
    const profile = findProfile(this.profiles, params.profile ?? DEFAULT_PROFILE);
    const command = params.command ?? profile.command;
    const args = params.command ? (params.args ?? []) : [...profile.args, ...(params.args ?? [])];
    const extraEnv = params.env ?? {};
    const env = this.sessionEnv({ ...profile.env, ...extraEnv });
    const executable = resolveCommand(command, env.PATH);
    if (!executable) throw commandNotFound(command, params.command ? '' : ` in the "${profile.name}" profile`);
    const cwd = assertCwd(params.cwd ?? profile.cwd ?? env.HOME ?? os.homedir());
    const id = randomUUID();
    const title = params.command ? command : profile.label;
    const recorder = (params.record ?? profile.record) ? this.newRecorder(id, title) : null;
    let session: PtySession;
    try {
      session = new PtySession(
        {
          id,
          profile: profile.name,
          title,
          command,
          executable,
          args,
          cwd,
          env,
          extraEnv,
          cols: params.cols,
          rows: params.rows,
          scrollback: this.config.scrollback,
          shellScripts: this.config.shellIntegration && profile.shellIntegration !== false ? this.shellScripts : null,
        },
        this.sessionHooks(),
      );
    } catch (err) {
      throw new LingerError('SPAWN_FAILED', `Could not start "${command}": ${(err as Error).message}. Check the command and try again.`);
    }
    this.sessions.set(id, session);
    this.watch?.watch(session.pid);
    if (recorder) {
      this.recordings.set(id, recorder);
      // No output has been delivered yet, so this takes effect at once.
      session.record(recorder).catch((err: unknown) => {
        this.recordings.delete(id);
        reportFailure('starting a recording')(err);
      });
    }
    this.ledger.append('pty_session_started', id, {
      profile: profile.name,
      command,
      args,
      cwd,
      pid: session.pid,
      cols: params.cols,
      rows: params.rows,
    });
    this.scheduleChange();
    return this.runningRow(session);
  }

  /**
   * Brings back a session the last app saved (state.ts), with the same id: its old screen, a dim
   * dated line, then — for a shell that was running — a new shell in the folder it was in. Any
   * other command (a tool, a program that had exited, one no longer found) comes back
   * screen-only: it is never re-run without the user asking (`rerun`). At start, before any
   * client connects. Its TTL counts from now.
   */
  revive(record: SessionRecord, screen: SavedScreen, savedAt: number): SessionRow {
    if (this.sessions.has(record.id)) return this.row(this.sessions.get(record.id)!);
    const profile = this.profiles.find((p) => p.name === record.profile);
    const env = this.sessionEnv({ ...profile?.env, ...record.env });
    const executable = resolveCommand(record.command, env.PATH);
    const home = env.HOME ?? os.homedir();
    const cwd = [record.cwd, profile?.cwd, home].find((dir) => dir !== undefined && isFolder(dir)) ?? '/';
    const spec: SessionSpec = {
      id: record.id,
      profile: record.profile,
      title: profile && profile.command === record.command ? profile.label : record.command,
      command: record.command,
      executable: executable ?? record.command,
      args: record.args,
      cwd,
      env,
      extraEnv: record.env,
      cols: screen.cols,
      rows: screen.rows,
      scrollback: this.config.scrollback,
      shellScripts: this.config.shellIntegration && profile?.shellIntegration !== false ? this.shellScripts : null,
    };
    const relaunch = !record.exited && executable !== null && isInteractiveShell(record.command, record.args);
    const moved = relaunch && cwd !== record.cwd ? `; ${record.cwd} is gone, so it starts in ${cwd}` : '';
    const recorder = this.revivedRecorder(record, spec.title);
    const session = new PtySession(spec, this.sessionHooks(), {
      // Only a shell that starts again goes on recording: a screen-only one has nothing to record.
      recorder: relaunch && record.recording?.active ? recorder : null,
      screen: screen.data,
      line: `${restoredLine(savedAt)}${moved}`,
      createdAt: record.created_at,
      savedAt,
      title: record.title,
      kept: record.kept,
    });
    this.sessions.set(record.id, session);
    if (recorder) this.recordings.set(record.id, recorder);
    if (relaunch) {
      try {
        session.launch();
        this.watch?.watch(session.pid);
      } catch (err) {
        reportFailure(`restarting the shell of session ${record.id} (it stays screen-only)`)(err);
      }
    }
    if (session.screenOnly) recorder?.stop();
    this.ledger.append('pty_session_revived', record.id, {
      profile: record.profile,
      command: record.command,
      args: record.args,
      cwd,
      pid: session.screenOnly ? null : session.pid,
      screen_only: session.screenOnly,
      restored_from: savedAt,
    });
    this.scheduleChange();
    return this.row(session);
  }

  /**
   * The recording a revived session had, moved into this process's folder: kept whole for export,
   * and, while it was recording, to go on (the session begins it with its screen). Null without one.
   */
  private revivedRecorder(record: SessionRecord, title: string): Recorder | null {
    if (!record.recording) return null;
    const file = adoptRecording(this.config.dataDir, record.recording.folder, record.id);
    if (!file) return null;
    const recorder = new Recorder({ file, title, now: this.now, resume: true });
    if (!record.recording.active) recorder.stop();
    return recorder;
  }

  /** A session's recording, for the state writer: which folder holds it, and whether it goes on. */
  recordingOf(sessionId: string): { folder: string; active: boolean } | null {
    const recorder = this.recordings.get(sessionId);
    return recorder ? { folder: path.basename(path.dirname(recorder.file)), active: recorder.recording } : null;
  }

  /** Starts the command of a session revived screen-only, in that session: same id, old screen above. */
  rerun(sessionId: string): RunningRow {
    if (this.shuttingDown) throw new LingerError('SHUTTING_DOWN', 'Linger is shutting down. Run it again after it restarts.');
    const session = this.get(sessionId);
    if (!session.screenOnly) {
      throw new LingerError(
        'NOT_RESTORED',
        `Session ${sessionId} was not restored without its process, so there is nothing to run again. Start a new session instead.`,
      );
    }
    const { command, args, cwd, env } = session.spec;
    const executable = resolveCommand(command, env.PATH);
    if (!executable) throw commandNotFound(command);
    session.touch();
    try {
      session.launch(executable);
    } catch (err) {
      throw new LingerError('SPAWN_FAILED', `Could not start "${command}": ${(err as Error).message}. Check the command and try again.`);
    }
    this.watch?.watch(session.pid);
    this.ledger.append('pty_session_started', sessionId, {
      profile: session.spec.profile,
      command,
      args,
      cwd,
      pid: session.pid,
      cols: session.cols,
      rows: session.rows,
      rerun: true,
    });
    this.scheduleChange();
    return this.runningRow(session);
  }

  /** A window's tabs, kept for the next start; ids of sessions that do not exist are dropped. */
  saveLayout(layout: Layout): void {
    this.layout = this.known(layout);
    this.restoredLayout = null;
  }

  /** The layout to save now (state.ts). */
  get currentLayout(): Layout | null {
    return this.layout;
  }

  /** At start: the layout the last app saved, and what could not be restored. */
  setRestored(layout: Layout | null, notices: StateNotice[]): void {
    this.layout = this.restoredLayout = layout && this.known(layout);
    this.notices.push(...notices);
  }

  restoreInfo(): RestoreInfo {
    return { layout: this.restoredLayout, notices: [...this.notices] };
  }

  /** The layout's tabs whose sessions exist. */
  private known(layout: Layout): Layout {
    const tabs = layout.tabs.filter((t) => this.sessions.has(t.sessionId));
    return { tabs, activeId: tabs.some((t) => t.sessionId === layout.activeId) ? layout.activeId : null };
  }

  /**
   * Ends every session and forgets the layout: with the state writer, nothing is left to restore;
   * without it, the discard listeners delete what an earlier run saved.
   */
  async discard(): Promise<void> {
    this.layout = this.restoredLayout = null;
    await Promise.all([...this.sessions.keys()].map((id) => this.stop(id, 'discard').catch(() => undefined)));
    await Promise.all([...this.discardListeners].map((listener) => listener()));
  }

  /** Told after a discard has ended every session; returns the disposer. */
  onDiscard(listener: () => Promise<void>): () => void {
    this.discardListeners.add(listener);
    return () => this.discardListeners.delete(listener);
  }

  /** Told whenever a session leaves the registry, and why; returns the disposer. */
  onRemoved(listener: (sessionId: string, reason: RemovalReason) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** Every session, in the order they were started (or revived): for the state writer. */
  liveSessions(): PtySession[] {
    return [...this.sessions.values()];
  }

  private sessionHooks(): SessionHooks {
    return {
      now: this.now,
      row: (s) => toRow(s.facts(), this.now(), this.config.sessionTtlSeconds),
      changed: () => this.scheduleChange(),
      exited: (s) => this.onExited(s),
      closed: (s) => this.onClosed(s),
      commandFinished: (s, command) => {
        if (isLongCommand(command, this.config.notifyAfterSeconds)) this.onAttention(s, 'command', command);
      },
      bell: (s) => this.onAttention(s, 'bell', null),
    };
  }

  /**
   * The view is registered only if, when the screen is ready, it is still wanted: a detach, a
   * disconnect or a stop that arrives while the mirror settles cancels it, or the session would
   * stay attached to a view nobody shows and never expire.
   */
  async attach(clientId: string, sessionId: string): Promise<SessionRow> {
    const session = this.get(sessionId);
    const sink = this.clientSink(clientId);
    const already = session.isAttached(clientId);
    const key = `${clientId}\n${sessionId}`;
    const generation = ++this.attachCounter;
    this.attachGenerations.set(key, generation);
    const attached = await session.attach(
      clientId,
      sink,
      () => this.clients.has(clientId) && this.sessions.get(sessionId) === session && this.attachGenerations.get(key) === generation,
    );
    // Stopped while the screen settled: say so, or the view waits for a snapshot that never comes.
    if (!attached && this.sessions.get(sessionId) !== session) throw unknownSession(sessionId);
    if (attached && !already) this.ledger.append('pty_session_attached', sessionId, { client: clientId, views: session.attachedViews });
    return this.row(session);
  }

  detach(clientId: string, sessionId: string): void {
    const session = this.get(sessionId);
    this.cancelPendingAttach(clientId, sessionId);
    if (session.detach(clientId)) {
      this.ledger.append('pty_session_detached', sessionId, { client: clientId, views: session.attachedViews });
    }
  }

  /** Whether the client's view shows the session (the contract's `visibility`); not activity. */
  setVisible(clientId: string, sessionId: string, visible: boolean): void {
    this.get(sessionId).setVisible(clientId, visible);
  }

  write(sessionId: string, data: string): void {
    this.get(sessionId).write(data);
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.get(sessionId).resize(cols, rows);
  }

  keep(sessionId: string, kept: boolean): SessionRow {
    const session = this.get(sessionId);
    session.touch();
    session.kept = kept;
    this.scheduleChange();
    return this.row(session);
  }

  /** A preference, not activity: it does not restart the idle clock. */
  setNotify(sessionId: string, enabled: boolean): SessionRow {
    const session = this.get(sessionId);
    session.notify = enabled;
    this.scheduleChange();
    return this.row(session);
  }

  read(sessionId: string, maxChars: number): Promise<string> {
    return this.get(sessionId).read(maxChars);
  }

  /** Starts (a new recording, replacing one stopped before) or stops recording the session's output. */
  async record(sessionId: string, on: boolean): Promise<SessionRow> {
    const session = this.get(sessionId);
    session.touch();
    if (on && !this.recordings.get(sessionId)?.recording) {
      if (session.processState === 'exited') {
        throw new LingerError('SESSION_EXITED', `The process in session ${sessionId} has exited: there is nothing more to record. Export its screen instead.`);
      }
      const recorder = this.newRecorder(sessionId, session.title);
      const previous = this.recordings.get(sessionId);
      this.recordings.set(sessionId, recorder);
      try {
        await session.record(recorder);
      } catch (err) {
        if (this.recordings.get(sessionId) === recorder) {
          if (previous) this.recordings.set(sessionId, previous);
          else this.recordings.delete(sessionId);
        }
        throw err;
      }
      // Stopped while the screen settled: its file must not outlive it (end() removed the others).
      if (this.sessions.get(sessionId) !== session) {
        recorder.remove();
        throw unknownSession(sessionId);
      }
    } else if (!on) {
      await session.record(null);
      this.recordings.get(sessionId)?.stop();
    }
    this.scheduleChange();
    return this.row(session);
  }

  /**
   * The session as a file. asciicast is its recording when it has one (timed, from when recording
   * began), else one event that draws the screen.
   */
  async export(sessionId: string, format: ExportFormat): Promise<ExportResult> {
    const session = this.get(sessionId);
    const title = session.title;
    let content: string;
    if (format === 'text') content = textExport(await session.read(Number.MAX_SAFE_INTEGER));
    else if (format === 'ansi') content = await session.ansi();
    else {
      session.touch();
      const screen = await session.snapshot();
      const recorder = this.recordings.get(sessionId);
      if (!recorder) content = screenCast({ cols: session.cols, rows: session.rows, title, now: this.now(), screen });
      else if (!recorder.truncated) content = recorder.content();
      else content = finishTruncatedCast(recorder.content(), recorder.elapsed(), session.cols, session.rows, screen);
    }
    return exportResult(format, content, title, sessionId, this.now());
  }

  ack(clientId: string, sessionId: string, bytes: number): void {
    this.sessions.get(sessionId)?.ack(clientId, bytes);
  }

  /** Ends the session now; resolves once its processes are gone. */
  async stop(sessionId: string, reason: StopReason = 'user'): Promise<void> {
    const session = this.get(sessionId);
    const state = rowState(session);
    const { escalated } = await this.end(session, reason === 'shutdown' ? 'shutdown' : 'stopped');
    this.ledger.append('pty_session_stopped', sessionId, { reason, state, killed: escalated });
  }

  stats(): Stats {
    const stats = buildStats(
      [...this.sessions.values()].map((s) => s.facts()),
      this.now(),
      this.config.sessionTtlSeconds,
    );
    stats.ledger_problem = this.ledger.problem;
    return stats;
  }

  profileList(): ProfileInfo[] {
    return describeProfiles(this.profiles, (profile) => this.sessionEnv(profile.env).PATH);
  }

  events(limit: number): LedgerEvent[] {
    return this.ledger.recent(limit);
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** For tests and benchmarks: the live session object. */
  session(sessionId: string): PtySession {
    return this.get(sessionId);
  }

  // -- clients -------------------------------------------------------------------------------

  /**
   * A client is one view surface (an Electron webContents, a WebSocket): it receives the
   * events of the sessions it attached and every `sessions` push. Disposing it detaches
   * all its views — a closed window or dropped socket leaves its sessions to expire.
   */
  connect(sink: ViewSink): { id: string; dispose(): void } {
    const id = randomUUID();
    this.clients.set(id, sink);
    return { id, dispose: () => this.disconnect(id) };
  }

  private disconnect(clientId: string): void {
    if (!this.clients.delete(clientId)) return;
    for (const key of this.attachGenerations.keys()) if (key.startsWith(`${clientId}\n`)) this.attachGenerations.delete(key);
    for (const session of this.sessions.values()) {
      if (session.detach(clientId)) {
        this.ledger.append('pty_session_detached', session.id, {
          client: clientId,
          views: session.attachedViews,
          reason: 'disconnected',
        });
      }
    }
  }

  private clientSink(clientId: string): ViewSink {
    const sink = this.clients.get(clientId);
    if (!sink) throw new LingerError('INTERNAL', `Client ${clientId} is not connected. Reconnect and try again.`);
    return sink;
  }

  /** Stats to every client and listener; coalesced so a burst of changes sends one push. */
  onStats(listener: (stats: Stats) => void): () => void {
    this.statsListeners.add(listener);
    return () => this.statsListeners.delete(listener);
  }

  private scheduleChange(): void {
    if (this.changeScheduled) return;
    this.changeScheduled = setImmediate(() => {
      this.changeScheduled = null;
      this.pushStats();
    });
  }

  private pushStats(): void {
    if (this.clients.size === 0 && this.statsListeners.size === 0) return;
    const stats = this.stats();
    this.broadcast({ type: 'sessions', stats });
    for (const listener of this.statsListeners) listener(stats);
  }

  /** One event object to every client (transports serialize it once). */
  private broadcast(event: HostEvent): void {
    for (const sink of this.clients.values()) sink(event);
  }

  /**
   * A long command finished or the bell rang: the ledger notes it and, while the session's
   * notify is on, every view hears it (each decides whether its user is already looking) —
   * at most one notice per session per NOTICE_MIN_GAP_MS. The ledger keeps no command line:
   * it may hold a secret, and the ledger outlives the session.
   */
  private onAttention(session: PtySession, reason: AttentionReason, command: CommandSummary | null): void {
    if (!this.sessions.has(session.id)) return;
    const now = this.now();
    if (!noticeAllowed(session.lastNotice, reason, now)) return;
    session.lastNotice = { reason, at: now };
    if (command) this.ledger.append('pty_command_finished', session.id, { exit_code: command.exit_code, duration_ms: command.duration_ms });
    else this.ledger.append('pty_bell', session.id, {});
    if (!session.notify) return;
    this.broadcast({ type: 'attention', sessionId: session.id, reason, command });
  }

  // -- lifecycle -----------------------------------------------------------------------------

  /** Starts the cleanup loop and the once-a-second tick; returns their disposer. */
  run(): () => void {
    const sweep = setInterval(() => this.sweep().catch(reportFailure('the cleanup sweep')), this.config.cleanupIntervalSeconds * 1000);
    const tick = setInterval(() => this.tick().catch(reportFailure('the stats tick')), TICK_INTERVAL_MS);
    this.timers.add(sweep).add(tick);
    return () => {
      for (const timer of [sweep, tick]) {
        clearInterval(timer);
        this.timers.delete(timer);
      }
    };
  }

  /** Stats to every view; quiet detached mirrors hibernate. */
  tick(now: number = this.now()): Promise<void> {
    for (const session of this.sessions.values()) session.setAsideStalledViews(now);
    this.pushStats();
    return Promise.all([...this.sessions.values()].map((s) => s.hibernateIfQuiet(now))).then(() => undefined);
  }

  /** Ends every stale session; returns their ids. One sweep at a time. */
  async sweep(now: number = this.now()): Promise<string[]> {
    if (this.sweeping || this.shuttingDown) return [];
    const stale = staleSessions(this.sessions.values(), now, this.config.sessionTtlSeconds);
    if (stale.length === 0) return [];
    this.sweeping = true;
    try {
      await Promise.all(
        stale.map(async (session) => {
          const idle = Math.floor(idleSeconds(session, now));
          const state = rowState(session);
          await this.end(session, 'stale');
          this.ledger.append('pty_session_cleaned', session.id, { reason: 'stale', idle_seconds: idle, state });
        }),
      );
      return stale.map((s) => s.id);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Quit: every session stopped (HUP, KILL after the grace period) — and every stop or sweep
   * already under way awaited, so no child outlives it and no ledger line is lost.
   */
  async stopAll({ restoring = false }: { restoring?: boolean } = {}): Promise<void> {
    this.shuttingDown = true;
    this.restoring = restoring;
    await Promise.all([
      ...[...this.sessions.keys()].map((id) => this.stop(id, 'shutdown').catch(() => undefined)),
      ...this.ending.values(),
    ]);
  }

  /** When the host cannot wait (a crash on the way out): SIGKILL every session's processes now. */
  killAllNow(): void {
    for (const session of [...this.sessions.values(), ...this.ending.keys()]) session.killNow();
    this.sessions.clear();
    this.ending.clear();
    // Sessions saved for the next start keep their recordings, as end() does.
    for (const recorder of this.recordings.values()) {
      if (this.restoring) recorder.stop();
      else recorder.remove();
    }
    this.recordings.clear();
  }

  dispose(): void {
    this.stopLedgerPush();
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    if (this.changeScheduled) clearImmediate(this.changeScheduled);
    this.changeScheduled = null;
    this.statsListeners.clear();
    this.removedListeners.clear();
    this.discardListeners.clear();
    this.clients.clear();
  }

  // -- internals -----------------------------------------------------------------------------

  private get(sessionId: string): PtySession {
    const session = this.sessions.get(sessionId);
    if (!session) throw unknownSession(sessionId);
    return session;
  }

  private row(session: PtySession): SessionRow {
    return toRow(session.facts(), this.now(), this.config.sessionTtlSeconds);
  }

  /** The row of a session that has just launched its process. */
  private runningRow(session: PtySession): RunningRow {
    return { ...this.row(session), pid: session.pid };
  }

  /** Out of the registry at once (views and stats see it gone); tracked until its processes are. */
  private async end(session: PtySession, reason: RemovalReason): Promise<{ escalated: boolean }> {
    this.sessions.delete(session.id);
    for (const key of this.attachGenerations.keys()) if (key.endsWith(`\n${session.id}`)) this.attachGenerations.delete(key);
    // Saved for the next start, it is not gone for good: its views re-attach when the app is back.
    session.notifyRemoved(reason === 'shutdown' && this.restoring ? 'restart' : reason);
    for (const listener of this.removedListeners) listener(session.id, reason);
    // Scrollback holds secrets: a recording goes with its session — unless that comes back.
    const recorder = this.recordings.get(session.id);
    if (reason === 'shutdown' && this.restoring) recorder?.stop();
    else recorder?.remove();
    this.recordings.delete(session.id);
    this.scheduleChange();
    const ending = session.terminate(this.config.killGraceMs);
    this.ending.set(
      session,
      ending.then(() => undefined, () => undefined),
    );
    try {
      return await ending;
    } finally {
      this.ending.delete(session);
      if (!session.screenOnly) this.watch?.release(session.pid);
    }
  }

  private newRecorder(sessionId: string, title: string): Recorder {
    this.recordingsFolder ??= recordingsDir(this.config.dataDir);
    return new Recorder({ file: path.join(this.recordingsFolder, `${sessionId}.cast`), title, now: this.now });
  }

  private cancelPendingAttach(clientId: string, sessionId: string): void {
    this.attachGenerations.delete(`${clientId}\n${sessionId}`);
  }

  private onExited(session: PtySession): void {
    // A stopped or cleaned session's end is logged by stop/sweep, with its reason.
    if (!this.sessions.has(session.id)) return;
    this.ledger.append('pty_session_exited', session.id, { exit_code: session.exitCode, signal: session.exitSignal });
    this.scheduleChange();
  }

  /**
   * The wrapper has been reaped. Its id stays watched only while processes it left (a `nohup`
   * job) still hold it; with none, the kernel may give the number to an unrelated process.
   */
  private onClosed(session: PtySession): void {
    if (sessionMembers(session.pid).length === 0) this.watch?.release(session.pid);
  }

  private sessionEnv(extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.env)) {
      if (value === undefined || PRIVATE_ENV.includes(key) || PRIVATE_ENV_PREFIXES.some((p) => key.startsWith(p))) continue;
      env[key] = value;
    }
    if (env[ORIGINAL_DESKTOP] !== undefined) {
      env.XDG_CURRENT_DESKTOP = env[ORIGINAL_DESKTOP];
      delete env[ORIGINAL_DESKTOP];
    }
    Object.assign(env, extra, { TERM: 'xterm-256color', COLORTERM: 'truecolor', TERM_PROGRAM: 'Linger' });
    if (!isUtf8Locale(env)) {
      // Programs read LC_ALL, then LC_CTYPE, then LANG: drop the overrides that say otherwise.
      delete env.LC_ALL;
      delete env.LC_CTYPE;
      env.LANG = process.platform === 'darwin' ? 'en_US.UTF-8' : 'C.UTF-8';
    }
    return env;
  }
}

/** What a revived session's old screen ends with (dim): when it is from, and that its process is gone. */
export function restoredLine(savedAt: number): string {
  const d = new Date(savedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `restored from ${date} — previous process ended`;
}

function isFolder(dir: string): boolean {
  try {
    assertCwd(dir);
    return true;
  } catch {
    return false;
  }
}

function isUtf8Locale(env: Record<string, string>): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}
