/**
 * Sessions come back after a restart or a crash: real shells through real node-pty, a real
 * data dir, and a "crash" that kills every process as the guardian would after a SIGKILL.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LingerError, type HostEvent } from '../../contract';
import { VIM_MISSING, VIM_SKIP_REASON } from '../../../e2e/support/vim';
import { PtyBridge } from '../bridge';
import { loadConfig } from '../config';
import { createHost } from '../host';
import { Ledger } from '../ledger';
import { builtinProfiles } from '../profiles';
import { RECORDINGS_DIR, RESTART_MARKER } from '../recorder';
import { MAX_TITLE_CHARS } from '../shell-facts';
import { StateKeeper, type StateKeeperOptions } from '../state';
import { INDEX_FILE, STATE_DIR, StateStore, processIdentity } from '../state-store';
import { HERMETIC_BASH, pidAlive, tempDir, waitFor } from './harness';

/** One run of the app over `dataDir`: a bridge, its state keeper, a client, and what the guardian was told. */
interface Run {
  bridge: PtyBridge;
  keeper: StateKeeper;
  store: StateStore;
  ledger: Ledger;
  events: HostEvent[];
  client: { id: string; dispose(): void };
  watched: number[];
  /** SIGKILL: no last save; every process ends as the guardian ends them. */
  crash(): void;
  /** Quit: the last save, then every session stopped. */
  quit(): Promise<void>;
}

const runs: Run[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) run.crash();
});

async function boot(dataDir: string, home: string, options: Partial<StateKeeperOptions> = {}): Promise<Run> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, SHELL: '/bin/bash', PS1: '$ ' };
  const ledger = new Ledger({ dir: dataDir });
  const watched: number[] = [];
  const bridge = new PtyBridge({
    config: loadConfig({}, { dataDir, killGraceMs: 500 }),
    ledger,
    profiles: builtinProfiles(env),
    env,
    watch: { watch: (pid) => watched.push(pid), release: () => {} },
  });
  const store = new StateStore(dataDir);
  const keeper = new StateKeeper({ bridge, store, ...options });
  keeper.restore();
  const stopSaving = keeper.run();
  const events: HostEvent[] = [];
  const client = bridge.connect((e) => events.push(e));
  let ended = false;
  const run: Run = {
    bridge,
    keeper,
    store,
    ledger,
    events,
    client,
    watched,
    crash() {
      if (ended) return;
      ended = true;
      stopSaving();
      bridge.killAllNow();
      bridge.dispose();
      ledger.close();
    },
    async quit() {
      ended = true;
      const restoring = await keeper.close();
      await bridge.stopAll({ restoring });
      bridge.dispose();
      ledger.close();
    },
  };
  runs.push(run);
  return run;
}

const shell = (run: Run) => run.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 }).session_id;
const screen = (run: Run, id: string) => run.bridge.read(id, 1_000_000);
const until = (run: Run, id: string, pattern: RegExp) => waitFor(`${pattern} in ${id}`, async () => pattern.test(await screen(run, id)));
const savedIndex = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, STATE_DIR, INDEX_FILE), 'utf8'));
const DATED_LINE = /^restored from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d — previous process ended$/m;

describe('a crash (SIGKILL, then the guardian): everything saved by the last write comes back', () => {
  test('same ids, old screens, a dated line, new shells where the old ones were; kept and layout kept', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const a = shell(first);
    const b = shell(first);
    first.bridge.write(a, 'cd /tmp; echo mark""er\r');
    await until(first, a, /^marker$/m);
    first.bridge.keep(b, true);
    first.bridge.saveLayout({ tabs: [{ sessionId: a, name: 'mine' }], activeId: a });
    const oldPids = [first.bridge.session(a).pid, first.bridge.session(b).pid];
    const created = first.bridge.stats().sessions.map((s) => s.created_at);
    await first.keeper.flush();
    first.crash();
    for (const pid of oldPids) await waitFor('the old shell to end', () => !pidAlive(pid));

    const second = await boot(dataDir, home);
    const rows = second.bridge.stats().sessions;
    expect(rows.map((r) => r.session_id)).toEqual([a, b]);
    expect(rows.map((r) => r.created_at)).toEqual(created);
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'detached', alive: true, screen_only: false });
      expect(row.restored_from).toBeGreaterThan(0);
      expect(oldPids).not.toContain(row.pid);
    }
    expect(rows[1]!.kept).toBe(true);
    // The guardian is told of the new shells only: an old pid may belong to anything by now.
    expect(second.watched.sort()).toEqual(rows.map((r) => r.pid).sort());
    expect(second.bridge.restoreInfo().layout).toEqual({ tabs: [{ sessionId: a, name: 'mine' }], activeId: a });
    // Once a window says what its tabs are, the restored layout is not offered to more windows.
    second.bridge.saveLayout({ tabs: [{ sessionId: b, name: null }], activeId: b });
    expect(second.bridge.restoreInfo().layout).toBeNull();
    await second.keeper.flush();
    expect(savedIndex(dataDir).layout).toEqual({ tabs: [{ sessionId: b, name: null }], activeId: b });

    const text = await screen(second, a);
    expect(text).toMatch(/^marker$/m);
    expect(text).toMatch(DATED_LINE);
    expect(text.indexOf('marker')).toBeLessThan(text.search(DATED_LINE));
    second.bridge.write(a, 'pwd\r');
    await until(second, a, /^\/tmp$/m);
    await second.bridge.attach(second.client.id, b);
    const snapshot = second.events.find((e) => e.type === 'snapshot' && e.sessionId === b);
    // Dim: SGR 2 set before the line and reset after it.
    expect(snapshot && snapshot.type === 'snapshot' && snapshot.data).toMatch(/\x1b\[[0-9;]*\b2m[^\x1b]*restored from/);

    const revived = second.ledger.recent(100).filter((e) => e.type === 'pty_session_revived');
    expect(revived.map((e) => e.session_id)).toEqual([a, b]);
    expect(revived[0]!.data).toMatchObject({ cwd: '/tmp', screen_only: false, pid: rows[0]!.pid });
  });

  test('a tool (anything but a shell) comes back screen-only, never re-run until Run again, then in the same session', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const tool = first.bridge.start({ command: 'sh', args: ['-c', 'echo tool-said-hi; exec sleep 1000'], cols: 80, rows: 24 }).session_id;
    await until(first, tool, /tool-said-hi/);
    await first.keeper.flush();
    first.crash();

    const second = await boot(dataDir, home);
    const row = second.bridge.stats().sessions[0]!;
    expect(row).toMatchObject({ session_id: tool, state: 'exited', alive: false, pid: null, screen_only: true, exit_code: null });
    expect(second.watched).toEqual([]);
    const before = await screen(second, tool);
    expect(before.match(/tool-said-hi/g)).toHaveLength(1);
    expect(before).toMatch(DATED_LINE);
    expect(() => second.bridge.write(tool, 'x')).toThrow(/restored without its process.*Run it again/);
    // It can be attached and shown like any exited session.
    const viewer = second.bridge.connect(() => {});
    await second.bridge.attach(viewer.id, tool);

    const rerun = second.bridge.rerun(tool);
    expect(rerun).toMatchObject({ session_id: tool, state: 'running', alive: true, screen_only: false });
    expect(rerun.pid).toBeGreaterThan(0);
    expect(second.watched).toEqual([rerun.pid]);
    await waitFor('the tool again', async () => (await screen(second, tool)).match(/tool-said-hi/g)?.length === 2);
    const after = await screen(second, tool);
    expect(after.search(DATED_LINE)).toBeLessThan(after.lastIndexOf('tool-said-hi'));
    let error: unknown;
    try {
      second.bridge.rerun(tool);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LingerError);
    expect((error as LingerError).code).toBe('NOT_RESTORED');
    const started = second.ledger.recent(100).filter((e) => e.type === 'pty_session_started');
    expect(started.at(-1)).toMatchObject({ session_id: tool, data: { rerun: true, pid: rerun.pid } });
  });

  test('a screen-only session can be stopped (nothing is signalled) and a kept one does not expire', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const kept = first.bridge.start({ command: 'sleep', args: ['1000'], cols: 80, rows: 24 }).session_id;
    const plain = first.bridge.start({ command: 'sleep', args: ['1000'], cols: 80, rows: 24 }).session_id;
    first.bridge.keep(kept, true);
    await first.keeper.flush();
    first.crash();
    const second = await boot(dataDir, home);
    const later = Date.now() + 3600_000;
    expect(await second.bridge.sweep(later)).toEqual([plain]);
    expect(second.bridge.has(kept)).toBe(true);
    await second.bridge.stop(kept);
    expect(second.bridge.has(kept)).toBe(false);
  });

  test('a shell that had exited comes back screen-only', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const id = shell(first);
    first.bridge.write(id, 'echo bye; exit 3\r');
    await waitFor('the exit', () => first.bridge.stats().sessions[0]!.state === 'exited');
    await first.keeper.flush();
    first.crash();
    const second = await boot(dataDir, home);
    expect(second.bridge.stats().sessions[0]).toMatchObject({ session_id: id, screen_only: true, pid: null });
    expect(await screen(second, id)).toMatch(/^bye$/m);
  });

  test('a folder that is gone: the new shell starts at home, and the dated line says so', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const gone = tempDir('linger-gone-');
    const first = await boot(dataDir, home);
    const id = shell(first);
    first.bridge.write(id, `cd ${gone}\r`);
    await waitFor('the cd', () => first.bridge.session(id).currentCwd() === gone);
    await first.keeper.flush();
    first.crash();
    fs.rmSync(gone, { recursive: true });
    const second = await boot(dataDir, home);
    expect(await screen(second, id)).toContain(`${gone} is gone, so it starts in ${home}`);
    second.bridge.write(id, 'pwd\r');
    await until(second, id, new RegExp(`^${home}$`, 'm'));
  });

  test('vim open at the crash: its last screen is kept as text, its modes are off, and the new shell works below it', async ({ skip }) => {
    skip(VIM_MISSING, VIM_SKIP_REASON);
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const id = shell(first);
    first.bridge.write(id, 'echo before-v""im\r');
    await until(first, id, /^before-vim$/m);
    first.bridge.write(id, 'vim -u NONE -N -i NONE -n\r');
    await until(first, id, /^~\s*$/m);
    first.bridge.write(id, 'iwritten in vim\x1b');
    await until(first, id, /^written in vim$/m);
    await first.keeper.flush();
    first.crash();

    const second = await boot(dataDir, home);
    const text = await screen(second, id);
    expect(text.indexOf('before-vim')).toBeLessThan(text.indexOf('written in vim'));
    expect(text.indexOf('written in vim')).toBeLessThan(text.search(DATED_LINE));
    const snapshot = await second.bridge.session(id).snapshot();
    // The normal screen, and vim's application cursor keys off (the new bash turns on only what it uses).
    for (const mode of ['\x1b[?1049h', '\x1b[?1h']) expect(snapshot).not.toContain(mode);
    second.bridge.write(id, 'echo after-v""im\r');
    await until(second, id, /^after-vim$/m);
  });
});

describe('what a program prints cannot cost the other sessions', () => {
  test('a huge window title is cut to one sane line, and every session still comes back', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = await boot(dataDir, home);
    const a = shell(first);
    const b = shell(first);
    first.bridge.write(a, "printf '\\033]0;%s\\007' \"$(head -c 5000 /dev/zero | tr '\\0' x)\"; echo titled\r");
    await until(first, a, /^titled$/m);
    await waitFor('the title', () => first.bridge.stats().sessions[0]!.title.startsWith('xxx'));
    expect(first.bridge.stats().sessions[0]!.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    await first.keeper.flush();
    first.crash();

    const second = await boot(dataDir, home);
    expect(second.bridge.stats().sessions.map((r) => r.session_id)).toEqual([a, b]);
    expect(second.bridge.restoreInfo().notices).toEqual([]);
  });
});

describe('what is written, and when', () => {
  test('a screen that fails to write stops nothing else: an ended session is still deleted and the index still written', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const run = await boot(dataDir, home);
    const a = shell(run);
    const b = shell(run);
    const ended = shell(run);
    await run.keeper.flush();
    const screenFile = (id: string) => path.join(dataDir, STATE_DIR, `${id}.screen`);
    expect(fs.existsSync(screenFile(ended))).toBe(true);

    // A's disk write fails (say its file is held by another program); B's and the rest go on.
    const writeScreen = run.store.writeScreen.bind(run.store);
    vi.spyOn(run.store, 'writeScreen').mockImplementation((id, screen) => (id === a ? Promise.reject(new Error('EIO')) : writeScreen(id, screen)));
    run.bridge.write(a, 'echo changed-a\r');
    run.bridge.write(b, 'echo changed-b\r');
    await until(run, a, /^changed-a$/m);
    await until(run, b, /^changed-b$/m);
    await run.bridge.stop(ended);
    await expect(run.keeper.flush()).rejects.toThrow('EIO');
    expect(fs.existsSync(screenFile(ended))).toBe(false);
    expect(savedIndex(dataDir).sessions.map((r: { id: string }) => r.id)).toEqual([a, b]);
    expect(fs.readFileSync(screenFile(b), 'utf8')).toContain('changed-b');
  });

  test('every interval while something changed, not when nothing did; a stop deletes the screen at once', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const run = await boot(dataDir, home, { intervalMs: 100 });
    const writes = vi.spyOn(run.store, 'writeIndex');
    const a = shell(run);
    const b = shell(run);
    const screenFile = (id: string) => path.join(dataDir, STATE_DIR, `${id}.screen`);
    await waitFor('both screens saved', () => fs.existsSync(screenFile(a)) && fs.existsSync(screenFile(b)));
    await new Promise((r) => setTimeout(r, 500));
    const quiet = writes.mock.calls.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(writes.mock.calls.length).toBe(quiet);

    run.bridge.write(a, 'echo change""d\r');
    await waitFor('the change saved', () => fs.readFileSync(screenFile(a), 'utf8').includes('changed'));
    expect(writes.mock.calls.length).toBeGreaterThan(quiet);

    await run.bridge.stop(b);
    await waitFor('its screen gone', () => !fs.existsSync(screenFile(b)));
    await waitFor('the index without it', () => savedIndex(dataDir).sessions.length === 1);
    expect(savedIndex(dataDir).sessions[0].id).toBe(a);
    const files = fs.readdirSync(path.join(dataDir, STATE_DIR)).sort();
    expect(files).toEqual([`${a}.screen`, INDEX_FILE, 'owner.json'].sort());
    for (const f of files) expect(fs.statSync(path.join(dataDir, STATE_DIR, f)).mode & 0o777, f).toBe(0o600);
  });

  test('screens over the total cap are cut to a fair share, newest lines kept', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const run = await boot(dataDir, home, { maxScreenBytes: 40_000, maxTotalBytes: 60_000 });
    const ids = [0, 1, 2].map((n) =>
      run.bridge.start({ command: 'sh', args: ['-c', `seq 1 600 | sed 's/$/ ${'x'.repeat(60)} ${n}/'; exec sleep 1000`], cols: 80, rows: 24 }).session_id,
    );
    for (const [n, id] of ids.entries()) await until(run, id, new RegExp(`^600 x+ ${n}$`, 'm'));
    await run.keeper.flush();
    let total = 0;
    for (const [n, id] of ids.entries()) {
      const file = fs.readFileSync(path.join(dataDir, STATE_DIR, `${id}.screen`), 'utf8');
      const body = file.slice(file.indexOf('\n') + 1);
      total += Buffer.byteLength(body);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(20_000);
      expect(body).toContain(`600 ${'x'.repeat(60)} ${n}`);
      expect(body).not.toContain(`\n1 ${'x'.repeat(60)}`);
    }
    expect(total).toBeLessThanOrEqual(60_000);
  });
});

describe('the app: quit saves, restart revives, discard forgets', () => {
  const hostEnv = (dataDir: string, home: string, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    SHELL: '/bin/bash',
    LINGER_DATA_DIR: dataDir,
    LINGER_KILL_GRACE_MS: '500',
    ...extra,
  });

  test('quit saves before stopping (views are told their sessions come back, not that they ended); the next start revives them', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const host = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    const { session_id: id, pid } = host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    host.bridge.write(id, 'echo saved-at-quit\r');
    await waitFor('output', async () => (await host.bridge.read(id, 4000)).includes('saved-at-quit\n'));
    const events: HostEvent[] = [];
    const client = host.bridge.connect((e) => events.push(e));
    await host.bridge.attach(client.id, id);
    await host.shutdown('SIGTERM');
    expect(pidAlive(pid)).toBe(false);
    expect(events.filter((e) => e.type === 'removed' || e.type === 'exit')).toEqual([{ type: 'removed', sessionId: id, reason: 'restart' }]);
    expect(savedIndex(dataDir).sessions.map((s: { id: string }) => s.id)).toEqual([id]);

    const again = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    expect(again.bridge.stats().sessions.map((s) => s.session_id)).toEqual([id]);
    expect(await again.bridge.read(id, 4000)).toMatch(/^saved-at-quit$/m);
    await again.shutdown('quit-and-discard', { discard: true });
    expect(fs.readdirSync(path.join(dataDir, STATE_DIR))).toEqual([]);

    const third = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    expect(third.bridge.stats().total_sessions).toBe(0);
    await third.shutdown('SIGTERM');
  });

  test('a recorded session keeps its recording through a quit: still "rec" after the restart, one asciicast going on from before it', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const first = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    const shellId = first.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24, record: true }).session_id;
    const toolId = first.bridge.start({ command: 'sh', args: ['-c', 'echo tool-out""put; exec sleep 1000'], cols: 80, rows: 24, record: true }).session_id;
    first.bridge.write(shellId, 'echo before-q""uit\r');
    await waitFor('output', async () => (await first.bridge.read(shellId, 4000)).includes('before-quit\n'));
    await waitFor('tool output', async () => (await first.bridge.read(toolId, 4000)).includes('tool-output'));
    await first.shutdown('SIGTERM');
    const root = path.join(dataDir, RECORDINGS_DIR);
    expect(fs.readdirSync(path.join(root, String(process.pid))).sort()).toEqual([`${shellId}.cast`, `${toolId}.cast`].sort());
    // As after a real restart, the recordings are in the folder of an app that is gone.
    const gonePid = spawnSync('true').pid!;
    fs.renameSync(path.join(root, String(process.pid)), path.join(root, String(gonePid)));
    const index = savedIndex(dataDir);
    for (const r of index.sessions) r.recording.folder = String(gonePid);
    fs.writeFileSync(path.join(dataDir, STATE_DIR, INDEX_FILE), JSON.stringify(index));

    const again = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    const rows = again.bridge.stats().sessions;
    expect(rows.find((r) => r.session_id === shellId)).toMatchObject({ recording: true, screen_only: false });
    // A tool comes back screen-only: nothing runs, so nothing is recording; what it recorded stays.
    expect(rows.find((r) => r.session_id === toolId)).toMatchObject({ recording: false, screen_only: true });
    again.bridge.write(shellId, 'echo after-rest""art\r');
    await waitFor('output', async () => (await again.bridge.read(shellId, 4000)).includes('after-restart\n'));
    // A new recording clears the folders of apps that are gone: the adopted ones are not there.
    const third = again.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24, record: true }).session_id;

    const cast = (await again.bridge.export(shellId, 'asciicast')).content;
    const [header, ...lines] = cast.trimEnd().split('\n');
    expect(JSON.parse(header!)).toMatchObject({ version: 2, width: 80, height: 24 });
    const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
    const output = (from: number, to = events.length) => events.slice(from, to).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    const marker = events.findIndex((e) => e[1] === 'm');
    expect(events[marker]![2]).toBe(RESTART_MARKER);
    expect(output(0, marker)).toContain('before-quit');
    expect(output(0, marker)).not.toContain('after-restart');
    expect(output(marker)).toContain('after-restart');
    const times = events.map((e) => e[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const toolCast = (await again.bridge.export(toolId, 'asciicast')).content;
    expect(toolCast).toContain('tool-output');
    // The recording as it was, not a drawing of the restored screen (which has the dated line).
    expect(toolCast).not.toContain('restored from');

    // Stopped, its recording goes, as any recorded session's does.
    const files = () => fs.readdirSync(path.join(root, String(process.pid))).sort();
    expect(files()).toEqual([`${shellId}.cast`, `${toolId}.cast`, `${third}.cast`].sort());
    await again.bridge.stop(shellId);
    expect(files()).not.toContain(`${shellId}.cast`);
    await again.shutdown('quit-and-discard', { discard: true });
    expect(fs.existsSync(path.join(root, String(gonePid)))).toBe(false);
  });

  test('discard (browser mode): every session ends and nothing is left to restore', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const host = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await host.bridge.discard();
    expect(host.bridge.stats().total_sessions).toBe(0);
    await waitFor('an empty saved state', () => fs.existsSync(path.join(dataDir, STATE_DIR, INDEX_FILE)) && savedIndex(dataDir).sessions.length === 0);
    expect(fs.readdirSync(path.join(dataDir, STATE_DIR)).filter((f) => f.endsWith('.screen'))).toEqual([]);
    expect(host.ledger.recent(100).filter((e) => e.type === 'pty_session_stopped').map((e) => e.data.reason)).toEqual(['discard', 'discard']);
    await host.shutdown('SIGTERM');
  });

  test('LINGER_RESTORE=0: nothing is saved, and what an earlier run saved is neither revived nor touched', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const off = createHost({ mode: 'test', env: hostEnv(dataDir, home, { LINGER_RESTORE: '0' }) });
    off.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await off.shutdown('SIGTERM');
    expect(fs.existsSync(path.join(dataDir, STATE_DIR))).toBe(false);

    const on = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    const { session_id: id } = on.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await on.shutdown('SIGTERM');
    const saved = fs.readFileSync(path.join(dataDir, STATE_DIR, INDEX_FILE), 'utf8');

    const offAgain = createHost({ mode: 'test', env: hostEnv(dataDir, home, { LINGER_RESTORE: '0' }) });
    expect(offAgain.bridge.stats().total_sessions).toBe(0);
    await offAgain.shutdown('SIGTERM');
    expect(fs.readFileSync(path.join(dataDir, STATE_DIR, INDEX_FILE), 'utf8')).toBe(saved);
    expect(JSON.parse(saved).sessions[0].id).toBe(id);
    expect(() => createHost({ mode: 'test', env: hostEnv(dataDir, home, { LINGER_RESTORE: 'no' }) })).toThrow(/LINGER_RESTORE=no is neither 0/);
  });

  test('LINGER_RESTORE=0: Discard all and Quit and discard delete what an earlier run saved, unless another live app owns it', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const saveOne = async () => {
      const on = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
      on.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
      await on.shutdown('SIGTERM');
      expect(savedIndex(dataDir).sessions).toHaveLength(1);
    };
    const revivedNext = async () => {
      const next = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
      const total = next.bridge.stats().total_sessions;
      await next.shutdown('SIGTERM');
      return total;
    };
    const off = () => createHost({ mode: 'test', env: hostEnv(dataDir, home, { LINGER_RESTORE: '0' }) });

    // Browser mode's Discard all: the server keeps running.
    await saveOne();
    const browser = off();
    await browser.bridge.discard();
    expect(fs.readdirSync(path.join(dataDir, STATE_DIR))).toEqual([]);
    await browser.shutdown('SIGTERM');
    expect(await revivedNext()).toBe(0);

    // The desktop app's Quit and discard.
    await saveOne();
    await off().shutdown('quit-and-discard', { discard: true });
    expect(await revivedNext()).toBe(0);

    // Another Linger owns the folder: its sessions are not this one's to discard.
    await saveOne();
    const other = spawn('sleep', ['60']);
    try {
      await waitFor('the other app', () => fs.existsSync(`/proc/${other.pid}/stat`));
      new StateStore(dataDir).claim(processIdentity(other.pid!));
      await off().shutdown('quit-and-discard', { discard: true });
      expect(savedIndex(dataDir).sessions).toHaveLength(1);
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('another live app saving into the same data dir: this one neither restores nor saves, and says so', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    const other = spawn('sleep', ['60']);
    try {
      await waitFor('the other app', () => fs.existsSync(`/proc/${other.pid}/stat`));
      const store = new StateStore(dataDir);
      store.prepare();
      store.claim(processIdentity(other.pid!));
      const host = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
      expect(host.bridge.restoreInfo().notices.map((n) => n.message)).toEqual([
        expect.stringMatching(new RegExp(`Another Linger \\(pid ${other.pid}\\).*neither restores nor saves.*LINGER_DATA_DIR`)),
      ]);
      host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
      await host.shutdown('SIGTERM');
      expect(fs.readdirSync(path.join(dataDir, STATE_DIR))).toEqual(['owner.json']);
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('a data dir whose sessions folder cannot be made: the app runs without saving, and says what to fix', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, STATE_DIR), 'a file in the way');
    const host = createHost({ mode: 'test', env: hostEnv(dataDir, tempDir('linger-home-')) });
    expect(host.bridge.restoreInfo().notices.map((n) => n.message)).toEqual([expect.stringMatching(/cannot use .*sessions.*Fix that folder/)]);
    host.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await host.shutdown('SIGTERM');
  });

  test('a corrupt state file: the app starts clean and says so once, to every window that asks', async () => {
    const dataDir = tempDir();
    const home = tempDir('linger-home-');
    fs.mkdirSync(path.join(dataDir, STATE_DIR), { recursive: true });
    fs.writeFileSync(path.join(dataDir, STATE_DIR, INDEX_FILE), '{"version":1,"saved_at":17000000');
    const host = createHost({ mode: 'test', env: hostEnv(dataDir, home) });
    expect(host.bridge.stats().total_sessions).toBe(0);
    const { notices } = host.bridge.restoreInfo();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toMatch(/could not restore its saved sessions/);
    expect(host.bridge.restoreInfo().notices).toEqual(notices);
    await host.shutdown('SIGTERM');
  });
});
