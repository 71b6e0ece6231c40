/**
 * `window.__lingerTest` for e2e tests and outside checks, exposed only when asked for:
 * `?e2e=1` in the page URL (browser mode, or Electron loading the page with it), or a preload
 * that marks the API with `e2e: true`.
 */
import type { LingerTestHooks } from '../electron/contract';
import type { SessionController } from './controller';

declare global {
  interface Window {
    __lingerTest?: LingerTestHooks;
  }
}

export function e2eRequested(): boolean {
  if (new URLSearchParams(window.location.search).get('e2e') === '1') return true;
  const linger = window.linger as { e2e?: unknown } | undefined;
  return linger?.e2e === true;
}

/** Installs the hooks; returns their disposer. */
export function installTestHooks(controller: SessionController): () => void {
  window.__lingerTest = {
    screen: (sessionId) => controller.screen(sessionId),
    onWriteParsed: (sessionId, listener) => controller.onWriteParsed(sessionId, listener),
  };
  return () => {
    delete window.__lingerTest;
  };
}
