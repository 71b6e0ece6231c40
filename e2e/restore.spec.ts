/**
 * Sessions come back after the app restarts or crashes (issue 12), in browser mode: a real
 * server ended with SIGTERM or SIGKILL and started again on the same port and data dir, real
 * shells, real Chromium. The page that was open reconnects by itself; a reload restores too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { activeSessionId, expectPrompt, newTab, openPanel, rowFor, run, screen, tabFor } from './renderer-support';
import { startE2eServer, type E2eServer } from './support/server';

/** The bound on what a crash may lose, plus a second for the write itself. */
const PERIODIC_WRITE_WAIT_MS = 11_000;
const DATED_LINE = /^restored from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d — previous process ended$/m;

let server: E2eServer | null = null;
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

const pageUrl = (s: E2eServer) => `${s.origin}/?token=${s.token}&e2e=1`;

/** Two tabs, one after `cd /tmp; echo marker`, the other closed (detached). */
async function twoTabsOneClosed(page: Page, s: E2eServer): Promise<{ shown: string; closed: string }> {
  await page.goto(pageUrl(s));
  const shown = await activeSessionId(page);
  await expectPrompt(page, shown);
  // The quotes keep the typed command line itself from matching.
  await run(page, 'cd /tmp; echo mark""er');
  await expect.poll(() => screen(page, shown)).toMatch(/^marker$/m);
  const closed = await newTab(page);
  await tabFor(page, closed).getByTestId('tab-close').click();
  await expect(page.getByTestId('tab')).toHaveCount(1);
  await expect(tabFor(page, shown)).toHaveAttribute('data-active', 'true');
  return { shown, closed };
}

/** Both back: the shown one in its tab with its screen, a dated line and a new shell in /tmp; the closed one detached. */
async function expectBothBack(page: Page, { shown, closed }: { shown: string; closed: string }): Promise<void> {
  await expect(page.getByTestId('tab')).toHaveCount(1);
  await expect(tabFor(page, shown)).toHaveAttribute('data-active', 'true');
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-status', 'live');
  await expect.poll(() => screen(page, shown)).toMatch(DATED_LINE);
  const text = await screen(page, shown);
  expect(text).toMatch(/^marker$/m);
  expect(text.indexOf('marker')).toBeLessThan(text.search(DATED_LINE));
  await expectPrompt(page, shown);
  await run(page, 'pwd');
  await expect.poll(() => screen(page, shown)).toMatch(/^\/tmp$/m);
  await openPanel(page);
  await expect(rowFor(page, closed)).toHaveAttribute('data-state', 'detached');
  await expect(rowFor(page, shown)).toHaveAttribute('data-state', 'running');
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`after ${signal} and a restart: the open page reconnects and re-attaches, and a reload brings both back`, async ({ page }) => {
    test.setTimeout(120_000);
    server = await startE2eServer();
    const ids = await twoTabsOneClosed(page, server);
    // A crash loses what changed since the last periodic write: wait past one.
    if (signal === 'SIGKILL') await page.waitForTimeout(PERIODIC_WRITE_WAIT_MS);
    server = await server.restart(signal);

    // The page that was open, not a new one: its socket reconnects and its tab re-attaches.
    await expectBothBack(page, ids);
    await page.reload();
    await expectBothBack(page, ids);
  });
}

test('another browser after a restart gets the tabs the last window had, from the host; a third starts afresh', async ({ browser }) => {
  server = await startE2eServer();
  const before = await browser.newContext();
  const ids = await twoTabsOneClosed(await before.newPage(), server);
  await before.close();
  server = await server.restart('SIGTERM');

  const other = await (await browser.newContext()).newPage();
  await other.goto(pageUrl(server));
  await expectBothBack(other, ids);
  // Brought back once: a window opened later has tabs of its own.
  const third = await (await browser.newContext()).newPage();
  await third.goto(pageUrl(server));
  await expect(third.getByTestId('tab')).toHaveCount(1);
  expect([ids.shown, ids.closed]).not.toContain(await activeSessionId(third));
});

test('a tool comes back screen-only, and Run again runs it in the same session', async ({ page, request }) => {
  server = await startE2eServer();
  const auth = { Authorization: `Bearer ${server.token}` };
  const started = await request.post(`${server.origin}/api/pty/start`, {
    headers: auth,
    data: { command: 'sh', args: ['-c', 'echo tool-said-h""i; exec sleep 1000'] },
  });
  const tool = (await started.json()).session_id as string;
  await expect
    .poll(async () => (await (await request.get(`${server!.origin}/api/pty/${tool}/read`, { headers: auth })).json()).output)
    .toContain('tool-said-hi');
  server = await server.restart('SIGTERM');

  await page.goto(pageUrl(server));
  await openPanel(page);
  const row = rowFor(page, tool);
  await expect(row).toHaveAttribute('data-screen-only', 'true');
  await expect(row.locator('.badge')).toHaveText('restored');
  await row.getByTestId('session-open').click();
  await expect(page.getByTestId('restored-banner')).toBeVisible();
  await expect.poll(() => screen(page, tool)).toMatch(DATED_LINE);
  expect((await screen(page, tool)).match(/tool-said-hi/g)).toHaveLength(1);

  await page.getByTestId('rerun').click();
  await expect(page.getByTestId('restored-banner')).toHaveCount(0);
  await expect.poll(async () => (await screen(page, tool)).match(/tool-said-hi/g)?.length).toBe(2);
  await expect(row).toHaveAttribute('data-screen-only', 'false');
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-session-id', tool);
});

test('a corrupt state file: the app starts clean, sets it aside and says so in one toast', async ({ page }) => {
  server = await startE2eServer();
  await server.end('SIGTERM');
  const stateDir = path.join(server.dataDir, 'sessions');
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(stateDir, 'index.json'), '{"version":1,"saved_at":1700000000000,"sessions":[{"id":"tor');
  server = await server.restart('SIGTERM');

  await page.goto(pageUrl(server));
  const toast = page.getByTestId('toast');
  await expect(toast).toHaveCount(1);
  await expect(toast).toContainText('could not restore its saved sessions');
  await expect(toast).toContainText('index.json.corrupt-');
  expect(fs.readdirSync(stateDir).filter((f) => f.startsWith('index.json.corrupt-'))).toHaveLength(1);
  // Nothing crashed: a fresh shell works.
  const id = await activeSessionId(page);
  await expectPrompt(page, id);

  await page.reload();
  await expectPrompt(page, await activeSessionId(page));
  await expect(toast).toHaveCount(0);
});

test('Discard all ends every session for good: a restart brings back only what came after', async ({ page }) => {
  server = await startE2eServer();
  const { shown, closed } = await twoTabsOneClosed(page, server);
  await openPanel(page);
  await page.getByTestId('discard-sessions').click();
  await page.getByTestId('discard-confirm').click();
  await expect(rowFor(page, shown)).toHaveCount(0);
  await expect(rowFor(page, closed)).toHaveCount(0);
  // The server keeps running: this window starts over with one new shell.
  await expect(tabFor(page, shown)).toHaveCount(0);
  await expect(page.getByTestId('tab')).toHaveCount(1);
  const fresh = await activeSessionId(page);
  expect([shown, closed]).not.toContain(fresh);
  await expectPrompt(page, fresh);

  server = await server.restart('SIGTERM');
  await page.reload();
  await openPanel(page);
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await expect(rowFor(page, fresh)).toHaveCount(1);
});
