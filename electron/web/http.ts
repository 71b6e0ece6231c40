/** Small HTTP helpers shared by browser mode's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LingerError, toErrorPayload, type ErrorCode } from '../contract';

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  MALFORMED_MESSAGE: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_SESSION: 404,
  UNKNOWN_PROFILE: 400,
  COMMAND_NOT_FOUND: 400,
  CWD_NOT_FOUND: 400,
  SESSION_EXITED: 409,
  NOT_RESTORED: 409,
  INPUT_BACKLOG_FULL: 429,
  MESSAGE_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SPAWN_FAILED: 500,
  SAVE_FAILED: 500,
  INTERNAL: 500,
  SHUTTING_DOWN: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Errors are JSON `{error: {code, message}}` with the status that matches the code. */
export function sendError(res: ServerResponse, err: unknown): void {
  const payload = toErrorPayload(err);
  sendJson(res, STATUS[payload.code], { error: payload });
}

/** The request's URL; a target no URL parser accepts is the client's error, not ours. */
export function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new LingerError('MALFORMED_MESSAGE', 'The request target is not a valid URL path. Send a path such as /api/pty/stats.');
  }
}

/** A percent-encoded path segment; bad encodings are the client's error. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new LingerError('MALFORMED_MESSAGE', `"${segment}" is not valid percent-encoding. Encode the path with encodeURIComponent.`);
  }
}

/** The request body as JSON (empty body = `{}`), refusing bodies over `maxBytes`. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new LingerError('MESSAGE_TOO_LARGE', `The request body is over ${maxBytes} bytes. Send less at a time.`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new LingerError('MALFORMED_MESSAGE', 'The request body is not valid JSON. Send a JSON object.');
  }
}
