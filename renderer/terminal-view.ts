/**
 * One tab's xterm.js terminal, living outside React: host output is written straight into it
 * (and acknowledged from the write callback, which is the host's flow control), so the data
 * path never touches React state. The view exists from the moment its tab does and is opened
 * into the pane's element once React has mounted it and its first screen (the attach snapshot)
 * has been parsed; hidden panes keep their terminal.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type ITheme } from '@xterm/xterm';
import { MAX_DIMENSION, MIN_DIMENSION } from '../electron/contract';
import { IdleFlushTimer, PlainOutputGate, type FlushTimer } from '../electron/plain-output';
import { AckCounter } from './acks';
import { MONO_FONT_STACK, TERMINAL_FONT_SIZE } from './theme';

/** ESC c (RIS): a full reset queued in the same write as the snapshot, so no empty frame shows. */
const FULL_RESET = '\x1bc';

/**
 * Parsed output is acknowledged in runs of this much (acks.ts): two of the host's 64 K batches,
 * half its high watermark (host/flow.ts, 256 K).
 */
const ACK_EVERY_BYTES = 128 * 1024;

/** Matches the host's default (LINGER_SCROLLBACK): a reattached screen keeps what the mirror kept. */
const SCROLLBACK_LINES = 1000;

export interface TerminalViewHooks {
  input(data: string): void;
  /** The pane's size changed the terminal's: the host's pty should follow. */
  resized(cols: number, rows: number): void;
  /** The program drew its first text (a prompt): the tab stops saying it is starting. */
  firstText(): void;
  /** `bytes` of live output were parsed. */
  ack(bytes: number): void;
}

export interface Size {
  cols: number;
  rows: number;
}

export class TerminalView {
  readonly term: Terminal;
  /** The element xterm.js renders into; moved into the pane when React mounts it. */
  readonly element: HTMLDivElement;
  private readonly fitAddon = new FitAddon();
  private readonly searchAddon = new SearchAddon();
  private readonly disposers: Array<() => void> = [];
  private opened = false;
  /**
   * Until the first snapshot is parsed the terminal stays unopened: an opened one keeps its
   * scrollbar in step with every line it parses, which doubled the parse of a 1000-line screen.
   */
  private awaitingScreen = true;
  private hasText = false;
  private readonly acks = new AckCounter(ACK_EVERY_BYTES);
  /** Every write to the terminal goes through it, so plain output scrolled away unseen is not parsed. */
  private readonly gate: PlainOutputGate;
  /**
   * The size last asked for: a resize waits behind output still being parsed (see `resize`),
   * so the terminal's own size can lag it. A newer resize cancels a waiting one.
   */
  private target: Size;
  private resizes = 0;
  private received = 0;
  private disposed = false;

  constructor(
    readonly sessionId: string,
    theme: ITheme,
    size: Size,
    private readonly hooks: TerminalViewHooks,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'xterm-host';
    this.target = { cols: size.cols, rows: size.rows };
    this.term = new Terminal({
      cols: size.cols,
      rows: size.rows,
      theme,
      fontFamily: MONO_FONT_STACK,
      fontSize: TERMINAL_FONT_SIZE,
      scrollback: SCROLLBACK_LINES,
      allowProposedApi: true,
      // No blinking cursor (xterm.js's and VS Code's default too): a blinking cursor keeps the
      // page drawing frames, and Chromium then holds every task after a keystroke — the echo's
      // WebSocket message or IPC among them — until the next frame is drawn
      // (DeferRendererTasksAfterInput). Measured: keystroke to echo parsed 11.4 → 3.5 ms, and
      // the echo is painted one frame sooner (bench/RESULTS.md).
      macOptionIsMeta: true,
    });
    this.gate = new PlainOutputGate(this.term, SCROLLBACK_LINES, new ViewFlushTimer(() => this.isShown()));
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(this.searchAddon);
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    this.term.loadAddon(new WebLinksAddon((event, uri) => openLink(event, uri)));
    const subs = [
      this.term.onData((data) => hooks.input(data)),
      this.term.onBinary((data) => hooks.input(data)),
      // From what was parsed, not from each write's callback: held output (plain-output.ts) is
      // taken before it is parsed.
      this.term.onWriteParsed(() => this.noticeText()),
    ];
    this.disposers.push(() => subs.forEach((s) => s.dispose()));
  }

  /** Puts the terminal in `parent` (opening it there once its first screen is in); later mounts just move it. */
  mount(parent: HTMLElement): void {
    if (this.disposed) return;
    if (this.element.parentElement !== parent) parent.appendChild(this.element);
    this.openIfReady();
  }

  /**
   * The host's screen: reset to its size, write it, then fit to the pane (which tells the
   * host if the pane's size differs). Not acknowledged: the host does not count snapshots.
   */
  applySnapshot(data: string, size: Size): void {
    this.resize(clampDimension(size.cols), clampDimension(size.rows));
    this.gate.write(FULL_RESET + data, () => {
      this.awaitingScreen = false;
      this.openIfReady();
      this.noticeText();
      this.fit();
    });
  }

  private openIfReady(): void {
    if (this.opened || this.awaitingScreen || this.disposed || !this.element.isConnected) return;
    this.opened = true;
    this.term.open(this.element);
    this.loadWebgl();
    if (focusWhenOpened === this) {
      focusWhenOpened = null;
      this.term.focus();
    }
  }

  /** Live output, as the host sent it: UTF-8 bytes, which xterm.js decodes itself. */
  write(data: Uint8Array): void {
    this.received += data.length;
    this.acks.written();
    this.gate.write(data, () => {
      const due = this.acks.parsed(data.length);
      if (due > 0) this.hooks.ack(due);
    });
  }

  /** A line of our own (the exit line), always starting on a fresh line. */
  writeNotice(text: string): void {
    this.gate.then(() => {
      const fresh = this.term.buffer.active.cursorX === 0 ? '' : '\r\n';
      this.gate.write(`${fresh}\x1b[0m${text}\r\n`);
    });
  }

  /**
   * Fits the terminal to its pane when the pane is shown; a hidden pane keeps its size until
   * it is shown again, so a background tab never resizes its program for nothing.
   */
  fit(): void {
    if (!this.opened || this.disposed || this.element.offsetWidth === 0 || this.element.offsetHeight === 0) return;
    // Shown now: what was held back while hidden is drawn.
    this.gate.flush();
    const dims = this.fitAddon.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows)) return;
    const cols = clampDimension(dims.cols);
    const rows = clampDimension(dims.rows);
    if (cols === this.target.cols && rows === this.target.rows) return;
    this.resize(cols, rows);
    this.hooks.resized(cols, rows);
  }

  get size(): Size {
    return { ...this.target };
  }

  /**
   * After the output already written, which was drawn at the old size (and which the gate may
   * have trimmed for it), as the host's mirror resizes in stream order; at once when all of it
   * is in (a reattach fits in its snapshot's callback, before the first frame). Only the newest
   * of several waiting resizes is applied.
   */
  private resize(cols: number, rows: number): void {
    this.target = { cols, rows };
    const resize = ++this.resizes;
    if (this.gate.settled) return this.term.resize(cols, rows);
    this.gate.then(() => {
      if (resize === this.resizes) this.term.resize(cols, rows);
    });
  }

  /** The viewport's text: active buffer, lines right-trimmed, joined with newlines. */
  screenText(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = buffer.viewportY; y < buffer.viewportY + this.term.rows; y++) {
      lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    }
    return lines.join('\n');
  }

  /** Bytes of output never parsed because they scrolled past the scrollback unseen. */
  get droppedOutput(): number {
    return this.gate.dropped;
  }

  /** Bytes of live output written to it. */
  get receivedOutput(): number {
    return this.received;
  }

  /** For `window.__lingerTest.onWriteParsed`: benchmarks time output by it instead of polling. */
  onWriteParsed(listener: () => void): () => void {
    const subscription = this.term.onWriteParsed(listener);
    return () => subscription.dispose();
  }

  /**
   * The keyboard to this terminal. Before it opens, the keyboard is taken from wherever it is
   * (another tab's terminal must not get keys meant for this one) and given once it opens.
   */
  focus(): void {
    focusWhenOpened = this.opened ? null : this;
    if (this.opened) return this.term.focus();
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  }

  selection(): string {
    return this.term.getSelection();
  }

  find(query: string, backwards: boolean): boolean {
    if (!query) return false;
    return backwards ? this.searchAddon.findPrevious(query) : this.searchAddon.findNext(query);
  }

  clearFind(): void {
    this.searchAddon.clearDecorations();
    this.term.clearSelection();
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (focusWhenOpened === this) focusWhenOpened = null;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.gate.dispose();
    this.term.dispose();
    this.element.remove();
  }

  /** In a shown pane (a hidden one is display: none, and has no offsetParent). */
  private isShown(): boolean {
    return this.opened && this.element.offsetParent !== null;
  }

  /** Anything drawn moves the cursor off the origin; a blank screen leaves it at 0,0. */
  private noticeText(): void {
    const buffer = this.term.buffer.active;
    if (this.hasText || (buffer.cursorX === 0 && buffer.cursorY === 0 && buffer.baseY === 0)) return;
    this.hasText = true;
    this.hooks.firstText();
  }

  /** WebGL on a real GPU; xterm.js's DOM renderer otherwise, or when the GPU resets. */
  private loadWebgl(): void {
    if (!supportsWebgl2()) return;
    try {
      const webgl = new WebglAddon();
      const lost = webgl.onContextLoss(() => webgl.dispose());
      this.term.loadAddon(webgl);
      this.disposers.push(() => lost.dispose());
    } catch {
      // The DOM renderer is already in place.
    }
  }
}

/**
 * A shown tab parses held output in every frame it draws, so what it shows is what a full parse
 * would show at that frame (lines that come and go between two frames are never drawn anyway);
 * a hidden one as the mirror does (`IdleFlushTimer`), and showing it (fit) parses what is
 * held at once.
 */
class ViewFlushTimer implements FlushTimer {
  private frame = 0;
  private readonly idle = new IdleFlushTimer();

  constructor(private readonly shown: () => boolean) {}

  arm(flush: () => void, heldSince: number): void {
    if (this.frame) return;
    if (!this.shown()) return this.idle.arm(flush, heldSince);
    this.idle.cancel();
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      flush();
    });
  }

  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.idle.cancel();
  }
}

/** The view last asked for the keyboard before it had opened: it takes it when it opens. */
let focusWhenOpened: TerminalView | null = null;

let webgl2: boolean | undefined;

/**
 * A software rasterizer (SwiftShader, llvmpipe: a VM, a remote desktop, headless Chromium)
 * offers WebGL2 too, but there every frame is drawn by the CPU through GL, which is slower
 * than the DOM renderer — measured here: 49 ms to load and ~50–140 ms frame commits. VS Code
 * turns GPU acceleration off in the same case.
 */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

/** WebGL2 on a real GPU, probed once. */
function supportsWebgl2(): boolean {
  if (webgl2 === undefined) {
    try {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
      webgl2 = gl !== null && !SOFTWARE_GL.test(renderer);
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
    } catch {
      webgl2 = false;
    }
  }
  return webgl2;
}

function clampDimension(n: number): number {
  return Math.max(MIN_DIMENSION, Math.min(MAX_DIMENSION, Math.floor(n)));
}

/** Links open outside the app, and only on a deliberate Ctrl/Cmd+click, as in VS Code. */
function openLink(event: MouseEvent, uri: string): void {
  if (!event.ctrlKey && !event.metaKey) return;
  window.open(uri, '_blank', 'noopener,noreferrer');
}

/** A size for a new session before any terminal has been fitted: the pane's area in cells. */
export function estimateSize(pane: HTMLElement | null): Size {
  const fallback = { cols: 80, rows: 24 };
  if (!pane || pane.clientWidth === 0 || pane.clientHeight === 0) return fallback;
  const probe = document.createElement('canvas').getContext('2d');
  if (!probe) return fallback;
  probe.font = `${TERMINAL_FONT_SIZE}px ${MONO_FONT_STACK}`;
  const cellWidth = probe.measureText('W').width || TERMINAL_FONT_SIZE * 0.6;
  // xterm.js's default line height is the font's ascent + descent, ≈ 1.2 × its size.
  const cellHeight = Math.ceil(TERMINAL_FONT_SIZE * 1.2);
  return {
    cols: clampDimension(pane.clientWidth / cellWidth),
    rows: clampDimension(pane.clientHeight / cellHeight),
  };
}
