/**
 * Input to a session's pty, written by us instead of node-pty's write queue, which had three
 * faults (issue 9): it retried with setImmediate while the program did not read (a core at
 * ~80 %), it queued without bound (20 × 4 MB grew RSS by 129 MB), and its retries kept going
 * after the session was disposed and its fd closed — so once the kernel reused the number,
 * queued keystrokes went into another session or an HTTP reply.
 *
 * Here every write is a synchronous, non-blocking write(2) on the main thread, made only after
 * checking that the master is still open: nothing runs in between that could close the fd, and
 * a closed writer never writes again. What the pty cannot take yet waits in a bounded queue,
 * retried at once while the program keeps reading and with a growing pause while it does not.
 */
import fs from 'node:fs';
import { LingerError, MAX_WRITE_CHARS } from '../contract';

/**
 * Input a program has not read yet, per session, in bytes: the largest write the contract takes
 * (MAX_WRITE_CHARS, at most 3 bytes each in UTF-8) always fits, so a valid paste is never refused
 * as too big. Past this, a program that is not reading would only make us hold more of its input.
 */
export const MAX_PENDING_INPUT_BYTES = 3 * MAX_WRITE_CHARS;

/**
 * Retry pauses while the pty accepts nothing: the first retry is quick (a shell reading a
 * paste drains the 4 KB line buffer in well under a millisecond); a program that does not read
 * costs at most one wake-up per MAX, not a spinning core.
 */
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 64;

export interface PtyMaster {
  /** The master's fd number; only meaningful while `isOpen()`. */
  readonly fd: number;
  /** False from the moment the fd is closed or about to be: never write after that. */
  isOpen(): boolean;
}

export class PtyInput {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  /** Offset into queue[0] already written. */
  private offset = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pause = RETRY_MIN_MS;
  private closed = false;

  constructor(
    private readonly master: PtyMaster,
    private readonly sessionId: string,
    private readonly maxPending = MAX_PENDING_INPUT_BYTES,
  ) {}

  /** Bytes accepted but not yet taken by the pty. */
  get pending(): number {
    return this.queued - this.offset;
  }

  /** Queues `data` whole, or refuses it whole when the backlog would pass the limit. */
  write(data: string): void {
    if (this.closed || !data) return;
    const bytes = Buffer.from(data, 'utf8');
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    if (bytes.length > this.maxPending) {
      throw new LingerError(
        'INPUT_BACKLOG_FULL',
        `That input is ${mb(bytes.length)}, more than a session takes at once (${mb(this.maxPending)}). Send it in smaller parts.`,
      );
    }
    if (this.pending + bytes.length > this.maxPending) {
      throw new LingerError(
        'INPUT_BACKLOG_FULL',
        `Session ${this.sessionId} has ${Math.round(this.pending / 1024)} KB of input its program has not read yet (the limit is ${mb(this.maxPending)}). Wait for it to read, or interrupt it with Ctrl+C, then send again.`,
      );
    }
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.timer && !this.immediate) this.drain();
  }

  /** Drops whatever is queued and never writes again. */
  dispose(): void {
    this.closed = true;
    this.cancel();
    this.queue.length = 0;
    this.queued = 0;
    this.offset = 0;
  }

  private drain(): void {
    this.timer = null;
    this.immediate = null;
    let progressed = false;
    while (this.queue.length > 0) {
      if (this.closed || !this.master.isOpen()) return this.dispose();
      const head = this.queue[0]!;
      let written: number;
      try {
        written = fs.writeSync(this.master.fd, head, this.offset, head.length - this.offset);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        // EIO/EBADF: the program is gone and its terminal with it; the exit path reports that.
        return this.dispose();
      }
      if (written > 0) progressed = true;
      this.offset += written;
      if (this.offset < head.length) continue;
      this.queue.shift();
      this.queued -= head.length;
      this.offset = 0;
    }
    if (this.queue.length === 0) {
      this.pause = RETRY_MIN_MS;
      return;
    }
    if (progressed) {
      this.pause = RETRY_MIN_MS;
      this.immediate = setImmediate(() => this.drain());
    } else {
      this.timer = setTimeout(() => this.drain(), this.pause);
      this.pause = Math.min(this.pause * 2, RETRY_MAX_MS);
    }
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
