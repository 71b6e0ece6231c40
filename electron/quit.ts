import { IPC_CHANNELS } from './contract';
import { authorizeSender, type IpcEventLike, type IpcMainLike } from './ipc';
import type { ViewRegistry } from './views';

/**
 * Quitting ends every session first. Electron's `before-quit` is not awaited, so the first one
 * is cancelled, the host shuts down (bounded: it gives up waiting after the kill grace plus a
 * little), and the app quits again for real. SIGINT and SIGTERM take the same path.
 */

export interface QuitGuard {
  /** For `app.on('before-quit')`. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  /** Shut down, then quit (signals, or anything else that wants out). */
  request(reason: string): void;
}

export function createQuitGuard(options: {
  /** The host's shutdown: stops every session, bounded, idempotent. */
  shutdown: (reason: string) => Promise<void>;
  /** `app.quit()`. */
  quit: () => void;
  log: (message: string) => void;
}): QuitGuard {
  let stopping: Promise<void> | null = null;
  let stopped = false;
  const request = (reason: string) => {
    stopping ??= options
      .shutdown(reason)
      .catch((err: unknown) => options.log(`Linger: shutdown failed (${String(err)}); quitting anyway.`))
      .finally(() => {
        stopped = true;
        options.quit();
      });
  };
  return {
    onBeforeQuit(event) {
      if (stopped) return;
      event.preventDefault();
      request('quit');
    },
    request,
  };
}

export const QUIT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

interface SignalSource {
  on(signal: (typeof QUIT_SIGNALS)[number], listener: () => void): unknown;
  off(signal: (typeof QUIT_SIGNALS)[number], listener: () => void): unknown;
}

/** SIGINT/SIGTERM to the main process quit the orderly way; returns the disposer. */
export function quitOnSignals(source: SignalSource, guard: QuitGuard): () => void {
  const listeners = QUIT_SIGNALS.map((signal) => [signal, () => guard.request(signal)] as const);
  for (const [signal, listener] of listeners) source.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}

/**
 * The page's "Quit and discard sessions" (it has asked the user already): only our own window
 * may ask. Returns the disposer.
 */
export function registerQuitAndDiscard(options: {
  ipcMain: IpcMainLike;
  views: ViewRegistry;
  isAppUrl: (url: string) => boolean;
  quitAndDiscard: () => void;
}): () => void {
  const listener = (event: IpcEventLike) => {
    try {
      authorizeSender(event, options.views, options.isAppUrl);
    } catch {
      return; // refused sender: nothing to answer
    }
    options.quitAndDiscard();
  };
  options.ipcMain.on(IPC_CHANNELS.quitAndDiscard, listener);
  return () => void options.ipcMain.removeListener(IPC_CHANNELS.quitAndDiscard, listener);
}
