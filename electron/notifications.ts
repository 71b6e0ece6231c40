/**
 * OS notifications for the desktop app, shown by the main process (Electron's `Notification`
 * needs no permission from the page, and window-security.ts keeps denying the web one). The
 * page decides when its user should hear about a session (it knows which tab is shown) and
 * asks over IPC; clicking the notification brings the window forward and tells the page which
 * session to show.
 */
import { IPC_CHANNELS, desktopNoticeSchema, type DesktopNotice } from './contract';
import { authorizeSender, type IpcEventLike, type IpcMainLike } from './ipc';
import type { ViewRegistry, WebContentsLike } from './views';

/**
 * Electron drops a notification's click handler once the object is garbage-collected, so the
 * ones on screen are kept; past this many the oldest is closed (the OS stacks them anyway).
 */
export const MAX_OPEN_NOTIFICATIONS = 20;

/** The part of Electron's Notification used here; tests pass an in-memory double. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
  close(): void;
}

/**
 * The body as plain text on screen. On Linux, Electron hands it to libnotify unescaped and most
 * notification servers read body markup, so a title a program set with OSC 0 (`<a href=…>`), or a
 * command line (`a && b`), would be markup: escaped there, as the "text only" wants.
 */
export function bodyAsText(body: string, platform: NodeJS.Platform): string {
  if (platform !== 'linux') return body;
  return body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface NotifierDeps {
  /** Whether this OS can show notifications at all. */
  supported(): boolean;
  /** Defaults to this process's: how the body must be written to show as text. */
  platform?: NodeJS.Platform;
  create(options: { title: string; body: string }): NotificationLike;
  /** Brings the page's window forward: restored, shown, focused. */
  focus(page: WebContentsLike): void;
}

export interface DesktopNotifier {
  show(page: WebContentsLike, notice: DesktopNotice): void;
  /** Closes every notification still on screen (quit). */
  dispose(): void;
}

export function createNotifier(deps: NotifierDeps): DesktopNotifier {
  const open = new Set<NotificationLike>();
  return {
    show(page, notice) {
      if (!deps.supported()) return;
      const notification = deps.create({ title: notice.title, body: bodyAsText(notice.body, deps.platform ?? process.platform) });
      open.add(notification);
      notification.on('close', () => open.delete(notification));
      notification.on('click', () => {
        open.delete(notification);
        if (page.isDestroyed()) return;
        deps.focus(page);
        page.send(IPC_CHANNELS.notificationClick, notice.sessionId);
      });
      notification.show();
      if (open.size > MAX_OPEN_NOTIFICATIONS) {
        const oldest = open.values().next().value!;
        open.delete(oldest);
        oldest.close();
      }
    },
    dispose() {
      for (const notification of open) notification.close();
      open.clear();
    },
  };
}

export interface NotificationIpcOptions {
  ipcMain: IpcMainLike;
  views: ViewRegistry;
  isAppUrl: (url: string) => boolean;
  notifier: DesktopNotifier;
}

/**
 * Registers the notify channel; returns its disposer. It has no reply: a notice from a sender
 * that is not our window's page, or one that breaks the schema, is dropped.
 */
export function registerNotifications({ ipcMain, views, isAppUrl, notifier }: NotificationIpcOptions): () => void {
  const onNotify = (event: IpcEventLike, notice: unknown) => {
    try {
      authorizeSender(event, views, isAppUrl);
    } catch {
      return;
    }
    const parsed = desktopNoticeSchema.safeParse(notice);
    if (parsed.success) notifier.show(event.sender, parsed.data);
  };
  ipcMain.on(IPC_CHANNELS.notify, onNotify);
  return () => void ipcMain.removeListener(IPC_CHANNELS.notify, onNotify);
}
