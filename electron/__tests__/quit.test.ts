import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { createHost } from '../host/host';
import { HERMETIC_BASH, pidAlive, tempDir, waitFor } from '../host/__tests__/harness';
import { createQuitGuard, quitOnSignals } from '../quit';

function beforeQuit() {
  let prevented = false;
  return { event: { preventDefault: () => (prevented = true) }, prevented: () => prevented };
}

test('the first before-quit is held until the host has shut down; then the app quits for real', async () => {
  const reasons: string[] = [];
  let finishShutdown!: () => void;
  let quits = 0;
  const guard = createQuitGuard({
    shutdown: (reason) => {
      reasons.push(reason);
      return new Promise<void>((resolve) => (finishShutdown = resolve));
    },
    quit: () => quits++,
    log: () => {},
  });
  const first = beforeQuit();
  guard.onBeforeQuit(first.event);
  const again = beforeQuit(); // a second Cmd+Q while stopping
  guard.onBeforeQuit(again.event);
  expect([first.prevented(), again.prevented()]).toEqual([true, true]);
  expect(quits).toBe(0);

  finishShutdown();
  await waitFor('quit', () => quits === 1);
  expect(reasons).toEqual(['quit']);
  const final = beforeQuit(); // the real quit passes
  guard.onBeforeQuit(final.event);
  expect(final.prevented()).toBe(false);
});

test('a failed shutdown still quits, and says why', async () => {
  const logged: string[] = [];
  let quits = 0;
  const guard = createQuitGuard({ shutdown: () => Promise.reject(new Error('disk full')), quit: () => quits++, log: (m) => logged.push(m) });
  guard.request('SIGTERM');
  await waitFor('quit', () => quits === 1);
  expect(logged.join()).toMatch(/disk full/);
});

test('SIGINT and SIGTERM take the orderly path; the disposer unbinds them', async () => {
  const proc = new EventEmitter();
  const reasons: string[] = [];
  const guard = createQuitGuard({ shutdown: async (r) => void reasons.push(r), quit: () => {}, log: () => {} });
  const off = quitOnSignals(proc, guard);
  proc.emit('SIGTERM');
  proc.emit('SIGINT');
  expect(reasons).toEqual(['SIGTERM']); // one shutdown, whatever asks for it
  off();
  expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
});

test('with the real host: quitting ends every shell before the app goes, and the ledger says so', async () => {
  const dataDir = tempDir();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir('linger-home-'), LINGER_DATA_DIR: dataDir, LINGER_KILL_GRACE_MS: '500' };
  const host = createHost({ mode: 'electron', env });
  const rows = [host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 }), host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 })];
  let quit = false;
  const guard = createQuitGuard({ shutdown: host.shutdown, quit: () => (quit = true), log: () => {} });
  guard.onBeforeQuit(beforeQuit().event);
  await waitFor('quit', () => quit);
  for (const row of rows) expect(pidAlive(row.pid), `pid ${row.pid}`).toBe(false);
  const types = host.ledger.recent(100).map((e) => e.type);
  expect(types[0]).toBe('app_started');
  expect(types.filter((t) => t === 'pty_session_stopped')).toHaveLength(2);
  expect(types).toContain('app_stopping');
});
