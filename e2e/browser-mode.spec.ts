/**
 * Browser mode itself (issue 3): the page works, the guard refuses strangers, the seed's
 * REST flow works over HTTP, a closed page detaches, and garbage never hurts the server.
 */
import http from 'node:http';
import { expect, test, type APIRequestContext } from '@playwright/test';
import WebSocket from 'ws';
import { MAX_WS_FRAME_BYTES, type ServerFrame, type Stats } from '../electron/contract';
import { mainServer } from './support/env';

const server = mainServer();
const auth = { Authorization: `Bearer ${server.token}` };
const HERMETIC_BASH = { command: 'bash', args: ['--noprofile', '--norc'] };

async function stats(request: APIRequestContext): Promise<Stats> {
  const res = await request.get(`${server.origin}/api/pty/stats`, { headers: auth });
  expect(res.status()).toBe(200);
  return res.json();
}

/** A WebSocket as our page would open it (or as a stranger would, with other headers). */
function openSocket(headers: Record<string, string>, query = ''): Promise<{ ws?: WebSocket; status?: number }> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ws${query}`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({}));
  });
}

test('a tab runs a shell: echo hello shows hello', async ({ page }) => {
  await page.goto(server.pageUrl);
  const terminal = page.getByTestId('terminal');
  await expect(terminal).toBeVisible();
  const sessionId = await terminal.getAttribute('data-session-id');
  expect(sessionId).toBeTruthy();
  await terminal.click();
  await page.keyboard.type('echo hel""lo\n');
  await expect
    .poll(() => page.evaluate((id) => window.__lingerTest!.screen(id!), sessionId))
    .toMatch(/^hello$/m);
});

test('the page, the REST API and the WebSocket refuse a missing or wrong token', async ({ request }) => {
  expect((await request.get(`${server.origin}/`)).status()).toBe(401);
  expect((await request.get(`${server.origin}/?token=wrong`)).status()).toBe(401);
  const noToken = await request.get(`${server.origin}/api/pty/stats`);
  expect(noToken.status()).toBe(401);
  expect((await noToken.json()).error.code).toBe('UNAUTHORIZED');
  expect((await request.get(`${server.origin}/api/pty/stats`, { headers: { Authorization: 'Bearer nope' } })).status()).toBe(401);
  expect((await request.get(`${server.origin}/api/pty/stats?token=${server.token}`)).status()).toBe(200);

  expect((await openSocket({ Origin: server.origin })).status).toBe(401);
  expect((await openSocket({ Origin: server.origin }, '?token=wrong')).status).toBe(401);
});

test('a foreign Origin or Host is refused even with the token', async ({ request }) => {
  expect((await openSocket({ Origin: 'http://evil.example' }, `?token=${server.token}`)).status).toBe(403);
  expect((await openSocket({}, `?token=${server.token}`)).status).toBe(403);
  const rebound = await request.get(`${server.origin}/api/pty/stats`, {
    headers: { ...auth, Host: `evil.example:${new URL(server.origin).port}` },
  });
  expect(rebound.status()).toBe(403);
  const own = await openSocket({ Origin: server.origin }, `?token=${server.token}`);
  expect(own.ws).toBeDefined();
  own.ws!.close();
});

test("the seed's REST flow: start, stats, send, read, stop", async ({ request }) => {
  const started = await request.post(`${server.origin}/api/pty/start`, {
    headers: auth,
    data: { tool: 'shell', ...HERMETIC_BASH },
  });
  expect(started.status()).toBe(200);
  const { session_id } = await started.json();
  expect(session_id).toMatch(/[0-9a-f-]{36}/);

  const before = await stats(request);
  for (const key of ['total_sessions', 'active', 'detached', 'exited', 'stale', 'sessions']) expect(before).toHaveProperty(key);
  const row = before.sessions.find((s) => s.session_id === session_id)!;
  for (const key of ['title', 'command', 'cwd', 'pid', 'state', 'alive', 'attached', 'kept', 'age_seconds', 'idle_seconds', 'expires_in_seconds', 'exit_code']) {
    expect(row).toHaveProperty(key);
  }
  expect(row).toMatchObject({ state: 'detached', alive: true, attached: false });

  const sent = await request.post(`${server.origin}/api/pty/${session_id}/send`, { headers: auth, data: { data: 'echo $((6*7))\r' } });
  expect(sent.status()).toBe(200);
  await expect
    .poll(async () => (await (await request.get(`${server.origin}/api/pty/${session_id}/read?max_chars=4000`, { headers: auth })).json()).output)
    .toMatch(/^42$/m);

  const bad = await request.post(`${server.origin}/api/pty/${session_id}/send`, { headers: auth, data: { data: 42 } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe('INVALID_INPUT');

  expect((await request.post(`${server.origin}/api/pty/${session_id}/stop`, { headers: auth })).status()).toBe(200);
  expect((await stats(request)).sessions.some((s) => s.session_id === session_id)).toBe(false);
  const gone = await request.get(`${server.origin}/api/pty/${session_id}/read`, { headers: auth });
  expect(gone.status()).toBe(404);
  expect((await gone.json()).error.code).toBe('UNKNOWN_SESSION');
});

test('malformed URLs get a 400 and the token redirect never leaves this server', async ({ request }) => {
  const bad = await request.get(`${server.origin}/api/pty/%E0/read`, { headers: auth });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe('MALFORMED_MESSAGE');
  // A raw request (clients normalise paths away): "/.//host" parses to the pathname "//host".
  const { port } = new URL(server.origin);
  const location = await new Promise<string | undefined>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: `/.//evil.example/?token=${server.token}` }, (res) => {
      res.resume();
      resolve(res.statusCode === 302 ? res.headers.location : `status ${res.statusCode}`);
    }).on('error', reject);
  });
  expect(location).toBe('/evil.example/');
});

test('closing the page detaches its sessions; they keep running', async ({ browser, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.pageUrl);
  const sessionId = (await page.getByTestId('terminal').getAttribute('data-session-id'))!;
  await expect.poll(async () => (await stats(request)).sessions.find((s) => s.session_id === sessionId)?.state).toBe('running');
  await context.close();
  await expect.poll(async () => (await stats(request)).sessions.find((s) => s.session_id === sessionId)?.state).toBe('detached');
  const row = (await stats(request)).sessions.find((s) => s.session_id === sessionId)!;
  expect(row.alive).toBe(true);
  await request.post(`${server.origin}/api/pty/${sessionId}/stop`, { headers: auth });
});

test('a barrage of malformed frames gets typed errors and leaves the server healthy', async ({ request }) => {
  const { ws } = await openSocket({ Origin: server.origin }, `?token=${server.token}`);
  expect(ws).toBeDefined();
  const frames: ServerFrame[] = [];
  ws!.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
  const garbage: Array<string | Buffer> = [
    'not json',
    '{"kind":',
    '[]',
    'null',
    '42',
    JSON.stringify({ kind: 'launch-missiles' }),
    JSON.stringify({ kind: 'request', id: -1, method: 'stats', params: {} }),
    JSON.stringify({ kind: 'ack', sessionId: 'nope', bytes: -5 }),
    Buffer.from([0xff, 0x00, 0x13]),
  ];
  for (const frame of garbage) ws!.send(frame);
  const requests: Array<[string, unknown]> = [
    ['rm -rf', {}],
    ['start', { cols: 0, rows: 24 }],
    ['start', { cols: 80.5, rows: 24 }],
    ['start', { cols: 80, rows: 24, profile: 'nope' }],
    ['start', { cols: 80, rows: 24, command: 'definitely-not-a-command' }],
    ['start', { cols: 80, rows: 24, cwd: '/no/such/dir' }],
    ['write', { sessionId: 'nope', data: 'x' }],
    ['write', { sessionId: 'nope', data: 7 }],
    ['resize', { sessionId: 'nope', cols: 10, rows: 2000 }],
    ['attach', {}],
  ];
  requests.forEach(([method, params], i) => ws!.send(JSON.stringify({ kind: 'request', id: i + 1, method, params })));
  await expect.poll(() => frames.filter((f) => f.kind === 'response').length).toBe(requests.length);
  const errors = frames.filter((f) => f.kind === 'error');
  expect(errors.length).toBe(garbage.length);
  for (const f of errors) expect(f.kind === 'error' && f.error.code).toBe('MALFORMED_MESSAGE');
  const codes = frames.flatMap((f) => (f.kind === 'response' && !f.reply.ok ? [f.reply.error.code] : []));
  expect(codes).toEqual([
    'UNKNOWN_METHOD',
    'INVALID_INPUT',
    'INVALID_INPUT',
    'UNKNOWN_PROFILE',
    'COMMAND_NOT_FOUND',
    'CWD_NOT_FOUND',
    'UNKNOWN_SESSION',
    'INVALID_INPUT',
    'INVALID_INPUT',
    'INVALID_INPUT',
  ]);

  // An oversized frame closes that socket (1009, "message too big"; or 1006 when the server's
  // close lands while the client is still sending the frame); the server carries on.
  const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
  ws!.send(Buffer.alloc(MAX_WS_FRAME_BYTES + 1, 0x20).toString());
  expect([1006, 1009]).toContain(await closed);

  const after = await request.get(`${server.origin}/api/pty/stats`, { headers: auth });
  expect(after.status()).toBe(200);
  expect(Array.isArray((await after.json()).sessions)).toBe(true);
  const again = await openSocket({ Origin: server.origin }, `?token=${server.token}`);
  expect(again.ws).toBeDefined();
  again.ws!.close();
});
