/**
 * One connection of a frame transport (browser mode's WebSocket, the CLI's local socket) as a
 * client of the bridge: JSON text frames in, validated with the contract's `clientFrameSchema`,
 * requests through `createDispatch`, events and replies out — output as binary frames where the
 * transport carries them, else as base64 `DataFrame`s. Closing it detaches its views — a closed
 * browser tab, a dropped connection or a closed terminal leaves its sessions to expire.
 * A bad frame gets a typed error reply, never a crash.
 */
import {
  MAX_WS_FRAME_BYTES,
  clientFrameSchema,
  dataFrameHeader,
  toErrorPayload,
  type ErrorPayload,
  type HostEvent,
  type ServerFrame,
} from '../contract';
import type { PtyBridge } from './bridge';
import { createDispatch } from './dispatch';

/**
 * The bridge and a session hand the same event object to every client (the once-a-second stats
 * push goes to all of them; output to every view of a session), so each event is encoded once
 * per kind of transport, however many connections it goes to.
 */
const binaryHeaders = new WeakMap<HostEvent, Uint8Array>();
const textFrames = new WeakMap<HostEvent, string>();

function binaryFrame(event: Extract<HostEvent, { type: 'data' }>): [Uint8Array, Uint8Array] {
  let header = binaryHeaders.get(event);
  if (header === undefined) binaryHeaders.set(event, (header = dataFrameHeader(event.sessionId)));
  return [header, event.data];
}

function textFrame(event: HostEvent): string {
  let text = textFrames.get(event);
  if (text === undefined) {
    const frame: ServerFrame =
      event.type === 'data'
        ? { kind: 'data', sessionId: event.sessionId, base64: Buffer.from(event.data.buffer, event.data.byteOffset, event.data.length).toString('base64') }
        : { kind: 'event', event };
    textFrames.set(event, (text = JSON.stringify(frame)));
  }
  return text;
}

export interface FrameConnection {
  /** One frame's text, as it arrived. */
  receive(text: string): void;
  /** A frame the transport itself refused (binary, too large): answered with a typed error. */
  refuse(error: ErrorPayload): void;
  /** The connection is gone: its views detach. */
  close(): void;
}

/**
 * A client that stops reading (a `linger logs -f` suspended with Ctrl+Z, a frozen tab) must not
 * make the host queue for it without end. Output is bounded by flow control (256 K unacked
 * bytes per view), but stats pushes (every second) and ledger events are not: once this
 * much is waiting to be sent, stats pushes are skipped — the next one says everything — and
 * past the hard cap (two of the largest frames, so one big export reply still fits) the
 * connection is dropped, which detaches its views like any dropped connection.
 */
export const STATS_SKIP_BACKLOG_BYTES = 1024 * 1024;
export const MAX_BACKLOG_BYTES = 2 * MAX_WS_FRAME_BYTES;

/** What a frame connection needs of its transport. */
export interface FrameTransport {
  /** One outgoing frame's JSON text (no newline; the transport delimits it). */
  send(text: string): void;
  /**
   * One binary message given in parts (header, output), where the transport has them (the
   * WebSocket): output goes as these, else as JSON `DataFrame`s.
   */
  sendBinary?(parts: Uint8Array[]): void;
  /** Bytes given to `send` that the peer has not taken yet. */
  backlog(): number;
  /** Closes the connection at once; its close event follows. */
  drop(): void;
}

export function serveFrames(bridge: PtyBridge, transport: FrameTransport): FrameConnection {
  const send = (frame: string | Uint8Array[]) => {
    if (transport.backlog() > MAX_BACKLOG_BYTES) transport.drop();
    else if (typeof frame === 'string') transport.send(frame);
    else transport.sendBinary?.(frame);
  };
  const reply = (frame: ServerFrame) => send(JSON.stringify(frame));
  const client = bridge.connect((event: HostEvent) => {
    if (event.type === 'sessions' && transport.backlog() > STATS_SKIP_BACKLOG_BYTES) return;
    send(event.type === 'data' && transport.sendBinary ? binaryFrame(event) : textFrame(event));
  });
  const dispatch = createDispatch(bridge, client.id);
  const refuse = (error: ErrorPayload) => reply({ kind: 'error', error });

  return {
    receive(text) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return refuse({ code: 'MALFORMED_MESSAGE', message: 'That frame is not valid JSON. Send one JSON object per frame.' });
      }
      const parsed = clientFrameSchema.safeParse(json);
      if (!parsed.success) {
        return refuse({
          code: 'MALFORMED_MESSAGE',
          message: 'Unknown frame: send {kind:"request", id, method, params} or {kind:"ack", sessionId, bytes}.',
        });
      }
      const frame = parsed.data;
      if (frame.kind === 'ack') return bridge.ack(client.id, frame.sessionId, frame.bytes);
      const { id, method, params } = frame;
      dispatch(method, params).then(
        (result) => reply({ kind: 'response', id, reply: { ok: true, result } }),
        (err: unknown) => reply({ kind: 'response', id, reply: { ok: false, error: toErrorPayload(err) } }),
      );
    },
    refuse,
    close: () => client.dispose(),
  };
}
