/**
 * One WebSocket connection = one client of the bridge (host/frames.ts): its views detach when it
 * closes, which is how a closed browser tab or a dropped connection leaves sessions to expire.
 */
import type { RawData, WebSocket } from 'ws';
import type { PtyBridge } from '../host/bridge';
import { serveFrames } from '../host/frames';

export function serveSocket(bridge: PtyBridge, socket: WebSocket): void {
  const open = () => socket.readyState === socket.OPEN;
  const connection = serveFrames(bridge, {
    send: (text) => {
      if (open()) socket.send(text);
    },
    // One message in fragments: the parts go out as they are, never copied into one frame.
    sendBinary: (parts) => {
      if (!open()) return;
      parts.forEach((part, i) => socket.send(part, { binary: true, fin: i === parts.length - 1 }));
    },
    backlog: () => socket.bufferedAmount,
    drop: () => socket.terminate(),
  });
  socket.on('message', (raw: RawData, isBinary: boolean) => {
    if (isBinary) {
      connection.refuse({ code: 'MALFORMED_MESSAGE', message: 'Only output travels in binary frames, and only from the server. Send JSON text frames.' });
    } else connection.receive(raw.toString());
  });
  socket.on('close', () => connection.close());
  socket.on('error', () => socket.terminate());
}
