/**
 * When a view acknowledges parsed output (the host's flow control, host/flow.ts): once
 * `everyBytes` have gathered, or as soon as nothing written is left to parse. A view that keeps
 * up acks every batch; one that falls behind in a flood sends fewer acks, each a WebSocket or IPC
 * message of its own, while a paused pty still resumes the moment the view has caught up.
 */
export class AckCounter {
  private pending = 0;
  private unacked = 0;

  constructor(private readonly everyBytes: number) {}

  /** A write of output went to the terminal. */
  written(): void {
    this.pending += 1;
  }

  /** One of those writes was parsed: the bytes to acknowledge now, 0 for none yet. */
  parsed(bytes: number): number {
    this.pending -= 1;
    this.unacked += bytes;
    if (this.unacked < this.everyBytes && this.pending > 0) return 0;
    const due = this.unacked;
    this.unacked = 0;
    return due;
  }
}
