/**
 * The seed-compatible REST API, so scripts written for the seed run unchanged:
 *   POST /api/pty/start {tool?, repo_root?, command?, args?, cols?, rows?}
 *   POST /api/pty/:id/send {data}       GET /api/pty/:id/read?max_chars=4000
 *   POST /api/pty/:id/stop              GET /api/pty/stats
 * Every route is a request through the same dispatcher as the WebSocket and IPC, so validation
 * and semantics are the contract's. Reads and sends count as activity, as in the seed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LingerError, MAX_WS_FRAME_BYTES, type ResponseMap } from '../contract';
import type { PtyBridge } from '../host/bridge';
import { createDispatch, type Dispatch } from '../host/dispatch';
import { decodeSegment, readJsonBody, sendError, sendJson } from './http';

/** A script that gives no size gets a roomy terminal: tools like claude wrap to it. */
const DEFAULT_REST_COLS = 120;
const DEFAULT_REST_ROWS = 40;

/**
 * REST never attaches a view, so it needs no event sink: one client id for every REST call,
 * never connected, costs the bridge nothing.
 */
const REST_CLIENT_ID = 'rest';

const startBody = z
  .object({
    tool: z.string().optional(),
    repo_root: z.string().optional(),
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    cols: z.number().optional(),
    rows: z.number().optional(),
  })
  .passthrough();

type Handler = (req: IncomingMessage, url: URL, sessionId: string) => Promise<unknown>;

interface Route {
  pattern: RegExp;
  /** The only method the route answers; any other gets 405 naming it. */
  method: 'GET' | 'POST';
  handle: Handler;
}

export function createRestHandler(
  bridge: PtyBridge,
  defaultCwd: string,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const dispatch: Dispatch = createDispatch(bridge, REST_CLIENT_ID);
  const call = <K extends keyof ResponseMap>(method: K, params: unknown) => dispatch(method, params) as Promise<ResponseMap[K]>;

  const routes: Route[] = [
    { pattern: /^\/api\/pty\/stats$/, method: 'GET', handle: () => call('stats', {}) },
    {
      pattern: /^\/api\/pty\/start$/,
      method: 'POST',
      handle: async (req) => {
        const body = startBody.safeParse(await readJsonBody(req, MAX_WS_FRAME_BYTES));
        if (!body.success) throw new LingerError('INVALID_INPUT', 'The start body must be a JSON object. See the README for its fields.');
        const { tool, repo_root, command, args, cols, rows } = body.data;
        return call('start', {
          ...(tool ? { profile: tool } : {}),
          ...(command ? { command } : {}),
          ...(args ? { args } : {}),
          cwd: repo_root ?? defaultCwd,
          cols: cols ?? DEFAULT_REST_COLS,
          rows: rows ?? DEFAULT_REST_ROWS,
        });
      },
    },
    {
      pattern: /^\/api\/pty\/([^/]+)\/send$/,
      method: 'POST',
      handle: async (req, _url, sessionId) => {
        const body = (await readJsonBody(req, MAX_WS_FRAME_BYTES)) as Record<string, unknown> | null;
        const data = body?.data;
        await call('write', { sessionId, data });
        return { ok: true, session_id: sessionId, chars: typeof data === 'string' ? data.length : 0 };
      },
    },
    {
      pattern: /^\/api\/pty\/([^/]+)\/read$/,
      method: 'GET',
      handle: async (_req, url, sessionId) => {
        const raw = url.searchParams.get('max_chars');
        const { text } = await call('read', { sessionId, ...(raw === null ? {} : { maxChars: Number(raw) }) });
        return { session_id: sessionId, output: text };
      },
    },
    {
      pattern: /^\/api\/pty\/([^/]+)\/stop$/,
      method: 'POST',
      handle: async (_req, _url, sessionId) => {
        await call('stop', { sessionId });
        return { ok: true, session_id: sessionId };
      },
    },
  ];

  return async (req, res, url) => {
    try {
      const method = req.method ?? 'GET';
      for (const route of routes) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        if (method !== route.method) {
          res.setHeader('Allow', route.method);
          throw new LingerError('METHOD_NOT_ALLOWED', `${url.pathname} takes ${route.method}, not ${method}. Send it as ${route.method}.`);
        }
        return sendJson(res, 200, await route.handle(req, url, match[1] ? decodeSegment(match[1]) : ''));
      }
      throw new LingerError('NOT_FOUND', `No API route ${method} ${url.pathname}. See the README for the REST API.`);
    } catch (err) {
      sendError(res, err);
    }
  };
}
