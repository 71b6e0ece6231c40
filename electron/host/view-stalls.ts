/**
 * Which of a session's views are set aside for stalling (flow.ts VIEW_STALL_MS), and what each
 * still owes: plain state driven by the caller's clock and flow control's counts, so a test
 * drives time instead of waiting for it. The session does what it says (session.ts).
 */
import { isStalled } from './flow';

/** What an ack means for its view: count it in flow control; it paid off part of what it owes; it has caught up (send it the screen); nothing. */
export type StallAck = 'flow' | 'owed' | 'resync' | 'none';

export class ViewStalls {
  /**
   * When each attached view last showed progress: attached, acknowledged output, or — caught up
   * — was sent more. A stall is timed from there, so a view quiet for minutes that falls behind
   * at the start of a flood is not set aside the moment it does.
   */
  private readonly lastProgress = new Map<string, number>();
  /** Views set aside: the bytes each still owes, or 'resyncing' once it has caught up. */
  private readonly aside = new Map<string, number | 'resyncing'>();

  attached(viewId: string, now: number): void {
    this.lastProgress.set(viewId, now);
    this.aside.delete(viewId);
  }

  detached(viewId: string): void {
    this.lastProgress.delete(viewId);
    this.aside.delete(viewId);
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
    if (owed === 'resyncing') return 'none';
    if (owed > bytes) {
      this.aside.set(viewId, owed - bytes);
      return 'owed';
    }
    this.aside.set(viewId, 'resyncing');
    return 'resync';
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
