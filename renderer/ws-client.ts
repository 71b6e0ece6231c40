/**
 * Browser mode's `LingerApi`: the contract's frames over one WebSocket. Requests carry an
 * incrementing id and settle on the matching response; a dropped socket rejects what is
 * pending and reconnects with backoff, and the owner (the session controller) re-attaches its
 * tabs when told the connection is back.
 */
import {
  PendingRequests,
  WS_PATH,
  decodeDataFrame,
  type ClientFrame,
  type HostEvent,
  type LingerApi,
  type RequestName,
  type RequestParams,
  type ResponseMap,
  type ServerFrame,
} from '../electron/contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionInfo {
  state: ConnectionState;
  /** True on an `open` that follows a drop: views must re-attach. */
  reconnected: boolean;
  /** While reconnecting: when the next attempt starts. */
  retryInMs: number | null;
}

/** Every transport the renderer uses: the contract plus news of the connection. */
export interface RendererApi extends LingerApi {
  onConnection(listener: (info: ConnectionInfo) => void): () => void;
}

/** A request could not be delivered or answered because the connection dropped. */
export class DisconnectedError extends Error {
  readonly code = 'DISCONNECTED';
  constructor(message = 'Lost the connection to Linger; reconnecting. Try again in a moment.') {
    super(message);
    this.name = 'DisconnectedError';
  }
}

/** The part of `WebSocket` used here, so tests drive a fake. */
export interface SocketLike {
  readonly readyState: number;
  /** Set to 'arraybuffer': output arrives in binary frames, as bytes for xterm.js. */
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

const SOCKET_OPEN = 1;

/** First retry soon (a server restart takes ~a second), then back off to spare a dead server. */
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 5000;
/** ±20 %: many windows reconnecting to one restarted server do not arrive in lockstep. */
const BACKOFF_JITTER = 0.2;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * random()));
}

/** `ws(s)://<host>/ws`, carrying the page's `?token=` when it has one. */
export function socketUrl(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${location.host}${WS_PATH}${query}`;
}

export interface WsClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

export class WsClient implements RendererApi {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private everOpened = false;
  private closed = false;
  private retryTimer: unknown = null;
  private readonly pending = new PendingRequests();
  private readonly eventListeners = new Set<(event: HostEvent) => void>();
  private readonly connectionListeners = new Set<(info: ConnectionInfo) => void>();
  private readonly createSocket: (url: string) => SocketLike;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly random: () => number;

  constructor(private readonly options: WsClientOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.random = options.random ?? Math.random;
  }

  connect(): void {
    if (this.closed || this.socket) return;
    this.emit({ state: this.everOpened ? 'reconnecting' : 'connecting', reconnected: false, retryInMs: null });
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.emit({ state: 'open', reconnected, retryInMs: null });
    };
    socket.onmessage = (ev) => this.onMessage(ev.data);
    socket.onclose = () => this.onClose(socket);
    // An error is always followed by close; the close handler does the work.
    socket.onerror = () => undefined;
  }

  request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<ResponseMap[K]> {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return Promise.reject(new DisconnectedError());
    const { frame, reply } = this.pending.open(method, params);
    try {
      socket.send(JSON.stringify(frame));
    } catch (err) {
      this.pending.fail(frame.id, new DisconnectedError(`Could not send ${method}: ${(err as Error).message}`));
    }
    return reply;
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (info: ConnectionInfo) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Acks made while disconnected are dropped: a re-attach starts the count afresh. */
  ack(sessionId: string, bytes: number): void {
    if (bytes <= 0 || !this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    const frame: ClientFrame = { kind: 'ack', sessionId, bytes };
    this.socket.send(JSON.stringify(frame));
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.rejectPending();
  }

  private onMessage(raw: unknown): void {
    if (raw instanceof ArrayBuffer) {
      const event = decodeDataFrame(new Uint8Array(raw));
      if (event) this.emitEvent(event);
      else console.warn('Linger: ignored a binary frame that is not output');
      return;
    }
    if (typeof raw !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(raw) as ServerFrame;
    } catch {
      console.warn('Linger: ignored a frame that is not JSON');
      return;
    }
    if (frame.kind === 'event') {
      this.emitEvent(frame.event);
    } else if (frame.kind === 'response') {
      this.pending.settle(frame);
    } else if (frame.kind === 'error') {
      console.warn(`Linger: the server refused a frame: ${frame.error.code}: ${frame.error.message}`);
    }
  }

  private emitEvent(event: HostEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private onClose(socket: SocketLike): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.rejectPending();
    if (!this.closed) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt++, this.random);
    this.emit({ state: 'reconnecting', reconnected: false, retryInMs: delay });
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private rejectPending(): void {
    this.pending.failAll(new DisconnectedError());
  }

  private emit(info: ConnectionInfo): void {
    for (const listener of this.connectionListeners) listener(info);
  }
}
