/** What global-setup started, as the specs see it. */
export interface ServerHandle {
  origin: string;
  token: string;
  dataDir: string;
  /** The page as a user opens it, with the test hooks on. */
  pageUrl: string;
}

function handle(prefix: string): ServerHandle {
  const origin = process.env[`${prefix}_ORIGIN`];
  const token = process.env[`${prefix}_TOKEN`];
  const dataDir = process.env[`${prefix}_DATA_DIR`];
  if (!origin || !token || !dataDir) throw new Error(`${prefix}_* is not set: run the specs through playwright.config.ts.`);
  return { origin, token, dataDir, pageUrl: `${origin}/?token=${token}&e2e=1` };
}

export const mainServer = (): ServerHandle => handle('LINGER_E2E');
export const shortTtlServer = (): ServerHandle => handle('LINGER_E2E_SHORT_TTL');
