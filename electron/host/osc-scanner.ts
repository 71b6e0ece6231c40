/**
 * Watches a session's output for what shells and programs say about themselves: OSC 7 (the
 * working directory), OSC 133 (prompt and command marks), OSC 633 (VS Code's marks, whose `E`
 * carries the command line), and BEL outside any OSC (the bell).
 *
 * It observes and never changes the stream: the same text goes on to the mirror and the views
 * (xterm.js ignores these OSCs), so `read`, snapshots and flow-control counts are untouched.
 *
 * It runs on every chunk of output, so a chunk with neither `ESC ]` nor BEL costs two
 * `indexOf`s, and an OSC it does not watch (a hyperlink, a 1 MB clipboard copy) is skipped with
 * `indexOf` too. Sequences may be split across chunks anywhere; the scanner carries its state.
 * Like xterm.js, an OSC ends at BEL or at any ESC (ESC \ being ST). Not recognised, because
 * programs do not send them: C1 controls (U+009D as OSC) and CAN/SUB aborting an OSC.
 */

/** OSC numbers whose text is kept; every other OSC is skipped without being buffered. */
export const WATCHED_OSCS: ReadonlySet<number> = new Set([7, 133, 633]);

/**
 * Longest OSC text kept. A path (PATH_MAX 4096) or an escaped command line of a couple of
 * thousand characters fits; anything longer is dropped whole rather than cut, so a truncated
 * path or a command line without its nonce can never be taken for a real one, and a program
 * printing an endless OSC cannot grow the host's memory.
 */
export const MAX_OSC_TEXT_CHARS = 8192;

/** `133;A…` has at most 4 digits before its `;`: more is not an OSC we watch. */
const MAX_IDENT_CHARS = 4;

const ESC = 0x1b;
const BEL = 0x07;
const SEMICOLON = 0x3b;
const RIGHT_BRACKET = 0x5d;

export interface OscSequence {
  /** 7, 133 or 633. */
  code: number;
  /** Everything after the first `;` (empty when there is none). */
  text: string;
}

export interface OscScan {
  sequences: OscSequence[];
  bells: number;
}

type State =
  | { kind: 'ground' }
  /** An ESC ended the last chunk (or an OSC): the next character decides. */
  | { kind: 'escape' }
  /** Inside an OSC, reading its number. */
  | { kind: 'ident'; digits: string }
  /** Inside an OSC we keep: collecting its text (null once it is past the cap). */
  | { kind: 'text'; code: number; text: string | null }
  /** Inside an OSC we skip. */
  | { kind: 'skip' };

const GROUND: State = { kind: 'ground' };
const ESCAPE: State = { kind: 'escape' };
const SKIP: State = { kind: 'skip' };

/**
 * Where the next BEL, ESC and `ESC ]` are in one chunk. Positions asked for only grow, so
 * each answer holds until passed: a chunk of a thousand hyperlinks and no BEL is searched for
 * a BEL once, not once per hyperlink.
 */
class ChunkIndex {
  private bell = -2;
  private esc = -2;
  private osc = -2;

  constructor(readonly chunk: string) {}

  nextBell(from: number): number {
    if (this.bell === -2 || (this.bell >= 0 && this.bell < from)) this.bell = this.chunk.indexOf('\x07', from);
    return this.bell;
  }

  nextEsc(from: number): number {
    if (this.esc === -2 || (this.esc >= 0 && this.esc < from)) this.esc = this.chunk.indexOf('\x1b', from);
    return this.esc;
  }

  nextOsc(from: number): number {
    if (this.osc === -2 || (this.osc >= 0 && this.osc < from)) this.osc = this.chunk.indexOf('\x1b]', from);
    return this.osc;
  }

  /** Where the OSC running at `from` ends (its BEL or ESC), or -1 when not in this chunk. */
  terminator(from: number): number {
    const bell = this.nextBell(from);
    const esc = this.nextEsc(from);
    if (bell < 0) return esc;
    return esc < 0 ? bell : Math.min(bell, esc);
  }
}

export class OscScanner {
  private state: State = GROUND;

  /** What `chunk` completes, or null when it holds nothing watched (the common case). */
  push(chunk: string): OscScan | null {
    if (this.state.kind === 'ground' && chunk.indexOf('\x1b]') < 0 && chunk.indexOf('\x07') < 0) {
      if (chunk.charCodeAt(chunk.length - 1) === ESC) this.state = ESCAPE;
      return null;
    }
    const found: OscScan = { sequences: [], bells: 0 };
    const index = new ChunkIndex(chunk);
    let at = 0;
    while (at < chunk.length) at = this.step(index, at, found);
    return found.sequences.length || found.bells ? found : null;
  }

  /** Consumes from `at` in the current state; returns where to go on. */
  private step(index: ChunkIndex, at: number, found: OscScan): number {
    const { chunk } = index;
    const state = this.state;
    switch (state.kind) {
      case 'ground': {
        const osc = index.nextOsc(at);
        const bell = index.nextBell(at);
        if (bell >= 0 && (osc < 0 || bell < osc)) {
          found.bells += 1;
          return bell + 1;
        }
        if (osc >= 0) {
          this.state = { kind: 'ident', digits: '' };
          return osc + 2;
        }
        if (chunk.charCodeAt(chunk.length - 1) === ESC) this.state = ESCAPE;
        return chunk.length;
      }
      case 'escape': {
        const code = chunk.charCodeAt(at);
        if (code === RIGHT_BRACKET) this.state = { kind: 'ident', digits: '' };
        else if (code === ESC) return at + 1;
        else {
          this.state = GROUND;
          // ESC BEL: the BEL still rings.
          if (code !== BEL) return at + 1;
          found.bells += 1;
        }
        return at + 1;
      }
      case 'ident':
        return this.readIdent(chunk, at, state, found);
      case 'text':
        return this.readText(index, at, state, found);
      case 'skip': {
        const end = index.terminator(at);
        if (end < 0) return chunk.length;
        this.end(chunk.charCodeAt(end));
        return end + 1;
      }
    }
  }

  private readIdent(chunk: string, at: number, state: { digits: string }, found: OscScan): number {
    for (let i = at; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (code >= 0x30 && code <= 0x39 && state.digits.length < MAX_IDENT_CHARS) {
        state.digits += chunk[i];
        continue;
      }
      const watched = state.digits !== '' && WATCHED_OSCS.has(Number(state.digits));
      if (code === SEMICOLON) {
        this.state = watched ? { kind: 'text', code: Number(state.digits), text: '' } : SKIP;
        return i + 1;
      }
      if (code === BEL || code === ESC) {
        if (watched) found.sequences.push({ code: Number(state.digits), text: '' });
        this.end(code);
        return i + 1;
      }
      this.state = SKIP;
      return i;
    }
    return chunk.length;
  }

  private readText(index: ChunkIndex, at: number, state: { code: number; text: string | null }, found: OscScan): number {
    const { chunk } = index;
    const end = index.terminator(at);
    const upTo = end < 0 ? chunk.length : end;
    if (state.text !== null) {
      state.text = upTo - at + state.text.length > MAX_OSC_TEXT_CHARS ? null : state.text + chunk.slice(at, upTo);
    }
    if (end < 0) return chunk.length;
    if (state.text !== null) found.sequences.push({ code: state.code, text: state.text });
    this.end(chunk.charCodeAt(end));
    return end + 1;
  }

  /** The OSC ended at `terminator`; an ESC may start the next sequence. */
  private end(terminator: number): void {
    this.state = terminator === ESC ? ESCAPE : GROUND;
  }
}
