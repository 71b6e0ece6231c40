/**
 * TerminalView's resizes while output is still being parsed, with @xterm/headless standing in
 * for xterm.js (same core, no DOM) and the DOM-only addons stubbed.
 */
import { describe, expect, test, vi } from 'vitest';

const dims = { cols: 80, rows: 24 };
vi.mock('@xterm/xterm', async () => {
  const headless = (await import('@xterm/headless')).default;
  class Terminal extends headless.Terminal {
    open() {}
    focus() {}
    getSelection() { return ''; }
    clearSelection() {}
  }
  return { Terminal };
});
class Addon { activate() {} dispose() {} }
vi.mock('@xterm/addon-fit', () => ({ FitAddon: class extends Addon { proposeDimensions() { return { ...dims }; } } }));
vi.mock('@xterm/addon-search', () => ({ SearchAddon: Addon }));
vi.mock('@xterm/addon-web-links', () => ({ WebLinksAddon: Addon }));
vi.mock('@xterm/addon-webgl', () => ({ WebglAddon: Addon }));

function element() {
  return { className: '', offsetWidth: 800, offsetHeight: 600, offsetParent: {}, isConnected: true, parentElement: null, remove() {}, getContext: () => null };
}
(globalThis as any).document = { createElement: element, activeElement: null };
(globalThis as any).HTMLElement = class {};
(globalThis as any).requestAnimationFrame = (cb: () => void) => setTimeout(cb, 16) as unknown as number;
(globalThis as any).cancelAnimationFrame = (id: number) => clearTimeout(id);

const { TerminalView } = await import('../terminal-view');

const parsed = (view: InstanceType<typeof TerminalView>) => new Promise<void>((r) => view.term.write('', r));

describe('a resize waits behind output still being parsed', () => {
  test('a pane resized A→B→A before the parse catches up ends at A', async () => {
    const resized: string[] = [];
    const view = new TerminalView('s', {}, { cols: 80, rows: 24 }, { input() {}, resized: (c, r) => resized.push(`${c}x${r}`), firstText() {}, ack() {} });
    view.applySnapshot('hello', { cols: 80, rows: 24 });
    await parsed(view);
    view.mount({ appendChild() {} } as any);
    // Output in flight (not plain, so it is parsed, not held): the gate is not settled.
    view.write(new TextEncoder().encode('\x1b[1m' + 'x'.repeat(200_000) + '\x1b[0m'));
    dims.cols = 100; view.fit();  // pane grows: resize deferred behind the write
    dims.cols = 80; view.fit();   // pane back, before the parse caught up
    await parsed(view);
    expect(resized).toEqual(['100x24', '80x24']);
    expect(view.size).toEqual({ cols: 80, rows: 24 });
  });

  test('a snapshot at size S that arrives while a fit resize is deferred is parsed at S', async () => {
    dims.cols = 80;
    const view = new TerminalView('s', {}, { cols: 80, rows: 24 }, { input() {}, resized() {}, firstText() {}, ack() {} });
    view.applySnapshot('hello', { cols: 80, rows: 24 });
    await parsed(view);
    view.mount({ appendChild() {} } as any);
    view.write(new TextEncoder().encode('\x1b[1m' + 'x'.repeat(200_000) + '\x1b[0m'));
    dims.cols = 100; view.fit();   // deferred resize to 100
    // The host sends a fresh snapshot (a resync, a reattach) drawn at 90 columns.
    view.applySnapshot('\x1b[H' + 'y'.repeat(90) + 'Z', { cols: 90, rows: 24 });
    await parsed(view);
    const line0 = view.term.buffer.active.getLine(0)!.translateToString(true);
    const line1 = view.term.buffer.active.getLine(1)!.translateToString(true);
    // At 90 columns, 'Z' wraps onto row 1; parsed at 100 it stays on row 0.
    expect({ line0End: line0.slice(-1), line1 }).toEqual({ line0End: 'y', line1: 'Z' });
  });
});
