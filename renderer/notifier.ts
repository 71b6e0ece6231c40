/**
 * OS notifications from the renderer. Under Electron the main process shows them (the preload's
 * `showNotification`; no permission needed). In a browser, the web Notification API — asked for
 * only when the user clicks "Enable notifications", since browsers (rightly) ignore or punish
 * a permission prompt nobody asked for. A click brings the window forward and opens the session.
 */
import type { DesktopNotice, LingerApi } from '../electron/contract';

export type NotifyPermission = 'granted' | 'default' | 'denied' | 'unsupported';

export interface OsNotifier {
  /** What may be shown now: always `granted` under Electron. */
  permission(): NotifyPermission;
  /** Asks the browser; call only from a click. */
  request(): Promise<NotifyPermission>;
  show(notice: DesktopNotice): void;
  /** The user clicked a notification of this session; returns the disposer. */
  onClick(listener: (sessionId: string) => void): () => void;
}

/** The part of the web Notification API used here. */
export interface WebNotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options: { body: string; tag: string }): { onclick: (() => void) | null; close(): void };
}

export function createNotifier(api: Pick<LingerApi, 'showNotification' | 'onNotificationClick'>, win: Window): OsNotifier {
  if (api.showNotification && api.onNotificationClick) {
    const show = api.showNotification.bind(api);
    const onClick = api.onNotificationClick.bind(api);
    return { permission: () => 'granted', request: async () => 'granted', show, onClick };
  }
  const web = (win as Window & { Notification?: WebNotificationApi }).Notification;
  if (!web) return { permission: () => 'unsupported', request: async () => 'unsupported', show: () => undefined, onClick: () => () => undefined };
  const listeners = new Set<(sessionId: string) => void>();
  // What the last answer said: Chromium can keep reporting a page's old `Notification.permission`
  // after `requestPermission()` has been granted.
  let permission: NotifyPermission = web.permission;
  return {
    permission: () => permission,
    request: async () => (permission = await web.requestPermission()),
    show(notice) {
      if (permission !== 'granted') return;
      // One per session on screen: a newer notice about it replaces the older one.
      const notification = new web(notice.title, { body: notice.body, tag: notice.sessionId });
      notification.onclick = () => {
        win.focus();
        notification.close();
        for (const listener of listeners) listener(notice.sessionId);
      };
    },
    onClick(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
