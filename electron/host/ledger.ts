/**
 * Append-only JSONL ledger of lifecycle events.
 *
 * Each event is one `write(2)` of one whole line to a file opened O_APPEND, done synchronously:
 * once `append` returns the line is in the kernel, so it survives a crash of this process, and
 * events land in exactly the order `append` was called. Lifecycle events are rare (a few per
 * session), so a synchronous write costs nothing users feel.
 *
 * A ledger that cannot be written (a full disk, a vanished or read-only folder) must never break
 * a session's lifecycle: `append` never throws. Lines that could not be written wait in memory,
 * in order, and are written first once the file takes them again; the failure is logged once
 * and reported by `problem` (the sessions panel shows it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAX_EVENTS_LIMIT, type LedgerEvent, type LedgerEventType } from '../contract';

export const LEDGER_FILE = 'ledger.jsonl';

/** 5 MB holds tens of thousands of events: months of normal use before the first rotation. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Rotated files kept besides the current one. */
export const DEFAULT_KEEP_FILES = 5;

/**
 * Events held while the file cannot be written: days of normal use (a few per session), bounded
 * so a disk that stays full cannot grow memory without end. Past it the oldest are dropped, and
 * the count is written with the rest.
 */
export const MAX_HELD_EVENTS = 10_000;
/** While failing, the file is tried again this often even if no event comes. */
export const RETRY_MS = 5000;

/** Data-dir files hold every command line (and, later, screens): readable by their owner only. */
export const PRIVATE_FILE_MODE = 0o600;

export interface LedgerOptions {
  dir: string;
  maxBytes?: number;
  keepFiles?: number;
  now?: () => number;
  /** Where a failure is reported (once per failure, and once on recovery). */
  log?: (message: string) => void;
}

export class Ledger {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private fd: number | null = null;
  private size = 0;
  private closed = false;
  /** Lines not yet in the file, oldest first; the first may be partly written (`headWritten`). */
  private readonly held: Buffer[] = [];
  private headWritten = 0;
  private dropped = 0;
  private failure: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /**
   * The newest events, kept in memory: the sessions panel asks every few seconds, and reading
   * megabytes of JSONL on the host's thread each time would stall every terminal.
   */
  private readonly newest: LedgerEvent[];
  private readonly listeners = new Set<(event: LedgerEvent) => void>();

  /** The folder must exist and be writable (startup.ts checks it before the host starts). */
  constructor(options: LedgerOptions) {
    this.file = path.join(options.dir, LEDGER_FILE);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.keepFiles = options.keepFiles ?? DEFAULT_KEEP_FILES;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? console.error;
    this.newest = [];
    try {
      this.newest = this.readBack(MAX_EVENTS_LIMIT);
      this.open();
      this.closeTornTail();
    } catch (err) {
      this.fail(err);
    }
  }

  append(type: LedgerEventType, sessionId: string | undefined, data: Record<string, unknown> = {}): LedgerEvent {
    const event: LedgerEvent = { ts: new Date(this.now()).toISOString(), type, ...(sessionId ? { session_id: sessionId } : {}), data };
    if (this.closed) {
      this.log(`Linger: ledger event after shutdown, not written: ${JSON.stringify(event)}`);
      return event;
    }
    this.newest.push(event);
    if (this.newest.length > MAX_EVENTS_LIMIT) this.newest.shift();
    this.hold(Buffer.from(JSON.stringify(event) + '\n'));
    this.writeHeld();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log(`Linger: a ledger follower failed (${String(err)}); the event is recorded.`);
      }
    }
    return event;
  }

  /** Each event once it is appended (written, or held until it can be); returns the disposer. */
  onAppend(listener: (event: LedgerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What is wrong with the file and what to do, while events cannot be written; else null. */
  get problem(): string | null {
    if (!this.failure) return null;
    return `The ledger (${this.file}) cannot be written: ${this.failure}. Sessions keep working; ${this.held.length} events wait in memory and are written once it can be. Free disk space or fix the folder's permissions.`;
  }

  /** The newest `limit` events (at most MAX_EVENTS_LIMIT), oldest first. */
  recent(limit: number): LedgerEvent[] {
    return this.newest.slice(-limit);
  }

  /** Reads the newest `limit` events back from the files, into rotated ones as needed. */
  private readBack(limit: number): LedgerEvent[] {
    const collected: LedgerEvent[][] = [];
    let count = 0;
    for (const file of this.filesNewestFirst()) {
      if (count >= limit) break;
      const events = readEvents(file);
      collected.unshift(events);
      count += events.length;
    }
    return collected.flat().slice(-limit);
  }

  /** Writes what it still can, then lets go of the file. */
  close(): void {
    if (this.closed) return;
    if (this.held.length > 0) this.writeHeld();
    if (this.held.length > 0) this.log(`Linger: ${this.held.length} ledger events could not be written before exit: ${this.failure}.`);
    this.cancelRetry();
    this.closeFd();
    this.closed = true;
  }

  private hold(line: Buffer): void {
    this.held.push(line);
    if (this.held.length <= MAX_HELD_EVENTS) return;
    // Never drop a line already partly in the file: its rest must follow it.
    this.held.splice(this.headWritten > 0 ? 1 : 0, 1);
    this.dropped += 1;
  }

  private writeHeld(): void {
    try {
      if (this.dropped > 0 && this.headWritten === 0) {
        const note: LedgerEvent = { ts: new Date(this.now()).toISOString(), type: 'ledger_events_dropped', data: { count: this.dropped } };
        this.held.unshift(Buffer.from(JSON.stringify(note) + '\n'));
        this.dropped = 0;
      }
      while (this.held.length > 0) {
        const line = this.held[0]!;
        if (this.headWritten === 0 && this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
        const written = fs.writeSync(this.openFd(), line, this.headWritten);
        this.size += written;
        this.headWritten += written;
        if (this.headWritten < line.length) continue;
        this.held.shift();
        this.headWritten = 0;
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.failure) {
      this.log(`Linger: the ledger is writable again (${this.file}); every held event was written.`);
      this.failure = null;
      this.cancelRetry();
    }
  }

  /** Logged once per failure; the file is reopened on the next try (it may have been replaced). */
  private fail(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    if (!this.failure) this.log(`Linger: cannot write the ledger ${this.file} (${reason}); sessions keep working and events wait in memory.`);
    this.failure = reason;
    try {
      this.closeFd();
    } catch {
      // already unusable
    }
    if (!this.retryTimer && !this.closed) {
      this.retryTimer = setInterval(() => this.writeHeld(), RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  private closeFd(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) fs.closeSync(fd);
  }

  private open(): void {
    this.fd = fs.openSync(this.file, 'a', PRIVATE_FILE_MODE);
    const stat = fs.fstatSync(this.fd);
    // A ledger made before files were private gets private now.
    if (stat.isFile() && (stat.mode & 0o077) !== 0) fs.fchmodSync(this.fd, PRIVATE_FILE_MODE);
    this.size = stat.size;
  }

  /**
   * A crash mid-write can leave a torn last line; start on a fresh line so the next event is not
   * glued onto it (the reader skips the torn line, never a whole one). Only at start: a line this
   * ledger left half-written during a failure is finished instead.
   */
  private closeTornTail(): void {
    if (this.size > 0 && !endsWithNewline(this.file, this.size)) {
      fs.writeSync(this.openFd(), '\n');
      this.size += 1;
    }
  }

  private openFd(): number {
    if (this.fd === null) this.open();
    return this.fd as number;
  }

  private rotate(): void {
    this.closeFd();
    for (let i = this.keepFiles; i >= 1; i--) {
      const from = i === 1 ? this.file : rotatedName(this.file, i - 1);
      const to = rotatedName(this.file, i);
      if (!fs.existsSync(from)) continue;
      if (i === this.keepFiles && fs.existsSync(to)) fs.rmSync(to);
      fs.renameSync(from, to);
    }
    if (this.keepFiles === 0) fs.rmSync(this.file, { force: true });
    this.open();
  }

  private filesNewestFirst(): string[] {
    const files = [this.file];
    for (let i = 1; i <= this.keepFiles; i++) files.push(rotatedName(this.file, i));
    // Only regular files: reading a device (a ledger linked to /dev/full, say) never ends.
    return files.filter((f) => {
      try {
        return fs.statSync(f).isFile();
      } catch {
        return false;
      }
    });
  }
}

export function rotatedName(file: string, index: number): string {
  return file.replace(/\.jsonl$/, `.${index}.jsonl`);
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    fs.closeSync(fd);
  }
}

/** Every whole event in a file; a torn or foreign line is skipped, never the lines around it. */
export function readEvents(file: string): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const parsed = JSON.parse(line) as LedgerEvent;
      if (parsed && typeof parsed.type === 'string' && typeof parsed.ts === 'string') events.push(parsed);
    } catch {
      // torn line from a crash mid-write
    }
  }
  return events;
}
