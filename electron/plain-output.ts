/**
 * Plain output that scrolls past the scrollback before anyone sees it need not be parsed — by
 * the host's off-screen mirror (host/mirror.ts) or by a tab's xterm.js (renderer/terminal-view.ts).
 *
 * A flood (`cat` of a log, `yes`, a build) is mostly printable ASCII and line breaks. In a
 * terminal at rest — parser in its ground state, normal buffer, scroll region the whole screen,
 * view at the bottom — such text changes nothing but the cells it prints and the lines it
 * scrolls in: no mode, no attribute, no tab stop, no title. Printing it from a carriage return
 * on, the columns it lands in depend only on the text (a CR sets the column to 0), and once it
 * has scrolled `2 × rows + scrollback` lines every row the buffer holds is a blank line scrolled
 * in by it (rows below the cursor can hold older text: `rows` more lines push those out too).
 * So the text before such a carriage return leaves no trace, and dropping it gives the same
 * screen. `host/__tests__/mirror.test.ts` checks that claim against full parses of random streams.
 *
 * `PlainOutputGate` sits in front of a terminal: plain output is held while it keeps coming and
 * trimmed, as it comes, to what the buffer would keep; the rest is parsed when the owner's
 * `FlushTimer` says (the mirror: once output pauses; a shown tab: every frame it draws).
 * Held output counts as taken (flow control acknowledges it): were it counted as waiting, the
 * lines kept for the screen (~84 K) would hold the window above its low watermark and the pty
 * paused until the next flush.
 */

/** Output as a terminal takes it: text (the mirror) or UTF-8 bytes (a tab). */
export type Chunk = string | Uint8Array;

/** What the gate needs of a terminal: @xterm/headless and @xterm/xterm both have it. */
export interface GateTerminal {
  readonly rows: number;
  readonly modes: { readonly insertMode: boolean };
  readonly buffer: { readonly active: { readonly viewportY: number; readonly baseY: number } };
  write(data: Chunk, callback?: () => void): void;
}

/** When held output is parsed: `arm` on every chunk held, `cancel` once it has been. */
export interface FlushTimer {
  arm(flush: () => void, heldSince: number): void;
  cancel(): void;
}

/** Holding starts only with a chunk this large: typed echoes and prompts go straight in. */
export const HOLD_MIN_CHUNK = 16 * 1024;

/**
 * What a terminal holds back at most, after trimming: past it, it is parsed. It bounds memory
 * (held output is acknowledged, so flow control no longer does) and one flush's parse (~15 ms
 * for 1 MB), and fits what a 1000-line scrollback keeps of lines up to ~1000 chars.
 */
export const HOLD_MAX = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/** Printable ASCII, tab, CR and LF: text that moves the cursor and prints, and nothing else. */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/;

export function isPlain(chunk: Chunk): boolean {
  if (typeof chunk === 'string') return !NOT_PLAIN.test(chunk);
  for (let i = 0; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte > 0x7e || (byte < 0x20 && byte !== LF && byte !== CR && byte !== TAB)) return false;
  }
  return true;
}

/** Line feeds after a carriage return that leave no row of what came before in a `rows` × `scrollback` buffer. */
export function lineFeedsThatReplaceTheBuffer(rows: number, scrollback: number): number {
  // One line of margin each side of the bound in the header.
  return 2 * rows + scrollback + 2;
}

/** A place in a run of output kept as chunks. */
export interface Cut {
  chunk: number;
  at: number;
}

function lastIndexOf(chunk: Chunk, char: number, from: number): number {
  return typeof chunk === 'string' ? chunk.lastIndexOf(String.fromCharCode(char), from) : chunk.lastIndexOf(char, from);
}

/**
 * Where plain output, kept as `chunks` in order, may be cut: the latest carriage return followed
 * by at least `lineFeeds` line feeds, or null when there is none past the first char (nothing
 * can be dropped). Chunks are searched from the end, so they are never joined.
 */
export function plainCut(chunks: readonly Chunk[], lineFeeds: number): Cut | null {
  let count = 0;
  for (let chunk = chunks.length - 1; chunk >= 0; chunk--) {
    const text = chunks[chunk];
    let at = text.length;
    // `at > 0` also keeps `from` at 0 or more: a typed array reads a negative one from its end.
    while (count < lineFeeds && at > 0) {
      at = lastIndexOf(text, LF, at - 1);
      if (at === -1) break;
      count++;
    }
    if (count < lineFeeds) continue;
    const cr = lastIndexOf(text, CR, at);
    if (cr > 0 || (cr === 0 && chunk > 0)) return { chunk, at: cr };
    if (cr === 0) return null;
  }
  return null;
}

/**
 * Whether output written now starts at rest (see the header). xterm.js has no public word for
 * its parser's state or scroll region; `mirror.test.ts` fails if these internals move.
 */
export function terminalAtRest(terminal: GateTerminal): boolean {
  const core = (terminal as unknown as { _core?: InternalCore })._core;
  const buffer = core?.buffer;
  const view = terminal.buffer.active;
  return (
    core?._inputHandler?._parser?.currentState === PARSER_GROUND &&
    buffer !== undefined &&
    buffer === core?.buffers?.normal &&
    buffer.scrollTop === 0 &&
    buffer.scrollBottom === terminal.rows - 1 &&
    !terminal.modes.insertMode &&
    view.viewportY === view.baseY
  );
}

interface InternalCore {
  _inputHandler?: { _parser?: { currentState?: number } };
  buffer?: { scrollTop: number; scrollBottom: number };
  buffers?: { normal?: unknown };
}

/** xterm.js's ParserState.GROUND: no escape sequence or string begun. */
const PARSER_GROUND = 0;

/** Plain output not yet given to the parser, as it came. */
interface Held {
  chunks: Chunk[];
  length: number;
  since: number;
  /**
   * Whether the terminal is at rest where the held output starts: known once it has parsed
   * everything written before (null until then). Output is dropped only when true.
   */
  atRest: boolean | null;
}

export class PlainOutputGate {
  private held: Held | null = null;
  private writesInFlight = 0;
  private droppedLength = 0;
  private disposed = false;

  constructor(
    private readonly terminal: GateTerminal,
    private readonly scrollback: number,
    private readonly timer: FlushTimer,
  ) {}

  /** Everything written has been parsed (or dropped). */
  get settled(): boolean {
    return this.held === null && this.writesInFlight === 0;
  }

  /** Chars (or bytes) of plain output dropped unparsed. */
  get dropped(): number {
    return this.droppedLength;
  }

  /**
   * `taken` runs once this chunk is in the screen, or held to be (see the header). Anything not
   * plain (and '') goes after whatever is held; `settled` says when all of it is in.
   */
  write(data: Chunk, taken: () => void = () => {}): void {
    if (this.disposed) return taken();
    if (this.holds(data)) {
      this.hold(data);
      taken();
      return;
    }
    this.flush();
    this.parse(data, taken);
  }

  /** Runs `action` once everything written so far is parsed: a resize, in stream order. */
  then(action: () => void): void {
    this.write('', action);
  }

  flush(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    this.timer.cancel();
    this.dropUnseen(held);
    this.parse(join(held.chunks), () => {});
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timer.cancel();
    this.held = null;
  }

  private parse(data: Chunk, parsed: () => void): void {
    this.writesInFlight++;
    this.terminal.write(data, () => {
      this.writesInFlight--;
      parsed();
    });
  }

  /**
   * Plain output joins a run already held; a new run starts with a large chunk (the size is
   * checked before the scan), unless the terminal, everything before parsed, is not at rest.
   */
  private holds(data: Chunk): boolean {
    if (this.held !== null) return data.length > 0 && isPlain(data);
    return data.length >= HOLD_MIN_CHUNK && isPlain(data) && (this.writesInFlight > 0 || terminalAtRest(this.terminal));
  }

  private hold(data: Chunk): void {
    const now = performance.now();
    const held = (this.held ??= this.startHolding(now));
    held.chunks.push(data);
    held.length += data.length;
    this.dropUnseen(held);
    if (held.length > HOLD_MAX) return this.flush();
    this.timer.arm(() => this.flush(), held.since);
  }

  /**
   * A held run starts where everything written before ends. The terminal may still be parsing
   * that: the state it ends in is learned then (a flood's batches often come faster than
   * xterm.js's parse, which runs on a timer), and a run that starts away from rest is parsed.
   */
  private startHolding(now: number): Held {
    const held: Held = { chunks: [], length: 0, since: now, atRest: null };
    if (this.writesInFlight === 0) {
      held.atRest = terminalAtRest(this.terminal);
      return held;
    }
    this.writesInFlight++;
    this.terminal.write('', () => {
      this.writesInFlight--;
      if (this.held !== held) return;
      held.atRest = terminalAtRest(this.terminal);
      if (!held.atRest) this.flush();
    });
    return held;
  }

  /** Drops the held output that would scroll past the scrollback. */
  private dropUnseen(held: Held): void {
    if (!held.atRest) return;
    const cut = plainCut(held.chunks, lineFeedsThatReplaceTheBuffer(this.terminal.rows, this.scrollback));
    if (!cut) return;
    let length = cut.at;
    for (const chunk of held.chunks.splice(0, cut.chunk)) length += chunk.length;
    held.chunks[0] = held.chunks[0].slice(cut.at);
    held.length -= length;
    this.droppedLength += length;
  }
}

function join(chunks: Chunk[]): Chunk {
  if (chunks.length === 1) return chunks[0];
  if (chunks.every((chunk) => typeof chunk === 'string')) return chunks.join('');
  const bytes = chunks as Uint8Array[];
  const joined = new Uint8Array(bytes.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of bytes) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

/**
 * A screen nobody watches draw (the mirror, a hidden tab) parses what is held once none has come
 * for this long: a flood's batches come every few ms, but on a loaded machine gaps of tens of ms
 * are common, and whoever looks at such a screen asks for it to be current first (a read, an
 * attach, showing the tab) — all but the preview, read once a second…
 */
export const UNSEEN_IDLE_MS = 100;

/** …or once it has been held this long, so the preview lags no more. */
export const UNSEEN_MAX_AGE_MS = 1000;

/** Parses held output once none has come for `idleMs`, or once it has been held `maxAgeMs`. */
export class IdleFlushTimer implements FlushTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly idleMs = UNSEEN_IDLE_MS,
    private readonly maxAgeMs = UNSEEN_MAX_AGE_MS,
  ) {}

  arm(flush: () => void, heldSince: number): void {
    this.cancel();
    if (performance.now() - heldSince >= this.maxAgeMs) return flush();
    this.timer = setTimeout(flush, this.idleMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
