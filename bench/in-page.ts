/**
 * Scripts the benchmarks run in the page, as expressions any driver can evaluate (Playwright's
 * or plain CDP's). They use `window.__lingerTest` (renderer/test-hooks.ts), and check on each
 * `onWriteParsed`: polling from outside would cost the very renderer being measured.
 */

/**
 * Resolves (with `performance.now()`) once that tab's screen matches `pattern`; rejects after
 * `timeoutMs`, so a run that went wrong fails saying what it waited for instead of hanging.
 */
export function screenMatches(id: string, pattern: RegExp, timeoutMs = 120_000): string {
  return `new Promise((resolve, reject) => {
    const matches = () => new RegExp(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)}).test(window.__lingerTest.screen(${JSON.stringify(id)}));
    if (matches()) return resolve(performance.now());
    const dispose = window.__lingerTest.onWriteParsed(${JSON.stringify(id)}, () => {
      if (!matches()) return;
      clearTimeout(timer);
      dispose();
      resolve(performance.now());
    });
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(${JSON.stringify(`screen never matched ${pattern}`)}));
    }, ${timeoutMs});
  })`;
}

/** Notes, once per page, when each trusted keydown reaches it (before any handler of the app's). */
export const WATCH_KEYDOWNS = `void (window.__keydownWatched ??= (document.addEventListener('keydown', () => (window.__keydownAt = performance.now()), true), true))`;

/**
 * Arms `window.__echo`: [parsed, painted] ms after the next keydown, once the tab's line ends
 * with `expected`. xterm.js draws in an animation frame it requests while parsing; a frame
 * requested after that runs after xterm's, in the same frame, and a message posted from there
 * is handled once that frame's style, layout and paint are done.
 */
export function armEchoWatcher(id: string, expected: string): string {
  return `void (() => {
    window.__keydownAt = null;
    window.__echo = new Promise((resolve) => {
      const dispose = window.__lingerTest.onWriteParsed(${JSON.stringify(id)}, () => {
        const shown = window.__lingerTest.screen(${JSON.stringify(id)}).replace(/\\n/g, '');
        if (window.__keydownAt === null || !shown.endsWith(${JSON.stringify(expected)})) return;
        dispose();
        const keydownAt = window.__keydownAt;
        const parsed = performance.now() - keydownAt;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve([parsed, performance.now() - keydownAt]);
          channel.port2.postMessage(null);
        });
      });
    });
  })()`;
}
