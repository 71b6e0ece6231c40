import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createHost } from '../host';
import { LEDGER_FILE, Ledger, readEvents, rotatedName } from '../ledger';
import { sessionMembers } from '../process-tree';
import { StartupError, prepareDataDir } from '../startup';
import { HERMETIC_BASH, createHarness, tempDir, waitFor, type Harness } from './harness';

const run = promisify(execFile);
const open: Ledger[] = [];
const ledgerIn = (dir: string, options: Partial<ConstructorParameters<typeof Ledger>[0]> = {}) => {
  const ledger = new Ledger({ dir, ...options });
  open.push(ledger);
  return ledger;
};
afterEach(() => open.splice(0).forEach((l) => l.close()));

describe('Ledger', () => {
  test('one JSON object a line: ts, type, session_id, data', () => {
    const dir = tempDir();
    const ledger = ledgerIn(dir, { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    ledger.append('app_started', undefined, { mode: 'test' });
    ledger.append('pty_session_started', 'abc', { pid: 7 });
    const lines = fs.readFileSync(path.join(dir, LEDGER_FILE), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { ts: '2026-01-02T03:04:05.000Z', type: 'app_started', data: { mode: 'test' } },
      { ts: '2026-01-02T03:04:05.000Z', type: 'pty_session_started', session_id: 'abc', data: { pid: 7 } },
    ]);
  });

  test('appends from concurrent async callers land in call order', async () => {
    const ledger = ledgerIn(tempDir());
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => Promise.resolve().then(() => ledger.append('pty_session_attached', `s${i}`, { i }))),
    );
    expect(ledger.recent(1000).map((e) => e.data.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  test('two processes appending at once never interleave or lose a line', async () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'ledger.mjs');
    await build({ entryPoints: [path.resolve('electron/host/ledger.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const writer = (name: string) =>
      run(process.execPath, [
        '--input-type=module',
        '-e',
        `const { Ledger } = await import(${JSON.stringify(bundle)});
         const l = new Ledger({ dir: ${JSON.stringify(dir)} });
         for (let i = 0; i < 500; i++) l.append('pty_session_attached', '${name}', { i, pad: 'x'.repeat(200) });
         l.close();`,
      ]);
    await Promise.all([writer('a'), writer('b')]);
    const events = readEvents(path.join(dir, LEDGER_FILE));
    expect(events).toHaveLength(1000);
    for (const name of ['a', 'b']) {
      expect(events.filter((e) => e.session_id === name).map((e) => e.data.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    }
  });

  test('a torn last line (a crash mid-write) is skipped; no whole line is lost and the next event starts clean', () => {
    const dir = tempDir();
    const first = ledgerIn(dir);
    first.append('app_started', undefined, {});
    first.append('pty_session_started', 'keep-me', {});
    first.close();
    fs.appendFileSync(path.join(dir, LEDGER_FILE), '{"ts":"2026-01-01T00:00:00.000Z","type":"pty_sess');
    const reopened = ledgerIn(dir);
    expect(reopened.recent(10).map((e) => e.type)).toEqual(['app_started', 'pty_session_started']);
    reopened.append('pty_session_stopped', 'keep-me', {});
    expect(reopened.recent(10).map((e) => e.type)).toEqual(['app_started', 'pty_session_started', 'pty_session_stopped']);
  });

  test('rotation by size keeps the newest N files and recent() reads across them', () => {
    const dir = tempDir();
    const ledger = ledgerIn(dir, { maxBytes: 1000, keepFiles: 2 });
    for (let i = 0; i < 60; i++) ledger.append('pty_session_attached', 's', { i, pad: 'y'.repeat(50) });
    const file = path.join(dir, LEDGER_FILE);
    expect(fs.existsSync(rotatedName(file, 1))).toBe(true);
    expect(fs.existsSync(rotatedName(file, 2))).toBe(true);
    expect(fs.existsSync(rotatedName(file, 3))).toBe(false);
    for (const f of [file, rotatedName(file, 1), rotatedName(file, 2)]) expect(fs.statSync(f).size).toBeLessThanOrEqual(1000);
    const recent = ledger.recent(15).map((e) => e.data.i);
    expect(recent).toEqual(Array.from({ length: 15 }, (_, k) => 45 + k));
  });
});

/** A ledger file that is /dev/full: every write fails with ENOSPC, as on a full disk. */
function fillDisk(dir: string): string {
  fs.symlinkSync('/dev/full', path.join(dir, LEDGER_FILE));
  return dir;
}

describe('a ledger that cannot be written', () => {
  test('never throws; events wait in memory in order, the failure is logged once, and all are written when the file works again', () => {
    const dir = fillDisk(tempDir());
    const logged: string[] = [];
    const ledger = ledgerIn(dir, { log: (m) => logged.push(m) });
    for (let i = 0; i < 3; i++) expect(() => ledger.append('pty_session_started', `s${i}`, { i })).not.toThrow();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/cannot write the ledger .*ENOSPC/);
    expect(ledger.problem).toMatch(/ENOSPC.*3 events wait in memory.*Free disk space/);
    expect(ledger.recent(10).map((e) => e.session_id)).toEqual(['s0', 's1', 's2']);

    fs.rmSync(path.join(dir, LEDGER_FILE));
    ledger.append('pty_session_stopped', 's3', {});
    expect(ledger.problem).toBeNull();
    expect(logged[1]).toMatch(/writable again/);
    expect(readEvents(path.join(dir, LEDGER_FILE)).map((e) => e.session_id)).toEqual(['s0', 's1', 's2', 's3']);
  });

  describe('breaks no lifecycle', () => {
    let h: Harness;
    afterEach(async () => {
      vi.restoreAllMocks();
      await h?.close();
    });

    test('start answers and runs, a disconnect detaches (so the session can expire), stats say what is wrong', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      h = createHarness({}, undefined, {}, { prepare: fillDisk });
      const row = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
      expect(row.state).toBe('detached');
      const viewer = h.bridge.connect(() => {});
      await h.bridge.attach(viewer.id, row.session_id);
      expect(h.bridge.stats().sessions[0]!.state).toBe('running');
      viewer.dispose();
      expect(h.bridge.stats().sessions[0]!.state).toBe('detached');
      expect(h.bridge.stats().ledger_problem).toMatch(/cannot be written/);
    });

    test('shutdown still stops every session and returns', async () => {
      const home = tempDir('linger-home-');
      vi.spyOn(console, 'error').mockImplementation(() => {});
      const dir = fillDisk(tempDir());
      const host = createHost({
        mode: 'test',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, SHELL: '/bin/bash', LINGER_DATA_DIR: dir, LINGER_KILL_GRACE_MS: '500' },
      });
      const { pid } = host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
      await host.shutdown('SIGTERM');
      await waitFor('the shell to be gone', () => sessionMembers(pid).length === 0, 5000);
      expect(host.bridge.stats().total_sessions).toBe(0);
    });
  });
});

describe('the data folder', () => {
  test('is created owner-only, and the ledger in it is owner-only', () => {
    const dir = path.join(tempDir(), 'new', 'data');
    prepareDataDir(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const ledger = ledgerIn(dir);
    ledger.append('app_started', undefined, {});
    expect(fs.statSync(path.join(dir, LEDGER_FILE)).mode & 0o777).toBe(0o600);
  });

  test('a ledger made before files were private becomes owner-only', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LEDGER_FILE), '', { mode: 0o644 });
    fs.chmodSync(path.join(dir, LEDGER_FILE), 0o644);
    ledgerIn(dir);
    expect(fs.statSync(path.join(dir, LEDGER_FILE)).mode & 0o777).toBe(0o600);
  });

  test.each([
    ['under a file', (base: string) => (fs.writeFileSync(path.join(base, 'file'), ''), path.join(base, 'file', 'data')), /ENOTDIR: part of the path is a file/],
    ['a file itself', (base: string) => (fs.writeFileSync(path.join(base, 'file'), ''), path.join(base, 'file')), /EEXIST|ENOTDIR/],
    ['in a read-only place', () => '/proc/linger-data', /ENOENT|EACCES|EROFS/],
  ])('%s: one sentence naming the folder and what to do', (_name, make, reason) => {
    const dir = make(tempDir());
    let error: unknown;
    try {
      prepareDataDir(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message).toContain(dir);
    expect(message).toMatch(reason);
    expect(message).toMatch(/Set LINGER_DATA_DIR to a folder you can write/);
  });
});
