/**
 * Which of a session's views are set aside, and what each still owes: views that stalled
 * (flow.ts VIEW_STALL_MS), and views not shown (a tab behind another) that a flood went by.
 * Plain state driven by the caller's clock and flow control's counts, so a test drives time
 * instead of waiting for it. The session does what it says (session.ts): a view set aside is
 * sent no output, and once it has taken what it was sent — and is shown — the screen afresh.
 */
import { FLOW_HIGH_WATERMARK_BYTES, isStalled } from './flow';

/**
 * A view not shown is set aside once a flood has sent it this much: past what its tab holds
 * unparsed (plain-output.ts HOLD_MAX), it would parse output nobody sees, and every byte would
 * still be encoded, sent and received for nothing (issue 14: most of a background flood's
 * cost). The screen afresh when it is shown costs one snapshot (a reattach). Below it, a tab
 * behind another stays live, so showing it again is instant.
 */
export const HIDDEN_FLOOD_BYTES = 1024 * 1024;

/**
 * A hidden view's count starts again once its session has printed nothing for this long: a
 * program that redraws now and then (htop, watch, a prompt) stays live however long it runs in
 * a tab behind another; a flood does not pause.
 */
export const HIDDEN_QUIET_MS = 1000;

/** What an ack means for its view: count it in flow control; it paid off part of what it owes; it has caught up (send it the screen); nothing. */
export type StallAck = 'flow' | 'owed' | 'resync' | 'none';

/** What a view set aside owes: bytes still to be acknowledged; caught up but not shown; its screen is on its way. */
type Owed = number | 'unseen' | 'resyncing';

export class ViewStalls {
  /**
   * When each attached view last showed progress: attached, acknowledged output, or — caught up
   * — was sent more. A stall is timed from there, so a view quiet for minutes that falls behind
   * at the start of a flood is not set aside the moment it does.
   */
  private readonly lastProgress = new Map<string, number>();
  /** Views set aside, and what each owes. */
  private readonly aside = new Map<string, Owed>();
  /** Views not shown: the bytes each has been sent since output last paused, and when it was last sent any. */
  private readonly hidden = new Map<string, { sent: number; lastAt: number }>();

  attached(viewId: string, now: number): void {
    this.lastProgress.set(viewId, now);
    this.aside.delete(viewId);
    this.hidden.delete(viewId);
  }

  detached(viewId: string): void {
    this.lastProgress.delete(viewId);
    this.aside.delete(viewId);
    this.hidden.delete(viewId);
  }

  /** True when the view, set aside and caught up, is now shown: send it the screen. */
  setVisible(viewId: string, visible: boolean): boolean {
    if (!this.lastProgress.has(viewId)) return false;
    if (!visible) {
      if (!this.hidden.has(viewId)) this.hidden.set(viewId, { sent: 0, lastAt: -Infinity });
      return false;
    }
    this.hidden.delete(viewId);
    if (this.aside.get(viewId) !== 'unseen') return false;
    this.aside.set(viewId, 'resyncing');
    return true;
  }

  /**
   * `bytes` are about to go out at `now`: a hidden view they would take past HIDDEN_FLOOD_BYTES,
   * or a full window behind, is set aside instead, owing what it is behind; returns those. A view
   * nobody sees never holds the session back: flow control would pause the pty for it (a tab in
   * a background browser page, its timers throttled, parses slowly), and a stalled view is only
   * set aside after VIEW_STALL_MS.
   */
  setAsideHidden(bytes: number, now: number, pending: (viewId: string) => number): string[] {
    const flooded: string[] = [];
    for (const [viewId, last] of this.hidden) {
      if (this.aside.has(viewId)) continue;
      const sent = (now - last.lastAt >= HIDDEN_QUIET_MS ? 0 : last.sent) + bytes;
      if (sent <= HIDDEN_FLOOD_BYTES && pending(viewId) + bytes <= FLOW_HIGH_WATERMARK_BYTES) {
        this.hidden.set(viewId, { sent, lastAt: now });
        continue;
      }
      this.aside.set(viewId, pending(viewId) || this.caughtUp(viewId));
      flooded.push(viewId);
    }
    return flooded;
  }

  isAside(viewId: string): boolean {
    return this.aside.has(viewId);
  }

  /** Output is about to go out: a view that owes nothing starts owing now. */
  sending(now: number, pending: (viewId: string) => number): void {
    for (const viewId of this.lastProgress.keys()) {
      if (!this.aside.has(viewId) && pending(viewId) === 0) this.lastProgress.set(viewId, now);
    }
  }

  ack(viewId: string, bytes: number, now: number): StallAck {
    if (!this.lastProgress.has(viewId)) return 'none';
    this.lastProgress.set(viewId, now);
    const owed = this.aside.get(viewId);
    if (owed === undefined) return 'flow';
    if (typeof owed !== 'number') return 'none';
    if (owed > bytes) {
      this.aside.set(viewId, owed - bytes);
      return 'owed';
    }
    const next = this.caughtUp(viewId);
    this.aside.set(viewId, next);
    return next === 'resyncing' ? 'resync' : 'owed';
  }

  /** A view set aside that has taken all it was sent: its screen goes now, or once it is shown. */
  private caughtUp(viewId: string): 'unseen' | 'resyncing' {
    return this.hidden.has(viewId) ? 'unseen' : 'resyncing';
  }

  /** Sets aside the views stalled at `now`, each owing what it is behind; returns them. */
  setAsideStalled(now: number, pending: (viewId: string) => number): string[] {
    const stalled: string[] = [];
    for (const [viewId, progress] of this.lastProgress) {
      if (this.aside.has(viewId) || !isStalled(pending(viewId), progress, now)) continue;
      this.aside.set(viewId, pending(viewId));
      stalled.push(viewId);
    }
    return stalled;
  }

  /** A resync may go ahead only if its view is still waiting for it: it is live again. */
  resumed(viewId: string): boolean {
    if (this.aside.get(viewId) !== 'resyncing') return false;
    this.aside.delete(viewId);
    return true;
  }

  /** Every view set aside, taken back (its session ended). */
  takeAll(): string[] {
    const views = [...this.aside.keys()];
    this.aside.clear();
    return views;
  }
}
