/**
 * Browser mode's guard: a random token (like Jupyter's) on a loopback-only server. The page
 * URL carries it once; the server swaps it for an HttpOnly, SameSite=Strict cookie so assets,
 * reloads and the WebSocket work without it in the address bar.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'linger_token';

/** 32 random bytes: not guessable, and short enough to paste. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Host header must name this loopback server: a page on another site that re-points its
 * own hostname at 127.0.0.1 (DNS rebinding) sends its own name here and is refused.
 */
export function isOwnHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const at = hostHeader.lastIndexOf(':');
  const host = at > 0 && !hostHeader.endsWith(']') ? hostHeader.slice(0, at) : hostHeader;
  const hostPort = at > 0 && !hostHeader.endsWith(']') ? Number(hostHeader.slice(at + 1)) : 80;
  return LOOPBACK_HOSTS.has(host) && hostPort === port;
}

/** A WebSocket may only be opened by our own page: its Origin is this server. */
export function isOwnOrigin(origin: string | undefined, hostHeader: string | undefined, port: number): boolean {
  if (!origin || !isOwnHost(hostHeader, port)) return false;
  return origin === `http://${hostHeader}`;
}
