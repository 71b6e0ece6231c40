/**
 * Append-only JSONL ledger of lifecycle events.
 *
 * Each event is one `write(2)` of one whole line to a file opened O_APPEND, done synchronously:
 * once `append` returns the line is in the kernel, so it survives a crash of this process, and
 * events land in exactly the order `append` was called. Lifecycle events are rare (a few per
 * session), so a synchronous write costs nothing users feel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAX_EVENTS_LIMIT, type LedgerEvent, type LedgerEventType } from '../contract';

export const LEDGER_FILE = 'ledger.jsonl';

/** 5 MB holds tens of thousands of events: months of normal use before the first rotation. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Rotated files kept besides the current one. */
export const DEFAULT_KEEP_FILES = 5;

export interface LedgerOptions {
  dir: string;
  maxBytes?: number;
  keepFiles?: number;
  now?: () => number;
}

export class Ledger {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly now: () => number;
  private fd: number | null = null;
  private size = 0;
  private closed = false;
  /**
   * The newest events, kept in memory: the sessions panel asks every few seconds, and reading
   * megabytes of JSONL on the host's thread each time would stall every terminal.
   */
  private readonly newest: LedgerEvent[];

  constructor(options: LedgerOptions) {
    fs.mkdirSync(options.dir, { recursive: true });
    this.file = path.join(options.dir, LEDGER_FILE);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.keepFiles = options.keepFiles ?? DEFAULT_KEEP_FILES;
    this.now = options.now ?? Date.now;
    this.open();
    this.newest = this.readBack(MAX_EVENTS_LIMIT);
  }

  append(type: LedgerEventType, sessionId: string | undefined, data: Record<string, unknown> = {}): LedgerEvent {
    const event: LedgerEvent = { ts: new Date(this.now()).toISOString(), type, ...(sessionId ? { session_id: sessionId } : {}), data };
    if (this.closed) {
      console.error(`Linger: ledger event after shutdown, not written: ${JSON.stringify(event)}`);
      return event;
    }
    const line = Buffer.from(JSON.stringify(event) + '\n');
    if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
    fs.writeSync(this.openFd(), line);
    this.size += line.length;
    this.newest.push(event);
    if (this.newest.length > MAX_EVENTS_LIMIT) this.newest.shift();
    return event;
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

  close(): void {
    this.closeFd();
    this.closed = true;
  }

  private closeFd(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    this.fd = fs.openSync(this.file, 'a');
    this.size = fs.fstatSync(this.fd).size;
    // A crash mid-write can leave a torn last line; start on a fresh line so the next event
    // is not glued onto it (the reader skips the torn line, never a whole one).
    if (this.size > 0 && !endsWithNewline(this.file, this.size)) {
      fs.writeSync(this.fd, '\n');
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
    return files.filter((f) => fs.existsSync(f));
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
