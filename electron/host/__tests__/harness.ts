/** Shared by the host tests: a real bridge over real ptys, hermetic shells, a temp data dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostEvent } from '../../contract';
import { PtyBridge } from '../bridge';
import type { SessionWatch } from '../guardian';
import { loadConfig, type HostConfig } from '../config';
import { Ledger } from '../ledger';
import { builtinProfiles, type Profile } from '../profiles';

/** bash without start-up files: this machine's would block on a pyenv lock (see README). */
export const HERMETIC_BASH = { command: 'bash', args: ['--noprofile', '--norc'] };

/** The shell-integration scripts as the source tree has them (the build copies them next to the bundle). */
export const SHELL_SCRIPTS = fileURLToPath(new URL('../shell-scripts', import.meta.url));

const madeDirs: string[] = [];

/** A fresh folder in the temp dir, removed after the test file (vitest.setup.ts): they hold scrollback. */
export function tempDir(prefix = 'linger-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface Harness {
  bridge: PtyBridge;
  ledger: Ledger;
  dataDir: string;
  home: string;
  /** Everything the test client received, in order. */
  events: HostEvent[];
  client: { id: string; dispose(): void };
  close(): Promise<void>;
}

/** `profiles` join the built-ins (as a user's profiles.json would). */
export function createHarness(
  overrides: Partial<HostConfig> = {},
  now?: () => number,
  hostEnv: Record<string, string> = {},
  { watch, prepare, profiles: extraProfiles = [] }: { watch?: SessionWatch; prepare?: (dataDir: string) => void; profiles?: Profile[] } = {},
): Harness {
  const dataDir = tempDir();
  prepare?.(dataDir);
  const home = tempDir('linger-home-');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, SHELL: '/bin/bash', PS1: '$ ', ...hostEnv };
  const config = loadConfig({}, { dataDir, ...overrides });
  const ledger = new Ledger({ dir: dataDir });
  const bridge = new PtyBridge({
    config,
    ledger,
    profiles: [...builtinProfiles(env), ...extraProfiles],
    env,
    shellScripts: SHELL_SCRIPTS,
    ...(now ? { now } : {}),
    ...(watch ? { watch } : {}),
  });
  const events: HostEvent[] = [];
  const client = bridge.connect((event) => events.push(event));
  return {
    bridge,
    ledger,
    dataDir,
    home,
    events,
    client,
    async close() {
      client.dispose();
      await bridge.stopAll();
      bridge.dispose();
      ledger.close();
    },
  };
}

/** Polls `check` until it returns truthy; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** All `data` the client received for a session, snapshot excluded, as text. */
export function dataFor(events: HostEvent[], sessionId: string): string {
  const bytes = events
    .filter((e): e is Extract<HostEvent, { type: 'data' }> => e.type === 'data' && e.sessionId === sessionId)
    .map((e) => e.data);
  return Buffer.concat(bytes).toString('utf8');
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
