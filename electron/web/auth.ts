/**
 * Browser mode's guard: a random token (like Jupyter's) on a loopback-only server. The page
 * URL carries it once; the server swaps it for an HttpOnly, SameSite=Strict cookie so assets,
 * reloads and the WebSocket work without it in the address bar.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Cookies ignore ports, so two servers on 127.0.0.1 would overwrite each other's token: each
 * server names its cookie after its port.
 */
export function tokenCookieName(port: number): string {
  return `linger_token_${port}`;
}

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

/** This server's token cookie; a cookie that is not valid percent-encoding counts as absent. */
export function cookieToken(req: IncomingMessage, port: number): string | null {
  const name = tokenCookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return null;
    }
  }
  return null;
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

export function tokenCookie(token: string, port: number): string {
  return `${tokenCookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
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
