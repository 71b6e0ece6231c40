/**
 * What the CLI prints for people (`--json` prints the host's own objects). The words and
 * durations are the sessions panel's (renderer/stats-view.ts, pure), so both read the same.
 */
import type { LedgerEvent, SessionRow, Stats } from '../contract';
import { SHORT_ID_LENGTH } from '../host/export';
import { eventViews, sessionRows, summaryItems } from '../../renderer/stats-view';

/** Between table columns. */
const GUTTER = '  ';

export function shortId(sessionId: string): string {
  return sessionId.slice(0, SHORT_ID_LENGTH);
}

/** Newest first, one session a line, columns aligned. */
export function sessionTable(stats: Stats): string {
  if (stats.sessions.length === 0) return 'No sessions. Start one with "linger new".';
  const rows = sessionRows(stats, new Set());
  const byId = new Map(stats.sessions.map((s) => [s.session_id, s]));
  const lines = [['ID', 'STATE', 'AGE', 'IDLE', 'EXPIRES', 'FLAGS', 'TITLE', 'CWD']];
  for (const view of rows) {
    const row = byId.get(view.sessionId)!;
    const flags = [row.kept && 'kept', row.recording && 'rec', view.exit].filter(Boolean).join(',') || '-';
    lines.push([shortId(row.session_id), row.state, view.age, view.idle, view.expires, flags, view.title, row.cwd]);
  }
  const widths = lines[0].map((_, col) => Math.max(...lines.map((cells) => cells[col].length)));
  return lines.map((cells) => cells.map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col]))).join(GUTTER)).join('\n');
}

export function statsSummary(stats: Stats): string {
  return summaryItems(stats)
    .map((item) => `${item.value} ${item.label}`)
    .join(', ');
}

/** Oldest first, as a log reads: local time, what happened, which session, detail. */
export function logLines(events: LedgerEvent[]): string[] {
  return eventViews(events)
    .reverse()
    .map((e) => [e.time, e.label.padEnd(12), e.shortId.padEnd(SHORT_ID_LENGTH), e.detail].join(GUTTER).trimEnd());
}

/** A session as a candidate in an error message. */
export function describeRow(row: SessionRow): string {
  return `${shortId(row.session_id)} (${row.title || row.profile}, ${row.state})`;
}
