/** The preload's `window.linger`, from the page through the IPC layer to the real host. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { IPC_CHANNELS, type HostEvent, type LingerApi, type MenuCommand } from '../contract';
import { createLingerApi } from '../preload-api';
import { HERMETIC_BASH, waitFor } from '../host/__tests__/harness';
import { FakeIpcRenderer, FakeWebContents, createIpcStage, type IpcStage } from './electron-double';

let stage: IpcStage;
let page: FakeWebContents;
let ipcRenderer: FakeIpcRenderer;
let linger: Required<LingerApi>;

beforeEach(() => {
  stage = createIpcStage();
  page = new FakeWebContents();
  stage.views.track(page);
  ipcRenderer = new FakeIpcRenderer(stage.ipcMain, page);
  linger = createLingerApi(ipcRenderer);
});

afterEach(() => stage.close());

test('exposes exactly the contract: request, onEvent, ack, onMenuCommand, saveExport, notifications, quitAndDiscard — all functions', () => {
  expect(Object.keys(linger).sort()).toEqual(['ack', 'onEvent', 'onMenuCommand', 'onNotificationClick', 'quitAndDiscard', 'request', 'saveExport', 'showNotification']);
  for (const value of Object.values(linger)) expect(typeof value).toBe('function');
});

test('a request resolves with the result; a refused one rejects with a cloneable {code, message}', async () => {
  const row = await linger.request('start', { ...HERMETIC_BASH, cols: 80, rows: 24 });
  expect((await linger.request('stats', {})).sessions.map((s) => s.session_id)).toEqual([row.session_id]);

  const refused = await linger.request('resize', { sessionId: row.session_id, cols: -1, rows: 24 }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ name: 'LingerError', code: 'INVALID_INPUT', message: expect.stringMatching(/cols/) });
  // It must cross the context bridge whole: an Error would arrive as its message alone.
  expect(structuredClone(refused)).toEqual(refused);
});

test('an unknown request is refused in the preload, without touching IPC', async () => {
  const before = ipcRenderer.invokes;
  const refused = await (linger.request as (m: string, p: unknown) => Promise<unknown>)('exec', { cmd: 'rm -rf /' }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ code: 'UNKNOWN_METHOD' });
  expect(ipcRenderer.invokes).toBe(before);
});

test('onEvent hands the listener the event only, and its disposer unsubscribes', async () => {
  const calls: unknown[][] = [];
  const off = linger.onEvent((...args: unknown[]) => calls.push(args));
  const row = await linger.request('start', { ...HERMETIC_BASH, cols: 80, rows: 24 });
  await linger.request('attach', { sessionId: row.session_id });
  await linger.request('write', { sessionId: row.session_id, data: 'echo via-preload\r' });
  await waitFor('data through the preload', () =>
    calls.some(([e]) => (e as HostEvent).type === 'data' && Buffer.from((e as { data: Uint8Array }).data).toString().includes('via-preload\r\n')),
  );
  expect(calls.every((args) => args.length === 1)).toBe(true);
  const first = calls.map(([e]) => e as HostEvent).find((e) => 'sessionId' in e);
  expect(first).toMatchObject({ type: 'snapshot', sessionId: row.session_id });

  off();
  expect(ipcRenderer.listenerCount(IPC_CHANNELS.event)).toBe(0);
  const count = calls.length;
  await linger.request('write', { sessionId: row.session_id, data: 'echo later\r' });
  await new Promise((r) => setTimeout(r, 100));
  expect(calls.length).toBe(count);
});

test('ack goes to the ack channel; menu commands reach onMenuCommand until unsubscribed; quitAndDiscard asks main', () => {
  const acks: unknown[][] = [];
  const ipcMainSide = (_event: unknown, ...args: unknown[]) => acks.push(args);
  // Listen beside the real handler: what the page sent, as sent.
  stage.ipcMain.on(IPC_CHANNELS.ack, ipcMainSide);
  linger.ack('some-session', 1234);
  expect(acks).toEqual([['some-session', 1234]]);

  const commands: MenuCommand[] = [];
  const off = linger.onMenuCommand((c) => commands.push(c));
  page.send(IPC_CHANNELS.menu, 'new-tab');
  off();
  page.send(IPC_CHANNELS.menu, 'close-tab');
  expect(commands).toEqual(['new-tab']);

  let discards = 0;
  stage.ipcMain.on(IPC_CHANNELS.quitAndDiscard, () => discards++);
  linger.quitAndDiscard();
  expect(discards).toBe(1);
});

test('a notification the page asks for is shown by the main process; clicking it brings the window forward and names the session', async () => {
  const row = await linger.request('start', { ...HERMETIC_BASH, cols: 80, rows: 24 });
  const clicked: string[] = [];
  const off = linger.onNotificationClick((id) => clicked.push(id));
  linger.showNotification({ sessionId: row.session_id, title: 'Failed: make', body: 'exit 2 after 0:12' });
  expect(stage.notifications.map((n) => n.options)).toEqual([{ title: 'Failed: make', body: 'exit 2 after 0:12' }]);
  expect(stage.notifications[0]!.shown).toBe(true);

  stage.notifications[0]!.click();
  expect(stage.focused).toEqual([page]);
  expect(clicked).toEqual([row.session_id]);
  off();
  expect(ipcRenderer.listenerCount(IPC_CHANNELS.notificationClick)).toBe(0);
});
