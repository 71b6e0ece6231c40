/**
 * Browser mode's server under hostile and unlucky clients (issue 9, items 5, 6, 7 and 11; static
 * files; REST through the dispatcher), in-process against a real host.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { decodeDataFrame, type ServerFrame } from '../../contract';
import { HERMETIC_BASH, createHarness, tempDir, waitFor, type Harness } from '../../host/__tests__/harness';
import { tokenCookieName } from '../auth';
import { startServer, type RunningServer } from '../server';

const TOKEN = 'test-token';
let h: Harness;
let server: RunningServer;
let rendererDir: string;
/** Whatever reached the process as an uncaught exception: a server fault a client can cause. */
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeEach(async () => {
  h = createHarness();
  rendererDir = tempDir('linger-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Linger</title>');
  server = await startServer({ bridge: h.bridge, token: TOKEN, port: 0, rendererDir, defaultCwd: h.home });
  uncaught.length = 0;
  process.on('uncaughtException', onUncaught);
});

afterEach(async () => {
  process.off('uncaughtException', onUncaught);
  await server?.close();
  await h?.close();
});

const origin = () => `http://127.0.0.1:${server.port}`;

/** One raw HTTP/1.1 exchange; resolves with what came back before the server closed (or the wait ended). */
function raw(request: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => (socket.destroy(), resolve(text)), waitMs);
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve(text)));
  });
}

function upgradeRequest(headers: Record<string, string>, target = '/ws'): string {
  const lines = [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${server.port}`,
    `Origin: ${origin()}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

describe('a malformed cookie', () => {
  test('gets 401 on the page and on the WebSocket, never a 500 or a hang', async () => {
    const cookie = `${tokenCookieName(server.port)}=%E0%A4%A`;
    const page = await fetch(`${origin()}/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(401);
    const reply = await raw(upgradeRequest({ Cookie: cookie }));
    expect(reply).toMatch(/^HTTP\/1\.1 401 /);
    expect(uncaught).toEqual([]);
  });
});

describe('refused upgrades', () => {
  test('a client that resets while being refused is not an unexpected error', async () => {
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => {
          socket.write(upgradeRequest({}, '/ws?token=wrong'));
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => undefined);
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(uncaught).toEqual([]);
    expect((await fetch(`${origin()}/api/pty/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  test('close() ends every connection: an open WebSocket, a half-sent request, a refused upgrade left open', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { headers: { Origin: origin() } });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const half = net.connect(server.port, '127.0.0.1', () => half.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    half.on('error', () => undefined);
    const refused = net.connect(server.port, '127.0.0.1', () => refused.write(upgradeRequest({ Cookie: `${tokenCookieName(server.port)}=%E0` })));
    refused.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close().then(() => 'closed');
    const late = new Promise((r) => setTimeout(() => r('still open after 3 s'), 3000));
    expect(await Promise.race([closed, late])).toBe('closed');
  });
});

describe('output on the WebSocket', () => {
  test('travels in binary frames that decode to the bytes the program wrote; replies and events stay JSON', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { headers: { Origin: origin() } });
    const json: ServerFrame[] = [];
    const output: Buffer[] = [];
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      if (!isBinary) return void json.push(JSON.parse(raw.toString()) as ServerFrame);
      const event = decodeDataFrame(new Uint8Array(raw));
      if (event) output.push(Buffer.from(event.data));
    });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'attach', params: { sessionId: id } }));
    await waitFor('attached', () => json.some((f) => f.kind === 'response' && f.id === 1));
    expect(json.some((f) => f.kind === 'event' && f.event.type === 'snapshot')).toBe(true);
    // The shell prints an escape sequence and multi-byte characters, computed so the echo of the command differs.
    ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'write', params: { sessionId: id, data: "printf '\\033[1mgr%sße 漢\\n' $((40+2))\r" } }));
    await waitFor('the output', () => Buffer.concat(output).toString('utf8').includes('\x1b[1mgr42ße 漢\r\n'));
    expect(json.some((f) => (f as { kind: string }).kind === 'data')).toBe(false);
    ws.close();
  });
});

describe('the token cookie', () => {
  test("is named for the server's port, so two servers on one host keep their own", async () => {
    const other = await startServer({ bridge: h.bridge, token: 'other-token', port: 0, rendererDir, defaultCwd: h.home });
    try {
      const cookieOf = async (port: number, token: string) => {
        const res = await fetch(`http://127.0.0.1:${port}/?token=${token}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      };
      const mine = await cookieOf(server.port, TOKEN);
      const theirs = await cookieOf(other.port, 'other-token');
      expect(mine.split('=')[0]).not.toBe(theirs.split('=')[0]);
      // A browser sends both cookies to both servers (cookies ignore ports): each takes its own.
      const both = `${mine}; ${theirs}`;
      expect((await fetch(`${origin()}/`, { headers: { Cookie: both } })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${other.port}/`, { headers: { Cookie: both } })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('static files', () => {
  test('a symlink inside the renderer folder that points outside it is not served', async () => {
    fs.symlinkSync('/etc/hostname', path.join(rendererDir, 'escape.txt'));
    const cookie = `${tokenCookieName(server.port)}=${TOKEN}`;
    expect((await fetch(`${origin()}/escape.txt`, { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await fetch(`${origin()}/index.html`, { headers: { Cookie: cookie } })).status).toBe(200);
  });
});

describe('REST', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` };

  test.each([
    ['GET', '/api/pty/start', 'POST'],
    ['POST', '/api/pty/stats', 'GET'],
    ['DELETE', '/api/pty/abc/stop', 'POST'],
    ['POST', '/api/pty/abc/read', 'GET'],
    ['GET', '/api/pty/abc/send', 'POST'],
  ])('%s %s is 405 METHOD_NOT_ALLOWED with Allow: %s', async (method, route, allow) => {
    const res = await fetch(`${origin()}${route}`, { method, headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect((await res.json()).error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining(`Send it as ${allow}`) });
  });

  test('requests go through the dispatcher: the same validation and errors as the WebSocket', async () => {
    const start = await fetch(`${origin()}/api/pty/start`, { method: 'POST', headers: auth, body: JSON.stringify({ ...HERMETIC_BASH, cols: 0 }) });
    expect(start.status).toBe(400);
    expect((await start.json()).error.message).toMatch(/^Invalid start request \(cols:/);
    const unknown = await fetch(`${origin()}/api/pty/nope/send`, { method: 'POST', headers: auth, body: JSON.stringify({ data: 'x' }) });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('UNKNOWN_SESSION');
    const noData = await fetch(`${origin()}/api/pty/nope/send`, { method: 'POST', headers: auth, body: '{}' });
    expect((await noData.json()).error.code).toBe('INVALID_INPUT');
  });
});
