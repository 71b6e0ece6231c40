/**
 * The Electron main process: one app instance, its window, its menu, and the host bound to
 * IPC. The logic lives in small modules (views, ipc, window-security, menu, quit) that are
 * tested without Electron; this file only wires them to the real `electron` objects.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, session, shell, type WebContents } from 'electron';
import { appUrlMatcher } from './app-url';
import { createHost, type Host } from './host/host';
import { SHELL_SCRIPTS_DIR } from './host/shell-integration';
import { registerIpc } from './ipc';
import { startLocalListener } from './local/listener';
import { bindShortcuts, menuTemplate, perform, shortcuts, type AppAction } from './menu';
import { createNotifier, registerNotifications } from './notifications';
import { createQuitGuard, quitOnSignals, registerQuitAndDiscard } from './quit';
import { registerSaveExport } from './save-export';
import { ViewRegistry } from './views';
import { SECURE_WEB_PREFERENCES, guardSession, guardWebContents } from './window-security';

// dist/electron/main.cjs next to dist/electron/preload.cjs and dist/renderer/ (also inside app.asar).
const RENDERER_DIR = path.join(__dirname, '../renderer');
const INDEX_HTML = path.join(RENDERER_DIR, 'index.html');
const PRELOAD = path.join(__dirname, 'preload.cjs');
// Shells read these scripts themselves, so they are unpacked from app.asar (electron-builder.yml).
const SHELL_SCRIPTS = path.join(__dirname, SHELL_SCRIPTS_DIR).replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');
const DEV = !app.isPackaged;
/** The renderer exposes `window.__lingerTest` for end-to-end tests (see ARCHITECTURE.md). */
const E2E = process.env.LINGER_E2E === '1';

/** Room for a tab bar, an 80×24 terminal at the default font and the sessions panel. */
const WINDOW_SIZE = { width: 1100, height: 720, minWidth: 480, minHeight: 320 };
/** xterm.js's default background, so the window does not flash white before the page paints. */
const BACKGROUND = '#000000';

// A Linger started with its own LINGER_DATA_DIR (tests, a second profile) keeps its Chromium
// profile and its single-instance lock there too, so it neither collides with nor focuses
// the everyday instance.
if (process.env.LINGER_DATA_DIR) app.setPath('userData', path.join(process.env.LINGER_DATA_DIR, 'electron-profile'));

// Every renderer sandboxed, whatever a future window forgets to set.
app.enableSandbox();

if (app.requestSingleInstanceLock()) start();
else app.quit(); // the running instance gets 'second-instance' and focuses its window

function start(): void {
  const isAppUrl = appUrlMatcher(RENDERER_DIR);
  const openExternal = (url: string) => void shell.openExternal(url).catch((err: unknown) => console.error(`Linger: could not open ${url}: ${String(err)}`));
  const keymap = shortcuts(process.platform, DEV);
  let mainWindow: BrowserWindow | null = null;
  /** Set once the host is up: quit, ending every session and saving none for the next start. */
  let quitAndDiscard: (() => void) | null = null;

  // Ends every session for good: the user says so first.
  const confirmQuitAndDiscard = async () => {
    const window = BrowserWindow.getFocusedWindow() ?? mainWindow;
    const options = {
      type: 'warning' as const,
      message: 'Quit and discard every session?',
      detail: 'Every session ends now, and none of them comes back when Linger starts again.',
      buttons: ['Cancel', 'Quit and Discard'],
      defaultId: 0,
      cancelId: 0,
    };
    const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
    if (response === 1) quitAndDiscard?.();
  };

  // Any webContents at all — ours, DevTools', one we never meant to create — is guarded.
  app.on('web-contents-created', (_event, webContents) => guardWebContents(webContents, { isAppUrl, openExternal }));

  const run = (action: AppAction, from?: WebContents) => {
    const target = from ?? BrowserWindow.getFocusedWindow()?.webContents ?? mainWindow?.webContents ?? null;
    perform(action, target, (discard) => (discard ? void confirmQuitAndDiscard() : app.quit()));
  };

  void app.whenReady().then(() => {
    let host: Host;
    try {
      if (!fs.existsSync(INDEX_HTML)) {
        throw new Error(`The renderer is not built (${INDEX_HTML} is missing). Run "npm start", which builds it first.`);
      }
      host = createHost({ mode: 'electron', fallbackDataDir: app.getPath('userData'), shellScripts: SHELL_SCRIPTS });
    } catch (err) {
      dialog.showErrorBox('Linger cannot start', (err as Error).message);
      app.exit(1);
      return;
    }
    guardSession(session.defaultSession, isAppUrl);

    const views = new ViewRegistry(host.bridge, isAppUrl);
    const disposeIpc = registerIpc({ ipcMain, bridge: host.bridge, views, isAppUrl });
    const disposeSave = registerSaveExport({
      ipcMain,
      views,
      isAppUrl,
      defaultDir: () => app.getPath('downloads'),
      chooseFile: async (sender, defaultPath) => {
        const window = BrowserWindow.fromWebContents(sender as WebContents);
        const options = { defaultPath, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
        const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return choice.canceled || !choice.filePath ? null : choice.filePath;
      },
    });
    // `linger` on the command line reaches this app through its local socket.
    const listening = startLocalListener({ bridge: host.bridge, log: (m) => console.error(m) });
    const notifier = createNotifier({
      supported: () => Notification.isSupported(),
      create: (options) => new Notification(options),
      focus: (page) => {
        const window = BrowserWindow.fromWebContents(page as WebContents);
        if (!window) return;
        if (window.isMinimized()) window.restore();
        window.show();
        window.focus();
      },
    });
    const disposeNotifications = registerNotifications({ ipcMain, views, isAppUrl, notifier });
    let discardOnQuit = false;
    const guard = createQuitGuard({
      shutdown: (reason) => host.shutdown(reason, { discard: discardOnQuit }),
      quit: () => app.quit(),
      log: (m) => console.error(m),
    });
    quitAndDiscard = () => {
      discardOnQuit = true;
      guard.request('quit-and-discard');
    };
    const disposeDiscard = registerQuitAndDiscard({ ipcMain, views, isAppUrl, quitAndDiscard });
    app.on('before-quit', guard.onBeforeQuit);
    const disposeSignals = quitOnSignals(process, guard);
    // Last resort if the process exits without the orderly path (a crash on the way out).
    process.on('exit', () => host.bridge.killAllNow());
    // As browser mode does: one bad timer (xterm.js can throw in one) must not take every session down.
    const stillRunning = (err: Error) => console.error('Linger: unexpected error (still running):', err);
    process.on('uncaughtException', stillRunning);
    app.on('will-quit', () => {
      process.off('uncaughtException', stillRunning);
      disposeSignals();
      disposeIpc();
      disposeSave();
      // Also when it finishes starting only after quitting began.
      void listening.then((listener) => listener?.close());
      disposeNotifications();
      notifier.dispose();
      disposeDiscard();
      views.dispose();
    });

    const createWindow = (): BrowserWindow => {
      const window = new BrowserWindow({
        ...WINDOW_SIZE,
        title: 'Linger',
        show: false,
        backgroundColor: BACKGROUND,
        webPreferences: { ...SECURE_WEB_PREFERENCES, preload: PRELOAD },
      });
      const { webContents } = window;
      views.track(webContents);
      const unbindShortcuts = bindShortcuts(webContents, keymap, (action) => run(action, webContents));
      webContents.once('destroyed', unbindShortcuts);
      window.once('ready-to-show', () => window.show());
      window.on('closed', () => {
        if (mainWindow === window) mainWindow = null;
      });
      window.loadFile(INDEX_HTML, E2E ? { query: { e2e: '1' } } : {}).catch((err: unknown) => {
        console.error(`Linger: could not load ${INDEX_HTML}: ${String(err)}`);
      });
      return window;
    };

    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, list: keymap, run: (a) => run(a) })));
    mainWindow = createWindow();

    app.on('second-instance', () => {
      if (!mainWindow) mainWindow = createWindow();
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    });
    // macOS: the app stays in the dock with its sessions running; clicking it brings a window back.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
  });
}
