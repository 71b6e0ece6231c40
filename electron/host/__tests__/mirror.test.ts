import { afterEach, describe, expect, test } from 'vitest';
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import { HIBERNATION_MAX_PENDING_CHARS, ScreenMirror } from '../mirror';
import { HOLD_MIN_CHUNK, terminalAtRest } from '../../plain-output';

const { Terminal } = headless;
const { SerializeAddon } = serialize;

const mirrors: ScreenMirror[] = [];
function mirror(cols = 40, rows = 5, titles: string[] = []): ScreenMirror {
  const m = new ScreenMirror(cols, rows, 100, (t) => titles.push(t));
  mirrors.push(m);
  return m;
}
afterEach(() => mirrors.splice(0).forEach((m) => m.dispose()));

const write = (m: ScreenMirror, data: string) => m.write(data, () => {});
async function text(m: ScreenMirror): Promise<string> {
  await m.settled();
  return m.text(100_000);
}

describe('hibernation', () => {
  test('a hibernated screen wakes exactly as it was, scrollback and alternate buffer included', async () => {
    const reference = mirror();
    const sleeper = mirror();
    const drawing = `${Array.from({ length: 30 }, (_, i) => `line ${i}\r\n`).join('')}\x1b[1;31mred\x1b[0m\x1b[?1049h\x1b[2;3Hin the alt screen`;
    for (const m of [reference, sleeper]) write(m, drawing);
    expect(await sleeper.hibernate()).toBe(true);
    expect(sleeper.isHibernating).toBe(true);
    await reference.settled();
    const expected = reference.serialize();
    expect(await text(sleeper)).toBe(await text(reference));
    expect(sleeper.isHibernating).toBe(false);
    expect(sleeper.serialize()).toBe(expected);

    for (const m of [reference, sleeper]) write(m, '\x1b[?1049l');
    expect(await text(sleeper)).toBe(await text(reference));
    expect(await text(sleeper)).toContain('line 29');
  });

  test('output while hibernating is kept, in order, and a new title is reported at once', async () => {
    const titles: string[] = [];
    const m = mirror(40, 5, titles);
    write(m, 'before\r\n');
    await m.hibernate();
    write(m, 'during 1\r\n\x1b]0;new title\x07during 2\r\n');
    expect(titles).toEqual(['new title']);
    expect(m.isHibernating).toBe(true);
    expect(await text(m)).toBe('before\nduring 1\nduring 2');
  });

  test('a resize while hibernating reflows after the old output, like a live screen', async () => {
    const live = mirror(20, 4);
    const sleeper = mirror(20, 4);
    const long = `${'a'.repeat(30)}\r\n`;
    for (const m of [live, sleeper]) write(m, long);
    await sleeper.hibernate();
    for (const m of [live, sleeper]) {
      m.resize(40, 4);
      write(m, `${'b'.repeat(30)}\r\n`);
    }
    expect(await text(sleeper)).toBe(await text(live));
    expect(sleeper.cols).toBe(40);
  });

  test('a flood wakes a hibernating mirror, so what it holds stays bounded', async () => {
    const m = mirror();
    await m.hibernate();
    write(m, 'x'.repeat(HIBERNATION_MAX_PENDING_CHARS + 1));
    expect(m.isHibernating).toBe(false);
  });

  test('output that arrives while it hibernates is never lost', async () => {
    for (let i = 0; i < 20; i++) {
      const m = mirror();
      write(m, 'early\r\n');
      const pending = m.hibernate();
      write(m, 'late');
      await pending;
      expect(await text(m)).toBe('early\nlate');
    }
  });
});

describe('preview', () => {
  test('the last lines on the screen, trailing blank rows dropped; the alternate screen while it is up', async () => {
    const m = mirror(40, 6);
    write(m, 'one\r\ntwo\r\nthree\r\nfour\r\n$ ');
    await m.settled();
    expect(m.preview()).toBe('three\nfour\n$');
    write(m, '\x1b[?1049h\x1b[H~\r\n~\r\n"notes.txt" 0L');
    await m.settled();
    expect(m.preview()).toBe('~\n~\n"notes.txt" 0L');
  });

  test('hibernated, it never wakes: output since is read as plain text into the preview it had', async () => {
    const m = mirror(40, 6);
    write(m, '$ make\r\nbuilt 1 of 3\r\n');
    await m.hibernate();
    expect(m.preview()).toBe('$ make\nbuilt 1 of 3');
    write(m, '\x1b[32mbuilt 2 of 3\x1b[0m\r\nprogress 10%\rprogress 99%\r\n');
    expect(m.preview()).toBe('built 1 of 3\nbuilt 2 of 3\nprogress 99%');
    write(m, '$ ');
    expect(m.preview()).toBe('built 2 of 3\nprogress 99%\n$');
    expect(m.isHibernating).toBe(true);
  });
});

describe('plain output that scrolls away unseen (plain-output.ts)', () => {
  const CHUNK = HOLD_MIN_CHUNK;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** A terminal that parses every byte, beside the mirror, to compare against. */
  function reference(cols: number, rows: number, scrollback: number) {
    const terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer);
    const titles: string[] = [];
    terminal.onTitleChange((title) => titles.push(title));
    return {
      titles,
      write: (data: string) => terminal.write(data),
      /** In stream order, as the mirror resizes. */
      resize: (cols: number, rows: number) => terminal.write('', () => terminal.resize(cols, rows)),
      async screen() {
        await new Promise<void>((r) => terminal.write('', r));
        return serializer.serialize({ scrollback });
      },
      dispose: () => terminal.dispose(),
    };
  }

  function random(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number) => Math.floor(next() * n);
    return { next, int, pick: <T>(items: T[]) => items[int(items.length)] };
  }

  /** Sequences that change what plain text does next, cut short sometimes so a chunk ends inside one. */
  const STATE_CHANGES = [
    '\x1b[44m', '\x1b[1;31m', '\x1b[0m', '\x1b[3;4H', '\x1b[A', '\x1b[2;4r', '\x1b[r', '\x1b[?1049h', '\x1b[?1049l',
    '\x1b[4h', '\x1b[4l', '\x1b[?6h', '\x1b[?6l', '\x1b[?7l', '\x1b[?7h', '\x1b[20h', '\x1b[20l', '\x1b]0;title\x07',
    '\x1b(0', '\x1b(B', '\x1bH', '\x1b[3g', '\x1b[2J', '\x1b[K', '\x1bc', '中文', 'e\u0301', '\x1b[5S', '\x1b[2L',
    '\x1b[3', '\x1b]0;open title ', '\x07', '\x1bP1$r', '\x1b\\', '\x08\x08',
  ];

  /** Lines of printable text, with CRLF, LF or CR endings; `endings` 'lf' for a program that writes bare LFs (raw mode). */
  function plainLines(rng: ReturnType<typeof random>, cols: number, minChars: number, endings: 'mixed' | 'lf' = 'mixed'): string {
    let text = '';
    while (text.length < minChars) {
      const width = rng.pick([0, 3, cols - 1, cols, cols + 1, 2 * cols + 3, rng.int(3 * cols)]);
      let line = '';
      for (let i = 0; i < width; i++) line += rng.next() < 0.05 ? '\t' : String.fromCharCode(0x20 + rng.int(95));
      text += line + (endings === 'lf' ? '\n' : rng.pick(['\r\n', '\r\n', '\r\n', '\n', '\r', '']));
    }
    return text;
  }

  type Rng = ReturnType<typeof random>;
  type Reference = ReturnType<typeof reference>;

  /**
   * Feeds `seeds` random streams, `step` choosing each write (or resize) for the mirror and a
   * full parse alike, and compares their screens and titles; returns the chars the mirror dropped.
   */
  async function compareWithFullParse(seeds: number[], step: (rng: Rng, m: ScreenMirror, ref: Reference, cols: number) => void): Promise<number> {
    let dropped = 0;
    for (const seed of seeds) {
      const rng = random(seed);
      const [cols, rows, scrollback] = rng.pick([[20, 5, 20], [33, 7, 0], [80, 24, 50], [12, 3, 5]]);
      const titles: string[] = [];
      const m = new ScreenMirror(cols, rows, scrollback, (title) => titles.push(title));
      mirrors.push(m);
      const ref = reference(cols, rows, scrollback);
      try {
        for (let i = 0; i < 14; i++) {
          step(rng, m, ref, cols);
          // Sometimes the terminal catches up (holding starts only at rest), sometimes it idles (held text is parsed).
          const pause = rng.pick([0, 0, 1, 1, 20]);
          if (pause) await sleep(pause);
        }
        await m.settled();
        expect(m.serialize(), `seed ${seed}`).toBe(await ref.screen());
        expect(titles, `seed ${seed}`).toEqual(ref.titles);
        dropped += m.droppedChars;
      } finally {
        ref.dispose();
      }
    }
    return dropped;
  }

  const seeds = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  function writeBoth(m: ScreenMirror, ref: Reference, chunk: string): void {
    m.write(chunk, () => {});
    ref.write(chunk);
  }

  test('a mirror that drops unseen plain text draws the same screen as a full parse, for random streams', async () => {
    const dropped = await compareWithFullParse(seeds(1, 24), (rng, m, ref, cols) => {
      let chunk = '';
      if (rng.next() < 0.5) chunk = plainLines(rng, cols, CHUNK + rng.int(3 * CHUNK), rng.next() < 0.2 ? 'lf' : 'mixed');
      else for (let i = rng.int(6); i >= 0; i--) chunk += rng.next() < 0.5 ? rng.pick(STATE_CHANGES) : plainLines(rng, cols, rng.int(400));
      writeBoth(m, ref, chunk);
    });
    // The comparison means something only if text was dropped.
    expect(dropped).toBeGreaterThan(10 * CHUNK);
  });

  test('the same with resizes in the stream, as the host applies them', async () => {
    // xterm.js itself can throw on a resize to fewer rows with a scroll region or origin mode
    // set, gated or not (seen in this fuzz): those sequences are left out here.
    const XTERM_RESIZE_BUG = ['\x1b[2;4r', '\x1b[?6h', '\x1b[2L', '\x1b[5S'];
    const changes = STATE_CHANGES.filter((change) => !XTERM_RESIZE_BUG.includes(change));
    const dropped = await compareWithFullParse(seeds(100, 25), (rng, m, ref, cols) => {
      if (rng.next() < 0.3) {
        const [newCols, newRows] = [10 + rng.int(60), 8 + rng.int(20)];
        m.resize(newCols, newRows);
        ref.resize(newCols, newRows);
        return;
      }
      let chunk = '';
      if (rng.next() < 0.6) chunk = plainLines(rng, cols, CHUNK + rng.int(3 * CHUNK));
      else for (let i = rng.int(6); i >= 0; i--) chunk += rng.next() < 0.5 ? rng.pick(changes) : plainLines(rng, cols, rng.int(400));
      writeBoth(m, ref, chunk);
    });
    expect(dropped).toBeGreaterThan(10 * CHUNK);
  });

  test('a flood of plain lines is mostly never parsed, and ends on the same screen', async () => {
    const m = mirror(80, 24);
    const ref = reference(80, 24, 100);
    const line = (i: number) => `${String(i).padStart(7, '0')} ${'x'.repeat(60)}\r\n`;
    let acknowledged = 0;
    let written = 0;
    for (let batch = 0; batch < 40; batch++) {
      let chunk = '';
      for (let i = 0; i < 800; i++) chunk += line(batch * 800 + i);
      written += chunk.length;
      m.write(chunk, () => (acknowledged += chunk.length));
      ref.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    await m.settled();
    expect(m.serialize()).toBe(await ref.screen());
    expect(m.text(200)).toContain('0031999 xxx');
    expect(acknowledged).toBe(written);
    expect(m.droppedChars).toBeGreaterThan(0.9 * written);
    ref.dispose();
  });

  test('bare line feeds carry the column on from line to line: without a carriage return nothing is dropped', async () => {
    const m = new ScreenMirror(20, 5, 20, () => {});
    mirrors.push(m);
    const ref = reference(20, 5, 20);
    const block = 'abcdefg\n'.repeat(3000);
    for (const data of ['abc', block]) {
      m.write(data, () => {});
      ref.write(data);
      await m.settled();
    }
    expect(m.serialize()).toBe(await ref.screen());
    ref.dispose();
  });

  test('text written inside an unfinished title is the title, not output: nothing is dropped until the parser is at rest', async () => {
    const titles: string[] = [];
    const m = mirror(20, 5, titles);
    const ref = reference(20, 5, 100);
    for (const data of ['\x1b]0;', 'z\r\n'.repeat(CHUNK), '\x07after']) {
      m.write(data, () => {});
      ref.write(data);
      await m.settled();
    }
    expect(m.serialize()).toBe(await ref.screen());
    expect(titles.map((t) => t.length)).toEqual(ref.titles.map((t) => t.length));
    ref.dispose();
  });

  test('held output reaches the screen by itself once output stops', async () => {
    const m = mirror(40, 5);
    await m.settled();
    m.write(`${'y\r\n'.repeat(CHUNK / 3)}last line\r\n`, () => {});
    const deadline = Date.now() + 2000;
    while (!m.preview()?.includes('last line') && Date.now() < deadline) await sleep(5);
    expect(m.preview()).toContain('last line');
  });

  test("xterm.js internals it reads are where it expects them (a new xterm.js that moves them fails here)", async () => {
    const terminal = new Terminal({ cols: 20, rows: 5, allowProposedApi: true });
    const after = (data: string) => new Promise<boolean>((r) => terminal.write(data, () => r(terminalAtRest(terminal))));
    expect(await after('plain')).toBe(true);
    expect(await after('\x1b[3')).toBe(false);
    expect(await after('1m')).toBe(true);
    expect(await after('\x1b]0;title')).toBe(false);
    expect(await after('\x07\x1b[2;4r')).toBe(false);
    expect(await after('\x1b[r\x1b[?1049h')).toBe(false);
    expect(await after('\x1b[?1049l\x1b[4h')).toBe(false);
    expect(await after('\x1b[4l')).toBe(true);
    terminal.dispose();
  });
});
