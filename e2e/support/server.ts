/**
 * Starts browser mode the way a user does (the built `dist/electron/serve.mjs`), with a
 * temp HOME (so bash reads no start-up files: this machine's block on a pyenv lock), a temp
 * data dir and a known token, on a free port — and restarts it on the same port, data dir,
 * token and socket, as a user restarting the app (or the machine) would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface E2eServer {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  home: string;
  process: ChildProcess;
  /** Ends the server with `signal` and keeps its folders, for a restart. */
  end(signal: NodeJS.Signals): Promise<void>;
  /** Ends it (SIGTERM) for good: its HOME and data dir are removed. */
  stop(): Promise<void>;
  /** Ends this server with `signal` (SIGTERM: an orderly quit; SIGKILL: a crash), then starts it again. */
  restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<E2eServer>;
}

const READY = /running at (http:\/\/\S+)/;
/** Building is done before Playwright starts; a cold start of the server takes well under this. */
const START_TIMEOUT_MS = 20_000;

interface Identity {
  home: string;
  token: string;
  port: number;
  env: Record<string, string>;
}

export function startE2eServer(env: Record<string, string> = {}): Promise<E2eServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-e2e-home-'));
  return launch({ home, token: `e2e-${Math.random().toString(36).slice(2)}`, port: 0, env });
}

async function launch(identity: Identity): Promise<E2eServer> {
  const { home, token, env } = identity;
  const dataDir = path.join(home, 'data');
  const child = spawn(process.execPath, [path.resolve('dist/electron/serve.mjs'), '--port', String(identity.port)], {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      SHELL: '/bin/bash',
      LANG: 'C.UTF-8',
      LINGER_TOKEN: token,
      LINGER_DATA_DIR: dataDir,
      // Its own CLI socket: two test servers (or a Linger the developer runs) never meet there.
      LINGER_SOCKET: path.join(home, 'linger.sock'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test process that dies (an uncaught error, a killed runner) takes its server with it: an
  // orphaned server would keep its port, its guardian and its data dir.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${output}`)));
  });
  const origin = new URL(url).origin;
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    url,
    origin,
    token,
    dataDir,
    home,
    process: child,
    end,
    async stop() {
      await end('SIGTERM');
      // Its HOME holds the data dir: scrollback and ledger stay private to the run.
      fs.rmSync(home, { recursive: true, force: true });
    },
    async restart(signal) {
      await end(signal);
      return launch({ ...identity, port: Number(new URL(origin).port) });
    },
  };
}
