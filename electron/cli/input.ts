/**
 * Input for one session, delivered whole and in order whatever its size: split into writes the
 * socket takes, one write in flight at a time, and a write the app refuses because the program
 * has not read its earlier input yet (INPUT_BACKLOG_FULL) is sent again, the same text, after a
 * pause. Nothing is reordered or dropped; the first other error stops it and is reported.
 */
import { LingerError, MAX_WRITE_CHARS } from '../contract';

/**
 * Characters per write. JSON escapes a control character as 6 bytes (\u0000), so a write of
 * this many is at most 6 MiB on the wire: under the socket's frame cap (32 MiB) and the
 * contract's MAX_WRITE_CHARS, and at most 3 MiB of UTF-8, so the app's input backlog (24 MiB)
 * can always take one once its program reads — a write that could never fit would be retried forever.
 */
export const WRITE_CHUNK_CHARS = Math.min(1024 * 1024, MAX_WRITE_CHARS);

/**
 * Pauses between tries while the program does not read: the first short, so a paste into a
 * program that is merely slow barely waits; at most a second, so one that never reads costs a
 * request a second, and one that starts reading again is caught up with soon.
 */
const RETRY_MIN_MS = 10;
const RETRY_MAX_MS = 1000;

/** `text` in pieces of at most `max` characters, never splitting a surrogate pair (it would arrive as two U+FFFD). */
export function splitForWrites(text: string, max = WRITE_CHUNK_CHARS): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - start > 1) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

export interface SessionInputOptions {
  /** One write request to the app. */
  write(data: string): Promise<unknown>;
  /** Called once, the first time the program is too far behind and input waits for it. */
  onHeldBack(): void;
  wait?: (ms: number) => Promise<void>;
}

export class SessionInput {
  private queued = '';
  /** Of the text being sent now, what the app has not taken yet. */
  private unsent = 0;
  private busy = false;
  private flushing: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private warned = false;

  constructor(private readonly options: SessionInputOptions) {}

  /** Characters accepted here and not yet taken by the app. */
  get waiting(): number {
    return this.unsent + this.queued.length;
  }

  /** Sends `text` after everything pushed before it. Ignored once a write has failed. */
  push(text: string): void {
    if (this.failure || !text) return;
    this.queued += text;
    if (this.busy) return;
    this.busy = true;
    this.flushing = this.flush();
  }

  /** Resolves once the app has taken everything pushed; rejects with the error that stopped it. */
  async drained(): Promise<void> {
    await this.flushing;
    if (this.failure) throw this.failure;
  }

  private async flush(): Promise<void> {
    try {
      // Keystrokes typed while a write is in flight go together in the next one.
      while (this.queued) {
        const pieces = splitForWrites(this.queued);
        this.unsent = this.queued.length;
        this.queued = '';
        for (const piece of pieces) {
          await this.writeWhenTaken(piece);
          this.unsent -= piece.length;
        }
      }
    } catch (err) {
      this.failure = err as Error;
    } finally {
      this.busy = false;
    }
  }

  private async writeWhenTaken(data: string): Promise<void> {
    const wait = this.options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let pause = RETRY_MIN_MS; ; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      try {
        await this.options.write(data);
        return;
      } catch (err) {
        if (!(err instanceof LingerError && err.code === 'INPUT_BACKLOG_FULL')) throw err;
        if (!this.warned) {
          this.warned = true;
          this.options.onHeldBack();
        }
        await wait(pause);
      }
    }
  }
}
