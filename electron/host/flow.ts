/**
 * Flow control: every consumer of a session's output (each attached view, and the off-screen
 * mirror) acknowledges the bytes it has parsed (UTF-8, as `data` events carry them). When any
 * consumer is more than the high watermark behind, the pty is paused — the process blocks on
 * write, exactly as on a slow real terminal — and it resumes once every consumer is under the
 * low watermark.
 *
 * VS Code uses 100 K / 5 K chars with acks every 5 K. Here output travels in batches of up to
 * 64 K (batcher.ts), so the high mark must hold a few batches in flight or the pipe runs dry
 * waiting for acks: 256 K keeps ~4 batches moving (bench: no throughput gain above it), while
 * bounding what one view can have queued to well under xterm.js's 50 MB discard limit.
 */
export const FLOW_HIGH_WATERMARK_BYTES = 256 * 1024;
/** Resume with room for ~3 batches, so the pty does not flap between paused and running. */
export const FLOW_LOW_WATERMARK_BYTES = 64 * 1024;

/**
 * A view that has acknowledged nothing for this long while a full window behind (a `linger
 * attach` whose terminal stopped reading — an SSH link from a laptop gone to sleep — or a
 * frozen page) no longer holds the pty paused for everyone else: it is set aside, gets no
 * output meanwhile, and once it has taken what it was sent, a fresh snapshot (session.ts), as
 * tmux redraws a client that fell behind. A view that is merely slow acks every few hundred
 * K and is never set aside.
 */
export const VIEW_STALL_MS = 10_000;

/** Whether a consumer `pending` bytes behind, last heard from at `lastAckAt`, is stalled at `now`. */
export function isStalled(pending: number, lastAckAt: number, now: number, high = FLOW_HIGH_WATERMARK_BYTES): boolean {
  return pending > high && now - lastAckAt >= VIEW_STALL_MS;
}

export class FlowControl {
  private readonly unacked = new Map<string, number>();
  private paused = false;

  constructor(
    private readonly setPaused: (paused: boolean) => void,
    private readonly high = FLOW_HIGH_WATERMARK_BYTES,
    private readonly low = FLOW_LOW_WATERMARK_BYTES,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  addConsumer(id: string): void {
    if (!this.unacked.has(id)) this.unacked.set(id, 0);
  }

  /** A consumer that leaves owes nothing: it can no longer hold the pty paused. */
  removeConsumer(id: string): void {
    this.unacked.delete(id);
    this.update();
  }

  /** `bytes` were sent to every consumer. */
  sent(bytes: number): void {
    for (const [id, value] of this.unacked) this.unacked.set(id, value + bytes);
    this.update();
  }

  /** Acks beyond what was sent are clamped: a confused client cannot bank credit. */
  ack(id: string, bytes: number): void {
    const value = this.unacked.get(id);
    if (value === undefined) return;
    this.unacked.set(id, Math.max(0, value - bytes));
    this.update();
  }

  pending(id: string): number {
    return this.unacked.get(id) ?? 0;
  }

  private update(): void {
    let worst = 0;
    for (const value of this.unacked.values()) worst = Math.max(worst, value);
    if (!this.paused && worst > this.high) {
      this.paused = true;
      this.setPaused(true);
    } else if (this.paused && worst < this.low) {
      this.paused = false;
      this.setPaused(false);
    }
  }
}
