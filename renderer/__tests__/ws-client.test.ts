import { describe, expect, it } from 'vitest';
import { LingerError, dataFrameHeader, type ClientFrame, type HostEvent, type ServerFrame } from '../../electron/contract';
import { DisconnectedError, WsClient, backoffDelay, socketUrl, type ConnectionInfo, type SocketLike } from '../ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  binaryType = 'blob';
  sent: ClientFrame[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** A binary message as the browser hands it over with binaryType 'arraybuffer'. */
  receiveBinary(frame: Uint8Array) {
    this.onmessage?.({ data: frame.slice().buffer });
  }
  /** Output for a session, as the server sends it: header, then the bytes. */
  receiveOutput(sessionId: string, text: string) {
    const header = dataFrameHeader(sessionId);
    const bytes = new TextEncoder().encode(text);
    const frame = new Uint8Array(header.length + bytes.length);
    frame.set(header);
    frame.set(bytes, header.length);
    this.receiveBinary(frame);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const infos: ConnectionInfo[] = [];
  const client = new WsClient({
    url: 'ws://h/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    random: () => 0.5,
  });
  client.onConnection((info) => infos.push(info));
  client.connect();
  return { client, sockets, timers, infos, socket: () => sockets[sockets.length - 1]! };
}

describe('WsClient requests', () => {
  it('sends a request with an incrementing id and resolves with its reply', async () => {
    const { client, socket } = setup();
    socket().open();
    const first = client.request('stats', {});
    const second = client.request('profiles', {});
    const [a, b] = socket().sent as Array<Extract<ClientFrame, { kind: 'request' }>>;
    expect(a).toMatchObject({ kind: 'request', method: 'stats', params: {} });
    expect(b!.id).toBe(a!.id + 1);
    socket().receive({ kind: 'response', id: b!.id, reply: { ok: true, result: [] } });
    socket().receive({ kind: 'response', id: a!.id, reply: { ok: true, result: { total_sessions: 0 } } });
    await expect(first).resolves.toEqual({ total_sessions: 0 });
    await expect(second).resolves.toEqual([]);
  });

  it('rejects an ok:false reply with an Error carrying the code and message', async () => {
    const { client, socket } = setup();
    socket().open();
    const p = client.request('attach', { sessionId: 'gone' });
    const id = (socket().sent[0] as { id: number }).id;
    socket().receive({ kind: 'response', id, reply: { ok: false, error: { code: 'UNKNOWN_SESSION', message: 'There is no session gone' } } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LingerError);
    expect(err).toMatchObject({ code: 'UNKNOWN_SESSION', message: 'There is no session gone' });
  });

  it('rejects at once while not connected', async () => {
    const { client } = setup();
    await expect(client.request('stats', {})).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('rejects pending requests when the socket drops', async () => {
    const { client, socket } = setup();
    socket().open();
    const p = client.request('stats', {});
    socket().drop();
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('delivers events in order, output from binary frames as bytes, and stops after the disposer', () => {
    const { client, socket } = setup();
    socket().open();
    expect(socket().binaryType).toBe('arraybuffer');
    const seen: HostEvent[] = [];
    const off = client.onEvent((e) => seen.push(e));
    socket().receiveOutput('s', 'a');
    socket().receive({ kind: 'event', event: { type: 'exit', sessionId: 's', exitCode: 0, signal: null } });
    socket().receiveOutput('s', 'é\x1b[0m');
    off();
    socket().receiveOutput('s', 'c');
    const shown = seen.map((e) => (e.type === 'data' ? `${e.sessionId}:${new TextDecoder().decode(e.data)}` : e.type));
    expect(shown).toEqual(['s:a', 'exit', 's:é\x1b[0m']);
  });

  it('ignores a binary frame that is not output', () => {
    const { client, socket } = setup();
    socket().open();
    const seen: HostEvent[] = [];
    client.onEvent((e) => seen.push(e));
    expect(() => socket().receiveBinary(new Uint8Array([40, 1, 2]))).not.toThrow();
    expect(() => socket().receiveBinary(new Uint8Array([]))).not.toThrow();
    expect(seen).toEqual([]);
  });

  it('sends acks as frames, in bytes, and drops them while disconnected', () => {
    const { client, socket } = setup();
    client.ack('s', 10);
    socket().open();
    client.ack('s', 5);
    expect(socket().sent).toEqual([{ kind: 'ack', sessionId: 's', bytes: 5 }]);
  });

  it('ignores frames that are not JSON', () => {
    const { socket } = setup();
    socket().open();
    expect(() => socket().onmessage?.({ data: '{oops' })).not.toThrow();
  });
});

describe('WsClient reconnects', () => {
  it('retries with backoff after a drop and reports the reconnect', () => {
    const { sockets, timers, infos, socket } = setup();
    socket().open();
    expect(infos.at(-1)).toMatchObject({ state: 'open', reconnected: false });
    socket().drop();
    expect(infos.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 250 });
    timers.shift()!.fn();
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(timers[0]!.ms).toBe(500);
    timers.shift()!.fn();
    socket().open();
    expect(infos.at(-1)).toMatchObject({ state: 'open', reconnected: true });
  });

  it('does not reconnect after close()', () => {
    const { client, timers, socket } = setup();
    socket().open();
    client.close();
    expect(timers).toHaveLength(0);
  });

  it('backs off exponentially up to a ceiling, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(250);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, () => 0.5)).toBe(5000);
    expect(backoffDelay(20, () => 0)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(6000);
  });
});

describe('socketUrl', () => {
  it('uses the page host and the /ws path, carrying the token', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8010', search: '?token=a%2Bb&e2e=1' })).toBe('ws://127.0.0.1:8010/ws?token=a%2Bb');
    expect(socketUrl({ protocol: 'https:', host: 'x', search: '' })).toBe('wss://x/ws');
  });
});
