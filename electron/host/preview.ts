/**
 * A detached session's preview: the last few lines its screen shows, as plain text for the
 * sessions panel. From a live mirror the lines are exact; a hibernating mirror keeps its text
 * up to the cursor and appends the output it has since kept as text, read approximately (escape
 * sequences dropped, carriage returns overwrite, cursor moves ignored) — waking it to parse
 * would cost what hibernating saves.
 */

/** Lines in a preview: enough to see the prompt and what came just before it. */
export const PREVIEW_LINES = 3;

/** A preview is one glance, not a scrollback: wide lines are cut. */
export const PREVIEW_LINE_CHARS = 200;

/**
 * Only this much of the newest output is read for an approximate preview: three lines of even a
 * 1000-column screen fit in it, and the read stays a few microseconds however much came since.
 */
const TAIL_CHARS = 8192;

/** CSI, OSC (to BEL or ST), DCS/SOS/PM/APC strings, and two-character escapes. */
const ESCAPE_SEQUENCES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~])/g;
const OTHER_CONTROLS = /[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]/g;

/** The last PREVIEW_LINES of `lines` once trailing blank ones are dropped; null if all are blank. */
export function previewOf(lines: readonly string[]): string | null {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  if (end === 0) return null;
  return lines
    .slice(Math.max(0, end - PREVIEW_LINES), end)
    .map((line) => line.trimEnd().slice(0, PREVIEW_LINE_CHARS))
    .join('\n');
}

/** The preview once terminal output `text` has been written at the end of `beforeCursor`, read as plain text. */
export function appendToPreview(beforeCursor: string, text: string): string | null {
  let start = beforeCursor;
  let tail = text;
  if (tail.length > TAIL_CHARS) {
    // Start at a line boundary, so no escape sequence is cut in half.
    const cut = tail.indexOf('\n', tail.length - TAIL_CHARS);
    tail = cut < 0 ? '' : tail.slice(cut + 1);
    start = '';
  }
  const plain = tail.replace(ESCAPE_SEQUENCES, '').replace(OTHER_CONTROLS, '');
  const lines = `${start}${plain}`.split('\n').map((line) => {
    // What follows a carriage return overwrites the line from its start.
    const parts = line.split('\r').filter((part) => part !== '');
    return parts.length ? parts.reduce((shown, part) => part + shown.slice(part.length)) : '';
  });
  return previewOf(lines);
}
