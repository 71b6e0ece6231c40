/** OS notifications in the desktop app: the notify channel and the main process's notifier, through the Electron double. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { IPC_CHANNELS } from '../contract';
import { MAX_OPEN_NOTIFICATIONS, bodyAsText } from '../notifications';
import { APP_URL, FakeFrame, FakeWebContents, createIpcStage, type FakeIpcMain, type IpcStage } from './electron-double';

let stage: IpcStage;
let ipcMain: FakeIpcMain;

beforeEach(() => {
  stage = createIpcStage();
  ({ ipcMain } = stage);
});

afterEach(() => stage.close());

function window(): FakeWebContents {
  const wc = new FakeWebContents();
  stage.views.track(wc);
  return wc;
}

test('the notify channel is registered, and its disposer removes it', () => {
  expect(ipcMain.listenerCount(IPC_CHANNELS.notify)).toBe(1);
  stage.unregister();
  expect(ipcMain.listenerCount(IPC_CHANNELS.notify)).toBe(0);
});

test('a notification is shown only for our page, only when well-formed; a click on one for a closed window does nothing', () => {
  const wc = window();
  const notice = { sessionId: 's1', title: 'Done: make', body: 'after 0:12' };
  ipcMain.send(new FakeWebContents('https://evil.example/'), IPC_CHANNELS.notify, [notice]);
  ipcMain.send(wc, IPC_CHANNELS.notify, [notice], new FakeFrame(APP_URL));
  ipcMain.send(wc, IPC_CHANNELS.notify, [{ ...notice, title: 'x'.repeat(10_000) }]);
  ipcMain.send(wc, IPC_CHANNELS.notify, [{ ...notice, onclick: 'alert(1)' }]);
  ipcMain.send(wc, IPC_CHANNELS.notify, ['not a notice']);
  expect(stage.notifications).toEqual([]);

  ipcMain.send(wc, IPC_CHANNELS.notify, [notice]);
  expect(stage.notifications.map((n) => n.options)).toEqual([{ title: 'Done: make', body: 'after 0:12' }]);
  wc.destroy();
  stage.notifications[0]!.click();
  expect(stage.focused).toEqual([]);
});

test('notifications on screen are kept (their clicks need them) up to a cap, the oldest closed first', () => {
  const wc = window();
  for (let i = 0; i < MAX_OPEN_NOTIFICATIONS + 2; i++) ipcMain.send(wc, IPC_CHANNELS.notify, [{ sessionId: `s${i}`, title: 't', body: '' }]);
  expect(stage.notifications.filter((n) => n.closed)).toEqual(stage.notifications.slice(0, 2));
});


test('the body shows as text: on Linux, where notification servers read markup, it is escaped', () => {
  const body = 'make && deploy <a href="https://evil.example">click</a>';
  expect(bodyAsText(body, 'linux')).toBe('make &amp;&amp; deploy &lt;a href="https://evil.example"&gt;click&lt;/a&gt;');
  expect(bodyAsText(body, 'darwin')).toBe(body);
  expect(bodyAsText(body, 'win32')).toBe(body);
});
