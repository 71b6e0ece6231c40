/**
 * The one `LingerApi` the renderer holds: the preload's `window.linger` under Electron, else a
 * WebSocket client to browser mode on the page's own host.
 */
import { toLingerError, type ExportFormat, type HostEvent, type LingerApi, type RequestName, type RequestParams, type ResponseMap } from '../electron/contract';
import { WsClient, socketUrl, type ConnectionInfo, type RendererApi } from './ws-client';

declare global {
  interface Window {
    linger?: LingerApi;
  }
}

export function createApi(): RendererApi {
  if (window.linger) return fromPreload(window.linger);
  const client = new WsClient({ url: socketUrl(window.location) });
  client.connect();
  return client;
}

/**
 * Electron flattens thrown errors to strings across IPC and contextBridge, so the preload
 * unwraps the `Reply` envelope and rejects with a plain `{code, message}`; make it an Error again.
 */
function fromPreload(linger: LingerApi): RendererApi {
  return {
    async request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<ResponseMap[K]> {
      // The preload has already unwrapped the IPC reply; a failure arrives as {code, message}.
      try {
        return await linger.request(method, params);
      } catch (err) {
        throw toLingerError(err);
      }
    },
    onEvent: (listener: (event: HostEvent) => void) => linger.onEvent(listener),
    ack: (sessionId: string, bytes: number) => linger.ack(sessionId, bytes),
    ...(linger.onMenuCommand ? { onMenuCommand: linger.onMenuCommand.bind(linger) } : {}),
    ...(linger.saveExport
      ? {
          async saveExport(sessionId: string, format: ExportFormat) {
            try {
              return await linger.saveExport!(sessionId, format);
            } catch (err) {
              throw toLingerError(err);
            }
          },
        }
      : {}),
    ...(linger.showNotification ? { showNotification: linger.showNotification.bind(linger) } : {}),
    ...(linger.onNotificationClick ? { onNotificationClick: linger.onNotificationClick.bind(linger) } : {}),
    ...(linger.quitAndDiscard ? { quitAndDiscard: linger.quitAndDiscard.bind(linger) } : {}),
    // IPC has no connection to lose: a renderer that goes away reloads and re-attaches.
    onConnection(listener: (info: ConnectionInfo) => void) {
      listener({ state: 'open', reconnected: false, retryInMs: null });
      return () => undefined;
    },
  };
}

