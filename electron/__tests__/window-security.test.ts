import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { appUrlMatcher, isExternalWebUrl } from '../app-url';
import { CONTENT_SECURITY_POLICY, SECURE_WEB_PREFERENCES, guardSession, guardWebContents } from '../window-security';
import { APP_URL, RENDERER_DIR } from './electron-double';

const isAppUrl = appUrlMatcher(RENDERER_DIR);

class GuardedPage extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  /** Emits like Electron ≥ 25: one event object carrying the url; true if it went ahead. */
  navigate(event: 'will-navigate' | 'will-attach-webview', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) });
    return !prevented;
  }
}

function guardedPage() {
  const page = new GuardedPage();
  const opened: string[] = [];
  guardWebContents(page, { isAppUrl, openExternal: (url) => opened.push(url) });
  return { page, opened };
}

test('web preferences: isolated, sandboxed, no Node anywhere, web security on', () => {
  expect(SECURE_WEB_PREFERENCES).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  });
});

test('the CSP allows only our own scripts and nothing on the network', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  expect(directives.get('default-src')).toEqual(["'none'"]);
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('connect-src')).toEqual(["'none'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
});

test('app URLs are files under the renderer folder only', () => {
  expect(isAppUrl(APP_URL)).toBe(true);
  expect(isAppUrl(`${APP_URL}?e2e=1#x`)).toBe(true);
  expect(isAppUrl(APP_URL.replace('index.html', 'assets/index-abc.js'))).toBe(true);
  expect(isAppUrl(APP_URL.replace('dist/renderer/index.html', 'dist/electron/main.cjs'))).toBe(false);
  expect(isAppUrl(APP_URL.replace('index.html', '../../../etc/passwd'))).toBe(false);
  expect(isAppUrl(APP_URL.replace('file:///', 'file://evil-host/'))).toBe(false);
  expect(isAppUrl('https://example.com/index.html')).toBe(false);
  expect(isAppUrl('not a url')).toBe(false);
  expect(isExternalWebUrl('https://example.com')).toBe(true);
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x']) {
    expect(isExternalWebUrl(url), url).toBe(false);
  }
});

test('window.open is always denied; web links go to the browser, nothing else does', () => {
  const { page, opened } = guardedPage();
  for (const url of ['https://example.com/a', 'file:///etc/passwd', 'javascript:alert(1)', APP_URL, 'about:blank']) {
    expect(page.openHandler!({ url })).toEqual({ action: 'deny' });
  }
  expect(opened).toEqual(['https://example.com/a']);
});

test('navigation away from our page is prevented (web links open in the browser); a reload of it is not', () => {
  const { page, opened } = guardedPage();
  expect(page.navigate('will-navigate', 'https://example.com/b')).toBe(false);
  expect(page.navigate('will-navigate', 'file:///etc/passwd')).toBe(false);
  expect(page.navigate('will-navigate', APP_URL)).toBe(true);
  expect(opened).toEqual(['https://example.com/b']);
  expect(page.navigate('will-attach-webview', APP_URL)).toBe(false);
});

test('every permission is denied but clipboard writes from our page; our pages get the CSP header, nothing else is touched', () => {
  let request: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null;
  let check: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null;
  let headers: ((details: { url: string; responseHeaders?: Record<string, string | string[]> }, callback: (r: object) => void) => void) | null =
    null;
  guardSession(
    {
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      webRequest: { onHeadersReceived: (h) => (headers = h) },
    },
    isAppUrl,
  );
  const ours = { isMainFrame: true, requestingUrl: APP_URL };
  const ask = (permission: string, details: object) => {
    let granted: boolean | undefined;
    request!(null, permission, (g) => (granted = g), details);
    expect(check!(null, permission, 'file://', details), `check ${permission}`).toBe(granted);
    return granted;
  };
  for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
    expect(ask(permission, ours), permission).toBe(false);
  }
  expect(ask('clipboard-sanitized-write', ours)).toBe(true);
  expect(ask('clipboard-sanitized-write', { ...ours, isMainFrame: false })).toBe(false);
  expect(ask('clipboard-sanitized-write', { isMainFrame: true, requestingUrl: 'https://example.com/' })).toBe(false);
  expect(ask('clipboard-sanitized-write', {})).toBe(false);
  const answer = (url: string) => {
    let response: object | undefined;
    headers!({ url, responseHeaders: { 'X-Other': ['1'] } }, (r) => (response = r));
    return response;
  };
  expect(answer(APP_URL)).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  expect(answer('https://example.com/')).toEqual({});
});
