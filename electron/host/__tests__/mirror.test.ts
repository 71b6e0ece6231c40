import { afterEach, describe, expect, test } from 'vitest';
import { HIBERNATION_MAX_PENDING_CHARS, ScreenMirror } from '../mirror';

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
