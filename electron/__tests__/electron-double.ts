/**
 * A small in-memory stand-in for the parts of Electron that ipc.ts, views.ts and the window
 * modules use: ipcMain, webContents, frames, sessions. It behaves like Electron where the
 * code under test depends on it (one handler per channel, senderFrame identity, lifecycle
 * events with Electron's argument shapes) and records what was sent.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostEvent, Reply, RequestName } from '../contract';
import { IPC_CHANNELS } from '../contract';
import { appUrlMatcher } from '../app-url';
import { createHarness, type Harness } from '../host/__tests__/harness';
import { registerIpc, type IpcEventLike, type IpcMainLike } from '../ipc';
import { ViewRegistry, type FrameLike, type WebContentsLike } from '../views';

export const RENDERER_DIR = path.resolve('/opt/linger/dist/renderer');
export const APP_URL = pathToFileURL(path.join(RENDERER_DIR, 'index.html')).href;

export class FakeFrame implements FrameLike {
  constructor(public url: string) {}
}

let nextId = 1;

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  readonly id = nextId++;
  mainFrame: FakeFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  /** The page's side of `send`: what its ipcRenderer hears. */
  readonly renderer = new EventEmitter();
  private destroyed = false;

  constructor(url = APP_URL) {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
    this.renderer.emit(channel, { sender: 'an IpcRendererEvent the page must not see' }, ...args);
  }

  /** Host events this page received, in order. */
  events(): HostEvent[] {
    return this.sent.filter((m) => m.channel === IPC_CHANNELS.event).map((m) => m.args[0] as HostEvent);
  }

  /** Events about one session, in order (`sessions` pushes left out). */
  eventsFor(sessionId: string): HostEvent[] {
    return this.events().filter((e) => 'sessionId' in e && e.sessionId === sessionId);
  }

  dataFor(sessionId: string): string {
    return this.eventsFor(sessionId)
      .flatMap((e) => (e.type === 'data' ? [e.data] : []))
      .join('');
  }

  /** The window closed. */
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }

  crash(): void {
    this.emit('render-process-gone', { preventDefault() {} }, { reason: 'crashed', exitCode: 139 });
  }

  /** A reload: navigation starts, then commits a new document in the same main frame. */
  reload(): void {
    this.startNavigation(this.mainFrame.url);
    this.mainFrame = new FakeFrame(this.mainFrame.url);
    this.emit('did-navigate', { preventDefault() {} }, this.mainFrame.url, -1, '');
  }

  /** A navigation that starts and then is denied (e.g. by will-navigate): nothing commits. */
  startNavigation(url: string): void {
    this.emit('did-start-navigation', { url, isMainFrame: true, isSameDocument: false, preventDefault() {} });
  }
}

type Handler = (event: IpcEventLike, ...args: any[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  private readonly handlers = new Map<string, Handler>();
  private readonly emitter = new EventEmitter();
  /** Anything a handler threw: Electron would flatten it into a string the renderer cannot type. */
  readonly thrown: unknown[] = [];

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: (event: IpcEventLike, ...args: any[]) => void): this {
    this.emitter.on(channel, listener);
    return this;
  }

  removeListener(channel: string, listener: (...args: any[]) => void): this {
    this.emitter.removeListener(channel, listener);
    return this;
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  listenerCount(channel: string): number {
    return this.emitter.listenerCount(channel);
  }

  /** ipcRenderer.invoke from `frame` of `sender` (its main frame unless said otherwise). */
  async invoke(sender: FakeWebContents, channel: string, args: unknown[], frame: FrameLike | null = sender.mainFrame): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    try {
      return await handler({ sender, senderFrame: frame }, ...args);
    } catch (err) {
      this.thrown.push(err);
      throw err;
    }
  }

  /** The preload's request: one params argument, a Reply back. */
  request<T = unknown>(sender: FakeWebContents, method: RequestName, params: unknown, frame?: FrameLike | null): Promise<Reply<T>> {
    return this.invoke(sender, IPC_CHANNELS.request[method], [params], frame) as Promise<Reply<T>>;
  }

  /** ipcRenderer.send. */
  send(sender: FakeWebContents, channel: string, args: unknown[], frame: FrameLike | null = sender.mainFrame): void {
    this.emitter.emit(channel, { sender, senderFrame: frame }, ...args);
  }
}

/** The page's ipcRenderer, wired to one FakeWebContents and a FakeIpcMain. */
export class FakeIpcRenderer {
  invokes = 0;

  constructor(
    private readonly ipcMain: FakeIpcMain,
    private readonly webContents: FakeWebContents,
  ) {}

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invokes++;
    // Electron structured-clones what crosses the process boundary.
    return this.ipcMain.invoke(this.webContents, channel, structuredClone(args)).then((r) => structuredClone(r));
  }

  send(channel: string, ...args: unknown[]): void {
    this.ipcMain.send(this.webContents, channel, structuredClone(args));
  }

  on(channel: string, listener: (...args: any[]) => void): this {
    this.webContents.renderer.on(channel, listener);
    return this;
  }

  removeListener(channel: string, listener: (...args: any[]) => void): this {
    this.webContents.renderer.removeListener(channel, listener);
    return this;
  }

  listenerCount(channel: string): number {
    return this.webContents.renderer.listenerCount(channel);
  }
}

/** The IPC layer registered over a real host (real PtyBridge, hermetic bash), as main.ts wires it. */
export interface IpcStage {
  h: Harness;
  ipcMain: FakeIpcMain;
  views: ViewRegistry;
  /** Removes the IPC handlers (what main.ts's disposer does); `close` does it too. */
  unregister(): void;
  close(): Promise<void>;
}

export function createIpcStage(): IpcStage {
  const h = createHarness();
  const ipcMain = new FakeIpcMain();
  const isAppUrl = appUrlMatcher(RENDERER_DIR);
  const views = new ViewRegistry(h.bridge, isAppUrl);
  let dispose: (() => void) | null = registerIpc({ ipcMain, bridge: h.bridge, views, isAppUrl });
  const unregister = () => {
    dispose?.();
    dispose = null;
  };
  return {
    h,
    ipcMain,
    views,
    unregister,
    async close() {
      unregister();
      views.dispose();
      await h.close();
    },
  };
}
