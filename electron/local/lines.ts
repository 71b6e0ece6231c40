/**
 * Frames on a byte stream: one JSON text a line. JSON.stringify never emits a raw newline (it
 * escapes them inside strings), so a newline can only end a frame. Both ends of the local
 * socket split what they read with this.
 */

/** A line grew past the cap before its newline arrived. */
export class LineTooLongError extends Error {
  override name = 'LineTooLongError';
}

/**
 * Splits chunks into lines (without the newline). A line longer than `maxBytes` throws: the
 * stream cannot be trusted to resync, so the caller drops the connection.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      this.check(piece.length);
      lines.push(this.pendingBytes ? Buffer.concat([...this.pending, piece]).toString('utf8') : piece.toString('utf8'));
      this.pending = [];
      this.pendingBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.check(rest.length);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return lines;
  }

  private check(more: number): void {
    if (this.pendingBytes + more > this.maxBytes) {
      throw new LineTooLongError(`A frame is larger than ${this.maxBytes} bytes.`);
    }
  }
}
