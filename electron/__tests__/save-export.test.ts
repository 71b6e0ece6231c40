/** The desktop Export: from the page's `saveExport` through IPC to the Save dialog and the file, over the real host. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { IPC_CHANNELS, type LingerApi } from '../contract';
import { createLingerApi } from '../preload-api';
import { registerSaveExport } from '../save-export';
import { HERMETIC_BASH, tempDir, waitFor } from '../host/__tests__/harness';
import { FakeFrame, FakeIpcRenderer, FakeWebContents, createIpcStage, type IpcStage } from './electron-double';

let stage: IpcStage;
let page: FakeWebContents;
let linger: Required<LingerApi>;
let downloads: string;
let dialogs: Array<{ sender: unknown; defaultPath: string }>;
let answer: (defaultPath: string) => string | null;
let unregister: () => void;

beforeEach(() => {
  stage = createIpcStage();
  page = new FakeWebContents();
  stage.views.track(page);
  linger = createLingerApi(new FakeIpcRenderer(stage.ipcMain, page));
  downloads = tempDir('linger-downloads-');
  dialogs = [];
  answer = (defaultPath) => defaultPath;
  unregister = registerSaveExport({
    ipcMain: stage.ipcMain,
    views: stage.views,
    isAppUrl: (url) => url === page.mainFrame.url,
    defaultDir: () => downloads,
    chooseFile: async (sender, defaultPath) => {
      dialogs.push({ sender, defaultPath });
      return answer(defaultPath);
    },
  });
});

afterEach(async () => {
  unregister();
  await stage.close();
});

async function shellWith(text: string): Promise<string> {
  const row = await linger.request('start', { ...HERMETIC_BASH, cols: 80, rows: 24 });
  await linger.request('write', { sessionId: row.session_id, data: `echo ${text}\r` });
  await waitFor(text, async () => (await linger.request('read', { sessionId: row.session_id })).text.includes(`\n${text}`));
  return row.session_id;
}

test('the Save dialog opens over the asking window in Downloads with the export name; the file is written, private', async () => {
  const id = await shellWith('saved-by-dialog');
  const saved = await linger.saveExport(id, 'text');
  expect(dialogs).toHaveLength(1);
  expect(dialogs[0].sender).toBe(page);
  expect(path.dirname(dialogs[0].defaultPath)).toBe(downloads);
  expect(path.basename(dialogs[0].defaultPath)).toMatch(new RegExp(`^linger-bash-${id.slice(0, 8)}-\\d{8}-\\d{6}\\.txt$`));
  expect(saved).toEqual({ path: dialogs[0].defaultPath });
  expect(fs.readFileSync(saved!.path, 'utf8')).toContain('saved-by-dialog');
  expect(fs.statSync(saved!.path).mode & 0o777).toBe(0o600);
});

test('cancelling writes nothing and resolves null; a folder that cannot be written says so', async () => {
  const id = await shellWith('not-saved');
  answer = () => null;
  expect(await linger.saveExport(id, 'ansi')).toBeNull();
  expect(fs.readdirSync(downloads)).toEqual([]);

  answer = () => path.join(downloads, 'missing-folder', 'x.txt');
  const failed = await linger.saveExport(id, 'text').catch((e: unknown) => e);
  expect(failed).toMatchObject({ code: 'SAVE_FAILED', message: expect.stringMatching(/Choose another folder/) });
});

test('bad input is refused before any dialog; so is a sender that is not our page', async () => {
  const id = await shellWith('guarded');
  const bad = await (linger.saveExport as (s: string, f: string) => Promise<unknown>)(id, 'pdf').catch((e: unknown) => e);
  expect(bad).toMatchObject({ code: 'INVALID_INPUT' });
  expect(await linger.saveExport('no-such-session', 'text').catch((e: unknown) => e)).toMatchObject({ code: 'UNKNOWN_SESSION' });

  const subframe = await stage.ipcMain.invoke(page, IPC_CHANNELS.saveExport, [{ sessionId: id, format: 'text' }], new FakeFrame(page.mainFrame.url));
  expect(subframe).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const stranger = new FakeWebContents('https://evil.example/');
  stage.views.track(stranger);
  expect(await stage.ipcMain.invoke(stranger, IPC_CHANNELS.saveExport, [{ sessionId: id, format: 'text' }])).toMatchObject({
    ok: false,
    error: { code: 'FORBIDDEN' },
  });
  expect(dialogs).toEqual([]);
});
