/**
 * The real `linger` CLI, built the way the project builds it, run as a separate process (through
 * a real pty where a terminal matters) against a real host listening on its local socket.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import headless from '@xterm/headless';
import * as pty from 'node-pty';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { buildCli } from '../../../scripts/build-node.mjs';
import { MAX_DIMENSION, MAX_WRITE_CHARS, type SessionRow } from '../../contract';
import { HERMETIC_BASH, createHarness, tempDir, waitFor, type Harness } from '../../host/__tests__/harness';
import { startLocalListener, type LocalListener } from '../../local/listener';

const { Terminal } = headless;

let cli: string;
let harness: Harness;
let listener: LocalListener;
let socket: string;
let work: string;

beforeAll(async () => {
  cli = path.join(tempDir('linger-cli-build-'), 'linger.mjs');
  await buildCli(cli);
});

beforeEach(async () => {
  // A small scrollback, so a recording can be seen to hold more than the screen does.
  harness = createHarness({ scrollback: 20 });
  work = tempDir('linger-cli-work-');
  socket = path.join(tempDir('linger-cli-sock-'), 'test.sock');
  const started = await startLocalListener({ bridge: harness.bridge, env: { LINGER_SOCKET: socket }, log: (m) => console.error(m) });
  listener = started!;
  expect(listener).not.toBeNull();
});

afterEach(async () => {
  await listener.close();
  await harness.close();
});

function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: harness.home, LINGER_SOCKET: socket, TERM: 'xterm-256color', ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as a script runs it: no terminal, optional stdin. */
function linger(args: string[], options: { input?: string; env?: Record<string, string>; onStderr?: (text: string) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: work, env: options.env ?? cliEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.onStderr) child.stderr!.on('data', (chunk: Buffer) => options.onStderr!(chunk.toString()));
    child.stdin!.end(options.input ?? '');
  });
}

function startShell(): SessionRow {
  return harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24 });
}

async function typeAndWait(sessionId: string, line: string, expected: string): Promise<void> {
  harness.bridge.write(sessionId, `${line}\r`);
  await waitFor(`"${expected}" in ${sessionId}`, async () => (await harness.bridge.read(sessionId, 100_000)).includes(expected));
}

/**
 * A program that reads nothing until `go()`, then copies its input, byte for byte (raw, no
 * echo), into a file: a paste into a program that is busy, made deterministic.
 */
async function startNotReading(name: string) {
  const out = path.join(work, name);
  const gate = path.join(work, `${name}.go`);
  const session = harness.bridge.start({
    command: 'bash',
    args: ['--noprofile', '--norc', '-c', `stty raw -echo; echo READY; while [ ! -e ${gate} ]; do sleep 0.05; done; exec cat > ${out}`],
    cwd: work,
    cols: 80,
    rows: 24,
  });
  await waitFor('raw mode', async () => (await harness.bridge.read(session.session_id, 100)).includes('READY'));
  return { id: session.session_id, out, go: () => fs.writeFileSync(gate, '') };
}

/** 10 M characters (over the 8 M one write takes), mostly 3-byte UTF-8: 28 MB, over the 24 MiB a session holds unread. */
const hugeInput = () => Array.from({ length: 170_000 }, (_, i) => `${String(i).padStart(7, '0')}${'あ'.repeat(52)}\n`).join('');

const row = (sessionId: string) => harness.bridge.stats().sessions.find((s) => s.session_id === sessionId);

/** A real terminal: a pty whose output is parsed by a headless xterm, as a terminal window would. */
function terminalWindow(file: string, args: string[], cols: number, rows: number) {
  const proc = pty.spawn(file, args, { cols, rows, cwd: work, env: { ...cliEnv(), PS1: '$ ' } });
  const screen = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  let raw = '';
  let exitCode: number | null = null;
  proc.onData((d) => {
    raw += d;
    screen.write(d);
  });
  proc.onExit(({ exitCode: code }) => (exitCode = code));
  const text = () =>
    new Promise<string>((resolve) =>
      screen.write('', () => {
        const buffer = screen.buffer.active;
        const lines: string[] = [];
        for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
        resolve(lines.join('\n'));
      }),
    );
  return {
    proc,
    screen,
    raw: () => raw,
    text,
    exitCode: () => exitCode,
    resize(c: number, r: number) {
      proc.resize(c, r);
      screen.resize(c, r);
    },
    dispose() {
      try {
        proc.kill();
      } catch {
        // already gone
      }
      screen.dispose();
    },
  };
}

/** A screen replayed: `data` written into a fresh headless terminal of that size. */
async function replay(data: string | string[], cols: number, rows: number) {
  const term = new Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  for (const chunk of Array.isArray(data) ? data : [data]) await new Promise<void>((resolve) => term.write(chunk, resolve));
  return term;
}

/** Every line's text, wrapped rows joined, trailing blank lines dropped: what `read` returns. */
function bufferText(term: InstanceType<typeof Terminal>, viewportOnly = false): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = viewportOnly ? buffer.viewportY : 0; y < (viewportOnly ? buffer.viewportY + term.rows : buffer.length); y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((l) => l.trimEnd()).join('\n');
}

describe('attach', () => {
  test('shows the snapshot, types into the shell, follows resizes, detaches on Ctrl+\\ and restores the terminal', async () => {
    const { session_id: id } = startShell();
    await typeAndWait(id, 'echo before-$((2+3))', 'before-5');
    const window = terminalWindow('bash', ['--noprofile', '--norc'], 100, 30);
    try {
      await waitFor('the outer prompt', async () => (await window.text()).includes('$'));
      const before = path.join(work, 'stty-before');
      const after = path.join(work, 'stty-after');
      window.proc.write(`stty -g > ${before}; ${process.execPath} ${cli} attach ${id.slice(0, 6)}; echo "attach-exit=$?"; stty -g > ${after}\r`);

      // Attached like a tab: the panel shows it running, at this window's size.
      await waitFor('attached at the window size', () => row(id)?.attached && row(id)?.cols === 100 && row(id)?.rows === 30);
      expect(row(id)?.state).toBe('running');
      await waitFor('the snapshot on screen', async () => (await window.text()).includes('before-5'));

      window.proc.write('echo typed-$((6*7))\r');
      await waitFor('typing reached the shell', async () => (await harness.bridge.read(id, 100_000)).includes('typed-42'));
      await waitFor('its output on screen', async () => (await window.text()).includes('typed-42'));

      window.resize(120, 40);
      await waitFor('the session resized with the window', () => row(id)?.cols === 120 && row(id)?.rows === 40);

      // A full-screen program leaves the terminal in its modes; detaching must undo them.
      window.proc.write("printf '\\e[?1049h\\e[?2004h\\e[?1000h\\e[?25l'\r");
      await waitFor('the program took the terminal over', async () => {
        await window.text();
        const { modes } = window.screen;
        return window.screen.buffer.active.type === 'alternate' && modes.bracketedPasteMode && modes.mouseTrackingMode === 'vt200';
      });

      window.proc.write('\x1c');
      await waitFor('the CLI exited 0', async () => (await window.text()).includes('attach-exit=0'));
      // The terminal as the CLI left it (the outer bash turns bracketed paste on again for its prompt).
      const leftBehind = window.raw().slice(0, window.raw().indexOf('[detached from'));
      const restored = await replay(leftBehind, 120, 40);
      expect(restored.buffer.active.type).toBe('normal');
      expect(restored.modes.bracketedPasteMode).toBe(false);
      expect(restored.modes.mouseTrackingMode).toBe('none');
      expect(leftBehind.lastIndexOf('\x1b[?25h')).toBeGreaterThan(leftBehind.lastIndexOf('\x1b[?25l'));
      // Cooked mode again (the CLI leaves raw mode; Node also resets the tty as it exits).
      await waitFor('the stty after', () => fs.existsSync(after) && fs.readFileSync(after, 'utf8').trim() !== '');
      expect(fs.readFileSync(after, 'utf8')).toBe(fs.readFileSync(before, 'utf8'));

      // The session goes on, detached, its idle clock running.
      await waitFor('detached in stats', () => row(id)?.state === 'detached');
      expect(row(id)?.alive).toBe(true);
      const types = harness.ledger.recent(100).filter((e) => e.session_id === id).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['pty_session_attached', 'pty_session_detached']));
    } finally {
      window.dispose();
    }
  });

  test('closing the terminal detaches', async () => {
    const { session_id: id } = startShell();
    const window = terminalWindow(process.execPath, [cli, 'attach', id], 80, 24);
    try {
      await waitFor('attached', () => row(id)?.attached);
      window.proc.kill('SIGHUP');
      await waitFor('detached once the terminal is gone', () => row(id)?.state === 'detached');
      expect(row(id)?.alive).toBe(true);
    } finally {
      window.dispose();
    }
  });

  test("the session's exit ends attach with its exit status; a stop ends it with 1", async () => {
    const exiting = harness.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', 'read line; exit 3'], cwd: work, cols: 80, rows: 24 });
    const window = terminalWindow(process.execPath, [cli, 'attach', exiting.session_id], 80, 24);
    try {
      await waitFor('attached', () => row(exiting.session_id)?.attached);
      window.proc.write('go\r');
      await waitFor('the CLI exited', () => window.exitCode() !== null);
      expect(window.exitCode()).toBe(3);
      expect(await window.text()).toContain('exited with code 3');
      await waitFor('left detached', () => row(exiting.session_id)?.attached === false);
    } finally {
      window.dispose();
    }

    const { session_id: id } = startShell();
    const stopped = terminalWindow(process.execPath, [cli, 'attach', id], 80, 24);
    try {
      await waitFor('attached', () => row(id)?.attached);
      await harness.bridge.stop(id);
      await waitFor('the CLI exited', () => stopped.exitCode() !== null);
      expect(stopped.exitCode()).toBe(1);
      expect(await stopped.text()).toContain('was stopped');
    } finally {
      stopped.dispose();
    }
  });

  test('the app quitting with the session saved ends attach with 2 and says the session comes back, not that it exited', async () => {
    const { session_id: id } = startShell();
    const window = terminalWindow(process.execPath, [cli, 'attach', id], 80, 24);
    try {
      await waitFor('attached', () => row(id)?.attached);
      await harness.bridge.stopAll({ restoring: true });
      await waitFor('the CLI exited', () => window.exitCode() !== null);
      expect(window.exitCode()).toBe(2);
      const text = await window.text();
      expect(text).toContain(`[Linger quit; session ${id.slice(0, 8)} comes back when Linger starts again]`);
      expect(text).not.toMatch(/exited with/);
    } finally {
      window.dispose();
    }
  });

  test('new --attach from a script (no terminal) exits 1 and starts nothing', async () => {
    const run = await linger(['new', '--attach', '--', 'bash', '--noprofile', '--norc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/attach needs a terminal/);
    expect(harness.bridge.stats().total_sessions).toBe(0);
  });

  test('new --attach starts a session at this window\'s size and attaches to it', async () => {
    const window = terminalWindow(process.execPath, [cli, 'new', '--attach', '--', 'bash', '--noprofile', '--norc'], 90, 20);
    try {
      await waitFor('a session, attached', () => harness.bridge.stats().sessions[0]?.attached);
      const [session] = harness.bridge.stats().sessions;
      expect(session).toMatchObject({ cols: 90, rows: 20, cwd: work });
      window.proc.write('echo inside-$((4*4))\r');
      await waitFor('its output here', async () => (await window.text()).includes('inside-16'));
      window.proc.write('\x1c');
      await waitFor('the CLI exited', () => window.exitCode() !== null);
      expect(window.exitCode()).toBe(0);
      expect(row(session.session_id)?.state).toBe('detached');
    } finally {
      window.dispose();
    }
  });

  test('a window larger than the app allows still attaches and starts sessions, at the largest size', async () => {
    const { session_id: id } = startShell();
    const window = terminalWindow(process.execPath, [cli, 'attach', id], 1200, 50);
    try {
      await waitFor('attached at the largest width', () => row(id)?.attached && row(id)?.cols === MAX_DIMENSION && row(id)?.rows === 50);
      window.resize(1100, 1300);
      await waitFor('a resize past the limit is clamped too', () => row(id)?.rows === MAX_DIMENSION);
      expect(row(id)).toMatchObject({ attached: true, cols: MAX_DIMENSION });
      window.proc.write('echo wide-$((5*5))\r');
      await waitFor('still typing into it', async () => (await harness.bridge.read(id, 100_000)).includes('wide-25'));
    } finally {
      window.dispose();
    }

    const started = terminalWindow(process.execPath, [cli, 'new', '--', 'bash', '--noprofile', '--norc'], 1200, 50);
    try {
      await waitFor('new exited', () => started.exitCode() !== null);
      expect(started.exitCode()).toBe(0);
      const newId = (await started.text()).trim();
      expect(row(newId)).toMatchObject({ cols: MAX_DIMENSION, rows: 50 });
    } finally {
      started.dispose();
    }
  });

  test('a paste larger than a program not reading can hold arrives whole and in order, and the user is told it waits', async () => {
    const program = await startNotReading('pasted');
    const window = terminalWindow(process.execPath, [cli, 'attach', program.id], 100, 30);
    try {
      await waitFor('attached', () => row(program.id)?.attached);
      const paste = hugeInput();
      window.proc.write(paste);
      await waitFor('told that input waits', async () => (await window.text()).includes(`${program.id.slice(0, 8)} is not reading its input yet`), 30_000);
      program.go();
      const size = Buffer.byteLength(paste);
      await waitFor('everything arrived', () => fs.existsSync(program.out) && fs.statSync(program.out).size >= size, 40_000);
      expect(fs.readFileSync(program.out, 'utf8') === paste).toBe(true);
      expect(row(program.id)?.attached).toBe(true);
    } finally {
      window.dispose();
    }
  }, 90_000);

  test('refuses without a terminal', async () => {
    const { session_id: id } = startShell();
    const run = await linger(['attach', id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/needs a terminal.*linger send/);
  });
});

/** What `ls --json` promises, field by field (typed against the contract's SessionRow). */
const sessionRowSchema: z.ZodType<SessionRow> = z
  .object({
    session_id: z.string().uuid(),
    profile: z.string(),
    title: z.string(),
    command: z.string(),
    args: z.array(z.string()),
    cwd: z.string(),
    pid: z.number().int().positive().nullable(),
    state: z.enum(['running', 'detached', 'exited']),
    alive: z.boolean(),
    attached: z.boolean(),
    kept: z.boolean(),
    age_seconds: z.number().int().nonnegative(),
    idle_seconds: z.number().int().nonnegative(),
    expires_in_seconds: z.number().int().nonnegative().nullable(),
    exit_code: z.number().int().nullable(),
    exit_signal: z.number().int().nullable(),
    cols: z.number().int().positive(),
    rows: z.number().int().positive(),
    created_at: z.number().int().positive(),
    recording: z.boolean(),
    current_cwd: z.string().nullable(),
    foreground: z.string().nullable(),
    running_command: z.string().nullable(),
    last_command: z
      .object({ command: z.string().nullable(), exit_code: z.number().int().nullable(), duration_ms: z.number().int().nonnegative() })
      .strict()
      .nullable(),
    preview: z.string().nullable(),
    notify: z.boolean(),
    restored_from: z.number().int().positive().nullable(),
    screen_only: z.boolean(),
  })
  .strict();

describe('commands', () => {
  test('ls --json is a list of session rows; ls is a table by short id', async () => {
    expect(JSON.parse((await linger(['ls', '--json'])).stdout)).toEqual([]);
    expect((await linger(['ls'])).stdout).toMatch(/No sessions/);
    const a = startShell();
    const b = startShell();
    harness.bridge.keep(b.session_id, true);
    const run = await linger(['ls', '--json']);
    expect(run.code).toBe(0);
    const rows = z.array(sessionRowSchema).parse(JSON.parse(run.stdout));
    expect(rows.map((r) => r.session_id).sort()).toEqual([a.session_id, b.session_id].sort());
    expect(rows.find((r) => r.session_id === b.session_id)?.kept).toBe(true);

    const table = (await linger(['ls'])).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+STATE\s+AGE\s+IDLE\s+EXPIRES\s+FLAGS\s+TITLE\s+CWD$/);
    expect(table.find((l) => l.startsWith(b.session_id.slice(0, 8)))).toMatch(/detached .*kept/);

    const stats = JSON.parse((await linger(['stats', '--json'])).stdout);
    expect(stats).toMatchObject({ total_sessions: 2, detached: 2, active: 0 });
    expect((await linger(['stats'])).stdout).toMatch(/^2 total, 0 active, 2 detached, 0 exited, 0 stale/);
  });

  test('new starts in this folder (or runs the command after --), send types and Enter, read reads, keep and stop act', async () => {
    const started = await linger(['new', '--', 'bash', '--noprofile', '--norc']);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(row(id)).toMatchObject({ command: 'bash', args: ['--noprofile', '--norc'], cwd: work, cols: 80, rows: 24 });

    expect((await linger(['send', id.slice(0, 5), 'echo', 'sent-$((1+1))'])).code).toBe(0);
    await waitFor('the sent line ran', async () => (await harness.bridge.read(id, 100_000)).includes('sent-2'));
    expect((await linger(['send', id, '--stdin'], { input: 'echo from-stdin\r' })).code).toBe(0);
    await waitFor('stdin was typed', async () => (await linger(['read', id])).stdout.includes('from-stdin'));
    expect((await linger(['read', id, '--max-chars', '5'])).stdout).toHaveLength(5 + 1);

    expect((await linger(['keep', id])).code).toBe(0);
    expect(row(id)?.kept).toBe(true);
    expect((await linger(['keep', id, '--off'])).code).toBe(0);
    expect(row(id)?.kept).toBe(false);

    const stop = await linger(['stop', id.slice(0, 8)]);
    expect(stop).toMatchObject({ code: 0, stdout: `Stopped ${id.slice(0, 8)}.\n` });
    expect(harness.bridge.has(id)).toBe(false);
  });

  test('send --stdin delivers input past the frame cap and the input backlog whole and in order, saying once that it waits', async () => {
    const program = await startNotReading('received');
    const text = hugeInput();
    expect(text.length).toBeGreaterThan(MAX_WRITE_CHARS);
    let told = '';
    const run = await linger(['send', program.id, '--stdin'], {
      input: text,
      onStderr: (chunk) => {
        told += chunk;
        if (told.includes('is not reading its input yet')) program.go();
      },
    });
    expect(run.stderr).toBe(`linger: ${program.id.slice(0, 8)}'s program is not reading its input yet; the rest is sent as it reads (Ctrl+C gives up).\n`);
    expect(run.code).toBe(0);
    const size = Buffer.byteLength(text);
    await waitFor('everything arrived', () => fs.existsSync(program.out) && fs.statSync(program.out).size >= size, 40_000);
    expect(fs.readFileSync(program.out, 'utf8') === text).toBe(true);
  }, 90_000);

  test('no app: one line naming the socket and how to start the app, exit 2', async () => {
    const run = await linger(['ls'], { env: cliEnv({ LINGER_SOCKET: path.join(work, 'nobody.sock') }) });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(path.join(work, 'nobody.sock'));
    expect(run.stderr).toMatch(/npm start.*npm run serve/);

    // A socket in a folder others can reach could be anyone's: the CLI will not talk to it.
    const shared = tempDir('linger-cli-shared-');
    fs.chmodSync(shared, 0o755);
    const unsafe = await linger(['ls'], { env: cliEnv({ LINGER_SOCKET: path.join(shared, 's.sock') }) });
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr).toMatch(/open to other users \(mode 755\)/);

    await listener.close();
    const stale = await linger(['ls']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain(socket);
  });

  test('an unknown id names near matches (exit 1); an ambiguous prefix lists the candidates', async () => {
    const rows = [startShell(), startShell(), startShell()];
    const id = rows[0].session_id;
    const typo = `${id.slice(0, 3)}${id[3] === 'f' ? 'e' : 'f'}${id.slice(4, 8)}`;
    const unknown = await linger(['read', typo]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`No session matches "${typo}"`);
    expect(unknown.stderr).toContain(`Did you mean ${id.slice(0, 8)}`);

    const nothing = await linger(['stop', 'zzzzzzzz']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/No session matches "zzzzzzzz"\. Run "linger ls"/);

    // Ids are random: start cheap sessions until two share a first character (16 hex digits).
    const byFirst = new Map<string, string[]>();
    for (const r of rows) byFirst.set(r.session_id[0], [...(byFirst.get(r.session_id[0]) ?? []), r.session_id]);
    while (![...byFirst.values()].some((ids) => ids.length > 1)) {
      const { session_id } = harness.bridge.start({ command: 'sleep', args: ['600'], cwd: work, cols: 80, rows: 24 });
      byFirst.set(session_id[0], [...(byFirst.get(session_id[0]) ?? []), session_id]);
    }
    const [prefix, shared] = [...byFirst.entries()].find(([, ids]) => ids.length > 1)!;
    const ambiguous = await linger(['stop', prefix]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`"${prefix}" matches ${shared.length} sessions; type more of the ID`);
    for (const sid of shared) expect(ambiguous.stderr).toContain(sid);
    expect(shared.every((sid) => harness.bridge.has(sid))).toBe(true);
  });

  test('new from a deleted folder says so in one line (exit 1); --cwd still works there', async () => {
    const gone = path.join(work, 'gone');
    fs.mkdirSync(gone);
    const inGone = (args: string) =>
      new Promise<Run>((resolve) => {
        const script = `cd ${gone} && rmdir ${gone} && exec ${process.execPath} ${cli} ${args}`;
        execFile('bash', ['--noprofile', '--norc', '-c', script], { cwd: work, env: cliEnv() }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const run = await inGone('new -- bash --noprofile --norc');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe('linger: The current folder no longer exists (deleted or moved). cd to an existing folder, or pass --cwd with a full path.\n');
    expect(harness.bridge.stats().total_sessions).toBe(0);

    fs.mkdirSync(gone);
    const withCwd = await inGone(`new --cwd ${work} -- bash --noprofile --norc`);
    expect(withCwd.code).toBe(0);
    expect(row(withCwd.stdout.trim())?.cwd).toBe(work);
  });

  test('new runs a relative program path from the session\'s folder', async () => {
    fs.writeFileSync(path.join(work, 'hello.sh'), '#!/bin/sh\necho hello-from-script\nsleep 600\n', { mode: 0o755 });
    const run = await linger(['new', '--', './hello.sh']);
    expect(run.code).toBe(0);
    await waitFor('the script ran', async () => (await harness.bridge.read(run.stdout.trim(), 100_000)).includes('hello-from-script'));
  });

  test('new with a path to a missing or non-executable program says so, not "not found on PATH"', async () => {
    const missing = await linger(['new', '--', path.join(work, 'no-such-program')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`linger: ${path.join(work, 'no-such-program')} does not exist. Check the path.\n`);

    const script = path.join(work, 'plain.sh');
    fs.writeFileSync(script, 'echo hi\n', { mode: 0o644 });
    const notExecutable = await linger(['new', '--', script]);
    expect(notExecutable.code).toBe(1);
    expect(notExecutable.stderr).toMatch(/plain\.sh is not executable\. Make it so \(chmod \+x/);
    expect(harness.bridge.stats().total_sessions).toBe(0);
  });

  test('bad usage exits 2 and says what was wrong', async () => {
    const run = await linger(['export', 'abc', '--format', 'pdf']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--format takes text, ansi, asciicast; got "pdf"/);
    expect((await linger(['frobnicate'])).stderr).toMatch(/"frobnicate" is not a linger command/);
    expect((await linger(['help'])).stdout).toMatch(/linger attach ID/);
  });

  test('logs prints the ledger; logs -f follows new events as they are written', async () => {
    const first = startShell();
    const logs = await linger(['logs', '-n', '5']);
    expect(logs.stdout).toMatch(new RegExp(`started\\s+${first.session_id.slice(0, 8)}`));
    const json = await linger(['logs', '--json']);
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'pty_session_started', session_id: first.session_id });

    const window = terminalWindow(process.execPath, [cli, 'logs', '-f', '-n', '1'], 120, 30);
    try {
      await waitFor('following', async () => (await window.text()).includes(first.session_id.slice(0, 8)));
      const second = startShell();
      await waitFor('the new event followed', async () => (await window.text()).includes(second.session_id.slice(0, 8)));
      await harness.bridge.stop(second.session_id);
      await waitFor('its stop followed', async () => /stopped\s+\w{8}/.test(await window.text()));
    } finally {
      window.dispose();
    }
  });
});

describe('export', () => {
  test('-o makes the file private even over an existing 0644 file, and replaces a symlink instead of writing through it', async () => {
    const { session_id: id } = startShell();
    await typeAndWait(id, 'echo secret-$((3*3))', 'secret-9');

    const existing = path.join(work, 'existing.txt');
    fs.writeFileSync(existing, 'old', { mode: 0o644 });
    fs.chmodSync(existing, 0o644);
    const over = await linger(['export', id, '-o', existing]);
    expect(over.code).toBe(0);
    expect(fs.statSync(existing).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(existing, 'utf8')).toContain('secret-9');

    const elsewhere = path.join(work, 'link-target.txt');
    fs.writeFileSync(elsewhere, 'untouched', { mode: 0o644 });
    const link = path.join(work, 'link.txt');
    fs.symlinkSync(elsewhere, link);
    const viaLink = await linger(['export', id, '-o', link]);
    expect(viaLink.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(false);
    expect(fs.lstatSync(link).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(link, 'utf8')).toContain('secret-9');
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('untouched');
    expect(fs.readdirSync(work).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const noFolder = await linger(['export', id, '-o', path.join(work, 'missing-folder', 'x.txt')]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/^linger: Could not write .*missing-folder\/x\.txt: .*ENOENT.*Choose a file in a folder you can write to\.\n$/);
  });

  test('text equals read; ansi replays to the same text and colours; asciicast replays to the screen', async () => {
    const { session_id: id } = startShell();
    await typeAndWait(id, "printf 'plain \\e[31mred\\e[0m\\n'; seq 1 30", '\n30');

    const text = await linger(['export', id, '--format', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`${await harness.bridge.read(id, 1_000_000)}\n`);

    const ansi = (await linger(['export', id, '--format', 'ansi'])).stdout;
    const shown = await replay(ansi, 80, 24);
    expect(bufferText(shown)).toBe(await harness.bridge.read(id, 1_000_000));
    const redLine = [...Array(shown.buffer.active.length).keys()].map((y) => shown.buffer.active.getLine(y)!).find((l) => l.translateToString(true) === 'plain red')!;
    expect(redLine.getCell(0)!.getFgColor()).toBe(-1);
    expect(redLine.getCell(6)!.isFgPalette() && redLine.getCell(6)!.getFgColor()).toBe(1);
    expect(ansi.endsWith('\x1b[0m\r\n') || /\x1b\[0m\x1b\[\d+B\r\n$/.test(ansi)).toBe(true);

    const cast = (await linger(['export', id, '--format', 'asciicast'])).stdout.trimEnd().split('\n');
    const header = JSON.parse(cast[0]);
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, title: expect.any(String) });
    expect(Math.abs(header.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const events = cast.slice(1).map((l) => JSON.parse(l));
    expect(events).toHaveLength(1);
    expect(events[0].slice(0, 2)).toEqual([0, 'o']);
    const played = await replay(events[0][2], header.width, header.height);
    expect(bufferText(played, true)).toBe(bufferText(await replay(await harness.bridge.session(id).snapshot(), 80, 24), true));
    expect(bufferText(played, true)).toContain('30');
  });

  test('a recorded session exports its timed output from the start, past what the scrollback kept; -o writes a private file', async () => {
    const started = await linger(['new', '--record', '--', 'bash', '--noprofile', '--norc']);
    const id = started.stdout.trim();
    expect(row(id)?.recording).toBe(true);
    await typeAndWait(id, 'echo first-line', '\nfirst-line');
    await new Promise((r) => setTimeout(r, 50));
    await typeAndWait(id, 'seq 1 60', '\n60');
    // The scrollback (20 lines) has lost the first line; the recording has not.
    expect(await harness.bridge.read(id, 1_000_000)).not.toContain('first-line');

    const file = path.join(work, 'out.cast');
    const run = await linger(['export', id.slice(0, 6), '--format', 'asciicast', '-o', file]);
    expect(run.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const [headerLine, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(headerLine)).toMatchObject({ version: 2, width: 80, height: 24 });
    const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
    expect(events.length).toBeGreaterThan(2);
    const times = events.map((e) => e[0]);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times.at(-1)!).toBeGreaterThan(times[0]);
    const output = events.filter((e) => e[1] === 'o').map((e) => e[2]);
    expect(output.join('')).toContain('first-line');
    const played = await replay(output, 80, 24);
    expect(bufferText(played, true)).toBe(bufferText(await replay(await harness.bridge.session(id).snapshot(), 80, 24), true));
  });
});
