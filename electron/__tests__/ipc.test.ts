/**
 * ipc.ts and views.ts through the in-memory Electron double, with the real host underneath:
 * a real PtyBridge, real node-pty, hermetic bash.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { IPC_CHANNELS, REQUEST_NAMES, type AttachResult, type Reply, type SessionRow, type Stats } from '../contract';
import type { ViewRegistry } from '../views';
import { HERMETIC_BASH, waitFor, type Harness } from '../host/__tests__/harness';
import { FLOW_HIGH_WATERMARK_BYTES } from '../host/flow';
import { APP_URL, FakeFrame, FakeWebContents, createIpcStage, type FakeIpcMain, type IpcStage } from './electron-double';

let stage: IpcStage;
let h: Harness;
let ipcMain: FakeIpcMain;
let views: ViewRegistry;

beforeEach(() => {
  stage = createIpcStage();
  ({ h, ipcMain, views } = stage);
});

afterEach(async () => {
  // Nothing may throw across IPC, whatever a test sent.
  expect(ipcMain.thrown).toEqual([]);
  await stage.close();
});

function window(): FakeWebContents {
  const wc = new FakeWebContents();
  views.track(wc);
  return wc;
}

function ok<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

async function startAndAttach(wc: FakeWebContents): Promise<string> {
  const row = ok(await ipcMain.request<SessionRow>(wc, 'start', { ...HERMETIC_BASH, cols: 80, rows: 24 }));
  ok(await ipcMain.request<AttachResult>(wc, 'attach', { sessionId: row.session_id }));
  return row.session_id;
}

function rowOf(id: string) {
  return h.bridge.stats().sessions.find((s) => s.session_id === id);
}

test('every request name has a handler, and the disposer removes them all', () => {
  expect(ipcMain.channels().sort()).toEqual(REQUEST_NAMES.map((n) => IPC_CHANNELS.request[n]).sort());
  expect(ipcMain.listenerCount(IPC_CHANNELS.ack)).toBe(1);
  stage.unregister();
  expect(ipcMain.channels()).toEqual([]);
  expect(ipcMain.listenerCount(IPC_CHANNELS.ack)).toBe(0);
});

test('start, attach, write: echo hello comes back as data to that page, and read sees it', async () => {
  const wc = window();
  const id = await startAndAttach(wc);
  expect(wc.eventsFor(id)[0]).toMatchObject({ type: 'snapshot', sessionId: id });
  ok(await ipcMain.request(wc, 'write', { sessionId: id, data: 'echo hel""lo\r' }));
  await waitFor('hello in data', () => wc.dataFor(id).includes('hello\r\n'));
  const { text } = ok(await ipcMain.request<{ text: string }>(wc, 'read', { sessionId: id }));
  expect(text).toMatch(/^hello$/m);
  expect(rowOf(id)).toMatchObject({ state: 'running', attached: true });
});

test('output crosses IPC as bytes that own their buffer: a clone of one carries no other output', async () => {
  const wc = window();
  const id = await startAndAttach(wc);
  // Short outputs, each its own batch: small buffers are where a shared pool would show.
  for (const word of ['alpha', 'beta', 'gamma']) {
    ok(await ipcMain.request(wc, 'write', { sessionId: id, data: `echo ${word}-$((1+1))\r` }));
    await waitFor(word, () => wc.dataFor(id).includes(`${word}-2\r\n`));
  }
  const data = wc.eventsFor(id).flatMap((e) => (e.type === 'data' ? [e.data] : []));
  expect(data.length).toBeGreaterThan(2);
  for (const bytes of data) {
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  }
});

test('bad requests come back as typed errors, never as throws', async () => {
  const wc = window();
  const bad = await ipcMain.request(wc, 'start', { ...HERMETIC_BASH, cols: 0, rows: 24 });
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/cols/) } });

  for (const method of REQUEST_NAMES) {
    // Every schema is strict: an unknown field is refused by name.
    const reply = await ipcMain.request(wc, method, { bogus: true });
    expect(reply, method).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }
  for (const params of [42, 'x', null, [1, 2]]) {
    expect(await ipcMain.request(wc, 'write', params)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }
  expect(await ipcMain.request(wc, 'attach', { sessionId: 'no-such-session' })).toMatchObject({
    ok: false,
    error: { code: 'UNKNOWN_SESSION' },
  });
  expect(await ipcMain.request(wc, 'start', { command: 'no-such-command-linger', cols: 80, rows: 24 })).toMatchObject({
    ok: false,
    error: { code: 'COMMAND_NOT_FOUND' },
  });
  expect(ok(await ipcMain.request<Stats>(wc, 'stats', undefined)).total_sessions).toBe(0);
});

test('only the top frame of a tracked window showing our page is served', async () => {
  const wc = window();
  const start = { ...HERMETIC_BASH, cols: 80, rows: 24 };
  const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };

  expect(await ipcMain.request(wc, 'start', start, new FakeFrame(APP_URL))).toMatchObject(forbidden); // a subframe
  expect(await ipcMain.request(wc, 'start', start, null)).toMatchObject(forbidden); // a navigated-away document

  const foreign = window();
  foreign.mainFrame.url = 'https://evil.example/index.html';
  expect(await ipcMain.request(foreign, 'start', start)).toMatchObject(forbidden);

  const outside = window();
  outside.mainFrame.url = 'file:///etc/passwd';
  expect(await ipcMain.request(outside, 'start', start)).toMatchObject(forbidden);

  const untracked = new FakeWebContents();
  expect(await ipcMain.request(untracked, 'start', start)).toMatchObject(forbidden);

  expect(h.bridge.stats().total_sessions).toBe(0);
});

for (const [what, end] of [
  ['window closed', (wc: FakeWebContents) => wc.destroy()],
  ['renderer crashed', (wc: FakeWebContents) => wc.crash()],
  ['page reloaded', (wc: FakeWebContents) => wc.reload()],
] as const) {
  test(`${what}: its views detach, the session keeps running, the ledger says so`, async () => {
    const wc = window();
    const id = await startAndAttach(wc);
    expect(rowOf(id)).toMatchObject({ state: 'running', attached: true });
    end(wc);
    expect(rowOf(id)).toMatchObject({ state: 'detached', attached: false, alive: true });
    const detached = h.ledger.recent(100).filter((e) => e.type === 'pty_session_detached' && e.session_id === id);
    expect(detached).toHaveLength(1);
    expect(detached[0]!.data).toMatchObject({ reason: 'disconnected', views: 0 });
    // Output after the page went is for the mirror only; sending to a gone page must not throw.
    h.bridge.write(id, 'echo after\r');
    await waitFor('mirror sees output', async () => (await h.bridge.read(id, 4000)).includes('after'));
  });
}

test('a reloaded page gets a new client and can reattach; a denied navigation detaches nothing', async () => {
  const wc = window();
  const id = await startAndAttach(wc);
  wc.startNavigation('https://example.com/'); // denied by will-navigate: the page stays
  expect(rowOf(id)).toMatchObject({ attached: true });

  wc.reload();
  expect(rowOf(id)).toMatchObject({ state: 'detached' });
  const before = wc.eventsFor(id).length;
  ok(await ipcMain.request<AttachResult>(wc, 'attach', { sessionId: id }));
  expect(rowOf(id)).toMatchObject({ state: 'running', attached: true });
  expect(wc.eventsFor(id)[before]).toMatchObject({ type: 'snapshot', sessionId: id });
  const attachedClients = new Set(
    h.ledger.recent(100).flatMap((e) => (e.type === 'pty_session_attached' ? [e.data.client] : [])),
  );
  expect(attachedClients.size).toBe(2);
});

test('events go only to the page attached to that session', async () => {
  const a = window();
  const b = window();
  const idA = await startAndAttach(a);
  const idB = await startAndAttach(b);
  ok(await ipcMain.request(a, 'write', { sessionId: idA, data: 'echo only-a\r' }));
  ok(await ipcMain.request(b, 'write', { sessionId: idB, data: 'echo only-b\r' }));
  await waitFor('both outputs', () => a.dataFor(idA).includes('only-a\r\n') && b.dataFor(idB).includes('only-b\r\n'));
  const sessionIds = (wc: FakeWebContents) => new Set(wc.events().flatMap((e) => ('sessionId' in e ? [e.sessionId] : [])));
  expect(sessionIds(a)).toEqual(new Set([idA]));
  expect(sessionIds(b)).toEqual(new Set([idB]));
  // Both see the sessions list.
  await waitFor('sessions pushes', () => [a, b].every((wc) => wc.events().some((e) => e.type === 'sessions')));
});

test('acks travel back to flow control: an un-acking page pauses the flood, its acks resume it', async () => {
  const wc = window();
  const id = await startAndAttach(wc);
  const total = 4 * FLOW_HIGH_WATERMARK_BYTES;
  const DONE = 'FLOOD-42'; // computed by the shell, so the echoed command line does not contain it
  ok(await ipcMain.request(wc, 'write', { sessionId: id, data: `head -c ${total} /dev/zero | tr '\\0' x; echo; echo FLOOD-$((6*7))\r` }));

  // Without acks the pty pauses once the page is a high watermark behind.
  let last = -1;
  await waitFor('output to stall', async () => {
    const now = wc.dataFor(id).length;
    const stalled = now === last && now > 0;
    last = now;
    await new Promise((r) => setTimeout(r, 150));
    return stalled;
  });
  // (booleans, so a failure does not print a megabyte of x)
  expect(wc.dataFor(id).includes(DONE)).toBe(false);
  expect(wc.dataFor(id).length).toBeLessThan(total);

  // Bad acks are dropped without a word (and without throwing).
  ipcMain.send(wc, IPC_CHANNELS.ack, [id, -5]);
  ipcMain.send(wc, IPC_CHANNELS.ack, [42, 'lots']);
  ipcMain.send(wc, IPC_CHANNELS.ack, [id, 10 ** 9], new FakeFrame(APP_URL)); // from a subframe
  await new Promise((r) => setTimeout(r, 200));
  expect(wc.dataFor(id).includes(DONE)).toBe(false);

  // Acking what was parsed lets it run to the end.
  let acked = 0;
  await waitFor('flood to finish', () => {
    const received = Buffer.byteLength(wc.dataFor(id));
    if (received > acked) ipcMain.send(wc, IPC_CHANNELS.ack, [id, received - acked]);
    acked = received;
    return wc.dataFor(id).includes(DONE);
  }, 20_000);
});
