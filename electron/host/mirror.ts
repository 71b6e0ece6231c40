/**
 * A session's off-screen screen: every byte of output is parsed into an @xterm/headless
 * terminal, so a view that attaches later gets the screen as it is (scrollback, alternate
 * buffer, cursor, modes) by serializing it, and `read` gets its text.
 */
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

// Both packages are CommonJS bundles without ESM named exports under plain Node.
const { Terminal } = headless;
const { SerializeAddon } = serialize;

export class ScreenMirror {
  private readonly terminal: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private disposed = false;
  private writtenChars = 0;
  private parsedChars = 0;

  constructor(cols: number, rows: number, scrollback: number, onTitle: (title: string) => void) {
    this.terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.serializer = new SerializeAddon();
    this.terminal.loadAddon(this.serializer);
    this.terminal.onTitleChange(onTitle);
  }

  get cols(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  /** Parsing is asynchronous; `parsed` runs once this chunk is in the screen. */
  write(data: string, parsed: () => void): void {
    if (this.disposed) return parsed();
    this.writtenChars += data.length;
    this.terminal.write(data, () => {
      this.parsedChars += data.length;
      parsed();
    });
  }

  /** Whether every chunk written so far has been parsed. */
  get isSettled(): boolean {
    return this.disposed || this.parsedChars === this.writtenChars;
  }

  /** Resolves once everything written before this call has been parsed. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.write('', resolve));
  }

  resize(cols: number, rows: number): void {
    if (!this.disposed) this.terminal.resize(cols, rows);
  }

  /** Escape sequences that redraw this screen in a fresh terminal of the same size. */
  serialize(): string {
    return this.serializer.serialize({ scrollback: this.terminal.options.scrollback });
  }

  /**
   * The last `maxChars` of the active buffer's text: wrapped rows joined, lines right-trimmed,
   * trailing empty lines dropped (the seed's read).
   */
  text(maxChars: number): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length && lines[lines.length - 1].trimEnd() === '') lines.pop();
    const all = lines.map((l) => l.trimEnd()).join('\n');
    return all.length > maxChars ? all.slice(all.length - maxChars) : all;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.terminal.dispose();
  }
}
