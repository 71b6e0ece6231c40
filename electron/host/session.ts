/**
 * PtySession: one process on one pty, its off-screen mirror, the views attached to it, and
 * the output path between them: pty → exit-marker scan → (shell facts) → batch → (mirror +
 * every view), with flow control across all of them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import * as pty from 'node-pty';
import { LingerError, type CommandSummary, type HostEvent, type RemovedReason, type SessionRow } from '../contract';
import type { Notice } from './attention';
import { DataBatcher } from './batcher';
import { ExitMarkerScanner, WRAPPER_SHELL, decodeExitStatus, wrapperArgs } from './exit-marker';
import { FlowControl } from './flow';
import type { SessionFacts } from './lifecycle';
import { ScreenMirror, type SavedScreen } from './mirror';
import { reportFailure } from './log';
import { ViewStalls } from './view-stalls';
import { OscScanner } from './osc-scanner';
import { ProcessFacts } from './process-facts';
import { killSessionNow, signalProcess, terminateSession } from './process-tree';
import { PtyInput, type PtyMaster } from './pty-input';
import { MAX_TITLE_CHARS, ShellFacts, oneLine } from './shell-facts';
import { withShellIntegration } from './shell-integration';
import { retiredScreen } from './terminal-modes';

/** The mirror acks like a view, so a detached flood is paced by the mirror's parsing. */
const MIRROR_CONSUMER = 'mirror';

/**
 * A mirror with no view, no activity and no output for this long hibernates (mirror.ts): long
 * enough that a tab closed by mistake and reopened at once skips the round trip, short enough
 * that a panel full of detached sessions costs little.
 */
export const HIBERNATE_AFTER_MS = 5000;

/** A detached session's preview is re-read at most this often: stats go out once a second. */
export const PREVIEW_MAX_AGE_MS = 1000;

/** OSC 7 may name this machine (as shells spell it: its host name). */
const THIS_HOST: ReadonlySet<string> = new Set([os.hostname().toLowerCase()]);

/** Where a session sends events for one attached view. */
export type ViewSink = (event: HostEvent) => void;

/** What records a session's output (recorder.ts): fed in stream order, beside the mirror and the views. */
export interface OutputRecorder {
  /**
   * The recording starts here: the terminal's size, and its screen so far ('' for a new session).
   * False when it was stopped before it could begin (a Stop or "record off" raced it): nothing is written.
   */
  begin(cols: number, rows: number, screen: string): boolean;
  output(data: string): void;
  resize(cols: number, rows: number): void;
}

export interface SessionSpec {
  id: string;
  profile: string;
  /** What to call it until the program says more (the profile's label, or the command). */
  title: string;
  /** What the user asked for, as shown in the sessions panel. */
  command: string;
  /** The resolved executable. */
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** What its start request added to the environment: saved with it (state.ts), unlike the rest. */
  extraEnv: Record<string, string>;
  cols: number;
  rows: number;
  scrollback: number;
  /** shell-scripts/ when this session may get shell integration; null when it is off. */
  shellScripts: string | null;
}

/** A session brought back after a restart (state.ts): its saved facts and screen. */
export interface Revival {
  /** Its screen as saved (mirror.ts `savedScreen`), at the spec's size. */
  screen: string;
  /** Shown dim below the old screen: when it is from, and that its process is gone. */
  line: string;
  /** When the session was first started (its age carries on). */
  createdAt: number;
  /** When its screen was saved. */
  savedAt: number;
  /** The title its program had set, kept while that program's screen is all there is. */
  title: string;
  kept: boolean;
  /** Its recording, to go on from the restored screen (recorder.ts `resume`); null when none. */
  recorder: OutputRecorder | null;
}

export interface SessionHooks {
  now(): number;
  /** The session as a stats row (the bridge knows the TTL). */
  row(session: PtySession): SessionRow;
  /** Facts shown in stats changed (title, state, attachment). */
  changed(session: PtySession): void;
  /** The process ended; every byte it wrote has already gone to the mirror and the views. */
  exited(session: PtySession): void;
  /** The wrapper (the session's leader) has been reaped. */
  closed(session: PtySession): void;
  /** The shell reported a command's end. */
  commandFinished(session: PtySession, command: CommandSummary): void;
  /** The program rang the bell (BEL outside any sequence). */
  bell(session: PtySession): void;
}

export class PtySession {
  readonly id: string;
  readonly createdAt: number;
  lastActivity: number;
  kept = false;
  /** Long commands finishing and bells notify (bridge.ts decides when). */
  notify = true;
  /** The last notice this session gave, for the rate limit (attention.ts). */
  lastNotice: Notice | null = null;
  processState: 'running' | 'exited' = 'running';
  /** When the screen it was revived from was saved; null for a session started in this run. */
  readonly restoredFrom: number | null;
  exitCode: number | null = null;
  exitSignal: number | null = null;
  /** The title the program set (OSC 0/2), empty when none. */
  oscTitle = '';
  cols: number;
  rows: number;

  /** Null until `launch`: a revived session shows its old screen before (or without) a process. */
  private pty: pty.IPty | null = null;
  private master: PtyMaster | null = null;
  private input: PtyInput | null = null;
  private scanner: ExitMarkerScanner | null = null;
  private processFacts: ProcessFacts | null = null;
  private readonly mirror: ScreenMirror;
  private readonly batcher: DataBatcher;
  private readonly flow: FlowControl;
  private readonly oscScanner = new OscScanner();
  private shell = new ShellFacts('', THIS_HOST);
  /** The last cwd /proc gave, still shown once the process has exited. */
  private procCwd: string | null = null;
  /** The last reported cwd with its real path, so the kernel's is compared without a syscall a tick. */
  private reportedReal: { path: string; real: string | null } | null = null;
  private preview: string | null = null;
  private previewAt = -Infinity;
  private previewStale = true;
  private readonly views = new Map<string, ViewSink>();
  /** Views set aside, stalled or hidden in a flood (view-stalls.ts): no output until they catch up and are shown. */
  private readonly stalls = new ViewStalls();
  /** What a view has been sent and not acknowledged, for the set-aside bookkeeping. */
  private readonly pendingFor = (viewId: string): number => this.flow.pending(viewKey(viewId));
  private recorder: OutputRecorder | null = null;
  private readonly disposers: Array<{ dispose(): void }> = [];
  private exiting = false;
  private resizing: NodeJS.Immediate | null = null;
  private lastOutput = 0;
  /**
   * Batches of output that reached the mirror, a restored screen counting as one: once any has,
   * a recording begins with the screen; and the state writer resaves a screen only when this moved.
   */
  private delivered = 0;
  private ptyClosed = false;
  private disposed = false;
  /**
   * Its views were told it is gone: the hangup that ends its process then is no news to them,
   * and after a restart's `removed` an `exit` would say it ended when it comes back.
   */
  private removedSaid = false;

  /**
   * A new session's process starts at once. A revived one (`revival`) starts with its old screen
   * and no process: the bridge then launches its command, or leaves it screen-only.
   */
  constructor(
    readonly spec: SessionSpec,
    private readonly hooks: SessionHooks,
    revival: Revival | null = null,
  ) {
    this.id = spec.id;
    this.cols = spec.cols;
    this.rows = spec.rows;
    this.kept = revival?.kept ?? false;
    this.oscTitle = revival?.title ?? '';
    this.restoredFrom = revival?.savedAt ?? null;
    this.createdAt = revival?.createdAt ?? hooks.now();
    // A revived session's TTL counts from its revival.
    this.lastActivity = hooks.now();
    const restored = revival ? `${retiredScreen(revival.screen, spec.rows)}\x1b[2m${revival.line}\x1b[0m\r\n` : null;
    this.mirror = new ScreenMirror(
      spec.cols,
      spec.rows,
      spec.scrollback,
      (title) => {
        // A program may set any title (a `cat` of a hostile file, too): it is shown in every
        // stats push and saved for the next start, so it is held to one line of sane length.
        this.oscTitle = oneLine(title, MAX_TITLE_CHARS);
        hooks.changed(this);
      },
      restored,
    );
    // The old screen counts as output: the state writer saves it, with its dated line, in turn.
    if (revival) this.delivered = 1;
    if (restored && revival?.recorder?.begin(spec.cols, spec.rows, restored)) this.recorder = revival.recorder;
    this.batcher = new DataBatcher((data) => this.deliver(data));
    this.flow = new FlowControl((paused) => (paused ? this.pty?.pause() : this.pty?.resume()));
    this.flow.addConsumer(MIRROR_CONSUMER);
    if (revival) this.processState = 'exited';
    else this.launch();
  }

  /**
   * Starts the command on a new pty: at construction, or once for a revived session (after its
   * old screen, so the new output follows it) — `executable` as resolved now. Throws if it
   * cannot be spawned.
   */
  launch(executable: string = this.spec.executable): void {
    if (this.pty || this.disposed) throw new Error(`Session ${this.id} already has had its process.`);
    const { spec } = this;
    const nonce = randomBytes(8).toString('hex');
    // A second secret: the exit marker's nonce travels in the wrapper's argv, visible in `ps`.
    const integrationNonce = randomBytes(16).toString('hex');
    const launch = spec.shellScripts ? withShellIntegration(executable, spec.args, spec.env, spec.shellScripts, integrationNonce) : null;
    const terminal = pty.spawn(WRAPPER_SHELL, wrapperArgs(nonce, executable, launch?.args ?? spec.args), {
      name: 'xterm-256color',
      cols: this.cols,
      rows: this.rows,
      cwd: spec.cwd,
      env: launch?.env ?? spec.env,
    });
    this.pty = terminal;
    this.scanner = new ExitMarkerScanner(nonce);
    this.shell = new ShellFacts(launch ? integrationNonce : '', THIS_HOST);
    this.master = masterOf(terminal);
    this.input = new PtyInput(this.master, spec.id);
    this.processFacts = new ProcessFacts(terminal.pid);
    this.processState = 'running';
    // A new program: the old one's title was its own.
    this.oscTitle = '';
    this.disposers.push(
      terminal.onData((chunk) => this.onPtyData(chunk)),
      terminal.onExit(({ exitCode, signal }) => this.onPtyExit(exitCode, signal ?? 0)),
    );
  }

  /** 0 while it has no process (a screen-only revived session), which nothing here ever signals. */
  get pid(): number {
    return this.pty?.pid ?? 0;
  }

  /** Revived without its process: the old screen only, until `launch`. */
  get screenOnly(): boolean {
    return this.pty === null;
  }

  /** Moves whenever the screen may have changed (output, or the restored screen). */
  get outputRevision(): number {
    return this.delivered;
  }

  /**
   * Where a revived copy of this session should start: where its shell is now, as /proc says this
   * moment (a `cd` just before quitting counts) and its shell reported, else where it was last
   * seen, else the folder it started in.
   */
  currentCwd(): string {
    if (this.processState === 'running') this.procCwd = this.processFacts?.cwdNow() ?? this.procCwd;
    return this.shownCwd() ?? this.spec.cwd;
  }

  /**
   * Where the shell is. What it reported (OSC 7) keeps the path as the user typed it (through a
   * symlink), but only while the kernel agrees: once reports stop (`exec bash --norc`, a shell
   * without our scripts) the last one would otherwise stay on the card for good. Where there is
   * no /proc, the report is all there is.
   */
  private shownCwd(): string | null {
    const reported = this.shell.cwd;
    if (reported !== null && this.reportedReal?.path !== reported) {
      this.reportedReal = { path: reported, real: realPath(reported) };
      // A new report is compared with the kernel now, not with its reading of up to a second ago.
      if (this.processState === 'running') this.procCwd = this.processFacts?.cwdNow() ?? this.procCwd;
    }
    const kernel = this.procCwd;
    if (reported === null || kernel === null) return reported ?? kernel;
    return this.reportedReal?.real === kernel ? reported : kernel;
  }

  /** Input accepted but not yet read by the program. */
  get pendingInput(): number {
    return this.input?.pending ?? 0;
  }

  get attachedViews(): number {
    return this.views.size;
  }

  /**
   * The title the program set, else the label: what exports and recordings are named after,
   * steady while the foreground program comes and goes (rows show `sessionTitle`).
   */
  get title(): string {
    return this.oscTitle || this.spec.title;
  }

  /** Reads /proc and the preview at most once a second each (their caches), so any caller may ask. */
  facts(): SessionFacts {
    const now = this.hooks.now();
    const running = this.processState === 'running';
    const proc = running ? (this.processFacts?.read(now, true) ?? null) : null;
    if (proc?.cwd) this.procCwd = proc.cwd;
    return {
      id: this.id,
      profile: this.spec.profile,
      label: this.spec.title,
      oscTitle: this.oscTitle,
      home: this.spec.env.HOME ?? null,
      command: this.spec.command,
      args: this.spec.args,
      cwd: this.spec.cwd,
      pid: this.pty ? this.pty.pid : null,
      processState: this.processState,
      attachedViews: this.views.size,
      kept: this.kept,
      createdAt: this.createdAt,
      lastActivity: this.lastActivity,
      exitCode: this.exitCode,
      exitSignal: this.exitSignal,
      cols: this.cols,
      rows: this.rows,
      recording: this.recorder !== null,
      currentCwd: this.shownCwd(),
      foreground: proc?.foreground ?? null,
      runningCommand: running ? (this.shell.running?.command ?? null) : null,
      lastCommand: this.shell.last,
      preview: this.views.size === 0 ? this.currentPreview(now) : null,
      notify: this.notify,
      restoredFrom: this.restoredFrom,
      screenOnly: this.screenOnly,
    };
  }

  /** Re-read from the mirror once output has been parsed since, at most every PREVIEW_MAX_AGE_MS. */
  private currentPreview(now: number): string | null {
    if (this.previewStale && now - this.previewAt >= PREVIEW_MAX_AGE_MS) {
      this.preview = this.mirror.preview();
      this.previewAt = now;
      // Output the mirror has taken but not parsed yet (plain-output.ts) is read next time.
      this.previewStale = this.mirror.hasUnparsedOutput;
    }
    return this.preview;
  }

  /** Attach, input, resize, read — and detach, so a closed tab gets a full TTL to come back. */
  touch(): void {
    this.lastActivity = this.hooks.now();
  }

  /**
   * Sends the screen as it is now, then live output. The snapshot is taken at a moment when
   * the mirror has parsed every chunk it was given, and the view is registered in that same
   * synchronous step, so no chunk is both in the snapshot and sent live, or in neither.
   * `stillWanted` is asked at that moment: a view given up meanwhile is not registered.
   * A hibernating mirror is not woken: its stored screen is sent as it is (waking it, parsing
   * and serializing again took 10–20 ms of a reattach), and it wakes when it next needs to.
   */
  async attach(viewId: string, sink: ViewSink, stillWanted: () => boolean): Promise<boolean> {
    this.touch();
    const screen = this.mirror.dormantScreen();
    if (screen === null) {
      do await this.mirror.settled();
      while (!this.mirror.isSettled);
    }
    if (this.disposed) throw unknownSession(this.id);
    if (!stillWanted()) return false;
    this.views.set(viewId, sink);
    this.stalls.attached(viewId, this.hooks.now());
    this.flow.addConsumer(viewKey(viewId));
    this.sendSnapshot(sink, screen ?? this.mirror.serialize());
    this.hooks.changed(this);
    return true;
  }

  detach(viewId: string): boolean {
    if (!this.views.delete(viewId)) return false;
    this.stalls.detached(viewId);
    this.flow.removeConsumer(viewKey(viewId));
    this.previewStale = true;
    this.touch();
    this.hooks.changed(this);
    return true;
  }

  isAttached(viewId: string): boolean {
    return this.views.has(viewId);
  }

  ack(viewId: string, bytes: number): void {
    const outcome = this.stalls.ack(viewId, bytes, this.hooks.now());
    if (outcome === 'flow') this.flow.ack(viewKey(viewId), bytes);
    else if (outcome === 'resync') this.resync(viewId).catch(() => undefined);
  }

  /** Whether the view shows the session now (the contract's `visibility`). */
  setVisible(viewId: string, visible: boolean): void {
    if (this.stalls.setVisible(viewId, visible)) this.resync(viewId).catch(() => undefined);
  }

  /** Sets aside views stalled a full window behind (flow.ts VIEW_STALL_MS), so the pty runs on for the rest. */
  setAsideStalledViews(now: number): void {
    for (const viewId of this.stalls.setAsideStalled(now, this.pendingFor)) this.flow.removeConsumer(viewKey(viewId));
  }


  /**
   * A set-aside view that has taken everything it was sent (and is shown) gets the screen as it
   * is now, then live output again: the same consistent step as `attach`.
   */
  private async resync(viewId: string): Promise<void> {
    do await this.mirror.settled();
    while (!this.mirror.isSettled);
    const sink = this.views.get(viewId);
    if (this.disposed || !sink || !this.stalls.resumed(viewId)) return;
    this.flow.addConsumer(viewKey(viewId));
    this.sendSnapshot(sink, this.mirror.serialize());
  }

  private sendSnapshot(sink: ViewSink, data: string): void {
    sink({ type: 'snapshot', sessionId: this.id, data, cols: this.mirror.cols, rows: this.mirror.rows, session: this.hooks.row(this) });
  }

  write(data: string): void {
    if (!this.input) {
      throw new LingerError(
        'SESSION_EXITED',
        `Session ${this.id} was restored without its process: it shows its old screen only. Run it again (the Run again button, or the rerun request) to type in it.`,
      );
    }
    if (this.processState === 'exited') {
      throw new LingerError(
        'SESSION_EXITED',
        `The process in session ${this.id} has exited (code ${this.exitCode}); its screen is kept until you close it. Start a new session to run more commands.`,
      );
    }
    this.touch();
    // Input typed after a resize is read at the new size (`stty size`, a program starting).
    if (this.resizing) {
      clearImmediate(this.resizing);
      this.applySize();
    }
    // Queued and fed to the kernel as the pty accepts it, so a multi-megabyte paste arrives
    // whole however slowly the program reads (pty-input.ts).
    this.input.write(data);
    this.batcher.inputWritten();
  }

  /**
   * The new size counts at once (stats, the next snapshot); the pty, the mirror and a recording
   * get it once per turn of the event loop. A storm of resizes (a window dragged, a script in a
   * loop) then costs one reflow, not one per request: each reflow of a 1000×1000 mirror holds
   * the host's thread for milliseconds, and a storm held a stats request for 539 ms.
   */
  resize(cols: number, rows: number): void {
    this.touch();
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.resizing ??= setImmediate(() => this.applySize());
    this.hooks.changed(this);
  }

  private applySize(): void {
    this.resizing = null;
    if (this.disposed) return;
    const { cols, rows } = this;
    this.mirror.resize(cols, rows);
    this.recorder?.resize(cols, rows);
    // node-pty closes the master when the program's side goes (EIO) a little before it reports
    // the exit; an ioctl on that number then could reach whatever reused it. Checked right here,
    // on this thread, so nothing can close it in between.
    if (!this.pty || !this.master || this.processState !== 'running' || !this.master.isOpen()) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The terminal is going away; its exit is reported by the exit path.
    }
  }

  async read(maxChars: number): Promise<string> {
    this.touch();
    await this.settledMirror();
    return this.mirror.text(maxChars);
  }

  /**
   * Sends output from now on to `recorder` too (null stops). It begins with the screen as it is,
   * taken like an attach's snapshot, so no output is in both or neither. Before any output has
   * been delivered the screen is empty and the recorder is set synchronously — `start` relies on it.
   */
  async record(recorder: OutputRecorder | null): Promise<void> {
    if (!recorder || !this.delivered) {
      this.recorder = recorder?.begin(this.cols, this.rows, '') ? recorder : null;
      return;
    }
    do await this.mirror.settled();
    while (!this.mirror.isSettled);
    if (this.disposed) throw unknownSession(this.id);
    if (recorder.begin(this.mirror.cols, this.mirror.rows, this.mirror.serialize())) this.recorder = recorder;
  }

  /** The active buffer with its colours, as a file to `cat` (mirror.ts). Counts as activity, like `read`. */
  async ansi(): Promise<string> {
    this.touch();
    await this.settledMirror();
    return this.mirror.ansi();
  }

  /** The screen to save for a restart, at most `maxBytes` (mirror.ts): never on the output path. */
  savedScreen(maxBytes: number): Promise<SavedScreen> {
    if (this.resizing) {
      clearImmediate(this.resizing);
      this.applySize();
    }
    this.batcher.flush();
    return this.mirror.savedScreen(maxBytes);
  }

  /** Serialized screen, for tests and benchmarks that inspect the mirror directly. */
  async snapshot(): Promise<string> {
    await this.settledMirror();
    return this.mirror.serialize();
  }

  /** Everything output so far parsed; a session stopped meanwhile is unknown from then on. */
  private async settledMirror(): Promise<void> {
    if (this.disposed) throw unknownSession(this.id);
    this.batcher.flush();
    await this.mirror.settled();
    if (this.disposed) throw unknownSession(this.id);
  }

  /** Hibernates the mirror if nobody has looked at or heard from this session for a while. */
  async hibernateIfQuiet(now: number): Promise<void> {
    if (this.views.size > 0 || this.mirror.isHibernating || this.disposed) return;
    if (now - Math.max(this.lastActivity, this.lastOutput) < HIBERNATE_AFTER_MS) return;
    await this.mirror.hibernate();
  }

  get isHibernating(): boolean {
    return this.mirror.isHibernating;
  }

  /** SIGHUP, then SIGKILL after `graceMs`, to every process of the session; then release it. */
  async terminate(graceMs: number): Promise<{ escalated: boolean }> {
    if (!this.pty) {
      this.dispose();
      return { escalated: false };
    }
    const result = await terminateSession(this.pid, graceMs, this.ptyClosed);
    this.dispose();
    return result;
  }

  /** The host is going down and cannot wait. */
  killNow(): void {
    if (this.pty) killSessionNow(this.pty.pid, this.ptyClosed);
    this.dispose();
  }

  /** Tells attached views the session is gone; they stop sending to it. */
  notifyRemoved(reason: RemovedReason): void {
    this.removedSaid = true;
    for (const sink of this.views.values()) sink({ type: 'removed', sessionId: this.id, reason });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposers.splice(0)) d.dispose();
    if (this.resizing) clearImmediate(this.resizing);
    this.recorder = null;
    this.input?.dispose();
    this.batcher.dispose();
    this.views.clear();
    this.mirror.dispose();
    if (this.pty && !this.ptyClosed) {
      try {
        this.pty.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private onPtyData(chunk: string): void {
    const { data, exitStatus } = this.scanner!.push(chunk);
    if (data) {
      this.observe(data);
      this.batcher.push(data);
    }
    if (exitStatus === undefined) return;
    const { exitCode, signal } = decodeExitStatus(exitStatus);
    this.finish(exitCode, signal).catch(reportFailure('reporting an exit'));
    // Everything the command wrote has been read; the wrapper (still alive, so the pid is
    // still ours) may go now.
    signalProcess(this.pid, 'SIGKILL');
  }

  /** What the output says about the shell; the output itself goes on unchanged. */
  private observe(data: string): void {
    const found = this.oscScanner.push(data);
    if (!found) return;
    const now = this.hooks.now();
    const before = this.shell.revision;
    for (const sequence of found.sequences) {
      const finished = this.shell.apply(sequence, now);
      if (finished) this.hooks.commandFinished(this, finished);
    }
    if (found.bells) this.hooks.bell(this);
    if (this.shell.revision !== before) this.hooks.changed(this);
  }

  private onPtyExit(exitCode: number, signal: number): void {
    this.ptyClosed = true;
    this.input?.dispose();
    // Without a marker the wrapper itself was killed (stop, or from outside the app).
    const rest = this.scanner!.flush();
    if (rest) this.batcher.push(rest);
    this.finish(signal ? null : exitCode, signal || null).catch(reportFailure('reporting an exit'));
    this.hooks.closed(this);
  }

  private async finish(exitCode: number | null, signal: number | null): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    this.batcher.flush();
    do await this.mirror.settled();
    while (!this.mirror.isSettled);
    if (this.disposed) return;
    // A view set aside missed the end of the output: it gets the last screen, then the exit.
    const aside = this.stalls.takeAll();
    if (aside.length > 0 && !this.removedSaid) {
      const screen = this.mirror.serialize();
      for (const viewId of aside) {
        const sink = this.views.get(viewId);
        if (sink) this.sendSnapshot(sink, screen);
      }
    }
    this.processState = 'exited';
    this.exitCode = exitCode;
    this.exitSignal = signal;
    if (!this.removedSaid) for (const sink of this.views.values()) sink({ type: 'exit', sessionId: this.id, exitCode, signal });
    this.hooks.exited(this);
  }

  private deliver(data: string): void {
    // Counted before any view is sent it: the views it would take too far are set aside first,
    // and with none left to send to it is never encoded.
    const byteLength = Buffer.byteLength(data);
    this.lastOutput = this.hooks.now();
    this.delivered += 1;
    this.stalls.sending(this.lastOutput, this.pendingFor);
    for (const viewId of this.stalls.setAsideHidden(byteLength, this.lastOutput, this.pendingFor)) this.flow.removeConsumer(viewKey(viewId));
    this.flow.sent(byteLength);
    this.mirror.write(data, () => {
      this.flow.ack(MIRROR_CONSUMER, byteLength);
      this.previewStale = true;
    });
    this.recorder?.output(data);
    // Encoded once per batch for the views that take it, into a buffer of its own (see the
    // contract's `data` event).
    let bytes: Uint8Array | null = null;
    for (const [viewId, sink] of this.views) {
      if (this.stalls.isAside(viewId)) continue;
      bytes ??= utf8.encode(data);
      sink({ type: 'data', sessionId: this.id, data: bytes });
    }
  }
}

const viewKey = (viewId: string) => `view:${viewId}`;

const utf8 = new TextEncoder();

/**
 * node-pty keeps the master fd and the stream that owns it to itself; input and resizes need both
 * (see pty-input.ts). Checked at spawn so a node-pty that changes them fails loudly in tests.
 */
function masterOf(terminal: pty.IPty): PtyMaster {
  const unix = terminal as unknown as { fd?: unknown; _socket?: { destroyed?: unknown } };
  const socket = unix._socket;
  if (typeof unix.fd !== 'number' || !socket || typeof socket.destroyed !== 'boolean') {
    throw new Error('This node-pty does not expose its master fd; Linger needs node-pty 1.1 on a POSIX system.');
  }
  return { fd: unix.fd, isOpen: () => socket.destroyed !== true };
}

export function unknownSession(id: string): LingerError {
  return new LingerError(
    'UNKNOWN_SESSION',
    `There is no session ${id}: it was stopped, expired, or never existed. Refresh the sessions list and pick another.`,
  );
}

function realPath(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}
