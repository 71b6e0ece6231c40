/**
 * Where the CLI's local socket lives, and the check that makes filesystem permissions a safe
 * authentication: the folder must be ours, a real folder (not a symlink), and closed to everyone
 * else (0700) — as tmux insists for its socket folder. Anyone who can reach the socket can type
 * into every session, so a folder that fails the check is refused, never repaired or trusted.
 *
 * - `LINGER_SOCKET` set: that path (a named pipe's on Windows).
 * - else `$XDG_RUNTIME_DIR/linger/default.sock` (a per-user tmpfs on systemd systems),
 * - else `<tmp>/linger-<uid>/default.sock`.
 * - Windows: `\\.\pipe\linger-<user>`; pipes have no folder to check (untested here).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_SOCKET_NAME } from '../contract';
import { makeDirs } from '../host/startup';

export interface SocketEnv {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Any of these on the folder lets other users in; tmux refuses such a folder too. */
const GROUP_OTHER_BITS = 0o077;

export function socketPath({ env = process.env, platform = process.platform }: SocketEnv = {}): string {
  if (env.LINGER_SOCKET) return env.LINGER_SOCKET;
  if (platform === 'win32') return `\\\\.\\pipe\\linger-${os.userInfo().username}`;
  const base = env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'linger') : path.join(os.tmpdir(), `linger-${process.getuid!()}`);
  return path.join(base, LOCAL_SOCKET_NAME);
}

export function isPipePath(socket: string): boolean {
  return socket.startsWith('\\\\.\\pipe\\') || socket.startsWith('\\\\?\\pipe\\');
}

/** The socket folder is not safe to use; the message says why and what to do. */
export class UnsafeSocketDirError extends Error {
  override name = 'UnsafeSocketDirError';
}

/**
 * Checks (and with `create`, first makes) the socket's folder. Throws UnsafeSocketDirError when
 * it is not ours, not a folder, or open to others; returns false when it does not exist and
 * `create` is off (nothing can be listening there).
 */
export function checkSocketDir(socket: string, create: boolean): boolean {
  if (isPipePath(socket)) return true;
  const dir = path.dirname(socket);
  if (create) makeDirs(dir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !create) return false;
    throw err;
  }
  const uid = process.getuid!();
  if (stat.isSymbolicLink()) throw new UnsafeSocketDirError(`${dir} is a symbolic link. Remove it (Linger makes its own socket folder), or set LINGER_SOCKET to a path in a private folder.`);
  if (!stat.isDirectory()) throw new UnsafeSocketDirError(`${dir} is not a folder. Remove it, or set LINGER_SOCKET to a path in a private folder.`);
  if (stat.uid !== uid) {
    throw new UnsafeSocketDirError(
      `${dir} belongs to uid ${stat.uid}, not to you (uid ${uid}): someone else could listen there. Remove it, or set LINGER_SOCKET to a path in a folder of yours.`,
    );
  }
  if ((stat.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
    throw new UnsafeSocketDirError(`${dir} is open to other users (mode ${mode}). Run "chmod 700 ${dir}", or set LINGER_SOCKET to a path in a private folder.`);
  }
  return true;
}
