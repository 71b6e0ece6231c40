/**
 * A small in-memory stand-in for the parts of Electron that main.ts, ipc.ts, views.ts and the
 * window modules use: app, BrowserWindow, Menu, dialog, ipcMain, session, shell, webContents,
 * frames. It behaves like Electron where the code under test depends on it (one handler per
 * channel, senderFrame identity, lifecycle events with Electron's argument shapes, the quit
 * sequence) and records what was sent, shown and set.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostEvent, Reply, RequestName } from '../contract';
import { IPC_CHANNELS } from '../contract';
import { appUrlMatcher } from '../app-url';
import { createHarness, type Harness } from '../host/__tests__/harness';
import { registerIpc, type IpcEventLike, type IpcMainLike } from '../ipc';
import { createNotifier, registerNotifications, type NotificationLike } from '../notifications';
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

  /** What `setWindowOpenHandler` installed. */
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;

  constructor(url = APP_URL) {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** As Electron's IPC does, the page gets a structured clone: a typed array arrives with its whole buffer. */
  send(channel: string, ...sent: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const args = structuredClone(sent);
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

  /** The output this page received for one session, as text. */
  dataFor(sessionId: string): string {
    return Buffer.concat(this.eventsFor(sessionId).flatMap((e) => (e.type === 'data' ? [e.data] : []))).toString('utf8');
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
    this.navigate(this.mainFrame.url);
  }

  /** A navigation that commits: a new document in the main frame. */
  navigate(url: string): void {
    this.startNavigation(url);
    this.mainFrame = new FakeFrame(url);
    this.emit('did-navigate', { preventDefault() {} }, url, -1, '');
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

/** Emits `event` with a preventable event first, as Electron does; true when a listener prevented it. */
function emitPreventable(emitter: EventEmitter, event: string, ...args: unknown[]): boolean {
  let prevented = false;
  emitter.emit(event, { preventDefault: () => (prevented = true) }, ...args);
  return prevented;
}

/** Electron's `app` as main.ts drives it: paths, the single-instance lock, ready, and the quit sequence. */
export class FakeApp extends EventEmitter {
  readonly isPackaged = false;
  sandboxed = false;
  /** What requestSingleInstanceLock answers: false while another instance holds the lock. */
  lockAvailable = true;
  /** Null while running; 0 once the quit sequence ran to its end, or the code passed to exit(). */
  exitCode: number | null = null;
  private quitting = false;
  private readonly paths = new Map<string, string>();
  private markReady!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly windows: () => FakeBrowserWindow[]) {
    super();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Electron has finished initializing. */
  emitReady(): void {
    this.emit('ready');
    this.markReady();
  }

  enableSandbox(): void {
    this.sandboxed = true;
  }

  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }

  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }

  getPath(name: string): string {
    const value = this.paths.get(name);
    if (!value) throw new Error(`Failed to get '${name}' path`);
    return value;
  }

  isQuitting(): boolean {
    return this.quitting;
  }

  /** As Electron: before-quit (cancellable), every window closed, will-quit (cancellable), quit. */
  quit(): void {
    if (this.exitCode !== null || emitPreventable(this, 'before-quit')) return;
    this.quitting = true;
    for (const window of this.windows()) window.close();
    if (emitPreventable(this, 'will-quit')) {
      this.quitting = false;
      return;
    }
    this.exitCode = 0;
    this.emit('quit', { preventDefault() {} }, 0);
  }

  /** Ends at once, without the quit events. */
  exit(code = 0): void {
    this.exitCode ??= code;
  }
}

/** What main.ts passes to `new BrowserWindow`, as far as the tests look. */
export interface WindowOptions {
  show?: boolean;
  webPreferences?: Record<string, unknown>;
  [key: string]: unknown;
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents('');
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  /** What loadFile was asked to load. */
  loaded: { file: string; options: { query?: Record<string, string> } } | null = null;

  constructor(
    readonly options: WindowOptions,
    private readonly electron: Pick<ElectronDouble, 'app' | 'windows'>,
  ) {
    super();
    electron.windows.push(this);
    electron.app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
  }

  /** Commits the page's URL at once; the first paint (ready-to-show) follows on the next turn. */
  loadFile(file: string, options: { query?: Record<string, string> } = {}): Promise<void> {
    this.loaded = { file, options };
    const url = pathToFileURL(file);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    this.webContents.navigate(url.href);
    setImmediate(() => {
      if (!this.destroyed) this.emit('ready-to-show');
    });
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
    this.focus();
  }

  focus(): void {
    for (const window of this.electron.windows) window.focused = window === this;
  }

  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
  }

  /** The user closes it, or the app quits: the page goes, then the window. */
  close(): void {
    if (this.destroyed || emitPreventable(this, 'close')) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.electron.windows.splice(this.electron.windows.indexOf(this), 1);
    this.emit('closed');
    if (this.electron.windows.length === 0 && !this.electron.app.isQuitting()) this.electron.app.emit('window-all-closed');
  }
}

type Headers = Record<string, string | string[]>;

/** `session.defaultSession`: the handlers window-security.ts installs, kept so a test can call them. */
export class FakeSession {
  permissionRequestHandler: ((...args: any[]) => void) | null = null;
  permissionCheckHandler: ((...args: any[]) => boolean) | null = null;
  private headersListener: ((details: { url: string; responseHeaders?: Headers }, callback: (r: { responseHeaders?: Headers }) => void) => void) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: (...args: any[]) => void): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: (...args: any[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }

  /** The headers a response from `url` reaches the page with. */
  responseHeaders(url: string, responseHeaders: Headers = {}): Headers {
    let result: Headers = responseHeaders;
    this.headersListener?.({ url, responseHeaders }, (r) => (result = r.responseHeaders ?? responseHeaders));
    return result;
  }
}

/** The `electron` module as main.ts imports it, plus what it recorded. */
export interface ElectronDouble {
  app: FakeApp;
  /** Open windows, oldest first. */
  windows: FakeBrowserWindow[];
  BrowserWindow: {
    new (options: WindowOptions): FakeBrowserWindow;
    getAllWindows(): FakeBrowserWindow[];
    getFocusedWindow(): FakeBrowserWindow | null;
    fromWebContents(webContents: unknown): FakeBrowserWindow | null;
  };
  Notification: { new (options: { title: string; body: string }): FakeNotification; isSupported(): boolean };
  /** Every OS notification main.ts created, in order. */
  notifications: FakeNotification[];
  Menu: { buildFromTemplate(template: unknown[]): { template: unknown[] }; setApplicationMenu(menu: { template: unknown[] } | null): void };
  applicationMenu: { template: unknown[] } | null;
  dialog: {
    showErrorBox(title: string, content: string): void;
    showMessageBox(windowOrOptions: unknown, options?: MessageBoxOptions): Promise<{ response: number }>;
  };
  errorBoxes: Array<{ title: string; content: string }>;
  /** Message boxes shown, and the button index the next one answers with. */
  messageBoxes: MessageBoxOptions[];
  messageBoxAnswer: number;
  ipcMain: FakeIpcMain;
  session: { defaultSession: FakeSession };
  shell: { openExternal(url: string): Promise<void> };
  openedExternally: string[];
}

export interface MessageBoxOptions {
  message: string;
  detail?: string;
  buttons?: string[];
}

export function createElectronDouble(): ElectronDouble {
  const windows: FakeBrowserWindow[] = [];
  const app = new FakeApp(() => [...windows]);
  const double: ElectronDouble = {
    app,
    windows,
    BrowserWindow: class extends FakeBrowserWindow {
      constructor(options: WindowOptions) {
        super(options, { app, windows });
      }
      static getAllWindows = () => [...windows];
      static getFocusedWindow = () => windows.find((w) => w.focused) ?? null;
      static fromWebContents = (webContents: unknown) => windows.find((w) => w.webContents === webContents) ?? null;
    },
    Notification: class extends FakeNotification {
      constructor(options: { title: string; body: string }) {
        super(options);
        double.notifications.push(this);
      }
      static isSupported = () => true;
    },
    notifications: [],
    Menu: {
      buildFromTemplate: (template) => ({ template }),
      setApplicationMenu: (menu) => {
        double.applicationMenu = menu;
      },
    },
    applicationMenu: null,
    dialog: {
      showErrorBox: (title, content) => double.errorBoxes.push({ title, content }),
      showMessageBox: (windowOrOptions, options) => {
        double.messageBoxes.push((options ?? windowOrOptions) as MessageBoxOptions);
        return Promise.resolve({ response: double.messageBoxAnswer });
      },
    },
    errorBoxes: [],
    messageBoxes: [],
    messageBoxAnswer: 0,
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    shell: {
      openExternal: (url) => {
        double.openedExternally.push(url);
        return Promise.resolve();
      },
    },
    openedExternally: [],
  };
  return double;
}

/** Electron's main-process Notification: records itself; `click()` is the user clicking it. */
export class FakeNotification extends EventEmitter implements NotificationLike {
  shown = false;
  closed = false;

  constructor(readonly options: { title: string; body: string }) {
    super();
  }

  show(): void {
    this.shown = true;
  }

  close(): void {
    this.closed = true;
    this.emit('close');
  }

  click(): void {
    this.emit('click');
  }
}

/** The IPC layer registered over a real host (real PtyBridge, hermetic bash), as main.ts wires it. */
export interface IpcStage {
  h: Harness;
  ipcMain: FakeIpcMain;
  views: ViewRegistry;
  /** Every OS notification shown, in order. */
  notifications: FakeNotification[];
  /** The pages the notifier brought forward, in order. */
  focused: WebContentsLike[];
  /** Removes the IPC handlers and listeners (what main.ts's disposers do); `close` does it too. */
  unregister(): void;
  close(): Promise<void>;
}

export function createIpcStage(): IpcStage {
  const h = createHarness();
  const ipcMain = new FakeIpcMain();
  const isAppUrl = appUrlMatcher(RENDERER_DIR);
  const views = new ViewRegistry(h.bridge, isAppUrl);
  const notifications: FakeNotification[] = [];
  const focused: WebContentsLike[] = [];
  const notifier = createNotifier({
    supported: () => true,
    create: (options) => {
      const notification = new FakeNotification(options);
      notifications.push(notification);
      return notification;
    },
    focus: (page) => focused.push(page),
  });
  const disposers = [registerIpc({ ipcMain, bridge: h.bridge, views, isAppUrl }), registerNotifications({ ipcMain, views, isAppUrl, notifier })];
  const unregister = () => {
    for (const dispose of disposers.splice(0)) dispose();
  };
  return {
    h,
    ipcMain,
    views,
    notifications,
    focused,
    unregister,
    async close() {
      unregister();
      notifier.dispose();
      views.dispose();
      await h.close();
    },
  };
}
