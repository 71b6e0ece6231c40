/**
 * The browser every e2e spec and benchmark drives: Debian's Chromium (Playwright's own browser
 * download cannot run on these machines), or whatever LINGER_CHROMIUM names.
 */
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.LINGER_CHROMIUM ?? '/usr/bin/chromium';

/** Root in a container needs --no-sandbox; the rest keep a closed network from stalling start-up. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function assertChromium(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set LINGER_CHROMIUM to a Chromium or Chrome binary.`,
    );
  }
}
