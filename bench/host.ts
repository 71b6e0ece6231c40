/**
 * Host-side measures, in this process: memory per detached session with its mirror, and the
 * cost of one cleanup sweep over many sessions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PtyBridge } from '../electron/host/bridge';
import { loadConfig } from '../electron/host/config';
import { Ledger } from '../electron/host/ledger';
import { builtinProfiles } from '../electron/host/profiles';
import { HIBERNATE_AFTER_MS } from '../electron/host/session';
import { MB } from './stats';

export function createBenchBridge(ttlSeconds = 300): { bridge: PtyBridge; close(): Promise<void> } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-bench-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataDir, SHELL: '/bin/bash', LANG: 'C.UTF-8' };
  const ledger = new Ledger({ dir: dataDir });
  const bridge = new PtyBridge({ config: loadConfig({}, { dataDir, sessionTtlSeconds: ttlSeconds, killGraceMs: 500 }), ledger, profiles: builtinProfiles(env), env });
  return {
    bridge,
    async close() {
      await bridge.stopAll();
      bridge.dispose();
      ledger.close();
    },
  };
}

function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run the benchmark with node --expose-gc (npm run bench does).');
  for (let i = 0; i < 3; i++) gc();
}

const LINES = 1000;
const COLS = 80;
const ROWS = 24;

async function startFilled(bridge: PtyBridge, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const script = `seq 1 ${LINES + ROWS} | sed 's/$/ ${'x'.repeat(60)}/'; exec sleep 100000`;
    ids.push(bridge.start({ command: 'sh', args: ['-c', script], cols: COLS, rows: ROWS }).session_id);
  }
  for (const id of ids) {
    while (!(await bridge.read(id, 200)).includes(`${LINES + ROWS} x`)) await new Promise((r) => setTimeout(r, 20));
  }
  return ids;
}

/**
 * RSS growth per detached session whose mirror holds `LINES` lines of scrollback and a full
 * screen. `hibernated`: the steady state of sessions detached for more than a few seconds —
 * they are created in batches of ten that hibernate before the next, as sessions detach over
 * time, so memory one mirror frees is reused by the next (glibc does not hand small freed
 * blocks back to the system, so hibernating all at once would not show in RSS). `live`: every
 * mirror awake, as right after detaching.
 */
export async function memoryPerDetachedSessionMb(sessions: number, mode: 'hibernated' | 'live'): Promise<number> {
  const { bridge, close } = createBenchBridge();
  try {
    // Load and warm every module on the path first, so the baseline is the steady state.
    await startFilled(bridge, 1).then(([id]) => bridge.stop(id));
    settleHeap();
    const before = process.memoryUsage().rss;
    const batch = mode === 'hibernated' ? 10 : sessions;
    for (let started = 0; started < sessions; started += batch) {
      await startFilled(bridge, batch);
      if (mode === 'hibernated') await bridge.tick(Date.now() + HIBERNATE_AFTER_MS + 1000);
    }
    settleHeap();
    if (mode === 'hibernated' && bridge.stats().sessions.some((s) => !bridge.session(s.session_id).isHibernating)) {
      throw new Error('a quiet detached session did not hibernate');
    }
    return (process.memoryUsage().rss - before) / MB / sessions;
  } finally {
    await close();
  }
}

const SWEEP_WARMUP = 20;

/** One sweep's wall time over `count` live, detached, fresh (so none is stale) sessions. */
export async function sweepMs(count: number, repeats: number): Promise<number[]> {
  const { bridge, close } = createBenchBridge();
  try {
    for (let i = 0; i < count; i++) bridge.start({ command: 'sleep', args: ['100000'], cols: COLS, rows: ROWS });
    // Let the spawns settle and the sweep's code warm up: the figure is a steady-state sweep.
    await new Promise((r) => setTimeout(r, 2000));
    for (let i = 0; i < SWEEP_WARMUP; i++) await bridge.sweep();
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      const ended = await bridge.sweep();
      times.push(performance.now() - started);
      if (ended.length) throw new Error('a fresh session was swept');
    }
    return times;
  } finally {
    await close();
  }
}
