/**
 * electron/main.ts itself: built exactly as `npm run build` builds it, laid out as the app is
 * (electron/main.cjs beside renderer/ and node_modules), and run in this process with
 * `electron` answered by the in-memory double, over a real host: real node-pty, hermetic bash,
 * a temp data dir, the real ledger. What stays untested is the double's boundary: that real
 * Electron creates windows, paints, routes IPC and runs its quit sequence as the double does
 * (e2e/electron.spec.ts checks that where an Electron binary is installed).
 */
import fs from 'node:fs';
import { Module, createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import { MAIN_BUILD, copyShellScripts } from '../../scripts/build-node.mjs';
import { LocalClient } from '../cli/client';
import { IPC_CHANNELS, type AttachResult, type Reply, type SessionRow, type Stats } from '../contract';
import { HERMETIC_BASH, pidAlive, tempDir, waitFor } from '../host/__tests__/harness';
import { CONTENT_SECURITY_POLICY, SECURE_WEB_PREFERENCES } from '../window-security';
import { FakeWebContents, createElectronDouble, type ElectronDouble, type FakeBrowserWindow } from './electron-double';

const require = createRequire(import.meta.url);
/** What main.ts adds to `process`; each test takes back whatever its app left there. */
const PROCESS_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'uncaughtException'] as const;
type ProcessEvent = (typeof PROCESS_EVENTS)[number];
type Listener = (...args: any[]) => void;
const listenersOf = (event: ProcessEvent) => process.listeners(event as 'exit') as Listener[];

let bundle: string;

beforeAll(async () => {
  bundle = path.join(tempDir('linger-main-build-'), 'main.cjs');
  await build({ ...MAIN_BUILD, outfile: bundle, logLevel: 'error' });
});

interface App {
  electron: ElectronDouble;
  appDir: string;
  dataDir: string;
  /** Its CLI socket (LINGER_SOCKET). */
  socket: string;
  /** The ledger's entries so far. */
  ledger(): Array<{ type: string; session_id?: string; data: Record<string, unknown> }>;
  /** What main.ts added to `process` for `event`. */
  processListeners(event: ProcessEvent): Listener[];
}

const savedEnv = { ...process.env };
const processListenersBefore = new Map<ProcessEvent, Listener[]>();
let app: App | null = null;

beforeEach(() => {
  for (const event of PROCESS_EVENTS) processListenersBefore.set(event, listenersOf(event));
});

afterEach(async () => {
  // Whatever a test left running ends the app's own way, and the app's hooks leave this worker.
  if (app && app.electron.app.exitCode === null) {
    app.electron.app.quit();
    await waitFor('the app to quit', () => app!.electron.app.exitCode !== null);
  }
  for (const event of PROCESS_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!processListenersBefore.get(event)!.includes(listener)) process.removeListener(event, listener);
    }
  }
  process.env = { ...savedEnv };
  app = null;
});

/** Lays the app out, points `electron` at a fresh double, and runs main.cjs as Electron would. */
function launch(options: { rendererBuilt?: boolean; lockAvailable?: boolean; env?: Record<string, string>; dataDir?: string } = {}): App {
  const appDir = tempDir('linger-main-app-');
  const main = path.join(appDir, 'electron', 'main.cjs');
  fs.mkdirSync(path.dirname(main));
  fs.copyFileSync(bundle, main);
  copyShellScripts(path.dirname(main));
  fs.symlinkSync(path.resolve('node_modules'), path.join(appDir, 'node_modules'));
  if (options.rendererBuilt ?? true) {
    fs.mkdirSync(path.join(appDir, 'renderer'));
    fs.writeFileSync(path.join(appDir, 'renderer', 'index.html'), '<!doctype html><title>Linger</title>');
  }
  const dataDir = options.dataDir ?? tempDir('linger-main-data-');
  const socket = path.join(tempDir('linger-main-sock-'), 'linger.sock');
  // Hermetic: no start-up files of this machine's user, no LINGER_* from outside, and a CLI
  // socket of its own (never the user's running Linger's).
  process.env = {
    PATH: savedEnv.PATH,
    HOME: tempDir('linger-main-home-'),
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    LINGER_DATA_DIR: dataDir,
    LINGER_SOCKET: socket,
    ...options.env,
  };

  const electron = createElectronDouble();
  electron.app.lockAvailable = options.lockAvailable ?? true;
  // main.cjs's require('electron') finds the electron package; the double answers in its place.
  const electronId = createRequire(main).resolve('electron');
  const stand = new Module(electronId);
  stand.exports = electron;
  stand.loaded = true;
  require.cache[electronId] = stand;
  try {
    require(main);
  } finally {
    delete require.cache[electronId];
  }
  const ledgerFile = path.join(dataDir, 'ledger.jsonl');
  app = {
    electron,
    appDir,
    dataDir,
    socket,
    ledger: () =>
      fs.existsSync(ledgerFile)
        ? fs
            .readFileSync(ledgerFile, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line))
        : [],
    processListeners: (event) => listenersOf(event).filter((l) => !processListenersBefore.get(event)!.includes(l)),
  };
  return app;
}

/** Electron gets ready; resolves once main.ts has shown its window. */
async function ready(app: App): Promise<FakeBrowserWindow> {
  app.electron.app.emitReady();
  return (await waitFor('the window to show', () => app.electron.windows.find((w) => w.visible)))!;
}

function ok<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

/** A shell started and attached from the window, as the renderer does. */
async function startShell(app: App, window: FakeBrowserWindow): Promise<SessionRow> {
  const { ipcMain } = app.electron;
  const row = ok(await ipcMain.request<SessionRow>(window.webContents, 'start', { ...HERMETIC_BASH, cols: 80, rows: 24 }));
  ok(await ipcMain.request<AttachResult>(window.webContents, 'attach', { sessionId: row.session_id }));
  return row;
}

const KEY = { type: 'keyDown', control: true, shift: true, alt: false, meta: false };

test('boots sandboxed, with its profile in LINGER_DATA_DIR, one window with the secure preferences and the preload, showing the app page', async () => {
  const app = launch();
  const { electron } = app;
  expect(electron.app.sandboxed).toBe(true);
  expect(electron.app.getPath('userData')).toBe(path.join(app.dataDir, 'electron-profile'));
  expect(electron.windows).toEqual([]); // nothing before Electron is ready

  const window = await ready(app);
  expect(electron.windows).toEqual([window]);
  expect(window.options).toMatchObject({ show: false, title: 'Linger' });
  expect(window.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: path.join(app.appDir, 'electron', 'preload.cjs') });
  expect(window.loaded).toEqual({ file: path.join(app.appDir, 'renderer', 'index.html'), options: {} });
  expect(window.focused).toBe(true);
  expect(electron.applicationMenu?.template.length).toBeGreaterThan(0);
  expect(app.ledger()[0]).toMatchObject({ type: 'app_started', data: { mode: 'electron', data_dir: app.dataDir } });

  // The page and the session are guarded: our page gets the CSP header, window.open is denied.
  const pageUrl = window.webContents.mainFrame.url;
  expect(electron.session.defaultSession.responseHeaders(pageUrl)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  expect(electron.openedExternally).toEqual(['https://example.com/']);
});

test('LINGER_E2E=1 loads the page with its test hooks on', async () => {
  const window = await ready(launch({ env: { LINGER_E2E: '1' } }));
  expect(window.loaded?.options).toEqual({ query: { e2e: '1' } });
});

test('a request from the window over IPC starts a real shell, and its output comes back to that window only', async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  expect(pidAlive(row.pid!)).toBe(true);
  ok(await app.electron.ipcMain.request(window.webContents, 'write', { sessionId: row.session_id, data: 'echo hel""lo\r' }));
  await waitFor('hello in the window', () => /^hello\r?$/m.test(window.webContents.dataFor(row.session_id)));

  // A page that is not our window, even at our URL, gets a typed refusal.
  const stranger = new FakeWebContents(window.webContents.mainFrame.url);
  const refused = await app.electron.ipcMain.request<Stats>(stranger, 'stats', {});
  expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

test("the user's shell gets shell integration from the scripts beside main.cjs; a notification the page asks for brings its window back", async () => {
  const app = launch();
  const window = await ready(app);
  const { ipcMain } = app.electron;
  const row = ok(await ipcMain.request<SessionRow>(window.webContents, 'start', { cols: 80, rows: 24 }));
  ok(await ipcMain.request<AttachResult>(window.webContents, 'attach', { sessionId: row.session_id }));
  ok(await ipcMain.request(window.webContents, 'write', { sessionId: row.session_id, data: 'cd /tmp\r' }));
  await waitFor('the prompt mark and the new cwd', () => window.webContents.dataFor(row.session_id).includes('\x1b]7;file://'));
  const stats = ok(await ipcMain.request<Stats>(window.webContents, 'stats', {}));
  expect(stats.sessions[0]).toMatchObject({ current_cwd: '/tmp', foreground: 'bash', last_command: { command: 'cd /tmp', exit_code: 0 } });

  window.minimize();
  ipcMain.send(window.webContents, IPC_CHANNELS.notify, [{ sessionId: row.session_id, title: 'Done: make', body: 'after 0:12' }]);
  expect(app.electron.notifications.map((n) => [n.options, n.shown])).toEqual([[{ title: 'Done: make', body: 'after 0:12' }, true]]);
  app.electron.notifications[0]!.click();
  expect(window).toMatchObject({ minimized: false, visible: true, focused: true });
  expect(window.webContents.sent).toContainEqual({ channel: IPC_CHANNELS.notificationClick, args: [row.session_id] });
});

test('the window’s shortcuts and the application menu reach the page as menu commands', async () => {
  const app = launch();
  const window = await ready(app);
  let prevented = false;
  window.webContents.emit('before-input-event', { preventDefault: () => (prevented = true) }, { ...KEY, key: 'T' });
  expect(prevented).toBe(true);
  expect(window.webContents.sent).toContainEqual({ channel: IPC_CHANNELS.menu, args: ['new-tab'] });

  type Item = { label?: string; click?: () => void; submenu?: Item[] };
  const items = (app.electron.applicationMenu!.template as Item[]).flatMap((menu) => menu.submenu ?? []);
  items.find((item) => item.label === 'Sessions')!.click!();
  expect(window.webContents.sent).toContainEqual({ channel: IPC_CHANNELS.menu, args: ['toggle-sessions'] });
});

test('a second launch hands over to the running one, which brings its window back', async () => {
  const second = launch({ lockAvailable: false });
  expect(second.electron.app.exitCode).toBe(0); // quit at once, before Electron is even ready
  second.electron.app.emitReady();
  await new Promise((r) => setTimeout(r, 50));
  expect(second.electron.windows).toEqual([]);
  expect(second.ledger()).toEqual([]);

  const first = launch();
  const window = await ready(first);
  window.minimize();
  first.electron.app.emit('second-instance', { preventDefault() {} }, ['linger'], process.cwd());
  expect([window.minimized, window.focused]).toEqual([false, true]);
  // With its window closed (macOS keeps the app running), a second launch opens a new one.
  first.electron.app.removeAllListeners('window-all-closed');
  window.close();
  first.electron.app.emit('second-instance', { preventDefault() {} }, ['linger'], process.cwd());
  expect(first.electron.windows).toHaveLength(1);
  expect(first.electron.windows[0]).not.toBe(window);
  // macOS: clicking the dock icon with no window open opens one; with one open, nothing more.
  first.electron.windows[0]!.close();
  first.electron.app.emit('activate');
  first.electron.app.emit('activate');
  expect(first.electron.windows).toHaveLength(1);
});

test('with the renderer not built, an error box says what to run and the app exits 1 without starting anything', async () => {
  const app = launch({ rendererBuilt: false });
  app.electron.app.emitReady();
  await waitFor('the app to exit', () => app.electron.app.exitCode !== null);
  expect(app.electron.app.exitCode).toBe(1);
  expect(app.electron.errorBoxes).toEqual([
    {
      title: 'Linger cannot start',
      content: `The renderer is not built (${path.join(app.appDir, 'renderer', 'index.html')} is missing). Run "npm start", which builds it first.`,
    },
  ]);
  expect(app.electron.windows).toEqual([]);
  expect(app.ledger()).toEqual([]);
  expect(app.processListeners('exit')).toEqual([]);
});

test('quitting (Ctrl+Shift+Q) stops every session before the app really quits, and takes its hooks off the process', async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  let aliveWhenQuitting: boolean | null = null;
  app.electron.app.on('will-quit', () => (aliveWhenQuitting = pidAlive(row.pid!)));
  expect(app.processListeners('SIGTERM')).toHaveLength(1);
  // An error nobody caught (a throw in some timer) is logged; every session runs on.
  expect(app.processListeners('uncaughtException')).toHaveLength(1);
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  for (const listener of app.processListeners('uncaughtException')) listener(new Error('a timer threw'));
  expect(logged).toHaveBeenCalledWith('Linger: unexpected error (still running):', expect.objectContaining({ message: 'a timer threw' }));
  logged.mockRestore();
  expect(pidAlive(row.pid!)).toBe(true);

  window.webContents.emit('before-input-event', { preventDefault() {} }, { ...KEY, key: 'Q' });
  expect(app.electron.app.exitCode).toBeNull(); // held while the host shuts down
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  expect(aliveWhenQuitting).toBe(false);
  expect(pidAlive(row.pid!)).toBe(false);
  const types = app.ledger().map((e) => e.type);
  expect(types.indexOf('app_stopping')).toBeGreaterThan(types.indexOf('pty_session_started'));
  expect(app.ledger().find((e) => e.type === 'pty_session_stopped')).toMatchObject({ session_id: row.session_id });
  expect(app.ledger().find((e) => e.type === 'app_stopping')).toMatchObject({ data: { reason: 'quit', sessions: 1 } });
  expect(app.processListeners('SIGTERM')).toEqual([]);
  expect(app.processListeners('SIGINT')).toEqual([]);
  expect(app.processListeners('uncaughtException')).toEqual([]);
  expect(app.electron.ipcMain.channels()).toEqual([]);
});

test('the command line reaches the desktop app through its socket, which goes when the app quits', async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  await waitFor('the socket', () => fs.existsSync(app.socket));
  const client = await LocalClient.connect(app.socket);
  try {
    const stats = await client.request('stats', {});
    expect(stats.sessions.map((s) => s.session_id)).toEqual([row.session_id]);
  } finally {
    client.close();
  }
  window.webContents.emit('before-input-event', { preventDefault() {} }, { ...KEY, key: 'Q' });
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  await waitFor('the socket to be gone', () => !fs.existsSync(app.socket));
});

test('closing the last window quits on Linux, the same orderly way', async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  window.close();
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  expect(pidAlive(row.pid!)).toBe(false);
  expect(app.ledger().find((e) => e.type === 'app_stopping')).toMatchObject({ data: { reason: 'quit' } });
});

test('SIGTERM takes the orderly path; if the process exits any other way, its exit hook kills what is left', async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  const [onExit] = app.processListeners('exit');
  onExit!(0);
  await waitFor('the shell to be killed', () => !pidAlive(row.pid!));

  const [onSigterm] = app.processListeners('SIGTERM');
  onSigterm!();
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  expect(app.ledger().find((e) => e.type === 'app_stopping')).toMatchObject({ data: { reason: 'SIGTERM' } });
});

type MenuItem = { label?: string; click?: () => void; submenu?: MenuItem[] };
const menuItem = (app: App, label: string) =>
  (app.electron.applicationMenu!.template as MenuItem[]).flatMap((menu) => menu.submenu ?? []).find((item) => item.label === label)!;
const savedIndex = (dataDir: string) => path.join(dataDir, 'sessions', 'index.json');

test('quitting saves the sessions; the next start brings them back with the same ids', async () => {
  const first = launch();
  const row = await startShell(first, await ready(first));
  first.electron.app.quit();
  await waitFor('the app to quit', () => first.electron.app.exitCode !== null);
  expect(pidAlive(row.pid!)).toBe(false);
  expect(JSON.parse(fs.readFileSync(savedIndex(first.dataDir), 'utf8')).sessions.map((s: { id: string }) => s.id)).toEqual([row.session_id]);

  const second = launch({ dataDir: first.dataDir });
  const window = await ready(second);
  const stats = ok(await second.electron.ipcMain.request<Stats>(window.webContents, 'stats', {}));
  expect(stats.sessions.map((s) => [s.session_id, s.alive, s.restored_from !== null])).toEqual([[row.session_id, true, true]]);
  expect(second.ledger().some((e) => e.type === 'pty_session_revived' && e.session_id === row.session_id)).toBe(true);
});

test('Quit and Discard Sessions asks first; Cancel keeps everything, confirming ends every session and saves none', async () => {
  const app = launch();
  const row = await startShell(app, await ready(app));
  app.electron.messageBoxAnswer = 0;
  menuItem(app, 'Quit and Discard Sessions…').click!();
  await waitFor('the question', () => app.electron.messageBoxes.length === 1);
  expect(app.electron.messageBoxes[0]).toMatchObject({ message: 'Quit and discard every session?', buttons: ['Cancel', 'Quit and Discard'] });
  await new Promise((r) => setTimeout(r, 50));
  expect(app.electron.app.exitCode).toBeNull();
  expect(pidAlive(row.pid!)).toBe(true);

  app.electron.messageBoxAnswer = 1;
  menuItem(app, 'Quit and Discard Sessions…').click!();
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  expect(pidAlive(row.pid!)).toBe(false);
  expect(fs.existsSync(savedIndex(app.dataDir))).toBe(false);
  expect(app.ledger().find((e) => e.type === 'app_stopping')).toMatchObject({ data: { reason: 'quit-and-discard', discard: true } });
});

test("the page's Quit and discard (it asked already) quits at once; the same message from another page is ignored", async () => {
  const app = launch();
  const window = await ready(app);
  const row = await startShell(app, window);
  const stranger = new FakeWebContents(window.webContents.mainFrame.url);
  app.electron.ipcMain.send(stranger, IPC_CHANNELS.quitAndDiscard, []);
  await new Promise((r) => setTimeout(r, 50));
  expect(app.electron.app.exitCode).toBeNull();

  app.electron.ipcMain.send(window.webContents, IPC_CHANNELS.quitAndDiscard, []);
  await waitFor('the app to quit', () => app.electron.app.exitCode !== null);
  expect(pidAlive(row.pid!)).toBe(false);
  expect(app.electron.messageBoxes).toEqual([]);
  expect(fs.existsSync(savedIndex(app.dataDir))).toBe(false);
});
