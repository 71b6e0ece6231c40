/**
 * Browser mode: `npm run serve [-- --port N]`. The same host and renderer as the desktop app,
 * in plain Node, for machines without Electron, for remote use over an SSH tunnel, and for
 * the end-to-end tests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { createHost } from './host/host';
import { StartupError } from './host/startup';
import { startLocalListener } from './local/listener';
import { SHELL_SCRIPTS_DIR } from './host/shell-integration';
import { newToken } from './web/auth';
import { startServer } from './web/server';

/** The seed's port, so its scripts find us where they found it. */
const DEFAULT_PORT = 8010;

/** `--port N`, else LINGER_PORT, else the seed's port; a bad value stops start-up with what to give. */
function parsePort(argv: string[]): number {
  const at = argv.indexOf('--port');
  const [raw, source] = at >= 0 ? [argv[at + 1] ?? '', '--port'] : [process.env.LINGER_PORT ?? String(DEFAULT_PORT), 'LINGER_PORT'];
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    console.error(`${source} takes a number from 0 to 65535 (0 picks a free port); got "${raw}".`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = path.resolve(here, '../renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    console.error(`The renderer is not built (${rendererDir} is missing). Run "npm run serve", which builds it first.`);
    process.exit(1);
  }
  let host;
  try {
    host = createHost({ mode: 'browser', shellScripts: path.join(here, SHELL_SCRIPTS_DIR) });
  } catch (err) {
    // A setting or folder the user can fix gets one sentence; anything else is a bug, with its stack.
    console.error(err instanceof StartupError ? err.message : err);
    process.exit(1);
  }
  // Last resort if something exits the process without the orderly shutdown below.
  process.on('exit', () => host.bridge.killAllNow());
  process.on('uncaughtException', (err) => console.error('Linger: unexpected error (still running):', err));

  let server;
  try {
    server = await startServer({ bridge: host.bridge, token: process.env.LINGER_TOKEN || newToken(), port, rendererDir, defaultCwd: process.cwd() });
  } catch (err) {
    await host.shutdown('listen failed');
    const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    console.error(inUse ? `Port ${port} is in use: pass --port N, or --port 0 for a free one.` : `Could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  // `linger` on the command line reaches this app through its local socket.
  const listener = await startLocalListener({ bridge: host.bridge, log: (m) => console.error(m) });
  console.log(`Linger (browser mode) is running at ${server.url}`);
  console.log(`Data: ${host.config.dataDir}. Stop with Ctrl+C: every session is ended.`);
  if (listener) console.log(`Command line: linger ls (socket ${listener.path}).`);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void (async () => {
        await host.shutdown(signal);
        await listener?.close();
        await server.close();
        process.exit(0);
      })();
    });
  }
}

void main();
