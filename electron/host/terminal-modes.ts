/**
 * What a program may have left on in a terminal (alternate screen, scroll region, mouse and
 * focus reporting, bracketed paste, hidden cursor, odd keypad or charset modes, colours),
 * turned off again: once that program is gone, its modes must not outlive it. `?1047l` leaves
 * the alternate screen without `?1049l`'s cursor restore, which in a terminal never switched
 * would jump to a stale position; so the cursor is left where it is, for the caller to place.
 */
export const PROGRAM_MODES_OFF = [
  '\x1b[?1047l', // normal screen
  '\x1b[r', // whole-screen scroll region
  '\x1b[?6l', // origin mode off
  '\x1b[?7h', // autowrap on
  '\x1b[4l', // replace, not insert
  '\x1b[?25h', // cursor visible
  '\x1b[0 q', // default cursor shape
  '\x1b[?2004l', // bracketed paste off
  '\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l', // mouse reporting off
  '\x1b[?1004l', // focus reporting off
  '\x1b[?1l\x1b>', // normal cursor keys and keypad
  '\x1b(B', // ASCII character set
  '\x1b[0m', // default attributes
].join('');

/** A switch to the alternate screen and back (`?1049`, `?1047`, `?47`; `h` on, `l` off). */
const ALT_SCREEN_SWITCH = /\x1b\[\?(?:1049|1047|47)([hl])/g;

/**
 * A saved screen (mirror.ts) whose program is gone, as it should replay before the new one
 * starts, worked out from the text alone (reviving parses nothing until someone looks):
 *
 * - a full-screen program still on the alternate screen is drawn on the normal screen instead,
 *   after the lines down to the shell's cursor scroll up into the scrollback — so its last screen
 *   stays as text (vim's file, not a blank) between the history above and what comes next;
 * - every mode it left on is turned off (the cursor kept where it was);
 * - the cursor is left at the start of a fresh line below it all.
 */
export function retiredScreen(saved: string, rows: number): string {
  let last: RegExpExecArray | null = null;
  for (const match of saved.matchAll(ALT_SCREEN_SWITCH)) last = match;
  if (!last || last[1] === 'l') return `${saved}\x1b7${PROGRAM_MODES_OFF}\x1b8\x1b(B\x1b[0m\r\n`;
  // From the shell's line, `rows` line feeds scroll exactly the lines down to it out of view.
  const clearedBelowHistory = `\r${'\n'.repeat(rows)}\x1b[H\x1b[J`;
  const drawnOnNormal = saved.slice(0, last.index) + clearedBelowHistory + saved.slice(last.index + last[0].length);
  return `${drawnOnNormal}${PROGRAM_MODES_OFF}\x1b[${rows};1H\r\n`;
}
