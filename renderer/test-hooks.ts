/**
 * `window.__lingerTest` for e2e tests and outside checks, exposed only when asked for:
 * `?e2e=1` in the page URL (browser mode; the desktop app loads its page with it when
 * LINGER_E2E=1).
 */
import type { LingerTestHooks } from '../electron/contract';
import type { SessionController } from './controller';

declare global {
  interface Window {
    __lingerTest?: LingerTestHooks;
  }
}

export function e2eRequested(): boolean {
  return new URLSearchParams(window.location.search).get('e2e') === '1';
}

/** Installs the hooks; returns their disposer. */
export function installTestHooks(controller: SessionController): () => void {
  window.__lingerTest = {
    screen: (sessionId) => controller.screen(sessionId),
    onWriteParsed: (sessionId, listener) => controller.onWriteParsed(sessionId, listener),
    droppedOutput: (sessionId) => controller.droppedOutput(sessionId),
    receivedOutput: (sessionId) => controller.receivedOutput(sessionId),
  };
  return () => {
    delete window.__lingerTest;
  };
}
