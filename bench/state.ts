/**
 * Saved sessions (issue 12), in this process: a state write of 50 sessions (1000 lines each,
 * every mirror awake) whose screens all changed since the last write, with the longest stretch it
 * kept the event loop — and so output — waiting; the first write after a start, which serializes
 * every screen; and a restart reviving 20 such sessions until every new shell has printed its
 * first prompt, against 20 bashes spawned on raw node-pty in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as pty from 'node-pty';
import { PtyBridge } from '../electron/host/bridge';
import { loadConfig } from '../electron/host/config';
import { Ledger } from '../electron/host/ledger';
import { builtinProfiles } from '../electron/host/profiles';
import { StateKeeper } from '../electron/host/state';
import { StateStore } from '../electron/host/state-store';

const LINES = 1000;
/** What each session prints between two timed writes: a burst of a build log, in every session at once. */
const NEW_LINES = 100;
const COLS = 80;
const ROWS = 24;
/** bash without start-up files, as the tests run it: a prompt as soon as it starts. */
const BASH = { command: 'bash', args: ['--noprofile', '--norc'] };

interface Stage {
  bridge: PtyBridge;
  dataDir: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

function stage(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-bench-state-'))): Stage {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, SHELL: '/bin/bash', LANG: 'C.UTF-8', PS1: '$ ' };
  const ledger = new Ledger({ dir: dataDir });
  const bridge = new PtyBridge({ config: loadConfig({}, { dataDir, killGraceMs: 500 }), ledger, profiles: builtinProfiles(env), env });
  return {
    bridge,
    dataDir,
    env,
    async close() {
      await bridge.stopAll();
      bridge.dispose();
      ledger.close();
    },
  };
}

/** `count` shells, each with LINES lines of scrollback and a full screen, at a prompt. */
async function filledShells(bridge: PtyBridge, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => bridge.start({ ...BASH, cols: COLS, rows: ROWS }).session_id);
  for (const id of ids) bridge.write(id, `seq 1 ${LINES + ROWS} | sed 's/$/ ${'x'.repeat(60)}/'; echo fill""ed\r`);
  for (const id of ids) {
    while (!/^filled$/m.test(await bridge.read(id, 400))) await new Promise((r) => setTimeout(r, 20));
  }
  return ids;
}

export interface StateWriteFigures {
  /** Wall time of each write of every session, all changed since the last (ms). */
  writeMs: number[];
  /** The first write after a start: every screen serialized (ms). */
  coldMs: number;
  /** The longest the event loop was held during each write, the first included (ms). */
  maxBlockMs: number[];
  /** Bytes of screens written by the last write. */
  screenBytes: number;
}

/** Times one flush and the longest event-loop block during it. */
async function timedFlush(keeper: StateKeeper): Promise<{ ms: number; blockMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await keeper.flush();
  const ms = performance.now() - started;
  delay.disable();
  return { ms, blockMs: delay.max / 1e6 };
}

/** The first write of `count` sessions, then `repeats` writes after every session printed NEW_LINES more. */
export async function stateWrite(count: number, repeats: number): Promise<StateWriteFigures> {
  const { bridge, dataDir, close } = stage();
  try {
    const ids = await filledShells(bridge, count);
    const store = new StateStore(dataDir);
    store.prepare();
    const keeper = new StateKeeper({ bridge, store });
    const cold = await timedFlush(keeper);
    const writeMs: number[] = [];
    const maxBlockMs = [cold.blockMs];
    for (let r = 0; r < repeats; r++) {
      const before = ids.map((id) => bridge.session(id).outputRevision);
      for (const id of ids) bridge.write(id, `seq 1 ${NEW_LINES} | sed 's/^/${r} /'\r`);
      for (const id of ids) {
        while (!new RegExp(`^${r} ${NEW_LINES}$`, 'm').test(await bridge.read(id, 400))) await new Promise((res) => setTimeout(res, 20));
      }
      if (ids.some((id, i) => bridge.session(id).outputRevision === before[i])) throw new Error('a session did not change');
      const write = await timedFlush(keeper);
      writeMs.push(write.ms);
      maxBlockMs.push(write.blockMs);
    }
    const screenBytes = fs
      .readdirSync(store.dir)
      .filter((f) => f.endsWith('.screen'))
      .reduce((sum, f) => sum + fs.statSync(path.join(store.dir, f)).size, 0);
    return { writeMs, coldMs: cold.ms, maxBlockMs, screenBytes };
  } finally {
    await close();
  }
}

/** Resolves once every session has delivered output after its restored screen: its first prompt. */
async function firstOutput(bridge: PtyBridge, ids: string[]): Promise<void> {
  // The restored screen counts as one revision; the shell's first output is the next.
  while (ids.some((id) => bridge.session(id).outputRevision < 2)) await new Promise((r) => setImmediate(r));
}

/** From starting the app's restore until all `count` revived shells have shown their first prompt (ms), per run. */
export async function reviveToPrompt(count: number, repeats: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const first = stage();
    const ids = await filledShells(first.bridge, count);
    const store = new StateStore(first.dataDir);
    const keeper = new StateKeeper({ bridge: first.bridge, store });
    keeper.restore();
    await keeper.flush();
    first.bridge.killAllNow();
    await first.close();

    const second = stage(first.dataDir);
    try {
      const started = performance.now();
      new StateKeeper({ bridge: second.bridge, store: new StateStore(first.dataDir) }).restore();
      await firstOutput(second.bridge, ids);
      times.push(performance.now() - started);
      for (const id of ids) {
        const text = await second.bridge.read(id, 200);
        if (!/previous process ended\n\$ ?$/.test(text)) throw new Error(`session ${id} did not come back at a prompt:\n${text}`);
      }
    } finally {
      await second.close();
    }
  }
  return times;
}

/** The baseline: `count` bashes on raw node-pty, until each has printed its first prompt (ms), per run. */
export async function rawBashToPrompt(count: number, repeats: number): Promise<number[]> {
  const times: number[] = [];
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-bench-raw-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', PS1: '$ ', TERM: 'xterm-256color' };
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    const terminals: pty.IPty[] = [];
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve) => {
            const term = pty.spawn('bash', BASH.args, { cols: COLS, rows: ROWS, cwd: home, env });
            terminals.push(term);
            const sub = term.onData(() => {
              sub.dispose();
              resolve();
            });
          }),
      ),
    );
    times.push(performance.now() - started);
    for (const term of terminals) term.kill('SIGKILL');
  }
  return times;
}
