/**
 * Starts browser mode the way a user does (the built `dist/electron/serve.mjs`), with a
 * temp HOME (so bash reads no start-up files: this machine's block on a pyenv lock), a temp
 * data dir and a known token, on a free port.
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
  stop(): Promise<void>;
}

const READY = /running at (http:\/\/\S+)/;
/** Building is done before Playwright starts; a cold start of the server takes well under this. */
const START_TIMEOUT_MS = 20_000;

export async function startE2eServer(env: Record<string, string> = {}): Promise<E2eServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-e2e-home-'));
  const dataDir = path.join(home, 'data');
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [path.resolve('dist/electron/serve.mjs'), '--port', '0'], {
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
  return {
    url,
    origin,
    token,
    dataDir,
    home,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
