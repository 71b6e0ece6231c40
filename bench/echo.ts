/**
 * Keystroke to glyph, in whichever page a driver gives: the page notes when a trusted keydown
 * reaches it and watches the terminal's buffer until the echoed character is in it (parsed),
 * then until the frame that draws it has been rendered (painted).
 */
import { WATCH_KEYDOWNS, armEchoWatcher, screenMatches } from './in-page';

/** What the loop needs of a page. */
export interface KeyboardPage {
  evaluate<T>(expression: string): Promise<T>;
  /** A trusted key press that types `key`, as a user's. */
  type(key: string): Promise<void>;
  /** Ctrl+U: the shell forgets the line typed so far. */
  clearLine(): Promise<void>;
}

/**
 * The pause before each key: 60–140 ms, a fast typist's ~100 ms (120 words a minute), random so
 * keys never fall in step with the frames. A page draws a frame at once when it has drawn none
 * for a while, but one asked for within a frame of the last waits for the next 60 Hz tick: keys
 * sent back to back each land just after the frame that drew the one before, and their echo
 * waits most of a frame — a figure of the bench's pace, not of the path (RESULTS.md).
 */
export const typistPauseMs = () => 60 + Math.random() * 80;

export interface EchoLatencies {
  /** Keydown until xterm.js has parsed the echo into its buffer (onWriteParsed). */
  parsed: number[];
  /** Keydown until the frame that draws the echo has been rendered (what a user sees). */
  painted: number[];
}

/** Types `keystrokes` letters at the prompt of `id`, which has the keyboard, `pauseMs()` apart. */
export async function echoLatenciesMs(page: KeyboardPage, id: string, keystrokes: number, pauseMs: () => number): Promise<EchoLatencies> {
  const prompt = screenMatches(id, /[$#] $/m);
  await page.evaluate(prompt);
  await page.evaluate(WATCH_KEYDOWNS);
  const latencies: EchoLatencies = { parsed: [], painted: [] };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let typed = '';
  for (let i = 0; i < keystrokes; i++) {
    if (typed.length >= 60) {
      await page.clearLine();
      await page.evaluate(prompt);
      typed = '';
    }
    const key = alphabet[i % alphabet.length];
    typed += key;
    // Armed before the key goes, so no echo can slip past it.
    await page.evaluate(armEchoWatcher(id, typed));
    await new Promise((resolve) => setTimeout(resolve, pauseMs()));
    await page.type(key);
    const [parsed, painted] = await page.evaluate<[number, number]>('window.__echo');
    latencies.parsed.push(parsed);
    latencies.painted.push(painted);
  }
  await page.clearLine();
  return latencies;
}
