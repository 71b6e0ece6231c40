/**
 * The CLI's way in: a Unix socket (a named pipe on Windows) that the running app — desktop or
 * browser mode — listens on. Each connection is one bridge client speaking the contract's frames
 * (host/frames.ts), one JSON text a line; closing it (the terminal closed, the CLI killed)
 * detaches its views. Filesystem permissions are the authentication: a private folder
 * (socket-path.ts) and a 0600 socket. Plain Node: no Electron here.
 */
import fs from 'node:fs';
import net from 'node:net';
import { MAX_WS_FRAME_BYTES } from '../contract';
import type { PtyBridge } from '../host/bridge';
import { serveFrames } from '../host/frames';
import { LineSplitter } from './lines';
import { checkSocketDir, isPipePath, socketPath, type SocketEnv } from './socket-path';

/** Owner read/write: connecting to a Unix socket needs write permission on it. */
const SOCKET_MODE = 0o600;

export interface LocalListener {
  readonly path: string;
  /** Stops listening, drops every connection (their views detach); the socket file goes with it. */
  close(): Promise<void>;
}

export interface LocalListenerOptions extends SocketEnv {
  bridge: PtyBridge;
  /** Why there is no socket, when there is none: the app runs on without it. */
  log: (message: string) => void;
}

/**
 * Listens on the socket for this user (or LINGER_SOCKET). A stale socket file (nobody listening)
 * is replaced; a live one belongs to another running Linger and is left alone. Never throws: an
 * app that cannot listen still works, and says why `linger` cannot reach it.
 */
export async function startLocalListener(options: LocalListenerOptions): Promise<LocalListener | null> {
  const socket = socketPath(options);
  try {
    checkSocketDir(socket, true);
    if (!isPipePath(socket)) await removeStaleSocket(socket);
    return await listen(options.bridge, socket);
  } catch (err) {
    options.log(`Linger: the command line (linger) cannot reach this app: ${(err as Error).message}`);
    return null;
  }
}

function inUse(socket: string): Error {
  return new Error(
    `another Linger is already listening on ${socket}. To run both, start this one with LINGER_SOCKET set to another path (in a private folder).`,
  );
}

async function removeStaleSocket(socket: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socket);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stat.isSocket()) throw new Error(`${socket} exists and is not a socket. Remove it, or set LINGER_SOCKET to another path.`);
  if (await isListening(socket)) throw inUse(socket);
  fs.rmSync(socket, { force: true });
}

/** Whether something accepts connections on the socket (a refused connect means a stale file). */
function isListening(socket: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(false);
      else reject(err);
    });
  });
}

async function listen(bridge: PtyBridge, socket: string): Promise<LocalListener> {
  const connections = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    connections.add(conn);
    conn.once('close', () => connections.delete(conn));
    serveConnection(bridge, conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? inUse(socket) : err));
    server.listen(socket, () => resolve());
  });
  // bind() made it with the umask's mode; the 0700 folder keeps everyone else out until this runs.
  if (!isPipePath(socket)) fs.chmodSync(socket, SOCKET_MODE);
  return {
    path: socket,
    close: () =>
      new Promise<void>((resolve) => {
        for (const conn of connections) conn.destroy();
        // Closing the server also removes the socket file (libuv unlinks what it bound).
        server.close(() => resolve());
      }),
  };
}

function serveConnection(bridge: PtyBridge, conn: net.Socket): void {
  const lines = new LineSplitter(MAX_WS_FRAME_BYTES);
  const connection = serveFrames(bridge, {
    send: (text) => {
      if (conn.writable) conn.write(`${text}\n`);
    },
    backlog: () => conn.writableLength,
    drop: () => conn.destroy(),
  });
  let broken = false;
  conn.on('data', (chunk: Buffer) => {
    if (broken) return;
    let received: string[];
    try {
      received = lines.push(chunk);
    } catch {
      broken = true;
      connection.refuse({
        code: 'MESSAGE_TOO_LARGE',
        message: `A frame is larger than ${MAX_WS_FRAME_BYTES} bytes; the connection is closed. Send smaller writes.`,
      });
      conn.end();
      return;
    }
    for (const line of received) if (line.trim()) connection.receive(line);
  });
  conn.on('close', () => connection.close());
  conn.on('error', () => conn.destroy());
}
