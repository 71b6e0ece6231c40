/**
 * The one `LingerApi` the renderer holds: the preload's `window.linger` under Electron, else a
 * WebSocket client to browser mode on the page's own host.
 */
import type { HostEvent, LingerApi, Reply, RequestName, RequestParams, ResponseMap } from '../electron/contract';
import { WsClient, socketUrl, toError, type ConnectionInfo, type RendererApi } from './ws-client';

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
 * Electron flattens thrown errors to strings across IPC and contextBridge, so a typed error
 * travels as a `Reply` envelope. Accept the preload handing over either the envelope or the
 * bare result: no result type in `ResponseMap` has an `ok` field, so the two cannot be confused.
 */
function fromPreload(linger: LingerApi): RendererApi {
  return {
    async request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<ResponseMap[K]> {
      let value: unknown;
      try {
        value = await linger.request(method, params);
      } catch (err) {
        throw toError(err);
      }
      if (isReply(value)) {
        if (value.ok) return value.result as ResponseMap[K];
        throw toError(value.error);
      }
      return value as ResponseMap[K];
    },
    onEvent: (listener: (event: HostEvent) => void) => linger.onEvent(listener),
    ack: (sessionId: string, chars: number) => linger.ack(sessionId, chars),
    ...(linger.onMenuCommand ? { onMenuCommand: linger.onMenuCommand.bind(linger) } : {}),
    // IPC has no connection to lose: a renderer that goes away reloads and re-attaches.
    onConnection(listener: (info: ConnectionInfo) => void) {
      listener({ state: 'open', reconnected: false, retryInMs: null });
      return () => undefined;
    },
  };
}

function isReply(value: unknown): value is Reply<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.ok === true && 'result' in v) || (v.ok === false && 'error' in v);
}
