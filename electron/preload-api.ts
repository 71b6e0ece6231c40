/**
 * `window.linger` as the preload builds it: exactly the contract's LingerApi over ipcRenderer.
 * Kept apart from preload.ts so it runs under plain Node in tests. Nothing Electron hands us
 * (the ipcRenderer, its event objects) reaches the page: listeners get the payload only.
 */
import {
  IPC_CHANNELS,
  isRequestName,
  type DesktopNotice,
  type ErrorPayload,
  type ExportFormat,
  type HostEvent,
  type LingerApi,
  type MenuCommand,
  type Reply,
} from './contract';

/** The part of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: any[]): Promise<any>;
  send(channel: string, ...args: any[]): void;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

/**
 * What a failed request rejects with. A plain object, not an Error: the context bridge copies
 * an Error as its message alone, and the code is what callers branch on. `name` and
 * `message` keep it readable where it is logged.
 */
export interface RequestFailure extends ErrorPayload {
  name: 'LingerError';
}

const failure = (error: ErrorPayload): RequestFailure => ({ name: 'LingerError', code: error.code, message: error.message });

export function createLingerApi(ipc: IpcRendererLike): Required<LingerApi> {
  const subscribe = <T>(channel: string, listener: (payload: T) => void): (() => void) => {
    const handler = (_event: unknown, payload: T) => listener(payload);
    ipc.on(channel, handler);
    return () => void ipc.removeListener(channel, handler);
  };

  const invoke = async (channel: string, what: string, params: unknown): Promise<any> => {
    let reply: Reply<any>;
    try {
      reply = await ipc.invoke(channel, params);
    } catch (err) {
      // The main side never throws; this is params that cannot be cloned, or no host yet.
      throw failure({
        code: 'INTERNAL',
        message: `${what} did not reach the host (${(err as Error).message}). Send plain data only; if it persists, restart Linger.`,
      });
    }
    if (reply.ok) return reply.result;
    throw failure(reply.error);
  };

  return {
    async request(method, params) {
      if (!isRequestName(method)) {
        throw failure({ code: 'UNKNOWN_METHOD', message: `Unknown request "${String(method)}". Use one of the contract's REQUEST_NAMES.` });
      }
      return invoke(IPC_CHANNELS.request[method], method, params);
    },
    onEvent: (listener: (event: HostEvent) => void) => subscribe(IPC_CHANNELS.event, listener),
    ack(sessionId, bytes) {
      ipc.send(IPC_CHANNELS.ack, sessionId, bytes);
    },
    onMenuCommand: (listener: (command: MenuCommand) => void) => subscribe(IPC_CHANNELS.menu, listener),
    saveExport: (sessionId: string, format: ExportFormat) => invoke(IPC_CHANNELS.saveExport, 'Export', { sessionId, format }),
    showNotification(notice: DesktopNotice) {
      ipc.send(IPC_CHANNELS.notify, notice);
    },
    onNotificationClick: (listener: (sessionId: string) => void) => subscribe(IPC_CHANNELS.notificationClick, listener),
    quitAndDiscard() {
      ipc.send(IPC_CHANNELS.quitAndDiscard);
    },
  };
}
