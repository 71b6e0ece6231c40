import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, assertChromium } from './e2e/support/chromium';

assertChromium();

/**
 * End-to-end tests. Browser mode runs the real host and the real renderer in Debian's
 * Chromium (Playwright's own browser download cannot run here). `npm run test:e2e` builds
 * first; global-setup starts the servers.
 */
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  // Real shells on a 2-core machine: two workers keep the UI responsive under test.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  forbidOnly: true,
  use: {
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'browser',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        },
      },
    },
    {
      // The desktop app through Playwright's Electron support (e2e/electron.spec.ts launches
      // it); skipped with one line where no Electron binary is installed.
      name: 'electron',
      testMatch: /electron\.spec\.ts/,
    },
  ],
});
