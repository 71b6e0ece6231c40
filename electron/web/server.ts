/**
 * Browser mode's server: the built renderer, the contract over WebSocket, and the seed's REST
 * API, on 127.0.0.1 only, all behind the token.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { LingerError, MAX_WS_FRAME_BYTES, WS_PATH } from '../contract';
import type { PtyBridge } from '../host/bridge';
import { bearerToken, cookieToken, isOwnHost, isOwnOrigin, tokenCookie, tokensEqual } from './auth';
import { decodeSegment, requestUrl, sendError } from './http';
import { createRestHandler } from './rest';
import { serveSocket } from './socket';

/**
 * A tunnel that drops without a FIN leaves a socket open forever and its sessions attached,
 * so never expiring: a socket that misses a pong for this long is closed, which detaches it.
 */
export const SOCKET_PING_INTERVAL_MS = 30_000;

/** Loopback only: browser mode is for this machine, or for another one through an SSH tunnel. */
export const BIND_ADDRESS = '127.0.0.1';

/** The renderer's policy: only our own scripts, our own socket, nothing framed or embedded. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // CSP3: 'self' covers ws:// to our own host; nothing else may be reached.
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface ServerOptions {
  bridge: PtyBridge;
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Where REST `start` runs when no `repo_root` is given. */
  defaultCwd: string;
}

export interface RunningServer {
  port: number;
  /** The page, with the token: what the user opens. */
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { bridge, token, rendererDir, defaultCwd } = options;
  let port = options.port;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME_BYTES });
  sockets.on('connection', (socket) => serveSocket(bridge, socket));

  const rest = createRestHandler(bridge, defaultCwd);
  const realRendererDir = fs.realpathSync(rendererDir);
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = requestUrl(req);
    } catch (err) {
      return sendError(res, err);
    }
    if (!isOwnHost(req.headers.host, port)) {
      return sendError(res, new LingerError('FORBIDDEN', `Open Linger at http://${BIND_ADDRESS}:${port}/ — other host names are refused.`));
    }
    if (url.pathname.startsWith('/api/')) {
      const given = bearerToken(req) ?? url.searchParams.get('token');
      if (!tokensEqual(given, token)) return sendError(res, unauthorized('Send the token as "Authorization: Bearer TOKEN" or ?token=TOKEN.'));
      return void rest(req, res, url);
    }
    try {
      servePage(req, res, url, token, port, realRendererDir);
    } catch (err) {
      sendError(res, err);
    }
  });

  const alive = new WeakSet<WebSocket>();
  sockets.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const heartbeat = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, SOCKET_PING_INTERVAL_MS);

  // Every connection, so close() can end them all: an upgrade that never completes is no longer
  // the http server's to close, and would keep the process up after SIGTERM.
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Before anything is written: a client that resets while refused must not become an
    // unhandled 'error' (as the ws package does).
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => {
      if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      const url = requestUrl(req);
      if (url.pathname !== WS_PATH) return refuse('404 Not Found');
      if (!isOwnOrigin(req.headers.origin, req.headers.host, port)) return refuse('403 Forbidden');
      if (!tokensEqual(cookieToken(req, port) ?? url.searchParams.get('token'), token)) return refuse('401 Unauthorized');
      sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
    } catch (err) {
      refuse(err instanceof LingerError && err.code === 'MALFORMED_MESSAGE' ? '400 Bad Request' : '500 Internal Server Error');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, BIND_ADDRESS, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  return {
    port,
    url: `http://${BIND_ADDRESS}:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function unauthorized(how: string): LingerError {
  return new LingerError('UNAUTHORIZED', `Missing or wrong token. ${how} The token is printed by "npm run serve".`);
}

/** `rendererDir` is a real path (symlinks resolved): every file served must really be inside it. */
function servePage(req: IncomingMessage, res: ServerResponse, url: URL, token: string, port: number, rendererDir: string): void {
  const given = url.searchParams.get('token');
  if (given !== null) {
    if (!tokensEqual(given, token)) return sendError(res, unauthorized('Open the URL printed by "npm run serve".'));
    // Swap the token for a cookie and drop it from the address bar (and from history).
    url.searchParams.delete('token');
    // A path-relative target: "//host" must not become a redirect to another site.
    const location = `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
    res.writeHead(302, { 'Set-Cookie': tokenCookie(token, port), Location: location, 'Referrer-Policy': 'no-referrer' });
    return void res.end();
  }
  if (!tokensEqual(cookieToken(req, port), token)) return sendError(res, unauthorized('Open the URL printed by "npm run serve".'));
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new LingerError('METHOD_NOT_ALLOWED', 'Pages are read with GET.'));

  const relative = url.pathname === '/' ? 'index.html' : decodeSegment(url.pathname.slice(1));
  const file = realFileWithin(rendererDir, path.resolve(rendererDir, relative));
  if (!file) return sendError(res, new LingerError('NOT_FOUND', `No page ${url.pathname}. Open / instead.`));
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The file's real path if it is a regular file really inside `dir` (a symlink out is not), else null. */
function realFileWithin(dir: string, file: string): string | null {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return null;
  }
  if (!real.startsWith(dir + path.sep)) return null;
  return fs.statSync(real).isFile() ? real : null;
}
