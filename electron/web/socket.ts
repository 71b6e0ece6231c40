/**
 * One WebSocket connection = one client of the bridge (host/frames.ts): its views detach when it
 * closes, which is how a closed browser tab or a dropped connection leaves sessions to expire.
 */
import type { RawData, WebSocket } from 'ws';
import type { PtyBridge } from '../host/bridge';
import { serveFrames } from '../host/frames';

export function serveSocket(bridge: PtyBridge, socket: WebSocket): void {
  const connection = serveFrames(bridge, {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    backlog: () => socket.bufferedAmount,
    drop: () => socket.terminate(),
  });
  socket.on('message', (raw: RawData, isBinary: boolean) => {
    if (isBinary) {
      connection.refuse({ code: 'MALFORMED_MESSAGE', message: 'Binary frames are not part of the protocol. Send JSON text frames.' });
    } else connection.receive(raw.toString());
  });
  socket.on('close', () => connection.close());
  socket.on('error', () => socket.terminate());
}
