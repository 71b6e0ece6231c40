/**
 * The window's security defaults, in one place: web preferences, the Content-Security-Policy,
 * what navigation, new windows, webviews and permission requests may do. The renderer shows
 * whatever programs print, so it is treated as a page that may one day be tricked: it gets no
 * Node, no network, no way to replace itself, and only the contract through the preload.
 */
import type { WebPreferences } from 'electron';
import { isExternalWebUrl } from './app-url';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  // A terminal has nothing to spell-check, and the checker fetches dictionaries from the network.
  spellcheck: false,
} as const satisfies WebPreferences;

/**
 * Sent as a header on our own pages (the renderer's index.html carries the same policy in a
 * meta tag, which also covers browser mode). `style-src 'unsafe-inline'`: xterm.js writes
 * <style> elements for its renderer and themes. `data:` images and fonts: Vite inlines small
 * assets. No connect-src: under Electron the page reaches the host through IPC only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface GuardOptions {
  isAppUrl: (url: string) => boolean;
  /** shell.openExternal: web links open in the user's browser, never in our window. */
  openExternal: (url: string) => void;
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of WebContents the guard needs. */
export interface GuardedWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * No new windows, no navigation away from our page, no webviews. For the webContents' whole
 * life, deliberately without a disposer: undoing it would leave the page unguarded.
 */
export function guardWebContents(webContents: GuardedWebContents, { isAppUrl, openExternal }: GuardOptions): void {
  const openIfWeb = (url: string) => {
    if (isExternalWebUrl(url)) openExternal(url);
  };
  webContents.setWindowOpenHandler(({ url }) => {
    openIfWeb(url);
    return { action: 'deny' };
  });
  // Only reloading our own page may navigate; a link click goes to the browser instead.
  const onWillNavigate = (event: PreventableEvent & { url: string }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openIfWeb(event.url);
  };
  webContents.on('will-navigate', onWillNavigate);
  webContents.on('will-attach-webview', (event: PreventableEvent) => event.preventDefault());
}

type Headers = Record<string, string | string[]>;

/** The part of Electron's Session the guard needs. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (webContents: any, permission: string, callback: (granted: boolean) => void, details: any) => void): void;
  setPermissionCheckHandler(handler: (webContents: any, permission: string, origin: string, details: any) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (details: { url: string; responseHeaders?: Headers }, callback: (response: { responseHeaders?: Headers }) => void) => void,
    ): void;
  };
}

/**
 * Writing the selection to the clipboard is what a terminal's Copy does, and a sanitized write
 * can read nothing back. It is the one permission our own page gets.
 */
const APP_PERMISSIONS = new Set(['clipboard-sanitized-write']);

interface PermissionDetails {
  isMainFrame?: boolean;
  requestingUrl?: string;
}

/**
 * Every other permission (camera, notifications, clipboard-read, …) denied, and all of them to
 * any other page or frame; CSP on our pages. For the session's whole life: Electron's default
 * with no handler is to grant everything.
 */
export function guardSession(session: GuardedSession, isAppUrl: (url: string) => boolean): void {
  const allowed = (permission: string, details: PermissionDetails | undefined) =>
    APP_PERMISSIONS.has(permission) && details?.isMainFrame === true && isAppUrl(details.requestingUrl ?? '');
  session.setPermissionRequestHandler((_webContents, permission, callback, details: PermissionDetails) => callback(allowed(permission, details)));
  session.setPermissionCheckHandler((_webContents, permission, _origin, details: PermissionDetails) => allowed(permission, details));
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
