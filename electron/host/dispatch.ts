/**
 * One client's requests, validated and routed to the bridge. Both transports (Electron IPC and
 * browser mode's WebSocket) call this and nothing else, so validation and semantics are
 * identical however a request arrives.
 */
import { LingerError, isRequestName, parseParams, type RequestName, type ResponseMap } from '../contract';
import type { PtyBridge } from './bridge';

export type Dispatch = (method: unknown, params: unknown) => Promise<ResponseMap[RequestName]>;

export function createDispatch(bridge: PtyBridge, clientId: string): Dispatch {
  const handlers: { [K in RequestName]: (params: unknown) => Promise<ResponseMap[K]> | ResponseMap[K] } = {
    start: (p) => bridge.start(parseParams('start', p)),
    attach: async (p) => ({ session: await bridge.attach(clientId, parseParams('attach', p).sessionId) }),
    detach: (p) => (bridge.detach(clientId, parseParams('detach', p).sessionId), null),
    visibility: (p) => {
      const { sessionId, visible } = parseParams('visibility', p);
      bridge.setVisible(clientId, sessionId, visible);
      return null;
    },
    write: (p) => {
      const { sessionId, data } = parseParams('write', p);
      bridge.write(sessionId, data);
      return null;
    },
    resize: (p) => {
      const { sessionId, cols, rows } = parseParams('resize', p);
      bridge.resize(sessionId, cols, rows);
      return null;
    },
    stop: async (p) => (await bridge.stop(parseParams('stop', p).sessionId), null),
    keep: (p) => {
      const { sessionId, kept } = parseParams('keep', p);
      return bridge.keep(sessionId, kept);
    },
    notify: (p) => {
      const { sessionId, enabled } = parseParams('notify', p);
      return bridge.setNotify(sessionId, enabled);
    },
    read: async (p) => {
      const { sessionId, maxChars } = parseParams('read', p);
      return { text: await bridge.read(sessionId, maxChars) };
    },
    stats: (p) => (parseParams('stats', p), bridge.stats()),
    profiles: (p) => (parseParams('profiles', p), bridge.profileList()),
    events: (p) => bridge.events(parseParams('events', p).limit),
    record: (p) => {
      const { sessionId, on } = parseParams('record', p);
      return bridge.record(sessionId, on);
    },
    export: (p) => {
      const { sessionId, format } = parseParams('export', p);
      return bridge.export(sessionId, format);
    },
    rerun: (p) => bridge.rerun(parseParams('rerun', p).sessionId),
    saveLayout: (p) => (bridge.saveLayout(parseParams('saveLayout', p)), null),
    restored: (p) => (parseParams('restored', p), bridge.restoreInfo()),
    discard: async (p) => (parseParams('discard', p), await bridge.discard(), null),
  };
  return async (method, params) => {
    if (!isRequestName(method)) {
      throw new LingerError('UNKNOWN_METHOD', `Unknown request "${String(method)}". Use one of: ${Object.keys(handlers).join(', ')}.`);
    }
    return handlers[method](params);
  };
}
