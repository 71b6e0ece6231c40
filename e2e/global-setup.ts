/**
 * Two browser-mode servers for the whole run: the default one, and one with a 3 s TTL and a
 * 1 s sweep for the expiry journeys. Workers find them through the environment.
 */
import { findElectronBinary } from '../scripts/start-electron.mjs';
import { testChromium } from './support/chromium';
import { ELECTRON_SKIP_REASON } from './support/electron';
import { startE2eServer } from './support/server';
import { VIM_MISSING, VIM_SKIP_REASON } from './support/vim';

export default async function globalSetup(): Promise<() => Promise<void>> {
  console.log(`[chromium] ${testChromium().description}`);
  // The list reporter shows a skipped test as a bare dash: say once why the desktop ones are.
  if (findElectronBinary() === null) console.log(`[electron] specs skipped: ${ELECTRON_SKIP_REASON}`);
  if (VIM_MISSING) console.log(`[vim] ${VIM_SKIP_REASON}`);
  const [main, shortTtl] = await Promise.all([
    startE2eServer(),
    startE2eServer({ LINGER_SESSION_TTL_SECONDS: '3', LINGER_CLEANUP_INTERVAL_SECONDS: '1' }),
  ]);
  process.env.LINGER_E2E_ORIGIN = main.origin;
  process.env.LINGER_E2E_TOKEN = main.token;
  process.env.LINGER_E2E_DATA_DIR = main.dataDir;
  process.env.LINGER_E2E_SHORT_TTL_ORIGIN = shortTtl.origin;
  process.env.LINGER_E2E_SHORT_TTL_TOKEN = shortTtl.token;
  process.env.LINGER_E2E_SHORT_TTL_DATA_DIR = shortTtl.dataDir;
  return async () => {
    await Promise.all([main.stop(), shortTtl.stop()]);
  };
}
