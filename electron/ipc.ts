/**
 * The contract over Electron IPC. Every request is an `ipcMain.handle` that answers with a
 * `Reply` envelope — Electron flattens thrown errors into strings, so a typed error has to
 * travel as data and nothing here ever throws across IPC. A request counts only when it comes
 * from the top frame of one of our windows showing our own page.
 */
import {
  IPC_CHANNELS,
  LingerError,
  REQUEST_NAMES,
  clientFrameSchema,
  toErrorPayload,
  type Reply,
} from './contract';
import type { PtyBridge } from './host/bridge';
import type { FrameLike, ViewClient, ViewRegistry, WebContentsLike } from './views';

export interface IpcEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

/** The part of Electron's ipcMain this layer uses; tests pass an in-memory double. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  bridge: PtyBridge;
  views: ViewRegistry;
  isAppUrl: (url: string) => boolean;
}

/** The sender's bridge client, if it is the top frame of one of our windows showing our page; else FORBIDDEN. */
export function authorizeSender(event: IpcEventLike, views: ViewRegistry, isAppUrl: (url: string) => boolean): ViewClient {
  const frame = event.senderFrame;
  const refused = () =>
    new LingerError('FORBIDDEN', 'Only the Linger window itself may use the host. Reload the window if you see this from it.');
  // A subframe, a navigated-away document (null frame) or a foreign page gets nothing —
  // not even a bridge client: the frame is checked before one is made for it.
  if (!frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url)) throw refused();
  const client = views.clientFor(event.sender);
  if (!client) throw refused();
  return client;
}

/** Registers every request channel and the ack channel; returns their disposer. */
export function registerIpc({ ipcMain, bridge, views, isAppUrl }: IpcOptions): () => void {
  const authorize = (event: IpcEventLike): ViewClient => authorizeSender(event, views, isAppUrl);

  for (const method of REQUEST_NAMES) {
    ipcMain.handle(IPC_CHANNELS.request[method], async (event, params: unknown): Promise<Reply<unknown>> => {
      try {
        return { ok: true, result: await authorize(event).dispatch(method, params) };
      } catch (err) {
        return { ok: false, error: toErrorPayload(err) };
      }
    });
  }

  // Acks have no reply, so a bad one is dropped. The worst a page that stops acking can do is
  // hold its own sessions paused, as a slow terminal would; closing its tab releases them.
  const onAck = (event: IpcEventLike, sessionId: unknown, bytes: unknown) => {
    try {
      const client = authorize(event);
      const ack = clientFrameSchema.safeParse({ kind: 'ack', sessionId, bytes });
      if (ack.success && ack.data.kind === 'ack') bridge.ack(client.id, ack.data.sessionId, ack.data.bytes);
    } catch {
      // refused sender: nothing to answer
    }
  };
  ipcMain.on(IPC_CHANNELS.ack, onAck);

  return () => {
    for (const method of REQUEST_NAMES) ipcMain.removeHandler(IPC_CHANNELS.request[method]);
    ipcMain.removeListener(IPC_CHANNELS.ack, onAck);
  };
}
