/**
 * Sessions outlive the app: quitting, a crash, an update or a reboot brings every session back
 * with the same id, its screen, a dated line, and a new shell where the old one was.
 *
 * The keeper saves through the state store (state-store.ts): at quit, before any session is
 * stopped, and every STATE_WRITE_INTERVAL_MS while something changed — so a SIGKILL loses at
 * most that much. Never on the output path: a write serializes the screens that changed since
 * the last one (a hibernated mirror's snapshot costs nothing), one session at a time with the
 * event loop free in between, and the files are written off the main thread. A stopped or
 * cleaned-up session's screen is deleted at once (scrollback holds secrets).
 */
import fs from 'node:fs';
import type { PtyBridge } from './bridge';
import { reportFailure } from './log';
import type { PtySession } from './session';
import { MAX_SCREEN_BYTES, MAX_TOTAL_SCREEN_BYTES, STATE_VERSION, isRestorable, type SessionRecord, type StateStore } from './state-store';

/** The bound on what a SIGKILL may lose, and often enough that a busy shell costs little. */
export const STATE_WRITE_INTERVAL_MS = 10_000;

/**
 * How long quitting waits for the last save before it stops the sessions anyway (a hung disk, a
 * network home): a healthy save of 50 sessions takes tens of milliseconds, and quitting must stay
 * well inside what an OS allows an app at logout.
 */
export const FINAL_WRITE_TIMEOUT_MS = 5000;

export interface StateKeeperOptions {
  bridge: PtyBridge;
  store: StateStore;
  now?: () => number;
  intervalMs?: number;
  /** The caps (state-store.ts); tests make them small. */
  maxScreenBytes?: number;
  maxTotalBytes?: number;
}

/** What is on disk for one session's screen. */
interface WrittenScreen {
  /** The session's output revision and size when it was saved ('' forces the next write). */
  revision: string;
  bytes: number;
}

/**
 * Per-session budgets when the screens together exceed `total`: the smaller ones are kept whole
 * and the larger ones cut to an equal share of what is left (their oldest lines go). Empty when
 * everything fits.
 */
export function screenBudgets(sizes: ReadonlyMap<string, number>, total: number): Map<string, number> {
  let sum = 0;
  for (const size of sizes.values()) sum += size;
  const budgets = new Map<string, number>();
  if (sum <= total) return budgets;
  let left = total;
  let count = sizes.size;
  for (const [id, size] of [...sizes].sort((a, b) => a[1] - b[1])) {
    const share = Math.floor(left / count);
    if (size > share) budgets.set(id, share);
    left -= Math.min(size, share);
    count -= 1;
  }
  return budgets;
}

const yieldToOutput = () => new Promise<void>((resolve) => setImmediate(resolve));

export class StateKeeper {
  private readonly bridge: PtyBridge;
  private readonly store: StateStore;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly maxScreenBytes: number;
  private readonly maxTotalBytes: number;
  private readonly written = new Map<string, WrittenScreen>();
  /** Sessions whose record is too large to restore, already reported. */
  private readonly unrestorable = new Set<string>();
  /** The last index written, without its time: an unchanged one is not rewritten. */
  private lastIndex: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private flushSoon: NodeJS.Immediate | null = null;
  /** After quit or discard (or when another app owns the folder) nothing more is written. */
  private frozen = false;
  private readonly disposers: Array<() => void> = [];

  constructor(options: StateKeeperOptions) {
    this.bridge = options.bridge;
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? STATE_WRITE_INTERVAL_MS;
    this.maxScreenBytes = options.maxScreenBytes ?? MAX_SCREEN_BYTES;
    this.maxTotalBytes = options.maxTotalBytes ?? MAX_TOTAL_SCREEN_BYTES;
  }

  /**
   * At start, before any client connects: every saved session revived into the bridge, the
   * saved layout and any problem handed to it. Never throws.
   */
  restore(): void {
    let state;
    try {
      this.store.prepare();
      const owner = this.store.claim();
      if (owner !== null) {
        this.frozen = true;
        this.bridge.setRestored(null, [
          {
            id: `owner-${owner}`,
            message: `Another Linger (pid ${owner}) keeps its sessions in ${this.store.dir}, so this one neither restores nor saves sessions. Give this one its own LINGER_DATA_DIR.`,
          },
        ]);
        return;
      }
      state = this.store.load();
    } catch (err) {
      this.frozen = true;
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.bridge.setRestored(null, [
        { id: `unusable-${this.now()}`, message: `Linger cannot use ${this.store.dir} (${reason}), so sessions will not be saved or restored. Fix that folder's permissions and restart Linger.` },
      ]);
      return;
    }
    for (const { record, screen } of state.sessions) {
      // Its file is on disk: one that fails to revive is deleted by the next write, and one that
      // does is rewritten once (revision ''), with its dated line.
      this.written.set(record.id, { revision: '', bytes: Buffer.byteLength(screen.data) });
      try {
        this.bridge.revive(record, screen, state.savedAt);
      } catch (err) {
        reportFailure(`restoring session ${record.id}`)(err);
      }
    }
    this.bridge.setRestored(state.layout, state.notices);
  }

  /** The periodic save and the prompt delete of ended sessions; returns their disposer. */
  run(): () => void {
    if (this.frozen) return () => undefined;
    const timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    const offRemoved = this.bridge.onRemoved((_id, reason) => {
      if (reason !== 'shutdown') this.scheduleFlush();
    });
    const dispose = () => {
      clearInterval(timer);
      offRemoved();
      if (this.flushSoon) clearImmediate(this.flushSoon);
      this.flushSoon = null;
    };
    this.disposers.push(dispose);
    return dispose;
  }

  /**
   * Saves what changed since the last write. Writes never overlap: one asked for while another
   * runs follows it, and any more asked for meanwhile share that one.
   */
  flush(): Promise<void> {
    if (this.frozen) return this.chain;
    if (!this.queued) {
      const next = this.chain.then(async () => {
        this.queued = null;
        if (!this.frozen) await this.write(false);
      });
      this.queued = next;
      this.chain = next.catch(reportFailure('saving the sessions for the next start'));
    }
    return this.queued;
  }

  /**
   * Quit: the last save (bounded by FINAL_WRITE_TIMEOUT_MS), then nothing more. Resolves with
   * whether the sessions were saved: only then are they not "ended" for the views still open.
   */
  async close(): Promise<boolean> {
    if (this.frozen) return false;
    this.stopLoops();
    const last = this.chain.then(() => this.write(true));
    this.frozen = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), FINAL_WRITE_TIMEOUT_MS)));
    try {
      return await Promise.race([last.then(() => true), timeout]);
    } catch (err) {
      reportFailure('saving the sessions at quit')(err);
      return false;
    } finally {
      clearTimeout(timer);
      this.releaseFolder();
    }
  }

  /** Quit and discard: everything saved is deleted and nothing more is written. */
  async discard(): Promise<void> {
    const owned = !this.frozen;
    this.stopLoops();
    this.frozen = true;
    if (!owned) return;
    try {
      await this.chain;
      await this.store.removeAll();
    } catch (err) {
      reportFailure('deleting the saved sessions')(err);
    } finally {
      this.releaseFolder();
    }
  }

  private stopLoops(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private releaseFolder(): void {
    try {
      this.store.release();
    } catch (err) {
      reportFailure('releasing the saved-sessions folder')(err);
    }
  }

  /** A stop or cleanup: its screen goes now, coalesced with any other in the same turn. */
  private scheduleFlush(): void {
    this.flushSoon ??= setImmediate(() => {
      this.flushSoon = null;
      void this.flush().catch(() => undefined);
    });
  }

  private async write(final: boolean): Promise<void> {
    const writes: Array<Promise<void>> = [];
    const sizes = new Map<string, number>();
    for (const session of this.bridge.liveSessions()) {
      const revision = `${session.outputRevision}:${session.cols}x${session.rows}`;
      const known = this.written.get(session.id);
      if (known?.revision !== revision) {
        await yieldToOutput();
        await this.saveScreen(session, revision, this.maxScreenBytes, writes);
      }
      const bytes = this.written.get(session.id)?.bytes;
      if (bytes !== undefined) sizes.set(session.id, bytes);
    }
    // The files are written side by side (fsync is most of their cost), all before the index. A
    // screen that fails to write does not stop the rest: ended sessions' screens still go and the
    // index is still written (a listed screen that is missing is skipped on load); the failure is
    // reported at the end, and the next write tries that screen again.
    let failure = await firstFailure(writes);
    const cuts: Array<Promise<void>> = [];
    for (const [id, budget] of screenBudgets(sizes, this.maxTotalBytes)) {
      if (!this.bridge.has(id)) continue;
      await yieldToOutput();
      await this.saveScreen(this.bridge.session(id), this.written.get(id)?.revision ?? '', budget, cuts);
    }
    failure ??= await firstFailure(cuts);
    let changed = writes.length + cuts.length > 0;

    const live = this.bridge.liveSessions().filter((s) => this.written.has(s.id));
    const liveIds = new Set(live.map((s) => s.id));
    for (const id of [...this.written.keys()]) {
      if (liveIds.has(id)) continue;
      await this.store.removeScreen(id);
      this.written.delete(id);
      changed = true;
    }
    const layout = this.bridge.currentLayout;
    const sessions: SessionRecord[] = [];
    for (const session of live) {
      const saved = record(session, this.bridge.recordingOf(session.id));
      // One the next start could not read would be left out then; it is left out now, said once.
      if (isRestorable(saved)) sessions.push(saved);
      else if (!this.unrestorable.has(saved.id)) {
        this.unrestorable.add(saved.id);
        reportFailure(`saving session ${saved.id} for the next start`)(new Error('its command line or environment is too large to restore'));
      }
    }
    const content = JSON.stringify({ layout, sessions });
    if (changed || final || content !== this.lastIndex) {
      await this.store.writeIndex({ version: STATE_VERSION, saved_at: this.now(), layout, sessions });
      this.lastIndex = content;
      await this.store.syncDir();
    }
    if (failure) throw failure;
  }

  /**
   * Takes one screen (serializing it only if it must) and starts writing it, adding the write
   * to `writes`. Nothing, if the session ended meanwhile. A write that fails is forgotten, so the
   * next one tries again.
   */
  private async saveScreen(session: PtySession, revision: string, maxBytes: number, writes: Array<Promise<void>>): Promise<void> {
    const screen = await session.savedScreen(maxBytes);
    if (!this.bridge.has(session.id)) return;
    const written = { revision, bytes: Buffer.byteLength(screen.data) };
    this.written.set(session.id, written);
    const write = this.store.writeScreen(session.id, screen).catch((err: unknown) => {
      if (this.written.get(session.id) === written) this.written.set(session.id, { revision: '', bytes: written.bytes });
      throw err;
    });
    // Its failure is read later (firstFailure), after other screens have been taken: until then
    // it must not count as an unhandled rejection.
    write.catch(() => undefined);
    writes.push(write);
  }
}

/**
 * Discard in a run that neither saves nor restores (LINGER_RESTORE=0): what an earlier run saved
 * is deleted all the same, as the user asked — unless another live app owns the folder, whose
 * sessions are not this one's to discard. Never throws.
 */
export async function discardSaved(store: StateStore): Promise<void> {
  if (!fs.existsSync(store.dir)) return;
  try {
    if (store.claim() !== null) return;
    try {
      await store.removeAll();
    } finally {
      store.release();
    }
  } catch (err) {
    reportFailure('deleting the saved sessions')(err);
  }
}

/** Waits for every write; the first failure, if any failed. */
async function firstFailure(writes: Array<Promise<void>>): Promise<unknown> {
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  return failed ? failed.reason : undefined;
}

/** A session as the next start needs it. */
function record(session: PtySession, recording: SessionRecord['recording'] | null): SessionRecord {
  const { spec } = session;
  return {
    ...(recording ? { recording } : {}),
    id: session.id,
    profile: spec.profile,
    command: spec.command,
    args: spec.args,
    env: spec.extraEnv,
    cwd: session.currentCwd(),
    title: session.oscTitle,
    kept: session.kept,
    exited: session.processState === 'exited',
    created_at: session.createdAt,
  };
}
