/**
 * The seed-compatible REST API, so scripts written for the seed run unchanged:
 *   POST /api/pty/start {tool?, repo_root?, command?, args?, cols?, rows?}
 *   POST /api/pty/:id/send {data}       GET /api/pty/:id/read?max_chars=4000
 *   POST /api/pty/:id/stop              GET /api/pty/stats
 * Reads and sends count as activity, as in the seed. Validation is the contract's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LingerError, MAX_WS_FRAME_BYTES, parseParams } from '../contract';
import type { PtyBridge } from '../host/bridge';
import { decodeSegment, readJsonBody, sendError, sendJson } from './http';

/** A script that gives no size gets a roomy terminal: tools like claude wrap to it. */
const DEFAULT_REST_COLS = 120;
const DEFAULT_REST_ROWS = 40;

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

const ROUTE = /^\/api\/pty\/([^/]+)\/(send|read|stop)$/;

export async function handleRest(
  bridge: PtyBridge,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  defaultCwd: string,
): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/pty/stats' && method === 'GET') return sendJson(res, 200, bridge.stats());
    if (url.pathname === '/api/pty/start' && method === 'POST') {
      const body = startBody.safeParse(await readJsonBody(req, MAX_WS_FRAME_BYTES));
      if (!body.success) throw new LingerError('INVALID_INPUT', 'The start body must be a JSON object. See the README for its fields.');
      const { tool, repo_root, command, args, cols, rows } = body.data;
      const params = parseParams('start', {
        ...(tool ? { profile: tool } : {}),
        ...(command ? { command } : {}),
        ...(args ? { args } : {}),
        cwd: repo_root ?? defaultCwd,
        cols: cols ?? DEFAULT_REST_COLS,
        rows: rows ?? DEFAULT_REST_ROWS,
      });
      return sendJson(res, 200, bridge.start(params));
    }
    const match = ROUTE.exec(url.pathname);
    if (match) {
      const sessionId = decodeSegment(match[1]);
      const action = match[2];
      if (action === 'send' && method === 'POST') {
        const body = (await readJsonBody(req, MAX_WS_FRAME_BYTES)) as Record<string, unknown>;
        const { data } = parseParams('write', { sessionId, data: body?.data });
        bridge.write(sessionId, data);
        return sendJson(res, 200, { ok: true, session_id: sessionId, chars: data.length });
      }
      if (action === 'read' && method === 'GET') {
        const raw = url.searchParams.get('max_chars');
        const { maxChars } = parseParams('read', { sessionId, ...(raw === null ? {} : { maxChars: Number(raw) }) });
        return sendJson(res, 200, { session_id: sessionId, output: await bridge.read(sessionId, maxChars) });
      }
      if (action === 'stop' && method === 'POST') {
        await bridge.stop(sessionId);
        return sendJson(res, 200, { ok: true, session_id: sessionId });
      }
    }
    throw new LingerError('NOT_FOUND', `No API route ${method} ${url.pathname}. See the README for the REST API.`);
  } catch (err) {
    sendError(res, err);
  }
}
