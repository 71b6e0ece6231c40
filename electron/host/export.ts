/**
 * A session as a file: its text, its screen with colours, or an asciicast v2 recording. Pure:
 * the bridge hands in what the session and its recorder hold, and the clock.
 */
import type { ExportFormat, ExportResult } from '../contract';

const EXTENSIONS: Record<ExportFormat, string> = { text: 'txt', ansi: 'ans', asciicast: 'cast' };

const MIME: Record<ExportFormat, string> = {
  text: 'text/plain; charset=utf-8',
  // Text with escapes: anything that shows text shows it; `cat` or `less -R` shows the colours.
  ansi: 'text/plain; charset=utf-8',
  // asciicast's registered suggestion.
  asciicast: 'application/x-asciicast',
};

/** What a file name keeps of a title: letters, digits, dot, dash, underscore; the rest become dashes. */
const UNSAFE_IN_NAME = /[^A-Za-z0-9._-]+/g;
/** A title is a label, not a path: long enough to recognise, short enough for every file system. */
const MAX_TITLE_IN_NAME = 40;
/** The start of the id is what `linger ls` shows and the CLI accepts. */
export const SHORT_ID_LENGTH = 8;

/** `linger-<title>-<short id>-<YYYYMMDD-HHMMSS>.<ext>`, in local time. */
export function exportFilename(title: string, sessionId: string, format: ExportFormat, now: number): string {
  const label = title.replace(UNSAFE_IN_NAME, '-').replace(/^[-.]+|-+$/g, '').slice(0, MAX_TITLE_IN_NAME) || 'session';
  const d = new Date(now);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
  return `linger-${label}-${sessionId.slice(0, SHORT_ID_LENGTH)}-${stamp}.${EXTENSIONS[format]}`;
}

export function exportResult(format: ExportFormat, content: string, title: string, sessionId: string, now: number): ExportResult {
  return { content, filename: exportFilename(title, sessionId, format, now), mime: MIME[format] };
}

/** Lines end in a newline, as text files do. */
export function textExport(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Readers outside the app (asciinema, its player) expect the header's TERM. */
const CAST_TERM = 'xterm-256color';

/** An asciicast v2 header line (no newline); `startedAt` in Unix ms. */
export function castHeader(cols: number, rows: number, startedAt: number, title: string): string {
  return JSON.stringify({ version: 2, width: cols, height: rows, timestamp: Math.floor(startedAt / 1000), title, env: { TERM: CAST_TERM } });
}

export interface ScreenCast {
  cols: number;
  rows: number;
  title: string;
  now: number;
  /** The serialized screen (mirror.ts): redraws it in a fresh terminal of this size. */
  screen: string;
}

/** A session that was not recorded: one event at 0 s that draws its screen as it is. */
export function screenCast({ cols, rows, title, now, screen }: ScreenCast): string {
  return `${castHeader(cols, rows, now, title)}\n${JSON.stringify([0, 'o', screen])}\n`;
}

/**
 * A recording that hit its cap ends where the cap cut it; so the replay still ends on the
 * session's screen, one last event resets the terminal to its size and draws the screen as it
 * is now.
 */
export function finishTruncatedCast(recording: string, at: number, cols: number, rows: number, screen: string): string {
  const time = Number(at.toFixed(6));
  return `${recording}${JSON.stringify([time, 'r', `${cols}x${rows}`])}\n${JSON.stringify([time, 'o', `\x1bc${screen}`])}\n`;
}
