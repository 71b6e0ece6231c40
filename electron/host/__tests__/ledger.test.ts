import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterEach, describe, expect, test } from 'vitest';
import { LEDGER_FILE, Ledger, readEvents, rotatedName } from '../ledger';
import { tempDir } from './harness';

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
