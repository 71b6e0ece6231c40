/**
 * The CLI's connection to the running app: the contract's frames over its local socket, one
 * JSON text a line. Requests carry an id and settle on the matching response; events go to
 * listeners in the order they arrived.
 */
import net from 'node:net';
import {
  LingerError,
  MAX_WS_FRAME_BYTES,
  PendingRequests,
  toLingerError,
  type ClientFrame,
  type HostEvent,
  type RequestName,
  type RequestParams,
  type ResponseMap,
  type ServerFrame,
} from '../contract';
import { LineSplitter } from '../local/lines';
import { checkSocketDir } from '../local/socket-path';

/**
 * Frames from the app can be larger than ours to it: an export is a 16 MiB recording escaped
 * once more inside the frame's JSON. This bounds a confused peer, not a normal reply.
 */
const MAX_SERVER_FRAME_BYTES = 4 * MAX_WS_FRAME_BYTES;

/** No app is listening: the message names the socket and how to start one. */
export class NoAppError extends Error {
  override name = 'NoAppError';
}

export function noAppMessage(socket: string, reason: string): string {
  return `Linger is not running: ${reason} ${socket}. Start it with "npm start" (desktop) or "npm run serve" (browser mode) in the Linger folder, or set LINGER_SOCKET to the socket it listens on.`;
}

export class LocalClient {
  private readonly pending = new PendingRequests();
  private readonly eventListeners = new Set<(event: HostEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    const lines = new LineSplitter(MAX_SERVER_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      let received: string[];
      try {
        received = lines.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      for (const line of received) this.onFrame(line);
    });
    socket.on('close', () => this.handleClose());
    socket.on('error', () => undefined);
  }

  /** Connects to the app; rejects with NoAppError when none listens there. */
  static async connect(path: string): Promise<LocalClient> {
    // A socket in a folder someone else controls could be anyone's: refuse before connecting.
    if (!checkSocketDir(path, false)) throw new NoAppError(noAppMessage(path, 'there is no socket at'));
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new LocalClient(socket));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') reject(new NoAppError(noAppMessage(path, 'there is no socket at')));
        else if (err.code === 'ECONNREFUSED') reject(new NoAppError(noAppMessage(path, 'nothing listens on')));
        else reject(new NoAppError(noAppMessage(path, `cannot connect (${err.code ?? err.message}) to`)));
      });
    });
  }

  request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<ResponseMap[K]> {
    if (this.closed) return Promise.reject(new LingerError('INTERNAL', 'The connection to Linger is closed. Run the command again.'));
    const { frame, reply } = this.pending.open(method, params);
    this.send(frame);
    return reply;
  }

  /** Flow control: `bytes` of `data` for the session have been written out. */
  ack(sessionId: string, bytes: number): void {
    if (bytes > 0 && !this.closed) this.send({ kind: 'ack', sessionId, bytes });
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** The app went away (quit, crashed) or `close()` was called. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.end();
  }

  private send(frame: ClientFrame): void {
    this.socket.write(`${JSON.stringify(frame)}\n`);
  }

  private onFrame(line: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(line) as ServerFrame;
    } catch {
      return;
    }
    if (frame.kind === 'event') {
      this.emit(frame.event);
    } else if (frame.kind === 'data') {
      this.emit({ type: 'data', sessionId: frame.sessionId, data: Buffer.from(frame.base64, 'base64') });
    } else if (frame.kind === 'response') {
      this.pending.settle(frame);
    } else if (frame.kind === 'error') {
      // Only a frame we got wrong earns one; say so rather than hang.
      this.pending.failAll(toLingerError(frame.error));
    }
  }

  private emit(event: HostEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.failAll(new LingerError('INTERNAL', 'Linger closed the connection (it quit?). Start it again and retry.'));
    for (const listener of this.closeListeners) listener();
  }
}
