/**
 * Knowing what each session does (issue 11), in browser mode: the server's bash (temp HOME)
 * gets shell integration, and the panel, the tabs and the notifications show what it reports.
 */
import { expect, test } from '@playwright/test';
import { expectPrompt, newTab, openApp, openPanel, rowFor, run, tabFor } from './renderer-support';
import { mainServer } from './support/env';
import { VIM_MISSING, VIM_SKIP_REASON } from './support/vim';

const main = mainServer();

test('cd /tmp shows /tmp on the card, and the tab says where the shell is', async ({ page }) => {
  const id = await openApp(page, main);
  await expectPrompt(page, id);
  await expect(tabFor(page, id)).toContainText('bash · ~');
  const row = rowFor(page, id);
  await openPanel(page);
  await expect(row.getByTestId('session-cwd')).not.toHaveText('/tmp');
  await run(page, 'cd /tmp');
  await expect(row.getByTestId('session-cwd')).toHaveText('/tmp');
  await expect(tabFor(page, id)).toContainText('bash · tmp');
  await expect(row.getByTestId('session-foreground')).toHaveText('bash');
});

test('sleep 11; false in a background tab gives a toast and a failed badge; Open shows it', async ({ page }) => {
  test.slow();
  const first = await openApp(page, main);
  await expectPrompt(page, first);
  await run(page, 'sleep 11; false');
  const second = await newTab(page);
  await expect(tabFor(page, second)).toHaveAttribute('data-active', 'true');

  const toast = page.getByTestId('toast').filter({ hasText: 'Failed: sleep 11; false' });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await expect(toast).toContainText('exit 1 after 0:1');
  const badge = tabFor(page, first).getByTestId('tab-badge');
  await expect(badge).toHaveAttribute('data-kind', 'failed');
  await expect(tabFor(page, second).getByTestId('tab-badge')).toHaveCount(0);

  const row = rowFor(page, first);
  await openPanel(page);
  await expect(row.getByTestId('session-last-exit')).toHaveAttribute('data-failed', 'true');
  await expect(row.getByTestId('session-last-exit')).toHaveText('✗ 1');
  await expect(row.getByTestId('session-last-command')).toHaveText('sleep 11; false');
  await expect(row.getByTestId('session-alert')).toHaveAttribute('data-kind', 'failed');

  await toast.getByTestId('toast-open').click();
  await expect(tabFor(page, first)).toHaveAttribute('data-active', 'true');
  await expect(badge).toHaveCount(0);
  await expect(row.getByTestId('session-alert')).toHaveCount(0);
  // The one shown makes no noise: the same in the shown tab gives no toast.
  await expect(toast).toHaveCount(0);
});

test('vim in a closed tab shows "vim" on its card, with the bottom of its screen', async ({ page }) => {
  test.skip(VIM_MISSING, VIM_SKIP_REASON);
  const id = await openApp(page, main);
  await expectPrompt(page, id);
  await run(page, 'vim -u NONE -N -i NONE -n linger-notes.txt');
  const row = rowFor(page, id);
  await openPanel(page);
  await expect(row.getByTestId('session-foreground')).toContainText('vim');
  await tabFor(page, id).getByTestId('tab-close').click();
  await expect(row).toHaveAttribute('data-state', 'detached');
  await expect(row.getByTestId('session-foreground')).toHaveText('vim -u NONE -N -i NONE -n linger-notes.txt');
  await expect(row).toContainText('vim · ~');
  // vim's empty buffer: its last rows are tildes.
  await expect(row.getByTestId('session-preview')).toHaveText(/^~$/m);
  await row.getByTestId('session-stop').click();
});

test('browser mode asks for notification permission only on a click, then notifies about a detached session', async ({ page, context }) => {
  // Records every web Notification the page creates (the real one still shows).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: Array<{ title: string; body: string | undefined }> = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body });
      }
    } as typeof Notification;
  });
  const id = await openApp(page, main);
  await expectPrompt(page, id);
  const toggle = page.getByTestId('notifications-toggle');
  // Not allowed yet (Playwright's Chromium starts with them denied): nothing asks by itself.
  await expect(toggle).toHaveText('Enable notifications');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  // The user allows them for this site, then clicks.
  await context.grantPermissions(['notifications']);
  await toggle.click();
  await expect(toggle).toHaveText('Notifications on');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  await run(page, "sleep 2; printf 'ding\\a'");
  await tabFor(page, id).getByTestId('tab-close').click();
  const toast = page.getByTestId('toast').filter({ hasText: 'Bell in' });
  await expect(toast).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __notifications: Array<{ title: string }> }).__notifications)).toEqual([
    expect.objectContaining({ title: expect.stringMatching(/^Bell in /) }),
  ]);
  await openPanel(page);
  await expect(rowFor(page, id).getByTestId('session-alert')).toHaveAttribute('data-kind', 'bell');
  await toast.getByTestId('toast-open').click();
  await expect(tabFor(page, id)).toHaveAttribute('data-active', 'true');
  await expect(rowFor(page, id).getByTestId('session-alert')).toHaveCount(0);
});

test('the card turns notifications off for its session, for every view', async ({ page }) => {
  const id = await openApp(page, main);
  await expectPrompt(page, id);
  await openPanel(page);
  const notify = rowFor(page, id).getByTestId('session-notify');
  await expect(notify).toHaveAttribute('aria-pressed', 'true');
  await notify.click();
  await expect(notify).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await expect(rowFor(page, id).getByTestId('session-notify')).toHaveAttribute('aria-pressed', 'false');
});
