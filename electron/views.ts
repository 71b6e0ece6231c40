/**
 * One bridge client per webContents: the host's "view surface" is a page, not the app. A page
 * that goes away — its window closed, its renderer crashed, or it reloaded — detaches every
 * view it had; the sessions keep running and expire by TTL. A reloaded page gets a fresh
 * client on its first request.
 */
import { IPC_CHANNELS, type HostEvent } from './contract';
import type { PtyBridge } from './host/bridge';
import { createDispatch, type Dispatch } from './host/dispatch';

export interface FrameLike {
  readonly url: string;
}

/** The part of Electron's WebContents this layer uses; tests pass an in-memory double. */
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: any[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/** `did-start-navigation`'s details (Electron ≥ 25 passes them as the event object). */
interface NavigationStart {
  isMainFrame: boolean;
  isSameDocument: boolean;
  url: string;
}

export interface ViewClient {
  readonly id: string;
  readonly dispatch: Dispatch;
}

interface Tracked {
  client: (ViewClient & { dispose(): void }) | null;
  untrack(): void;
}

export class ViewRegistry {
  private readonly tracked = new Map<WebContentsLike, Tracked>();

  constructor(
    private readonly bridge: PtyBridge,
    /** Navigations to other URLs are denied before they unload the page (window-security.ts). */
    private readonly isAppUrl: (url: string) => boolean,
  ) {}

  /** Our windows' pages; IPC from any other webContents is refused. Returns the disposer. */
  track(webContents: WebContentsLike): () => void {
    if (this.tracked.has(webContents)) return this.tracked.get(webContents)!.untrack;
    const detach = () => this.detachAll(webContents);
    // Denied navigations (a link to a web page) also start, so only one to our own page —
    // a reload — unloads the views. Committing it drops anything the old page attached while
    // the new one loaded; its messages after that arrive without a senderFrame and are refused.
    const onStart = (details: NavigationStart) => {
      if (details.isMainFrame && !details.isSameDocument && this.isAppUrl(details.url)) detach();
    };
    const onDestroyed = () => untrack();
    const listeners: Array<[string, (...args: any[]) => void]> = [
      ['did-start-navigation', onStart],
      ['did-navigate', detach],
      ['render-process-gone', detach],
      ['destroyed', onDestroyed],
    ];
    for (const [event, listener] of listeners) webContents.on(event, listener);
    const untrack = () => {
      if (!this.tracked.has(webContents)) return;
      detach();
      this.tracked.delete(webContents);
      for (const [event, listener] of listeners) webContents.removeListener(event, listener);
    };
    this.tracked.set(webContents, { client: null, untrack });
    return untrack;
  }

  isTracked(webContents: WebContentsLike): boolean {
    return this.tracked.has(webContents);
  }

  /** The page's client, connected on its first request. Null for a webContents we do not own. */
  clientFor(webContents: WebContentsLike): ViewClient | null {
    const entry = this.tracked.get(webContents);
    if (!entry || webContents.isDestroyed()) return null;
    if (!entry.client) {
      const client = this.bridge.connect((event: HostEvent) => {
        if (!webContents.isDestroyed()) webContents.send(IPC_CHANNELS.event, event);
      });
      entry.client = { id: client.id, dispatch: createDispatch(this.bridge, client.id), dispose: client.dispose };
    }
    return entry.client;
  }

  /** Detaches every view of that page; its next request connects a new client. */
  detachAll(webContents: WebContentsLike): void {
    const entry = this.tracked.get(webContents);
    entry?.client?.dispose();
    if (entry) entry.client = null;
  }

  dispose(): void {
    for (const { untrack } of [...this.tracked.values()]) untrack();
  }
}
