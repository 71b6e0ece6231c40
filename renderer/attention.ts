/**
 * A session asking for attention (the host's `attention` event: a long command finished, or the
 * bell) as this window shows it: whether the user is already looking at it, the badge its tab
 * and card get until they do, and the words of the toast and the OS notification. Pure.
 */
import type { CommandSummary, HostEvent, SessionRow } from '../electron/contract';
import { formatDuration } from './stats-view';

export type AttentionEvent = Extract<HostEvent, { type: 'attention' }>;

/** What a tab or a card shows until its session is looked at. */
export interface Alert {
  kind: 'done' | 'failed' | 'bell';
  /** The badge's tooltip. */
  label: string;
}

/** Session id → its badge; a session with nothing to show is absent. */
export type Alerts = Readonly<Record<string, Alert>>;

export const NO_ALERTS: Alerts = {};

/** The user sees the session already: its tab is the one shown, in a window they are looking at. */
export function isSeen(sessionId: string, activeId: string | null, looking: boolean): boolean {
  return looking && activeId === sessionId;
}

/** A command failed when it reported a non-zero status; no status is not a failure. */
export function failed(command: CommandSummary | null): boolean {
  return command !== null && command.exit_code !== null && command.exit_code !== 0;
}

export function alertFor(event: AttentionEvent): Alert {
  if (event.reason === 'bell') return { kind: 'bell', label: 'The bell rang' };
  const { command } = event;
  const ran = command ? ` after ${formatDuration(command.duration_ms / 1000)}` : '';
  if (failed(command)) return { kind: 'failed', label: `Failed with exit ${command!.exit_code}${ran}` };
  return { kind: 'done', label: `Finished${ran}` };
}

/** The toast's and the OS notification's words; `row` (the session's stats row) names it. */
export function noticeText(event: AttentionEvent, row: SessionRow | undefined): { title: string; body: string } {
  const where = row?.title || 'a session';
  if (event.reason === 'bell') {
    return { title: `Bell in ${where}`, body: row?.running_command ?? row?.foreground ?? '' };
  }
  const { command } = event;
  const line = command?.command || 'A command';
  const ran = command ? formatDuration(command.duration_ms / 1000) : '';
  if (failed(command)) return { title: `Failed: ${line}`, body: `exit ${command!.exit_code} after ${ran} · ${where}` };
  if (command?.exit_code === null) return { title: `Ended: ${line}`, body: `after ${ran} · ${where}` };
  return { title: `Done: ${line}`, body: `after ${ran} · ${where}` };
}

export function withAlert(alerts: Alerts, sessionId: string, alert: Alert): Alerts {
  return { ...alerts, [sessionId]: alert };
}

/** The same object when there was nothing to clear, so subscribers see no change. */
export function withoutAlert(alerts: Alerts, sessionId: string): Alerts {
  if (!(sessionId in alerts)) return alerts;
  const { [sessionId]: _cleared, ...rest } = alerts;
  return rest;
}
