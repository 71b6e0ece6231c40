/**
 * One WebSocket connection = one client of the bridge: its views detach when it closes, which
 * is how a closed browser tab or a dropped connection leaves sessions to expire. Every frame
 * is validated; a bad one gets a typed error reply, never a crash.
 */
import type { RawData, WebSocket } from 'ws';
import {
  LingerError,
  clientFrameSchema,
  toErrorPayload,
  type HostEvent,
  type ServerFrame,
} from '../contract';
import type { PtyBridge } from '../host/bridge';
import { createDispatch } from '../host/dispatch';

/**
 * The bridge hands the same event object to every client (the once-a-second stats push goes to
 * all of them), so each event is serialized once, however many sockets it goes to.
 */
const serializedEvents = new WeakMap<HostEvent, string>();

function eventFrame(event: HostEvent): string {
  let text = serializedEvents.get(event);
  if (text === undefined) {
    text = JSON.stringify({ kind: 'event', event } satisfies ServerFrame);
    serializedEvents.set(event, text);
  }
  return text;
}

export function serveSocket(bridge: PtyBridge, socket: WebSocket): void {
  const sendText = (text: string) => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const send = (frame: ServerFrame) => sendText(JSON.stringify(frame));
  const client = bridge.connect((event: HostEvent) => sendText(eventFrame(event)));
  const dispatch = createDispatch(bridge, client.id);

  socket.on('message', (raw: RawData, isBinary: boolean) => {
    let frame;
    try {
      if (isBinary) throw new LingerError('MALFORMED_MESSAGE', 'Binary frames are not part of the protocol. Send JSON text frames.');
      const parsed = clientFrameSchema.safeParse(JSON.parse(raw.toString()));
      if (!parsed.success) {
        throw new LingerError('MALFORMED_MESSAGE', 'Unknown frame: send {kind:"request", id, method, params} or {kind:"ack", sessionId, chars}.');
      }
      frame = parsed.data;
    } catch (err) {
      const error =
        err instanceof SyntaxError
          ? { code: 'MALFORMED_MESSAGE' as const, message: 'That frame is not valid JSON. Send one JSON object per frame.' }
          : toErrorPayload(err);
      send({ kind: 'error', error });
      return;
    }
    if (frame.kind === 'ack') {
      bridge.ack(client.id, frame.sessionId, frame.chars);
      return;
    }
    const { id, method, params } = frame;
    dispatch(method, params).then(
      (result) => send({ kind: 'response', id, reply: { ok: true, result } }),
      (err: unknown) => send({ kind: 'response', id, reply: { ok: false, error: toErrorPayload(err) } }),
    );
  });
  socket.on('close', () => client.dispose());
  socket.on('error', () => socket.terminate());
}
