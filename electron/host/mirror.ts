/**
 * A session's off-screen screen: every byte of output is parsed into an @xterm/headless
 * terminal, so a view that attaches later gets the screen as it is (scrollback, alternate
 * buffer, cursor, modes) by serializing it, and `read` gets its text.
 *
 * A live terminal costs ~2 MB with 1000 lines of scrollback (xterm keeps a typed array per
 * row), which is too much to keep for every detached session nobody is looking at. So a quiet
 * mirror can hibernate: it serializes itself (~70 KB for the same screen) and drops the
 * terminal; output meanwhile is kept as text, and anything that needs the screen wakes it by
 * replaying the snapshot and that text. Serializing is what attach does anyway, so a
 * hibernated screen comes back exactly as an attaching view would see it.
 */
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import { PREVIEW_LINES, appendToPreview, previewOf } from './preview';
import { IdleFlushTimer, PlainOutputGate } from '../plain-output';

// Both packages are CommonJS bundles without ESM named exports under plain Node.
const { Terminal } = headless;
const { SerializeAddon } = serialize;

/**
 * While hibernating, output beyond this wakes the mirror to parse it: pending text is bounded,
 * and a detached flood is paced by parsing (flow control) as it is when live.
 */
export const HIBERNATION_MAX_PENDING_CHARS = 256 * 1024;

/** What @xterm/addon-serialize writes between the normal buffer and the alternate screen. */
const ALT_SCREEN_SWITCH = '\x1b[?1049h\x1b[H';

/** A title set while hibernating (OSC 0 or 2), so the sessions panel stays current. */
const TITLE_SEQUENCE = /\x1b\][02];([^\x07\x1b]*)(?:\x07|\x1b\\)/g;

/** The last few rows up to the cursor, the cursor's row cut at the cursor: where output goes on. */
function textBeforeCursor(terminal: InstanceType<typeof Terminal>): string {
  const buffer = terminal.buffer.active;
  const cursorRow = buffer.baseY + buffer.cursorY;
  const rows: string[] = [];
  for (let y = Math.max(0, cursorRow - PREVIEW_LINES); y <= cursorRow; y++) {
    const line = buffer.getLine(y);
    rows.push(y === cursorRow ? (line?.translateToString(false, 0, buffer.cursorX) ?? '') : (line?.translateToString(true) ?? ''));
  }
  return rows.join('\n');
}

/**
 * The serializer builds its output from thousands of small pieces, which V8 keeps as a rope:
 * ~1.3 MB of tree for a 67 KB screen. Kept for minutes, it must be one flat string.
 */
function flatten(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** A screen saved for a restart (state.ts): what a terminal of `cols`×`rows` replays to draw it. */
export interface SavedScreen {
  data: string;
  cols: number;
  rows: number;
}

/**
 * Output kept after the last saved screen (see `savedScreen`): past this it is dropped and the
 * next save serializes again, so neither memory nor a revival's replay grows without bound —
 * the same bound, for the same reasons, as a hibernating mirror's pending output.
 */
export const SAVED_DELTA_MAX_CHARS = HIBERNATION_MAX_PENDING_CHARS;

/**
 * A saved screen larger than its cap is re-serialized with this share of the scrollback its
 * size says would just fit: lines differ in size, so aiming a little under usually fits at once.
 */
const SHRINK_MARGIN = 0.9;

interface Live {
  terminal: InstanceType<typeof Terminal>;
  serializer: InstanceType<typeof SerializeAddon>;
  /** Every write to the terminal goes through it, so plain output scrolled away unseen is dropped. */
  gate: PlainOutputGate;
}

/** The screen last saved for a restart, and the output since: together they draw the screen now. */
interface Saved {
  base: string;
  cols: number;
  rows: number;
  delta: string[];
  chars: number;
  /** Newlines in `delta`: lines it may push out of the scrollback (see `deltaFits`). */
  lines: number;
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

interface Dormant {
  snapshot: string;
  /** The size the snapshot was drawn at. */
  cols: number;
  rows: number;
  pending: string;
  /** The preview when it hibernated; the screen's text up to the cursor, where `pending` goes on. */
  preview: string | null;
  beforeCursor: string;
  /** The preview with `pending` read into it, for that many chars of it. */
  previewWithPending: string | null;
  previewPendingChars: number;
}

export class ScreenMirror {
  private live: Live | null = null;
  private dormant: Dormant | null = null;
  private saved: Saved | null = null;
  /** Chars of plain output dropped unparsed by terminals this mirror has had (plain-output.ts). */
  private droppedBefore = 0;
  private disposed = false;
  private width: number;
  private height: number;

  /**
   * `restored`: a screen saved before a restart, to start from. The mirror starts hibernating
   * with it, so a revived session costs no parsing (and little memory) until someone looks.
   */
  constructor(
    cols: number,
    rows: number,
    private readonly scrollback: number,
    private readonly onTitle: (title: string) => void,
    restored: string | null = null,
  ) {
    this.width = cols;
    this.height = rows;
    if (restored === null) {
      this.live = this.createTerminal(cols, rows);
      return;
    }
    // Its preview read from the text, as a hibernating mirror reads output it has not parsed.
    const preview = appendToPreview('', restored);
    const beforeCursor = preview === null ? '' : `${preview}\n`;
    this.dormant = { snapshot: flatten(restored), cols, rows, pending: '', preview, beforeCursor, previewWithPending: preview, previewPendingChars: 0 };
  }

  get cols(): number {
    return this.width;
  }

  get rows(): number {
    return this.height;
  }

  get isHibernating(): boolean {
    return this.dormant !== null;
  }

  /**
   * Parsing is asynchronous; `taken` runs once this chunk is in the screen, or held to be
   * (plain-output.ts: flow control may count it as consumed). `isSettled` says when every chunk
   * is in.
   */
  write(data: string, taken: () => void): void {
    if (this.disposed) return taken();
    if (this.dormant) {
      this.dormant.pending += data;
      this.scanTitle(data);
      taken();
      if (this.dormant.pending.length > HIBERNATION_MAX_PENDING_CHARS) this.wake();
      return;
    }
    this.keepForSaving(data);
    this.liveTerminal().gate.write(data, taken);
  }

  /** Chars of plain output dropped unparsed because they scrolled past the scrollback (plain-output.ts). */
  get droppedChars(): number {
    return this.droppedBefore + (this.live?.gate.dropped ?? 0);
  }

  /** Output taken but not in the live screen yet (held back, or still being parsed). */
  get hasUnparsedOutput(): boolean {
    return this.live !== null && !this.live.gate.settled;
  }

  /** Whether every chunk written so far has been parsed into a live terminal. */
  get isSettled(): boolean {
    return this.disposed || (this.live !== null && this.live.gate.settled);
  }

  /** Wakes the mirror if it hibernates, and resolves once everything written so far is parsed. */
  settled(): Promise<void> {
    if (this.dormant) this.wake();
    return new Promise((resolve) => this.write('', resolve));
  }

  /**
   * Applied in stream order: output already written was drawn at the old size, so the resize
   * waits behind it in the parse queue (and a hibernating screen wakes: reflow needs cells).
   */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.width = cols;
    this.height = rows;
    // A replay cannot resize midway: the next save serializes at the new size.
    this.saved = null;
    if (this.dormant) this.wake();
    const { terminal, gate } = this.liveTerminal();
    gate.then(() => terminal.resize(cols, rows));
  }

  /**
   * A hibernating mirror's screen as escape sequences, without waking it: its snapshot and the
   * output since redraw the screen as it is now (waking replays exactly that). Null while live.
   */
  dormantScreen(): string | null {
    return this.dormant ? this.dormant.snapshot + this.dormant.pending : null;
  }

  /** Escape sequences that redraw this screen in a fresh terminal of the same size. Call after `settled()`. */
  serialize(): string {
    return this.liveTerminal().serializer.serialize({ scrollback: this.scrollback });
  }

  /**
   * The active buffer with its colours, as a file that `cat` draws in any terminal: the normal
   * buffer with its scrollback, or a full-screen program's screen alone (what the user sees; the
   * text export and `read` take the same buffer). No mode switches (alternate screen, mouse,
   * bracketed paste) that would stay on in the terminal that shows it, attributes reset at the
   * end, and the cursor left below the last row so a prompt after it starts on a fresh line.
   * Call after `settled()`.
   */
  ansi(): string {
    const { terminal, serializer } = this.liveTerminal();
    const normal = serializer.serialize({ scrollback: this.scrollback, excludeModes: true, excludeAltBuffer: true });
    let screen = normal;
    if (terminal.buffer.active.type === 'alternate') {
      // The addon draws the alternate screen only after the normal buffer and a switch to it.
      const both = serializer.serialize({ scrollback: this.scrollback, excludeModes: true });
      screen = both.slice(normal.length + ALT_SCREEN_SWITCH.length);
    }
    const below = terminal.rows - 1 - terminal.buffer.active.cursorY;
    return `${screen}\x1b[0m${below > 0 ? `\x1b[${below}B` : ''}\r\n`;
  }

  /**
   * The screen to save for a restart (state.ts), as attach would send it, in at most `maxBytes`
   * of UTF-8: the oldest scrollback lines are dropped until it fits ('' if even the screen alone
   * does not). Serializing costs ~5 ms for 1000 lines, so it is done as rarely as it can be: a
   * screen saved before followed by the output since draws the screen as it is now (as waking a
   * hibernated mirror replays its snapshot and pending output), so that is what is saved while
   * it fits and the output since stays under SAVED_DELTA_MAX_CHARS.
   */
  async savedScreen(maxBytes: number): Promise<SavedScreen> {
    const dormant = this.dormant;
    const known = dormant
      ? { base: dormant.snapshot, delta: [dormant.pending], cols: dormant.cols, rows: dormant.rows, lines: countLines(dormant.pending) }
      : this.saved;
    if (known && this.deltaFits(known.lines)) {
      const data = known.base + known.delta.join('');
      if (Buffer.byteLength(data) <= maxBytes) return { data, cols: known.cols, rows: known.rows };
    }
    do await this.settled();
    while (!this.isSettled);
    if (this.disposed) return { data: '', cols: this.width, rows: this.height };
    const { terminal, serializer } = this.liveTerminal();
    let data = serializer.serialize({ scrollback: this.scrollback });
    let bytes = Buffer.byteLength(data);
    for (let lines = this.scrollback; bytes > maxBytes && lines > 0; ) {
      lines = Math.min(lines - 1, Math.floor(((lines + terminal.rows) * maxBytes * SHRINK_MARGIN) / bytes) - terminal.rows);
      lines = Math.max(0, lines);
      data = serializer.serialize({ scrollback: lines });
      bytes = Buffer.byteLength(data);
    }
    if (bytes > maxBytes) data = '';
    // Serialized when everything written was parsed, so output from now on is what follows it.
    this.saved = { base: flatten(data), cols: terminal.cols, rows: terminal.rows, delta: [], chars: 0, lines: 0 };
    return { data, cols: terminal.cols, rows: terminal.rows };
  }

  /**
   * Whether output since a saved screen may be saved after it as it is. Its lines push the oldest
   * out of the scrollback when replayed, but the file would still hold them: at most another
   * `scrollback` lines are let through, and with a scrollback of 0 (a user who keeps no history)
   * none — the screen is serialized again instead.
   */
  private deltaFits(lines: number): boolean {
    return lines === 0 || lines <= this.scrollback;
  }

  private keepForSaving(data: string): void {
    const saved = this.saved;
    // settled() writes '' to wait its turn: nothing to keep.
    if (!saved || data === '') return;
    saved.chars += data.length;
    saved.lines += countLines(data);
    if (saved.chars > SAVED_DELTA_MAX_CHARS || !this.deltaFits(saved.lines)) this.saved = null;
    else saved.delta.push(data);
  }

  /**
   * The last `maxChars` of the active buffer's text: wrapped rows joined, lines right-trimmed,
   * trailing empty lines dropped (the seed's read). Call after `settled()`.
   */
  text(maxChars: number): string {
    const buffer = this.liveTerminal().terminal.buffer.active;
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

  /** The last lines on the screen (preview.ts). Never wakes a hibernating mirror: cheap to ask every second. */
  preview(): string | null {
    const dormant = this.dormant;
    if (dormant) {
      if (dormant.previewPendingChars !== dormant.pending.length) {
        dormant.previewWithPending = appendToPreview(dormant.beforeCursor, dormant.pending);
        dormant.previewPendingChars = dormant.pending.length;
      }
      return dormant.previewWithPending;
    }
    if (!this.live) return null;
    const { terminal } = this.live;
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let y = buffer.baseY; y < buffer.baseY + terminal.rows; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return previewOf(lines);
  }

  /**
   * Trades the live terminal for its serialized screen. Gives up (returns false) if output
   * arrived while it was settling: the caller tries again when the session is quiet.
   */
  async hibernate(): Promise<boolean> {
    if (!this.live || this.disposed) return false;
    await this.settled();
    if (!this.live || !this.isSettled || this.disposed) return false;
    const { terminal, gate } = this.live;
    const preview = this.preview();
    this.dormant = {
      snapshot: flatten(this.serialize()),
      cols: terminal.cols,
      rows: terminal.rows,
      pending: '',
      preview,
      beforeCursor: textBeforeCursor(terminal),
      previewWithPending: preview,
      previewPendingChars: 0,
    };
    // The snapshot is a newer saved screen, and costs no more memory.
    this.saved = null;
    this.droppedBefore += gate.dropped;
    gate.dispose();
    terminal.dispose();
    this.live = null;
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.live?.gate.dispose();
    this.live?.terminal.dispose();
    this.live = null;
    this.dormant = null;
    this.saved = null;
  }

  private wake(): void {
    const { snapshot, cols, rows, pending } = this.dormant as Dormant;
    this.dormant = null;
    this.live = this.createTerminal(cols, rows);
    this.write(snapshot + pending, () => {});
    const lines = countLines(pending);
    if (pending.length <= SAVED_DELTA_MAX_CHARS && this.deltaFits(lines)) this.saved = { base: snapshot, cols, rows, delta: [pending], chars: pending.length, lines };
  }

  private liveTerminal(): Live {
    if (!this.live) throw new Error('The mirror is hibernating: await settled() first.');
    return this.live;
  }

  private createTerminal(cols: number, rows: number): Live {
    const terminal = new Terminal({ cols, rows, scrollback: this.scrollback, allowProposedApi: true });
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer);
    terminal.onTitleChange(this.onTitle);
    const gate = new PlainOutputGate(terminal, this.scrollback, new IdleFlushTimer());
    return { terminal, serializer, gate };
  }

  private scanTitle(data: string): void {
    if (!data.includes('\x1b]')) return;
    let title: string | null = null;
    for (const match of data.matchAll(TITLE_SEQUENCE)) title = match[1];
    if (title !== null) this.onTitle(title);
  }
}
