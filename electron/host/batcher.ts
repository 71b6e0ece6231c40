/**
 * Coalesces pty output into fewer, larger messages.
 *
 * A pty delivers output in reads of ~4 KB; sending each as its own IPC/WebSocket message
 * halves throughput (measured: batching to ≤ 16 ms / 64 KB doubles socket throughput). But a
 * fixed 16 ms delay would sit on every keystroke's echo, so the first chunk after a quiet
 * period goes out on the next turn of the event loop, and only sustained output waits.
 * Output right after input is an echo too, however busy the session was before: it goes out
 * on the next turn as well (xterm.js parses the first write after input at once, for the same reason).
 */

/** Flush at once past this: big enough to amortise per-message cost, small enough for xterm.js to parse in ~1 ms. */
export const BATCH_MAX_CHARS = 64 * 1024;
/** Under sustained output, at most one flush per display frame at 60 Hz. */
export const BATCH_INTERVAL_MS = 16;
/**
 * How long after input its echo is awaited: a shell echoes in well under a millisecond, a
 * program redrawing after a key in a few. Under a flood, a keystroke costs at most this much
 * of smaller batches.
 */
export const ECHO_WINDOW_MS = 16;

export class DataBatcher {
  private buffer = '';
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private lastFlush = 0;
  private lastInput = -Infinity;

  constructor(
    private readonly onFlush: (data: string) => void,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  push(data: string): void {
    if (!data) return;
    this.buffer += data;
    if (this.buffer.length >= BATCH_MAX_CHARS) {
      this.flush();
      return;
    }
    if (this.immediate) return;
    const now = this.now();
    const wait = now - this.lastInput < ECHO_WINDOW_MS ? 0 : this.lastFlush + BATCH_INTERVAL_MS - now;
    if (this.timer && wait > 0) return;
    this.cancel();
    if (wait <= 0) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Input was just written: the output it brings (its echo) is sent on the next turn of the loop. */
  inputWritten(): void {
    this.lastInput = this.now();
  }

  /** Sends what is buffered now (also before `exit`, so no byte is reported after it). */
  flush(): void {
    this.cancel();
    if (!this.buffer) return;
    const data = this.buffer;
    this.buffer = '';
    this.lastFlush = this.now();
    this.onFlush(data);
  }

  dispose(): void {
    this.cancel();
    this.buffer = '';
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
