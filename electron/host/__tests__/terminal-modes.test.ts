/** A saved screen whose program is gone, replayed in a real headless terminal. */
import { describe, expect, test } from 'vitest';
import { ScreenMirror } from '../mirror';
import { retiredScreen } from '../terminal-modes';

const ROWS = 8;

/** The text a terminal shows after replaying `saved`, retired, then `next` (what the new shell prints). */
async function replay(saved: string, next = 'NEXT'): Promise<{ text: string; screen: string }> {
  const m = new ScreenMirror(30, ROWS, 100, () => {});
  m.write(retiredScreen(saved, ROWS) + next, () => {});
  await m.settled();
  const result = { text: m.text(10_000), screen: m.serialize() };
  m.dispose();
  return result;
}

describe('a retired screen', () => {
  test('a shell at its prompt: what follows starts on the next line; modes it left on are off, the cursor kept', async () => {
    // A scroll region (which homes the cursor as it is set), then the prompt where the shell put it.
    const { text, screen } = await replay('$ echo hi\r\nhi\r\n\x1b[2;7r\x1b[3;1H$ \x1b[?2004h\x1b[?1h\x1b[?25l\x1b[1;31m');
    expect(text).toBe('$ echo hi\nhi\n$\nNEXT');
    for (const mode of ['\x1b[?2004h', '\x1b[?1h', '\x1b[?25l']) expect(screen).not.toContain(mode);
    expect(screen).not.toMatch(/\x1b\[[0-9;]*31m[^\x1b]*NEXT/);
  });

  test('a full-screen program still open: its last screen stays as text right below the history, the new output below it', async () => {
    const history = 'one\r\ntwo\r\n$ vim notes';
    const vim = '\x1b[?1049h\x1b[H\x1b[2Jhello from vim\r\n~\r\n~\x1b[1;6H\x1b[?1h\x1b[?1000h';
    const { text, screen } = await replay(history + vim);
    expect(text).toBe('one\ntwo\n$ vim notes\nhello from vim\n~\n~\n\n\n\n\n\nNEXT');
    for (const mode of ['\x1b[?1049h', '\x1b[?1h', '\x1b[?1000h']) expect(screen).not.toContain(mode);
  });

  test('a program that left the alternate screen already: nothing of it is redrawn', async () => {
    const { text } = await replay('$ less f\r\n\x1b[?1049h\x1b[Hpage\x1b[?1049l$ ');
    expect(text).toBe('$ less f\n$\nNEXT');
  });
});
