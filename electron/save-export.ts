/**
 * The desktop app's Export: the page asks with `{sessionId, format}`, the main process makes the
 * export through the page's own bridge client, shows the Save dialog, and writes the file.
 * The content never travels to the page and back, and only our own window may ask (the same
 * sender check as every request).
 */
import fs from 'node:fs';
import path from 'node:path';
import { IPC_CHANNELS, LingerError, parseParams, toErrorPayload, type ExportResult, type Reply, type SavedExport } from './contract';
import { authorizeSender, type IpcMainLike } from './ipc';
import type { ViewRegistry, WebContentsLike } from './views';

export interface SaveExportOptions {
  ipcMain: IpcMainLike;
  views: ViewRegistry;
  isAppUrl: (url: string) => boolean;
  /** The Save dialog over the sender's window, starting at `defaultPath`; null when cancelled. */
  chooseFile: (sender: WebContentsLike, defaultPath: string) => Promise<string | null>;
  /** Where the dialog starts (the Downloads folder). */
  defaultDir: () => string;
}

/** Registers the save channel; returns its disposer. */
export function registerSaveExport({ ipcMain, views, isAppUrl, chooseFile, defaultDir }: SaveExportOptions): () => void {
  ipcMain.handle(IPC_CHANNELS.saveExport, async (event, params: unknown): Promise<Reply<SavedExport | null>> => {
    try {
      const client = authorizeSender(event, views, isAppUrl);
      const { sessionId, format } = parseParams('export', params);
      const result = (await client.dispatch('export', { sessionId, format })) as ExportResult;
      const file = await chooseFile(event.sender, path.join(defaultDir(), result.filename));
      if (!file) return { ok: true, result: null };
      try {
        // Scrollback holds secrets: a new file is for the user alone.
        await fs.promises.writeFile(file, result.content, { mode: 0o600 });
      } catch (err) {
        throw new LingerError('SAVE_FAILED', `Could not save ${file}: ${(err as Error).message}. Choose another folder and export again.`);
      }
      return { ok: true, result: { path: file } };
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) };
    }
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.saveExport);
}
