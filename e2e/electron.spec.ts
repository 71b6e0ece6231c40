/**
 * The desktop app itself: the core journey through Playwright's Electron support, against the
 * built app (dist/), a real host and hermetic shells. Skipped, with one line saying why, where
 * no Electron binary is installed — a skip is not a pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../scripts/start-electron.mjs';
import { ELECTRON_SKIP_REASON } from './support/electron';
import { activeSessionId, expectPrompt, openPanel, processAlive, rowFor, run, screen, tabFor } from './renderer-support';

const binary = findElectronBinary();
const hasElectronBinary = binary !== null;
test.skip(!hasElectronBinary, ELECTRON_SKIP_REASON);

let app: ElectronApplication;
let page: Page;
let dataDir: string;

test.beforeEach(async () => {
  // A temp HOME: bash reads no start-up files (this machine's block on a pyenv lock).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-electron-e2e-'));
  dataDir = path.join(home, 'data');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.ELECTRON_RUN_AS_NODE;
  Object.assign(env, { HOME: home, SHELL: '/bin/bash', LANG: 'C.UTF-8', LINGER_E2E: '1', LINGER_DATA_DIR: dataDir, LINGER_SOCKET: path.join(home, 'linger.sock') });
  app = await electron.launch({
    executablePath: binary!,
    // Chromium refuses to start as root with its sandbox on (CI containers run as root).
    args: [path.resolve('.'), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env,
    cwd: home,
  });
  page = await app.firstWindow();
});

test.afterEach(async () => {
  await app?.close();
});

test('desktop: the page gets the contract and nothing else', async () => {
  const exposed = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return { linger: Object.keys(w.linger as object).sort(), require: typeof w.require, process: typeof w.process };
  });
  expect(exposed).toEqual({ linger: ['ack', 'onEvent', 'onMenuCommand', 'request'], require: 'undefined', process: 'undefined' });
});

test('desktop: echo hello, close the tab (session detached), reopen it as it was; quitting ends it', async () => {
  const id = await activeSessionId(page);
  await expectPrompt(page, id);
  await run(page, 'echo hel""lo');
  await expect.poll(() => screen(page, id)).toMatch(/^hello$/m);

  await tabFor(page, id).getByTestId('tab-close').click();
  await expect(tabFor(page, id)).toHaveCount(0);
  await openPanel(page);
  const row = rowFor(page, id);
  await expect(row).toHaveAttribute('data-state', 'detached');
  const pid = Number(await row.getByTestId('session-pid').textContent());
  expect(processAlive(pid)).toBe(true);
  const ledger = () => fs.readFileSync(path.join(dataDir, 'ledger.jsonl'), 'utf8');
  expect(ledger()).toContain(`"type":"pty_session_detached","session_id":"${id}"`);

  await row.getByTestId('session-open').click();
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-session-id', id);
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect.poll(() => screen(page, id)).toMatch(/^hello$/m);

  await app.close();
  await expect.poll(() => processAlive(pid)).toBe(false);
  expect(ledger()).toContain('"type":"app_stopping"');
});
