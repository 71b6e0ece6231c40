/**
 * When a session asks for its user's attention: a command that ran long enough finishes, or
 * the bell rings. Pure: a function of what happened, the last notice and a clock reading.
 */
import type { AttentionReason, CommandSummary } from '../contract';

/**
 * A session notifies at most once in this long: a program ringing the bell in a loop makes one
 * toast, one OS notification and one ledger line every 5 s, not thousands.
 */
export const NOTICE_MIN_GAP_MS = 5000;

export interface Notice {
  reason: AttentionReason;
  at: number;
}

/** Only commands that ran at least the threshold: an `ls` is not news, and the ledger is no shell history. */
export function isLongCommand(command: CommandSummary, notifyAfterSeconds: number): boolean {
  return command.duration_ms >= notifyAfterSeconds * 1000;
}

/**
 * Whether a notice may go out now, given the last one. A finished command may follow a bell
 * inside the gap: a prompt that rings after each command must not swallow the news that the
 * long one is done (and commands notified on are at least the threshold apart anyway).
 */
export function noticeAllowed(last: Notice | null, reason: AttentionReason, now: number): boolean {
  if (!last || now - last.at >= NOTICE_MIN_GAP_MS) return true;
  return reason === 'command' && last.reason === 'bell';
}
