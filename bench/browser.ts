/**
 * Measures through the whole path a user sees: browser mode (the built server, real host)
 * and the real renderer in the Chromium the e2e tests drive (e2e/support/chromium.ts). Timing
 * happens in the page where it can, so the benchmark's own round trips to Chromium are not counted.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { testChromium } from '../e2e/support/chromium';
import { startE2eServer, type E2eServer } from '../e2e/support/server';
import { echoLatenciesMs as measureEcho, type EchoLatencies, type KeyboardPage } from './echo';
import { commandFinished } from './finished';
import { screenMatches } from './in-page';
import { MB } from './stats';
import { FLOOD_INPUT_BYTES, VISIBLE_FLOOD_INPUT_BYTES, floodCommand, floodOutputBytes } from './workload';

export interface App {
  server: E2eServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openApp(): Promise<App> {
  const server = await startE2eServer();
  const browser = await chromium.launch(testChromium().launchOptions);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.origin}/?token=${server.token}&e2e=1`);
  return {
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

async function activeSession(page: Page): Promise<string> {
  const id = await page.getByTestId('terminal').getAttribute('data-session-id');
  if (!id) throw new Error('no active terminal');
  await page.evaluate(screenMatches(id, /[$#] $/m));
  return id;
}

const screen = (page: Page, id: string) => page.evaluate((sid) => window.__lingerTest?.screen(sid) ?? '', id);

/**
 * Types a command at the prompt of the shown tab and checks it arrived whole before anything
 * runs it: focus returns to the terminal a moment after a tab click, and keys typed before
 * then would be lost — a mangled command fails at once and would time as a miracle.
 */
async function typeCommand(page: Page, id: string, command: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(command);
  const shown = (text: string) => text.replace(/\n/g, '').includes(command);
  const deadline = Date.now() + 10_000;
  while (!shown(await screen(page, id))) {
    if (Date.now() > deadline) throw new Error(`the command did not arrive whole: ${command}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The first tab floods; the second is shown while it runs in the background. */
async function twoTabs(app: App) {
  const tabs = app.page.getByTestId('tab');
  if ((await tabs.count()) < 2) {
    await app.page.keyboard.press('Control+Shift+T');
    await tabs.nth(1).waitFor();
  }
  return tabs;
}

/**
 * The flood in a tab's shell, until xterm.js has parsed its last line. `background` switches
 * to another tab once the command runs, and back once the host says it finished: the tab then
 * shows the end of it — the measure. `visible` also paints every frame, which in
 * headless Chromium without a GPU is software compositing on the same two cores.
 */
export async function e2eThroughputMbps(app: App, run: number, mode: 'background' | 'visible'): Promise<number> {
  const tabs = await twoTabs(app);
  await tabs.first().click();
  const id = await activeSession(app.page);
  const marker = `BENCH-${mode}-${1000 + run}-END`;
  const inputBytes = mode === 'background' ? FLOOD_INPUT_BYTES : VISIBLE_FLOOD_INPUT_BYTES;
  await typeCommand(app.page, id, `${floodCommand(inputBytes)}; echo BENCH-${mode}-$((1000+${run}))-END`);
  const started = performance.now();
  await app.page.keyboard.press('Enter');
  if (mode === 'background') {
    await tabs.nth(1).click();
    await commandFinished(app.server, id, `BENCH-${mode}-$((1000+${run}))-END`);
    await tabs.first().click();
  }
  await app.page.evaluate(screenMatches(id, new RegExp(`^${marker}$`, 'm')));
  const seconds = (performance.now() - started) / 1000;
  await tabs.first().click();
  await typeCommand(app.page, id, 'clear');
  await app.page.keyboard.press('Enter');
  return floodOutputBytes(inputBytes) / MB / seconds;
}

/** Keystroke to glyph (echo.ts) in the tab shown, in the Playwright page. */
export async function echoLatenciesMs(app: App, keystrokes: number, pauseMs: () => number): Promise<EchoLatencies> {
  const id = await activeSession(app.page);
  const page: KeyboardPage = {
    evaluate: (expression) => app.page.evaluate(expression),
    type: (key) => app.page.keyboard.press(key),
    clearLine: () => app.page.keyboard.press('Control+U'),
  };
  return measureEcho(page, id, keystrokes, pauseMs);
}

export interface ReattachTimes {
  /** From the click on Open until the screen is in xterm.js's buffer. */
  parsed: number[];
  /** …until the frame that draws it has been rendered (what a user sees; as for echo). */
  painted: number[];
}

/**
 * Reopening a detached session that holds 1000 lines of scrollback and a full screen, and has
 * been detached long enough to hibernate: from the click on Open until the terminal shows it.
 */
export async function reattachMs(app: App, runs: number): Promise<ReattachTimes> {
  const { origin, token } = app.server;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const res = await fetch(`${origin}/api/pty/start`, { method: 'POST', headers, body: JSON.stringify({ cols: 120, rows: 40 }) });
    const { session_id } = (await res.json()) as { session_id: string };
    await fetch(`${origin}/api/pty/${session_id}/send`, { method: 'POST', headers, body: JSON.stringify({ data: `seq 1 1040 | sed 's/$/ reattach-${i}/'\r` }) });
    ids.push(session_id);
  }
  for (const [i, id] of ids.entries()) {
    for (;;) {
      const { output } = (await (await fetch(`${origin}/api/pty/${id}/read?max_chars=200`, { headers })).json()) as { output: string };
      if (output.includes(`1040 reattach-${i}`)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // Past the hibernation delay (5 s) and the next tick.
  await new Promise((r) => setTimeout(r, 7000));
  const panel = app.page.getByTestId('sessions-panel');
  if (!(await panel.isVisible())) await app.page.keyboard.press('Control+Shift+S');
  const times: ReattachTimes = { parsed: [], painted: [] };
  for (const [i, id] of ids.entries()) {
    const open = app.page.locator(`[data-testid="session-row"][data-session-id="${id}"] [data-testid="session-open"]`);
    await open.waitFor();
    const [parsed, painted] = await open.evaluate(
      (button, { sid, expected }) =>
        new Promise<[number, number]>((resolve) => {
          const started = performance.now();
          (button as HTMLButtonElement).click();
          const hooks = window.__lingerTest!;
          const shows = () => hooks.screen(sid).includes(expected);
          // Parsed now: wait for the frame that draws it (see echoLatenciesMs).
          const done = () => {
            const parsedAt = performance.now() - started;
            requestAnimationFrame(() => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve([parsedAt, performance.now() - started]);
              channel.port2.postMessage(null);
            });
          };
          // The tab appears a moment after the click; from then on, each parse is a chance to finish.
          const untilTabExists = () => {
            try {
              if (shows()) return done();
              const dispose = hooks.onWriteParsed(sid, () => {
                if (!shows()) return;
                dispose();
                done();
              });
            } catch {
              setTimeout(untilTabExists, 0);
            }
          };
          untilTabExists();
        }),
      { sid: id, expected: `1040 reattach-${i}` },
    );
    times.parsed.push(parsed);
    times.painted.push(painted);
  }
  return times;
}

/**
 * Peak RSS (the kernel's high-water mark) of the browser-mode server while a session floods
 * `bytes` of output. Its tab is in the background, so the flood runs at the host's pace rather
 * than software painting's, and is not sent to the tab past HIDDEN_FLOOD_BYTES.
 */
export async function floodPeakRssMb(app: App, bytes: number): Promise<{ peakMb: number; baselineMb: number }> {
  const tabs = await twoTabs(app);
  await tabs.first().click();
  const id = await activeSession(app.page);
  const status = () => fs.readFileSync(`/proc/${app.server.process.pid}/status`, 'utf8');
  const mb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status())?.[1]) / 1024;
  const baselineMb = mb('VmRSS');
  await typeCommand(app.page, id, `${floodCommand(Math.floor((bytes * 3) / 4))}; echo FLOOD-$((7*6))-DONE`);
  await app.page.keyboard.press('Enter');
  await tabs.nth(1).click();
  await commandFinished(app.server, id, 'FLOOD-$((7*6))-DONE', 600_000);
  await tabs.first().click();
  await app.page.evaluate(screenMatches(id, /^FLOOD-42-DONE$/m));
  return { peakMb: mb('VmHWM'), baselineMb };
}
