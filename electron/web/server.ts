/**
 * Browser mode's server: the built renderer, the contract over WebSocket, and the seed's REST
 * API, on 127.0.0.1 only, all behind the token.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { LingerError, MAX_WS_FRAME_BYTES, WS_PATH } from '../contract';
import type { PtyBridge } from '../host/bridge';
import { bearerToken, cookieToken, isOwnHost, isOwnOrigin, tokenCookie, tokensEqual } from './auth';
import { sendError } from './http';
import { handleRest } from './rest';
import { serveSocket } from './socket';

/** Loopback only: browser mode is for this machine, or for another one through an SSH tunnel. */
export const BIND_ADDRESS = '127.0.0.1';

/** The renderer's policy: only our own scripts, our own socket, nothing framed or embedded. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws: wss:",
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

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!isOwnHost(req.headers.host, port)) {
      return sendError(res, new LingerError('FORBIDDEN', `Open Linger at http://${BIND_ADDRESS}:${port}/ — other host names are refused.`));
    }
    if (url.pathname.startsWith('/api/')) {
      const given = bearerToken(req) ?? url.searchParams.get('token');
      if (!tokensEqual(given, token)) return sendError(res, unauthorized('Send the token as "Authorization: Bearer TOKEN" or ?token=TOKEN.'));
      return void handleRest(bridge, req, res, url, defaultCwd);
    }
    servePage(req, res, url, token, rendererDir);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== WS_PATH) return refuse('404 Not Found');
    if (!isOwnOrigin(req.headers.origin, req.headers.host, port)) return refuse('403 Forbidden');
    if (!tokensEqual(cookieToken(req) ?? url.searchParams.get('token'), token)) return refuse('401 Unauthorized');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
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
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function unauthorized(how: string): LingerError {
  return new LingerError('UNAUTHORIZED', `Missing or wrong token. ${how} The token is printed by "npm run serve".`);
}

function servePage(req: IncomingMessage, res: ServerResponse, url: URL, token: string, rendererDir: string): void {
  const given = url.searchParams.get('token');
  if (given !== null) {
    if (!tokensEqual(given, token)) return sendError(res, unauthorized('Open the URL printed by "npm run serve".'));
    // Swap the token for a cookie and drop it from the address bar (and from history).
    url.searchParams.delete('token');
    res.writeHead(302, { 'Set-Cookie': tokenCookie(token), Location: url.pathname + url.search, 'Referrer-Policy': 'no-referrer' });
    return void res.end();
  }
  if (!tokensEqual(cookieToken(req), token)) return sendError(res, unauthorized('Open the URL printed by "npm run serve".'));
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new LingerError('UNKNOWN_METHOD', 'Pages are read with GET.'));

  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  const file = path.resolve(rendererDir, relative);
  if (!file.startsWith(path.resolve(rendererDir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return sendError(res, new LingerError('UNKNOWN_METHOD', `No page ${url.pathname}. Open / instead.`));
  }
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
