/** Why the desktop specs skip where no Electron binary is installed (a skip is not a pass). */
export const ELECTRON_SKIP_REASON =
  'Electron binary not installed: run `npx install-electron` (or set ELECTRON_OVERRIDE_DIST_PATH) to run the desktop journeys';
