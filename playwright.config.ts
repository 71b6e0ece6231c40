import { defineConfig } from '@playwright/test';
import { testChromium } from './e2e/support/chromium';

/**
 * End-to-end tests. Browser mode runs the real host and the real renderer in the Chromium
 * e2e/support/chromium.ts resolves (a system one, or the one in the @sparticuz/chromium dev
 * dependency). `npm run test:e2e` builds first; global-setup starts the servers.
 */
export default defineConfig({
  testDir: 'e2e',
  // Vitest's unit tests of the e2e support code live under e2e/ too.
  testMatch: /\.spec\.ts$/,
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
        launchOptions: testChromium().launchOptions,
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
