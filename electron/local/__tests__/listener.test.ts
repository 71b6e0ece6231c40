/**
 * The local socket's rules, against a real host: where it goes, who may reach it, what happens
 * to a stale or a live socket already there, and what a bad frame gets.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LOCAL_SOCKET_NAME, MAX_WS_FRAME_BYTES, type ServerFrame } from '../../contract';
import { HERMETIC_BASH, createHarness, tempDir, waitFor, type Harness } from '../../host/__tests__/harness';
import { FLOW_HIGH_WATERMARK_BYTES } from '../../host/flow';
import { LineSplitter } from '../lines';
import { startLocalListener, type LocalListener } from '../listener';
import { socketPath } from '../socket-path';

let harness: Harness;
let listeners: LocalListener[];
let logs: string[];

beforeEach(() => {
  harness = createHarness();
  listeners = [];
  logs = [];
});

afterEach(async () => {
  for (const l of listeners) await l.close();
  await harness.close();
});

async function listen(env: NodeJS.ProcessEnv): Promise<LocalListener | null> {
  const listener = await startLocalListener({ bridge: harness.bridge, env, platform: 'linux', log: (m) => logs.push(m) });
  if (listener) listeners.push(listener);
  return listener;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** A client speaking the frames by hand. */
function connect(socket: string): Promise<{ conn: net.Socket; frames: ServerFrame[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    const frames: ServerFrame[] = [];
    const lines = new LineSplitter(4 * MAX_WS_FRAME_BYTES);
    conn.on('data', (chunk: Buffer) => frames.push(...lines.push(chunk).map((l) => JSON.parse(l) as ServerFrame)));
    const closed = new Promise<void>((r) => conn.once('close', () => r()));
    conn.once('connect', () => resolve({ conn, frames, closed }));
    conn.once('error', reject);
  });
}

test('default path: $XDG_RUNTIME_DIR/linger/, folder 0700, socket 0600; the socket is gone after close', async () => {
  const runtime = tempDir('linger-xdg-');
  const expected = path.join(runtime, 'linger', LOCAL_SOCKET_NAME);
  expect(socketPath({ env: { XDG_RUNTIME_DIR: runtime }, platform: 'linux' })).toBe(expected);
  expect(socketPath({ env: {}, platform: 'linux' })).toMatch(new RegExp(`linger-${process.getuid!()}/${LOCAL_SOCKET_NAME}$`));
  expect(socketPath({ env: { LINGER_SOCKET: '/x/y.sock' }, platform: 'linux' })).toBe('/x/y.sock');
  expect(socketPath({ env: {}, platform: 'win32' })).toMatch(/^\\\\\.\\pipe\\linger-/);

  const listener = await listen({ XDG_RUNTIME_DIR: runtime });
  expect(listener?.path).toBe(expected);
  expect(mode(path.dirname(expected))).toBe(0o700);
  expect(fs.lstatSync(expected).isSocket()).toBe(true);
  expect(mode(expected)).toBe(0o600);

  const { closed } = await connect(expected);
  await listener!.close();
  listeners = [];
  await closed;
  expect(fs.existsSync(expected)).toBe(false);
});

test('a folder open to the group or others is refused, as is a symlink; nothing listens there', async () => {
  const open = tempDir('linger-open-');
  fs.chmodSync(open, 0o750);
  expect(await listen({ LINGER_SOCKET: path.join(open, 's.sock') })).toBeNull();
  expect(logs.at(-1)).toMatch(/open to other users \(mode 750\)\. Run "chmod 700/);
  expect(fs.existsSync(path.join(open, 's.sock'))).toBe(false);

  const real = tempDir('linger-real-');
  const link = path.join(tempDir('linger-link-'), 'dir');
  fs.symlinkSync(real, link);
  expect(await listen({ LINGER_SOCKET: path.join(link, 's.sock') })).toBeNull();
  expect(logs.at(-1)).toMatch(/is a symbolic link/);
});

test.skipIf(process.getuid!() !== 0)("a folder that belongs to another user is refused (needs root to make one)", async () => {
  const theirs = tempDir('linger-theirs-');
  fs.chmodSync(theirs, 0o700);
  fs.chownSync(theirs, 65534, 65534);
  expect(await listen({ LINGER_SOCKET: path.join(theirs, 's.sock') })).toBeNull();
  expect(logs.at(-1)).toMatch(/belongs to uid 65534, not to you/);
});

test('a stale socket (nobody listening) is replaced; a live one is never stolen', async () => {
  const socket = path.join(tempDir('linger-stale-'), 's.sock');
  // A process that bound the socket and died without cleaning up.
  const died = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  expect(died.signal).toBe('SIGKILL');
  expect(fs.lstatSync(socket).isSocket()).toBe(true);

  const first = await listen({ LINGER_SOCKET: socket });
  expect(first).not.toBeNull();
  const { conn, frames } = await connect(socket);
  conn.write(`${JSON.stringify({ kind: 'request', id: 1, method: 'stats', params: {} })}\n`);
  await waitFor('a stats reply through the replaced socket', () => frames.some((f) => f.kind === 'response' && f.id === 1));

  const second = await listen({ LINGER_SOCKET: socket });
  expect(second).toBeNull();
  expect(logs.at(-1)).toMatch(/another Linger is already listening on .*LINGER_SOCKET/);
  // The first one still answers on the same connection and on new ones.
  conn.write(`${JSON.stringify({ kind: 'request', id: 2, method: 'stats', params: {} })}\n`);
  await waitFor('the first host still answers', () => frames.some((f) => f.kind === 'response' && f.id === 2));
  conn.destroy();
  const again = await connect(socket);
  again.conn.destroy();

  await first!.close();
  listeners = [];
  fs.writeFileSync(socket, 'not a socket');
  expect(await listen({ LINGER_SOCKET: socket })).toBeNull();
  expect(logs.at(-1)).toMatch(/exists and is not a socket/);
});

test('a malformed frame gets a typed error and the connection goes on; an oversized one closes it', async () => {
  const socket = path.join(tempDir('linger-frames-'), 's.sock');
  await listen({ LINGER_SOCKET: socket });
  const { conn, frames, closed } = await connect(socket);
  conn.write('not json\n{"kind":"nope"}\n');
  conn.write(`${JSON.stringify({ kind: 'request', id: 7, method: 'format-disk', params: {} })}\n`);
  await waitFor('three replies', () => frames.filter((f) => f.kind !== 'event').length >= 3);
  const replies = frames.filter((f) => f.kind !== 'event');
  expect(replies[0]).toMatchObject({ kind: 'error', error: { code: 'MALFORMED_MESSAGE', message: expect.stringMatching(/not valid JSON/) } });
  expect(replies[1]).toMatchObject({ kind: 'error', error: { code: 'MALFORMED_MESSAGE' } });
  expect(replies[2]).toMatchObject({ kind: 'response', id: 7, reply: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });

  conn.write(Buffer.alloc(MAX_WS_FRAME_BYTES + 1, 0x61));
  await closed;
  expect(frames.at(-1)).toMatchObject({ kind: 'error', error: { code: 'MESSAGE_TOO_LARGE' } });
  // The host is unharmed.
  const other = await connect(socket);
  other.conn.write(`${JSON.stringify({ kind: 'request', id: 1, method: 'stats', params: {} })}\n`);
  await waitFor('stats after the flood', () => other.frames.some((f) => f.kind === 'response'));
  other.conn.destroy();
});

test('a dropped connection detaches its views', async () => {
  const socket = path.join(tempDir('linger-drop-'), 's.sock');
  await listen({ LINGER_SOCKET: socket });
  const row = harness.bridge.start({ command: 'sleep', args: ['600'], cwd: harness.home, cols: 80, rows: 24 });
  const { conn, frames } = await connect(socket);
  conn.write(`${JSON.stringify({ kind: 'request', id: 1, method: 'attach', params: { sessionId: row.session_id } })}\n`);
  await waitFor('attached', () => frames.some((f) => f.kind === 'response' && f.id === 1));
  expect(harness.bridge.stats().sessions[0].state).toBe('running');
  conn.destroy();
  await waitFor('detached', () => harness.bridge.stats().sessions[0].state === 'detached');
});

test('output comes as base64 data frames of the exact bytes, and acks in bytes pace it', async () => {
  const socket = path.join(tempDir('linger-data-'), 'd.sock');
  await listen({ LINGER_SOCKET: socket });
  const row = harness.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
  const { conn, frames } = await connect(socket);
  const send = (frame: object) => conn.write(`${JSON.stringify(frame)}\n`);
  const output = () =>
    Buffer.concat(frames.flatMap((f) => (f.kind === 'data' && f.sessionId === row.session_id ? [Buffer.from(f.base64, 'base64')] : []))).toString('utf8');
  send({ kind: 'request', id: 1, method: 'attach', params: { sessionId: row.session_id } });
  await waitFor('attached', () => frames.some((f) => f.kind === 'response' && f.id === 1));
  const total = 4 * FLOW_HIGH_WATERMARK_BYTES;
  // Lines of a 3-byte character (5 bytes with CR LF), so bytes and characters differ; the end mark is computed by the shell.
  send({ kind: 'request', id: 2, method: 'write', params: { sessionId: row.session_id, data: `head -c ${total / 4} /dev/zero | tr '\\0' '\\n' | sed 's/^/漢/'; echo END-$((6*7))\r` } });
  let last = -1;
  await waitFor('output to stall without acks', async () => {
    const now = output().length;
    const stalled = now === last && now > 0;
    last = now;
    await new Promise((r) => setTimeout(r, 150));
    return stalled;
  });
  expect(output().includes('END-42')).toBe(false);
  let acked = 0;
  await waitFor('the end, acking bytes as they come', () => {
    const received = Buffer.byteLength(output());
    if (received > acked) send({ kind: 'ack', sessionId: row.session_id, bytes: received - acked });
    acked = received;
    return output().includes('END-42');
  }, 20_000);
  expect(output()).toContain('漢\r\n漢\r\n');
  expect(frames.some((f) => f.kind === 'event' && (f.event as { type: string }).type === 'data')).toBe(false);
  conn.destroy();
});

test('a client that stops reading does not make the host queue stats for it without end', async () => {
  const socket = path.join(tempDir('linger-sock-'), 'slow.sock');
  expect(await listen({ LINGER_SOCKET: socket })).not.toBeNull();
  for (let i = 0; i < 5; i++) harness.bridge.start({ command: 'bash', args: ['--noprofile', '--norc'], cols: 80, rows: 24 });
  const { conn, frames } = await connect(socket);
  // Like `linger logs -f` suspended with Ctrl+Z: connected, reading nothing.
  conn.pause();
  const PUSHES = 5000;
  for (let i = 0; i < PUSHES; i++) await harness.bridge.tick();
  conn.resume();
  await new Promise((r) => setTimeout(r, 500));
  const pushes = frames.filter((f) => f.kind === 'event' && f.event.type === 'sessions').length;
  expect(pushes).toBeGreaterThan(0);
  expect(pushes).toBeLessThan(PUSHES / 5);
});

test('a socket folder that cannot be made is reported, and the app goes on without a socket (no hang)', async () => {
  expect(await listen({ LINGER_SOCKET: '/proc/linger-test/s.sock' })).toBeNull();
  expect(logs.join('\n')).toMatch(/cannot reach this app: .*ENOENT/);
});
