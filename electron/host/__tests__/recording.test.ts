/** Recording (asciicast v2, live to a private file) and export, through the real bridge and real shells. */
import fs from 'node:fs';
import path from 'node:path';
import headless from '@xterm/headless';
import { afterEach, expect, test } from 'vitest';
import { PtyBridge } from '../bridge';
import { finishTruncatedCast } from '../export';
import { Ledger } from '../ledger';
import { loadProfiles } from '../profiles';
import { Recorder, recordingsDir } from '../recorder';
import { HERMETIC_BASH, createHarness, tempDir, waitFor, type Harness } from './harness';

const { Terminal } = headless;

let harness: Harness;
afterEach(() => harness?.close());

const recordingFile = (h: Harness, id: string) => path.join(h.dataDir, 'recordings', String(process.pid), `${id}.cast`);

async function typeAndWait(h: Harness, id: string, line: string, expected: string): Promise<void> {
  h.bridge.write(id, `${line}\r`);
  await waitFor(expected, async () => (await h.bridge.read(id, 1_000_000)).includes(expected));
}

function parseCast(content: string) {
  const [header, ...events] = content.trimEnd().split('\n');
  return { header: JSON.parse(header), events: events.map((l) => JSON.parse(l) as [number, string, string]) };
}

/** The viewport after playing `o` and `r` events into a fresh terminal of the header's size. */
async function play(content: string): Promise<string> {
  const { header, events } = parseCast(content);
  const term = new Terminal({ cols: header.width, rows: header.height, scrollback: 1000, allowProposedApi: true });
  for (const [, code, data] of events) {
    if (code === 'r') {
      const [cols, rows] = data.split('x').map(Number);
      term.resize(cols, rows);
    } else await new Promise<void>((resolve) => term.write(data, resolve));
  }
  return viewport(term);
}

function viewport(term: InstanceType<typeof Terminal>): string {
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let y = b.viewportY; y < b.viewportY + term.rows; y++) lines.push(b.getLine(y)?.translateToString(true) ?? '');
  return lines.join('\n').trimEnd();
}

/** How many of this process's file descriptors are open on `file` (Linux's /proc). */
function openDescriptors(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

/** The session's screen as a view would draw it from its snapshot. */
async function screenOf(h: Harness, id: string): Promise<string> {
  const session = h.bridge.session(id);
  const snapshot = await session.snapshot();
  const term = new Terminal({ cols: session.cols, rows: session.rows, scrollback: 1000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(snapshot, resolve));
  return viewport(term);
}

test('a recorded session writes a private file live, resizes included, and the file goes when the session is stopped', async () => {
  harness = createHarness();
  const row = harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24, record: true });
  expect(row.recording).toBe(true);
  const file = recordingFile(harness, row.session_id);
  await typeAndWait(harness, row.session_id, 'echo recorded-$((3*3))', 'recorded-9');
  harness.bridge.resize(row.session_id, 100, 30);
  await typeAndWait(harness, row.session_id, 'echo after-resize', '\nafter-resize');

  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(harness.dataDir, 'recordings')).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  // Live: the output is in the file before anyone exports.
  const { header, events } = parseCast(fs.readFileSync(file, 'utf8'));
  expect(header).toMatchObject({ version: 2, width: 80, height: 24, env: { TERM: 'xterm-256color' } });
  expect(events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toContain('recorded-9');
  expect(events).toContainEqual([expect.any(Number), 'r', '100x30']);

  const exported = await harness.bridge.export(row.session_id, 'asciicast');
  expect(exported).toMatchObject({ mime: 'application/x-asciicast', filename: expect.stringMatching(new RegExp(`^linger-bash-${row.session_id.slice(0, 8)}-\\d{8}-\\d{6}\\.cast$`)) });
  expect(await play(exported.content)).toBe(await screenOf(harness, row.session_id));

  await harness.bridge.stop(row.session_id);
  expect(fs.existsSync(file)).toBe(false);
});

test('recording started mid-session begins with the screen; stopping keeps it for export; a cleaned session takes it along', async () => {
  harness = createHarness();
  const row = harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24 });
  expect(row.recording).toBe(false);
  await typeAndWait(harness, row.session_id, 'echo before-recording', '\nbefore-recording');
  // A double click: the second request finds the recording already beginning.
  const [first] = await Promise.all([harness.bridge.record(row.session_id, true), harness.bridge.record(row.session_id, true)]);
  expect(first.recording).toBe(true);
  expect(harness.bridge.stats().sessions[0].recording).toBe(true);
  const file = recordingFile(harness, row.session_id);
  expect(openDescriptors(file)).toBe(1);
  await typeAndWait(harness, row.session_id, 'echo during-recording', '\nduring-recording');
  expect((await harness.bridge.record(row.session_id, false)).recording).toBe(false);
  expect(openDescriptors(file)).toBe(0);
  await typeAndWait(harness, row.session_id, 'echo after-recording', '\nafter-recording');

  const { events } = parseCast((await harness.bridge.export(row.session_id, 'asciicast')).content);
  expect(events.filter((e) => e[0] === 0)).toHaveLength(1);
  expect(events[0][0]).toBe(0);
  expect(events[0][2]).toContain('before-recording');
  const recorded = events.map((e) => e[2]).join('');
  expect(recorded).toContain('during-recording');
  expect(recorded).not.toContain('after-recording');

  expect(fs.existsSync(file)).toBe(true);
  const swept = await harness.bridge.sweep(Date.now() + (harness.bridge.config.sessionTtlSeconds + 5) * 1000);
  expect(swept).toEqual([row.session_id]);
  expect(fs.existsSync(file)).toBe(false);
});

test('past the cap the file stops growing; the export still ends on the screen as it is', async () => {
  harness = createHarness();
  const row = harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24 });
  // The bridge's recorders use the real cap; this one is small enough to hit with `seq`.
  const cap = 4096;
  const recorder = new Recorder({ file: path.join(tempDir(), 'capped.cast'), title: 'capped', now: Date.now, maxBytes: cap });
  await harness.bridge.session(row.session_id).record(recorder);
  await typeAndWait(harness, row.session_id, 'seq 1 5000', '\n5000');
  expect(recorder.truncated).toBe(true);
  expect(fs.statSync(recorder.file).size).toBeLessThanOrEqual(cap);
  expect(recorder.content()).not.toContain('4999\r\n5000');
  const session = harness.bridge.session(row.session_id);
  const finished = finishTruncatedCast(recorder.content(), recorder.elapsed(), session.cols, session.rows, await session.snapshot());
  expect(await play(finished)).toBe(await screenOf(harness, row.session_id));
  expect(await play(finished)).toContain('5000');
});

test('a profile with "record": true records its sessions; export formats name their files', async () => {
  harness = createHarness();
  fs.writeFileSync(path.join(harness.dataDir, 'profiles.json'), JSON.stringify([{ name: 'taped', command: 'bash', args: ['--noprofile', '--norc'], record: true }]));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: harness.home, SHELL: '/bin/bash' };
  const ledger = new Ledger({ dir: harness.dataDir });
  const bridge = new PtyBridge({ config: harness.bridge.config, ledger, profiles: loadProfiles(harness.dataDir, env), env });
  try {
    const row = bridge.start({ profile: 'taped', cwd: harness.home, cols: 80, rows: 24 });
    expect(row.recording).toBe(true);
    expect(fs.existsSync(recordingFile(harness, row.session_id))).toBe(true);
    const text = await bridge.export(row.session_id, 'text');
    expect(text).toMatchObject({ mime: 'text/plain; charset=utf-8', filename: expect.stringMatching(/^linger-taped-.*\.txt$/) });
    expect((await bridge.export(row.session_id, 'ansi')).filename).toMatch(/\.ans$/);
    await expect(bridge.export('nope', 'text')).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  } finally {
    await bridge.stopAll();
    bridge.dispose();
    ledger.close();
  }
});

test('an ansi export of a full-screen program is its screen, with no switch to the alternate screen', async () => {
  harness = createHarness();
  const row = harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24 });
  await typeAndWait(harness, row.session_id, 'echo under-the-program', '\nunder-the-program');
  await typeAndWait(harness, row.session_id, "printf '\\e[?1049h\\e[2J\\e[5;10Hfull-screen-program'", 'full-screen-program');
  const { content } = await harness.bridge.export(row.session_id, 'ansi');
  expect(content).not.toContain('\x1b[?1049h');
  expect(content).toContain('full-screen-program');
  expect(content).not.toContain('under-the-program');
  const term = new Terminal({ cols: 80, rows: 24, scrollback: 100, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(content, resolve));
  expect(term.buffer.active.type).toBe('normal');
  expect(term.buffer.active.getLine(4)?.translateToString(true)).toMatch(/^ {9}full-screen-program/);
});

test('recordings left by a process that is gone are removed; a live one is kept', () => {
  const dataDir = tempDir();
  const root = path.join(dataDir, 'recordings');
  const dead = path.join(root, '2147483646');
  const alive = path.join(root, String(process.ppid));
  for (const dir of [dead, alive]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'x.cast'), 'secret');
  }
  expect(recordingsDir(dataDir)).toBe(path.join(root, String(process.pid)));
  expect(fs.existsSync(dead)).toBe(false);
  expect(fs.existsSync(alive)).toBe(true);
});

test('a recording that cannot be written is a typed error, and the session goes on unrecorded', async () => {
  harness = createHarness();
  fs.writeFileSync(path.join(harness.dataDir, 'recordings'), 'in the way');
  const row = harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24 });
  await expect(harness.bridge.record(row.session_id, true)).rejects.toMatchObject({ code: 'SAVE_FAILED', message: expect.stringMatching(/permissions/) });
  expect(() => harness.bridge.start({ ...HERMETIC_BASH, cwd: harness.home, cols: 80, rows: 24, record: true })).toThrow(/recordings/);
  expect(harness.bridge.stats().sessions.map((s) => [s.session_id, s.recording])).toEqual([[row.session_id, false]]);
  await typeAndWait(harness, row.session_id, 'echo still-fine', '\nstill-fine');
});

test('a recording resumed after a crash tore its last line goes on from its last whole event, and still plays', async () => {
  const file = path.join(tempDir(), 'torn.cast');
  let now = 1_700_000_000_000;
  const first = new Recorder({ file, title: 't', now: () => now });
  first.begin(20, 5, '');
  now += 2500;
  first.output('before\r\n');
  first.stop();
  fs.appendFileSync(file, '[2.7, "o", "half a li');

  now += 3_600_000;
  const resumed = new Recorder({ file, title: 't', now: () => now, resume: true });
  expect(resumed.begin(20, 5, 'restored screen\r\n')).toBe(true);
  now += 1000;
  resumed.output('after\r\n');
  const { events } = parseCast(resumed.content());
  expect(events.map((e) => e[1])).toEqual(['o', 'm', 'r', 'o', 'o']);
  // An hour down is not an hour of pause: the times go on from the last event.
  expect(events.map((e) => e[0])).toEqual([2.5, 2.5, 2.5, 2.5, 3.5]);
  expect(await play(resumed.content())).toBe('restored screen\nafter');
  resumed.stop();
});
