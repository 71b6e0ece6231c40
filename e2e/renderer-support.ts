/**
 * What the renderer journeys share: open the app as a user does, read a tab's screen through
 * `window.__lingerTest`, type into the shown terminal, and find a session's row in the panel.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { ServerHandle } from './support/env';

/** The hermetic bash's prompt ends in `$ ` or `# ` (root). */
export const PROMPT_AT_END = /[$#]\s*$/;

export async function openApp(page: Page, server: ServerHandle): Promise<string> {
  await page.goto(server.pageUrl);
  return activeSessionId(page);
}

/** The session shown in the active pane, once there is one. */
export async function activeSessionId(page: Page): Promise<string> {
  const terminal = page.getByTestId('terminal');
  await expect(terminal).toBeVisible();
  const id = await terminal.getAttribute('data-session-id');
  expect(id).toBeTruthy();
  return id!;
}

export function screen(page: Page, sessionId: string): Promise<string> {
  return page.evaluate((id) => window.__lingerTest!.screen(id), sessionId);
}

/** The screen's last non-blank line. */
export async function lastLine(page: Page, sessionId: string): Promise<string> {
  const lines = (await screen(page, sessionId)).split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}

export async function expectPrompt(page: Page, sessionId: string): Promise<void> {
  await expect.poll(() => lastLine(page, sessionId), { timeout: 20_000 }).toMatch(PROMPT_AT_END);
}

/** Types a command line into the shown terminal, as a user at the keyboard. */
export async function run(page: Page, command: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

export function tabFor(page: Page, sessionId: string): Locator {
  return page.locator(`[data-testid="tab"][data-session-id="${sessionId}"]`);
}

export function rowFor(page: Page, sessionId: string): Locator {
  return page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
}

export async function openPanel(page: Page): Promise<Locator> {
  const panel = page.getByTestId('sessions-panel');
  if (!(await panel.isVisible())) await page.getByTestId('sessions-toggle').click();
  await expect(panel).toBeVisible();
  return panel;
}

/** Opens a new shell tab with the button and returns its session once its prompt shows. */
export async function newTab(page: Page): Promise<string> {
  const before = await page.getByTestId('tab').count();
  await page.getByTestId('new-tab').click();
  await expect(page.getByTestId('tab')).toHaveCount(before + 1);
  const id = await activeSessionId(page);
  await expectPrompt(page, id);
  return id;
}

/** Whether a process with this pid exists on this machine (the tests and server share it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
