/** Types for e2e/electron.spec.ts, which asks start-electron.mjs where the Electron binary is. */
export function findElectronBinary(): string | null;
