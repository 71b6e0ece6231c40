/**
 * Plain text that scrolls past the scrollback before anyone looks need not be parsed.
 *
 * A flood (`cat` of a log, `yes`, a build) is mostly printable ASCII and line breaks. In a
 * terminal at rest — parser in its ground state, normal buffer, scroll region the whole screen
 * — such text changes nothing but the cells it prints and the lines it scrolls in: no mode, no
 * attribute, no tab stop, no title. Printing it from a carriage return on, the columns it lands
 * in depend only on the text (a CR sets the column to 0), and once it has scrolled
 * `2 × rows + scrollback` lines every row the buffer holds is a blank line scrolled in by it
 * (rows below the cursor can hold older text: `rows` more lines push those out too). So the
 * text before such a carriage return leaves no trace, and dropping it gives the same screen.
 * `mirror.test.ts` checks that claim against full parses of random streams.
 */

/** Printable ASCII, tab, CR and LF: text that moves the cursor and prints, and nothing else. */
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/;

export function isPlainText(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/** Line feeds after a carriage return that leave no row of what came before in a `rows` × `scrollback` buffer. */
export function lineFeedsThatReplaceTheBuffer(rows: number, scrollback: number): number {
  // One line of margin each side of the bound in the header.
  return 2 * rows + scrollback + 2;
}

/** A place in a run of text kept as chunks. */
export interface Cut {
  chunk: number;
  at: number;
}

/**
 * Where plain text, kept as `chunks` in order, may be cut: the latest carriage return followed
 * by at least `lineFeeds` line feeds, or null when there is none past the first char (nothing
 * can be dropped). Chunks are searched from the end, so the text is never joined.
 */
export function plainCut(chunks: readonly string[], lineFeeds: number): Cut | null {
  let count = 0;
  for (let chunk = chunks.length - 1; chunk >= 0; chunk--) {
    const text = chunks[chunk];
    let at = text.length;
    while (count < lineFeeds && at > 0) {
      at = text.lastIndexOf('\n', at - 1);
      if (at === -1) break;
      count++;
    }
    if (count < lineFeeds) continue;
    const cr = text.lastIndexOf('\r', at);
    if (cr > 0 || (cr === 0 && chunk > 0)) return { chunk, at: cr };
    if (cr === 0) return null;
  }
  return null;
}
