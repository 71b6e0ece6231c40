/**
 * A page driven over plain CDP, without Playwright. Playwright enables the Network domain on
 * every page it drives, and Chromium then copies each WebSocket frame's payload to it
 * (Network.webSocketFrameReceived, base64 for binary frames): during a flood, every byte of
 * output is encoded once more in the page, routed through the browser process and parsed by the
 * benchmark itself. A user's browser does none of that, so throughput is measured here, in a
 * Chromium that only this driver talks to, with no domain enabled but what it calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, testChromium } from '../e2e/support/chromium';
import { startE2eServer, type E2eServer } from '../e2e/support/server';
import { echoLatenciesMs, type EchoLatencies } from './echo';
import { commandFinished } from './finished';
import { screenMatches } from './in-page';
import { MB } from './stats';
import { floodCommand, floodOutputBytes } from './workload';

/** Playwright's own Chromium switches that change how a page runs (throttling, backgrounding), so both drivers measure the same browser. */
const PLAYWRIGHT_LIKE_ARGS = [
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-ipc-flooding-protection',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--force-color-profile=srgb',
];

export interface CdpPage {
  /** Evaluates `expression` in the page and returns its (awaited) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A key press with modifiers (CDP Input: trusted, as a user's). */
  press(key: string, code: string, keyCode: number, modifiers: number): Promise<void>;
  /** A key press that types a lowercase `letter`. */
  type(letter: string): Promise<void>;
  close(): Promise<void>;
}

export async function openCdpPage(url: string, viewport: { width: number; height: number }): Promise<CdpPage> {
  const { launchOptions } = testChromium();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-bench-cdp-'));
  const child: ChildProcess = spawn(
    launchOptions.executablePath,
    [...PLAYWRIGHT_LIKE_ARGS, ...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { env: launchOptions.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${err}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const socket = new WebSocket(endpoint, { maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) w?.reject(new Error(message.error.message));
    else w?.resolve(message.result);
  });
  const send = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);
  const page: CdpPage = {
    async evaluate<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value as T;
    },
    async type(letter) {
      const key = { key: letter, code: `Key${letter.toUpperCase()}`, windowsVirtualKeyCode: letter.toUpperCase().charCodeAt(0) };
      await send('Input.dispatchKeyEvent', { type: 'keyDown', text: letter, ...key }, sessionId);
      await send('Input.dispatchKeyEvent', { type: 'keyUp', ...key }, sessionId);
    },
    async press(key, code, keyCode, modifiers) {
      for (const type of ['rawKeyDown', 'keyUp']) {
        await send('Input.dispatchKeyEvent', { type, key, code, windowsVirtualKeyCode: keyCode, modifiers }, sessionId);
      }
    },
    async close() {
      socket.close();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
  // The page is ready when the app has started its first tab.
  for (const deadline = Date.now() + 20_000; ; ) {
    const ready = await page.evaluate<boolean>(`!!document.querySelector('[data-testid="terminal"]')`).catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('the app did not start in the CDP page');
    await new Promise((r) => setTimeout(r, 50));
  }
  return page;
}

const CTRL = 2;
const SHIFT = 8;

const tabIds = (page: CdpPage) => page.evaluate<string[]>(`[...document.querySelectorAll('[data-testid="tab"]')].map((t) => t.dataset.sessionId)`);
const clickTab = (page: CdpPage, index: number) => page.evaluate(`document.querySelectorAll('[data-testid="tab"]')[${index}].click()`);

/**
 * The flood of `workload.ts` in the first tab's shell, until xterm.js has parsed its last line,
 * as `e2eThroughputMbps` measures it but in the plain CDP page: the command is sent over REST
 * (no keystrokes to type), and `background` shows the second tab while it runs.
 */
export async function plainThroughputMbps(app: PlainApp, run: number, mode: 'background' | 'visible', inputBytes: number): Promise<number> {
  const { page, server } = app;
  if ((await tabIds(page)).length < 2) {
    await page.press('T', 'KeyT', 84, CTRL | SHIFT);
    for (const deadline = Date.now() + 20_000; (await tabIds(page)).length < 2; ) {
      if (Date.now() > deadline) throw new Error('no second tab');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await clickTab(page, 0);
  const [id] = await tabIds(page);
  await page.evaluate(screenMatches(id, /[$#] $/m));
  // Armed before the command goes, so the end cannot slip past it.
  await page.evaluate(`void (window.__floodDone = ${screenMatches(id, new RegExp(`^BENCH-${mode}-${1000 + run}-END$`, 'm'))})`);
  const background = mode === 'background';
  if (background) await clickTab(page, 1);
  const send = (data: string) =>
    fetch(`${server.origin}/api/pty/${id}/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data }),
    });
  const started = performance.now();
  await send(`${floodCommand(inputBytes)}; echo BENCH-${mode}-$((1000+${run}))-END\r`);
  if (background) {
    await commandFinished(server, id, `BENCH-${mode}-$((1000+${run}))-END`);
    await clickTab(page, 0);
  }
  await page.evaluate('window.__floodDone');
  const seconds = (performance.now() - started) / 1000;
  await clickTab(page, 0);
  await send('clear\r');
  return floodOutputBytes(inputBytes) / MB / seconds;
}

/** Browser mode as a user runs it: its own server, and a page no observer copies frames from. */
export interface PlainApp {
  server: E2eServer;
  page: CdpPage;
  close(): Promise<void>;
}

export async function openPlainApp(): Promise<PlainApp> {
  const server = await startE2eServer();
  const page = await openCdpPage(`${server.origin}/?token=${server.token}&e2e=1`, { width: 1280, height: 800 });
  return {
    server,
    page,
    async close() {
      await page.close();
      await server.stop();
    },
  };
}

/** Keystroke to glyph (echo.ts) in the first tab, shown, in the plain page. */
export async function plainEchoLatenciesMs(app: PlainApp, keystrokes: number, pauseMs: () => number): Promise<EchoLatencies> {
  const { page } = app;
  await clickTab(page, 0);
  const [id] = await tabIds(page);
  await page.evaluate(screenMatches(id, /[$#] $/m));
  await page.evaluate(`document.querySelector('.pane.active .xterm-helper-textarea').focus()`);
  return echoLatenciesMs({ evaluate: (e) => page.evaluate(e), type: (k) => page.type(k), clearLine: () => page.press('u', 'KeyU', 85, CTRL) }, id, keystrokes, pauseMs);
}
